"""Reply templates' placeholders and the final-answer footer (seed 000 §4.3.1, §4.3.3)."""

import pytest

from ouvidoria.rules.answers import CONSUMIDOR_GOV_URL, final_answer_footer, placeholders_in, render_placeholders
from ouvidoria.rules.errors import RuleViolation

VALUES = {"protocolo": "2026-0001234-5", "nome": "Maria", "prazo": "07/12/2026"}


def test_known_placeholders_are_filled():
    text = "Olá, {nome}. Seu protocolo é {protocolo}; responderemos até {prazo}. Protocolo: {protocolo}."
    assert render_placeholders(text, VALUES) == (
        "Olá, Maria. Seu protocolo é 2026-0001234-5; responderemos até 07/12/2026. Protocolo: 2026-0001234-5."
    )


def test_unknown_placeholder_is_refused_by_name():
    with pytest.raises(RuleViolation) as exc:
        render_placeholders("Olá, {cliente}.", VALUES)
    assert "{cliente}" in exc.value.message
    assert "{protocolo}" in exc.value.message  # the message lists the ones that exist
    assert exc.value.field == "body"


def test_known_placeholder_without_a_value_is_refused_by_name():
    with pytest.raises(RuleViolation) as exc:
        render_placeholders("Recebida em {data_recebimento}.", VALUES)
    assert "{data_recebimento}" in exc.value.message


def test_text_without_placeholders_is_unchanged_and_values_are_not_reinterpreted():
    assert render_placeholders("Sem campos.", VALUES) == "Sem campos."
    assert render_placeholders("{nome}", {"nome": "{prazo}"}) == "{prazo}"
    assert placeholders_in("{a} {b} {a}") == ["a", "b"]


def test_every_footer_cites_the_protocol_and_consumidor_gov_br():
    for kind in ("first_instance", "ombudsman", "opin"):
        footer = final_answer_footer(protocol="2026-0001234-5", instance_kind=kind)
        assert "2026-0001234-5" in footer
        assert CONSUMIDOR_GOV_URL in footer


def test_first_instance_footer_points_to_the_ouvidoria():
    assert "Ouvidoria" in final_answer_footer(protocol="1", instance_kind="first_instance")
    assert "Ouvidoria" not in final_answer_footer(protocol="1", instance_kind="ombudsman")
    assert "novo chamado" in final_answer_footer(protocol="1", instance_kind="opin")
