"""The citizen's journeys in a real browser, phone-sized: Fale Conosco, look-up, complement, evaluation, the
virtual assistant with the Ouvidoria contact shown only to someone with an earlier protocol."""

import re

import pytest

from ouvidoria.cases import services
from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory
from ouvidoria.faq.services import faq_articles_load
from tests.browser.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def insurer():
    faq_articles_load()
    return EntityFactory.create(
        slug="horizonte",
        name="Seguradora Horizonte",
        regime="susep",
        opin_participant=True,
        sac_phone="0800 111 2222",
        sac_hours="Segunda a sexta, 8h às 20h",
        ombudsman_phone="0800 999 8888",
        ombudsman_email="ouvidoria@horizonte.example",
    )


def no_horizontal_scroll(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_fale_conosco_protocol_lookup_complement_and_evaluation_on_a_phone(new_page, insurer):
    page = new_page(**PHONE)
    page.goto("/atendimento/horizonte/")
    assert no_horizontal_scroll(page)
    assert axe_violations(page) == []
    screenshot(page, "portal-entidade")
    page.get_by_role("link", name="Fale conosco pelo formulário").click()
    page.get_by_label("Nome completo").fill("Joana Souza")
    page.get_by_label("Nome social (opcional)").fill("Jo Souza")
    page.get_by_label("E-mail").fill("joana@example.com")
    page.get_by_label("Tipo de manifestação").select_option("reclamacao")
    page.get_by_label("Descreva sua manifestação").fill("Meu sinistro foi negado sem explicação.")
    assert axe_violations(page) == []
    screenshot(page, "portal-fale-conosco")
    page.get_by_role("button", name="Enviar").click()
    protocol = page.locator("#protocolo").inner_text().strip()
    assert re.fullmatch(r"\d{4}-\d{7}-\d", protocol)
    assert Manifestation.objects.get().formatted_protocol == protocol
    screenshot(page, "portal-recebida")

    # Another visit, another device: look it up with the protocol and the e-mail.
    other = new_page(**PHONE)
    other.goto("/acompanhar/")
    other.get_by_label("Número de protocolo").fill(protocol)
    other.get_by_label("E-mail ou CPF informado na manifestação").fill("outra@example.com")
    other.get_by_role("button", name="Consultar").click()
    assert other.get_by_text("Não encontramos uma manifestação com esse protocolo").is_visible()
    other.get_by_label("E-mail ou CPF informado na manifestação").fill("joana@example.com")
    other.get_by_role("button", name="Consultar").click()
    assert other.get_by_text("Olá, Jo Souza.").is_visible()
    other.get_by_label("Complemento").fill("O número do sinistro é 4455.")
    other.get_by_role("button", name="Enviar complemento").click()
    other.get_by_text("Complemento recebido. Obrigado.").wait_for()

    m = Manifestation.objects.get()
    services.manifestation_answer(m, body="Revimos o caso e o sinistro será pago.", actor=None)
    services.manifestation_close(m, actor=None)
    other.reload()
    assert other.get_by_text("Revimos o caso e o sinistro será pago.").is_visible()
    assert axe_violations(other) == []
    screenshot(other, "portal-acompanhar")
    other.get_by_role("radio", name="Não").check()
    other.get_by_role("radio", name="2", exact=True).check()
    other.get_by_role("button", name="Enviar avaliação").click()
    other.get_by_text("Avaliação registrada").wait_for()
    m.refresh_from_db()
    assert (m.resolved, m.rating) == (False, 2)
    link = other.get_by_role("link", name="Abrir nova manifestação citando este protocolo")
    assert f"protocolo={m.protocol}" in link.get_attribute("href")
    link.click()
    assert other.get_by_label("Protocolo do atendimento anterior (SAC ou central)").input_value() == m.protocol


def test_the_assistant_answers_and_shows_the_ouvidoria_only_with_an_earlier_protocol(new_page, insurer):
    page = new_page(**PHONE)
    page.goto("/atendimento/horizonte/")
    page.get_by_role("link", name="Assistente virtual").first.click()
    assert page.get_by_text("O protocolo desta conversa é").is_visible()
    page.get_by_label("Sua pergunta").fill("como faço pra cancelar o consentimento q dei")
    page.get_by_role("button", name="Enviar").click()
    page.get_by_text("Encontrou o que procurava?").last.wait_for()
    assert axe_violations(page) == []
    screenshot(page, "portal-assistente")
    page.get_by_role("button", name="Não", exact=True).click()
    page.get_by_role("button", name="Reclamação").click()
    page.get_by_role("button", name="Seguradora Horizonte").click()
    page.get_by_role("button", name="É meu primeiro contato").click()
    page.get_by_text("0800 111 2222").wait_for()
    assert page.get_by_text("0800 999 8888").count() == 0

    page.get_by_role("button", name="(i) Como posso ajudar?").click()
    page.get_by_role("button", name="Reclamação").click()
    page.get_by_role("button", name="Seguradora Horizonte").click()
    page.get_by_role("button", name="Já tenho protocolo").click()
    page.get_by_label("Número do protocolo").fill("2026-0000001-2")
    page.get_by_role("button", name="Enviar").click()
    page.get_by_text("Ouvidoria: 0800 999 8888", exact=False).wait_for()
    assert page.get_by_role("link", name="Formulário da Ouvidoria de Seguradora Horizonte").is_visible()

    assert page.get_by_label("Sua pergunta").is_visible()  # the protocol step is over
    assert no_horizontal_scroll(page)


def test_the_faq_search_highlights_what_matched_and_offers_a_manifestation_when_nothing_fits(new_page, insurer):
    page = new_page(**PHONE)
    page.goto("/perguntas-frequentes/?entidade=horizonte")
    page.get_by_label("Buscar uma dúvida").fill("revogar consentimento")
    page.get_by_role("button", name="Buscar").click()
    page.get_by_role("link", name="Como revogo (cancelo) o consentimento que dei?").first.wait_for()
    assert page.locator(".faq-results mark").count() >= 1
    assert no_horizontal_scroll(page)
    screenshot(page, "portal-faq")
    assert axe_violations(page) == []
    page.get_by_label("Buscar uma dúvida").fill("receita de bolo de cenoura")
    page.get_by_role("button", name="Buscar").click()
    page.get_by_text("Nenhum artigo responde a essa pergunta").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Registre uma manifestação").click()
    page.wait_for_url("**/atendimento/horizonte/fale-conosco/")
