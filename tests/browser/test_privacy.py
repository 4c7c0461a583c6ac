"""Personal data in a real browser: a citizen asks for a confidential name on a phone, the manager and the auditor
see "Nome sob sigilo", the Ouvidor's team sees the person, and the auditor finds every read on its screen."""

import pytest

from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_journeys import person, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PHONE = {"width": 390, "height": 844}


def no_horizontal_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_confidential_name_asked_on_the_portal_reaches_only_whoever_answers_and_every_read_is_audited(new_page):
    entity = EntityFactory.create(slug="vitalis", name="Vitalis Saúde", regime="ans", state="SP", city="Campinas")
    person("analyst", "analista", entity)
    person("manager", "gestora", entity)
    person("auditor", "auditora", entity)

    citizen = new_page(**PHONE)
    citizen.goto("/atendimento/vitalis/ouvidoria/")
    citizen.get_by_label("Nome completo").fill("Quitéria Valadares")
    citizen.get_by_label("E-mail").fill("quiteria@example.com")
    citizen.get_by_label("CPF ou CNPJ").fill("529.982.247-25")
    citizen.get_by_label("Telefone com DDD").fill("(19) 98765-4321")
    citizen.get_by_label("Endereço para correspondência (opcional)").fill("Rua das Acácias, 12, Campinas")
    citizen.get_by_label("Tipo de manifestação").select_option("reclamacao")
    citizen.get_by_label("Descreva sua manifestação").fill("Reembolso negado. Sou a Quitéria, cliente há 10 anos.")
    citizen.get_by_label("Quero que meu nome seja mantido em sigilo").check()
    assert no_horizontal_scroll(citizen)
    assert axe_violations(citizen) == []
    citizen.get_by_role("button", name="Enviar").click()
    citizen.locator("#protocolo").wait_for()
    m = Manifestation.objects.get()
    assert m.name_confidential
    assert str(m.requester.address) == "Rua das Acácias, 12, Campinas"

    # The manager supervises the case without ever seeing who complained, not even in the description.
    manager = new_page()
    sign_in(manager, "gestora")
    manager.goto(f"/painel/m/{m.protocol}/")
    card = manager.locator("#manifestante").inner_text()
    assert "Nome sob sigilo" in card
    text = manager.locator("main").inner_text()
    assert "Quitéria" not in text
    assert "529" not in text
    assert "Reembolso negado. Sou a [dado pessoal omitido]" in text
    assert axe_violations(manager) == []
    screenshot(manager, "manifestacao-gestor")

    # The analyst answers the case: the name to greet her, the rest on request, each read recorded.
    analyst = new_page(**PHONE)
    sign_in(analyst, "analista")
    analyst.goto(f"/painel/m/{m.protocol}/")
    assert "Quitéria Valadares" in analyst.locator("#manifestante").inner_text()
    analyst.get_by_role("button", name="Ver dados completos (acesso registrado)").click()
    analyst.get_by_text("Este acesso aos dados pessoais foi registrado.").wait_for()
    assert analyst.get_by_role("link", name="quiteria@example.com").get_attribute("href") == (
        "mailto:quiteria@example.com"
    )
    assert "Rua das Acácias, 12, Campinas" in analyst.locator("#manifestante").inner_text()

    # The auditor finds the two reads on its screen, at laptop and phone width.
    for size in ({}, PHONE):
        auditor = new_page(**size)
        sign_in(auditor, "auditora")
        auditor.get_by_role("link", name="Auditoria").click()
        auditor.wait_for_url("**/painel/auditoria/acessos/")
        auditor.get_by_role("heading", name="Acessos a dados pessoais").wait_for()
        rows = auditor.locator("tbody tr")
        assert rows.count() == 2
        table = auditor.locator("tbody").inner_text()
        assert "analista" in table
        assert "Dados completos (a pedido)" in table
        assert "nome, CPF/CNPJ, e-mail, telefone, endereço" in table
        assert no_horizontal_scroll(auditor)
        assert axe_violations(auditor) == []
        screenshot(auditor, "auditoria-acessos" if not size else "auditoria-acessos-celular")
