"""Who must identify themselves, and with what, to register a manifestation.

Sources: seed 001 "Atendimento das Solicitações, Reclamações e Denúncias" (every ombudsman case needs the name, CPF
and contact data); seed 001 "Natureza da Demanda" and DOMAIN.md (a denúncia may be anonymous); seed 000 §4.3.1
(the citizen form asks for the full name and an e-mail).
"""

import re

from stdnum.br import cnpj, cpf

from ouvidoria.rules.errors import RuleViolation

ANONYMOUS_TYPES = frozenset({"denuncia"})


def clean_document(value: str) -> tuple[str, str]:
    """Return ``(kind, normalized)`` for a CPF (person) or CNPJ (company, numeric or alphanumeric)."""
    compact = re.sub(r"[\s./-]", "", value).upper()
    if len(compact) == 11 and compact.isdigit():
        if not cpf.is_valid(compact):
            raise RuleViolation("document", "CPF inválido: os dígitos verificadores não conferem.")
        return "person", compact
    if len(compact) == 14:
        # The alphanumeric CNPJ (IN RFB 2.229/2024) has letters in the first 12 positions; stdnum checks both.
        if not cnpj.is_valid(compact):
            raise RuleViolation("document", "CNPJ inválido: os dígitos verificadores não conferem.")
        return "company", compact
    raise RuleViolation("document", "Documento inválido: informe um CPF (11 dígitos) ou CNPJ (14 caracteres).")


def format_cnpj(value: str) -> str:
    """A CNPJ as printed (00.000.000/0000-00, the alphanumeric one included); anything else as it is."""
    compact = re.sub(r"[\s./-]", "", value).upper()
    if len(compact) != 14:
        return value
    return f"{compact[:2]}.{compact[2:5]}.{compact[5:8]}/{compact[8:12]}-{compact[12:]}"


def clean_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if digits.startswith("55") and len(digits) in (12, 13):
        digits = digits[2:]
    if len(digits) not in (10, 11):
        raise RuleViolation("phone", "Telefone inválido: informe DDD e número (10 ou 11 dígitos).")
    return digits


def check_identification(
    *,
    instance_kind: str,
    record_type: str,
    anonymous: bool,
    has_requester: bool,
    has_document: bool,
    has_name: bool,
    has_contact: bool,
) -> None:
    if anonymous:
        if record_type not in ANONYMOUS_TYPES:
            raise RuleViolation("anonymous", "Somente denúncias podem ser registradas de forma anônima.")
        if has_requester:
            raise RuleViolation("requester", "Uma denúncia anônima não pode trazer dados do manifestante.")
        return
    if not has_requester or not has_name:
        raise RuleViolation("requester.name", "Informe o nome completo do manifestante.")
    if not has_contact:
        raise RuleViolation("requester.email", "Informe um e-mail ou telefone para contato com o manifestante.")
    if instance_kind == "ombudsman" and not has_document:
        raise RuleViolation("requester.document", "A Ouvidoria exige o CPF ou CNPJ do manifestante.")


# Seed 004 "Atendimento Receptivo": "Efetuar a confirmação de 3 dados cadastrais (CPF obrigatório)" before personal
# or financial matters are discussed.
IDENTITY_DATA_REQUIRED = 3


def check_identity_confirmed(confirmed: set[str]) -> None:
    """``confirmed``: the registration data the requester confirmed (codes such as "cpf", "name", "mother_name")."""
    if "cpf" not in confirmed or len(confirmed) < IDENTITY_DATA_REQUIRED:
        raise RuleViolation(
            "identity_checks",
            "Antes de tratar de dados pessoais ou financeiros, confirme três dados, sendo o CPF obrigatório.",
        )
