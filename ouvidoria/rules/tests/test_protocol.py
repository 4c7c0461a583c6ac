"""Protocol numbers: year + 7-digit serial + Damm check digit."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.protocol import (
    format_protocol,
    is_valid_protocol,
    make_protocol,
    normalize_protocol,
    parse_protocol,
)

# The Damm operation table (H. M. Damm, 2004), to check the library's digit independently.
DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

PROTOCOLS = st.builds(make_protocol, st.integers(1990, 2100), st.integers(1, 10**10))
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)


def _damm(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = DAMM_TABLE[interim][int(digit)]
    return interim


def test_make_protocol_appends_the_damm_digit():
    # By hand through the table: 2->1, 0->7, 2->4, 6->5, 0->3, 0->1, 0->7, 1->9, 2->8, 3->8, 4->6.
    assert make_protocol(2026, 1234) == "202600012346"
    assert _damm("202600012346") == 0


def test_serial_grows_past_seven_digits():
    protocol = make_protocol(2026, 12_345_678)
    assert protocol[:12] == "202612345678"
    assert parse_protocol(protocol) == (2026, 12_345_678)


def test_format_protocol_for_reading_out():
    assert format_protocol("202600012346") == "2026-0001234-6"
    assert format_protocol("2026 0001234 6") == "2026-0001234-6"


def test_format_leaves_an_invalid_text_unchanged():
    assert format_protocol("LEGADO-123") == "LEGADO-123"


def test_normalize_strips_spaces_dots_dashes_and_slashes():
    assert normalize_protocol(" 2026.0001234/6 ") == "202600012346"
    assert normalize_protocol("2026-0001234-6") == "202600012346"
    assert normalize_protocol("2026\u20130001234\u20136") == "202600012346"  # en dashes pasted from a document


def test_parse_accepts_the_usual_spellings():
    for text in ("202600012346", "2026-0001234-6", "2026.0001234.6", "2026/0001234-6", " 2026 0001234 6 "):
        assert parse_protocol(text) == (2026, 1234)
        assert is_valid_protocol(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Informe o número do protocolo"),
        ("2026-ABC1234-6", "apenas números"),
        ("2026-12345-6", "incompleto"),
        ("2026-0001234-7", "confira os dígitos"),
    ],
)
def test_parse_refuses_invalid_protocols_in_portuguese(text, message):
    with pytest.raises(RuleViolation, match=message) as error:
        parse_protocol(text)
    assert error.value.field == "protocol"
    assert not is_valid_protocol(text)


def test_parse_refuses_a_valid_check_digit_out_of_range():
    # Damm-valid bodies that are not protocols: year 1980, serial 0, extra padding of the serial.
    for body in ("19800001234", "20260000000", "202600001234"):
        text = body + str(_damm(body))
        assert not is_valid_protocol(text), text


def test_make_protocol_refuses_bad_input():
    with pytest.raises(ValueError, match="Ano"):
        make_protocol(1800, 1)
    with pytest.raises(ValueError, match="sequencial"):
        make_protocol(2026, 0)


def _single_substitutions(protocol: str):
    for position, digit in enumerate(protocol):
        for replacement in "0123456789":
            if replacement != digit:
                yield protocol[:position] + replacement + protocol[position + 1 :]


def _adjacent_transpositions(protocol: str):
    for position in range(len(protocol) - 1):
        a, b = protocol[position], protocol[position + 1]
        if a != b:
            yield protocol[:position] + b + a + protocol[position + 2 :]


@pytest.mark.parametrize(
    "protocol", [make_protocol(2026, 1), make_protocol(2025, 9_876_543), make_protocol(2100, 10**9)]
)
def test_every_single_digit_error_and_adjacent_transposition_is_rejected(protocol):
    assert is_valid_protocol(protocol)
    wrong = [*_single_substitutions(protocol), *_adjacent_transpositions(protocol)]
    assert len(wrong) > 9 * len(protocol)
    assert not any(is_valid_protocol(text) for text in wrong)


@PROPERTY_SETTINGS
@given(protocol=PROTOCOLS)
def test_typing_errors_are_always_caught(protocol):
    assert _damm(protocol) == 0
    for text in (*_single_substitutions(protocol), *_adjacent_transpositions(protocol)):
        assert not is_valid_protocol(text), text


@PROPERTY_SETTINGS
@given(year=st.integers(1990, 2100), serial=st.integers(1, 10**10))
def test_protocol_round_trip(year, serial):
    protocol = make_protocol(year, serial)
    assert parse_protocol(protocol) == (year, serial)
    assert parse_protocol(format_protocol(protocol)) == (year, serial)
    assert normalize_protocol(format_protocol(protocol)) == protocol
