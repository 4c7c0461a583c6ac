"""Protocol numbers: year, serial and a Damm check digit.

Every manifestation gets a protocol number to quote (seed 001 'Atendimento das Solicitações, Reclamações e
Denúncias'; seed 002 art. 3 V). Stored as digits only: 4-digit year + serial zero-padded to at least 7
digits + 1 check digit computed with the Damm algorithm, which catches every single-digit error and every
transposition of adjacent digits, the two usual mistakes when a number is read out over the phone. Shown as
``2026-0001234-5``.
"""

from __future__ import annotations

import re

from stdnum import damm

from ouvidoria.rules.errors import RuleViolation

MIN_YEAR = 1990
MAX_YEAR = 2100
SERIAL_MIN_DIGITS = 7
_MIN_LENGTH = 4 + SERIAL_MIN_DIGITS + 1

# What people put between the groups when they write or paste a number: whitespace, dots, slashes, dashes.
_SEPARATORS = frozenset(".-/\u2010\u2011\u2012\u2013\u2014\u2212")

_EXAMPLE = "2026-0001234-5"


def make_protocol(year: int, serial: int) -> str:
    """The protocol number (digits only) of the ``serial``-th manifestation of ``year``."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"Ano de protocolo fora do intervalo {MIN_YEAR}–{MAX_YEAR}: {year}.")
    if serial < 1:
        raise ValueError(f"O número sequencial do protocolo deve ser positivo: {serial}.")
    body = f"{year:04d}{serial:0{SERIAL_MIN_DIGITS}d}"
    return body + damm.calc_check_digit(body)


def normalize_protocol(text: str) -> str:
    """``text`` without spaces, dots, dashes and slashes (no validation)."""
    return "".join(c for c in text if not c.isspace() and c not in _SEPARATORS)


def parse_protocol(text: str) -> tuple[int, int]:
    """(year, serial) of a protocol number typed in any usual form; RuleViolation if it is not valid."""
    digits = normalize_protocol(text)
    if not digits:
        raise RuleViolation("protocol", f"Informe o número do protocolo (ex.: {_EXAMPLE}).")
    if not (digits.isascii() and digits.isdigit()):
        raise RuleViolation("protocol", f"O protocolo deve conter apenas números (ex.: {_EXAMPLE}).")
    if len(digits) < _MIN_LENGTH:
        raise RuleViolation(
            "protocol",
            f"O protocolo está incompleto: são pelo menos {_MIN_LENGTH} dígitos (ex.: {_EXAMPLE}).",
        )
    if not damm.is_valid(digits):
        raise RuleViolation("protocol", "Número de protocolo inválido: confira os dígitos informados.")
    year, serial_digits = int(digits[:4]), digits[4:-1]
    serial = int(serial_digits)
    # One spelling per protocol: the serial has no padding beyond 7 digits.
    canonical = len(serial_digits) == SERIAL_MIN_DIGITS or not serial_digits.startswith("0")
    if not (MIN_YEAR <= year <= MAX_YEAR and serial >= 1 and canonical):
        raise RuleViolation("protocol", "Número de protocolo inválido: confira os dígitos informados.")
    return year, serial


def is_valid_protocol(text: str) -> bool:
    try:
        parse_protocol(text)
    except RuleViolation:
        return False
    return True


def looks_like_protocol(text: str) -> bool:
    """Is ``text`` written in our protocol's shape (year, serial, check digit), whether or not its digit checks? Such
    a number is ours to find, never another system's reference."""
    return bool(re.fullmatch(r"(19|20)\d{2}\d{7,}\d", normalize_protocol(text)))


def format_protocol(protocol: str) -> str:
    """``2026-0001234-5``: year, serial and check digit, for reading out.

    Display only: a text that is not a valid protocol (a number imported from an older system) comes back
    unchanged rather than breaking the page that shows it; validate with ``parse_protocol``.
    """
    if not is_valid_protocol(protocol):
        return protocol
    digits = normalize_protocol(protocol)
    return f"{digits[:4]}-{digits[4:-1]}-{digits[-1]}"
