"""Answers to the requester: placeholders of reply templates and the footer every final answer carries.

Sources: seed 001 "Atendimento das Solicitações, Reclamações e Denúncias" (recurring demands may be answered with
answers the Ouvidoria already has); seed 000 §4.3.1 (the final answer tells the requester that, if the demand was not
solved, they may open a new ticket citing the current one) and §4.3.3 (at any stage the requester is told how to
reach consumidor.gov.br, with the link).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ouvidoria.rules.errors import RuleViolation

CONSUMIDOR_GOV_URL = "https://www.consumidor.gov.br"

# The placeholders a template may use, with what each becomes (shown to whoever writes templates).
PLACEHOLDERS: dict[str, str] = {
    "protocolo": "número de protocolo da manifestação (ex.: 2026-0001234-5)",
    "nome": "nome do manifestante (o nome social, quando informado)",
    "prazo": "prazo de resposta (dd/mm/aaaa)",
    "entidade": "nome da entidade",
    "data_recebimento": "data de recebimento da manifestação (dd/mm/aaaa)",
}

_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
# A template's fill-in instruction, "[confirmar data com o Financeiro]": words between square brackets.
_FILL_IN = re.compile(r"\[[^\[\]\n]*[A-Za-zÀ-ÿ]{3,}[^\[\]\n]*\]")


def placeholders_in(text: str) -> list[str]:
    """The placeholder names used in ``text``, in order of first use."""
    return list(dict.fromkeys(_PLACEHOLDER.findall(text)))


def render_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Fill ``{placeholder}``s with ``values``; an unknown placeholder or one without a value is an error."""
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for name in placeholders_in(text):
        if name not in PLACEHOLDERS:
            raise RuleViolation("body", f"Campo desconhecido no modelo: {{{name}}}. Campos disponíveis: {known}.")
        if name not in values:
            raise RuleViolation("body", f"Não há valor para o campo {{{name}}} nesta manifestação.")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def check_filled(text: str, field: str = "body") -> None:
    """Refuse text for the requester that still holds a template's fill-in ("[informe o motivo]") or placeholder: it
    would reach them verbatim (an Ouvidor approved "[confirmar data com o Financeiro]" once)."""
    left = _FILL_IN.findall(text) + [f"{{{name}}}" for name in placeholders_in(text)]
    if left:
        listed = "; ".join(f"“{item}”" for item in dict.fromkeys(left))
        raise RuleViolation(field, f"Complete o texto antes de enviar: ainda há trecho a preencher — {listed}.")


_GREETING = re.compile(
    r"^\s*(ol[áa]|oi|prezad[oa]s?|car[oa]s?|bom dia|boa tarde|boa noite|senhor|senhora|sr\.|sra\.)\b", re.I
)
_SIGN_OFF = re.compile(
    r"(atenciosamente|cordialmente|respeitosamente|abraços|saudações)[^\n]*(\n[^\n]*){0,3}\s*$", re.I
)


def courtesies(text: str) -> tuple[str, str, str]:
    """``(greeting, core, sign_off)`` of a text written for the requester: the opening line when it greets ("Olá,
    Vanessa."), the closing lines when they sign off ("Atenciosamente, …"), "" where there is none. The e-mail around
    it then greets and signs off once, not twice."""
    greeting, core, sign_off = "", text.strip(), ""
    if _GREETING.match(core):
        greeting, _, core = core.partition("\n")
        greeting, core = greeting.strip(), core.strip()
    found = _SIGN_OFF.search(core)
    if found:
        core, sign_off = core[: found.start()].strip(), found.group(0).strip()
    return greeting, core, sign_off


def final_answer_footer(*, protocol: str, instance_kind: str) -> str:
    """The closing paragraph of every final answer sent to the requester.

    ``instance_kind`` is where the case was handled: a first-instance case points to the Ouvidoria, the next
    instance (seed 001 "Canais de Atendimentos Ouvidoria"); an OPIN Service Desk ticket asks for a new ticket
    referencing this one (seed 000 §4.3.1); an Ouvidoria case, for a new manifestation citing the protocol.
    consumidor.gov.br is offered in every case (seed 000 §4.3.3).
    """
    if instance_kind == "first_instance":
        new_case = (
            "Se você não ficou satisfeito(a) com esta resposta, pode registrar uma nova manifestação na nossa "
            f"Ouvidoria, informando o protocolo {protocol}."
        )
    elif instance_kind == "opin":
        new_case = (
            "Se a sua solicitação não foi solucionada com esta resposta, você pode abrir um novo chamado e, no "
            f"formulário, informar o protocolo {protocol} para mantermos o histórico do atendimento."
        )
    else:
        new_case = (
            "Se você não ficou satisfeito(a) com esta resposta, pode registrar uma nova manifestação citando o "
            f"protocolo {protocol}."
        )
    return (
        f"{new_case}\n\n"
        "A qualquer momento, você também pode registrar sua reclamação no Consumidor.gov.br, serviço público e "
        f"gratuito de solução de conflitos de consumo: {CONSUMIDOR_GOV_URL}"
    )
