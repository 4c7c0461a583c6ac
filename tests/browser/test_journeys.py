"""The main journey of the workspace, in a real browser: a phone contact to the Ouvidoria, answered and closed."""

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, staff_user
from tests.browser.conftest import axe_violations, screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PASSWORD = "senha-de-teste-2026"


def person(role, username, entity, **kw):
    user = staff_user(role, entities=[entity], username=username, first_name=username.title(), **kw)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page, username, device=None):
    page.goto("/entrar/")
    page.get_by_label("Usuário").fill(username)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    if device is not None:
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        page.get_by_label("Código de 6 dígitos").fill(f"{code:06d}")
        page.get_by_role("button", name="Confirmar").click()
    page.wait_for_url("**/painel/**")


def test_phone_contact_forwarded_answered_by_the_area_approved_by_the_ouvidor_and_closed(new_page):
    entity = EntityFactory.create(
        name="Seguradora Horizonte", slug="horizonte", regime="susep", state="SP", city="São Paulo"
    )
    legal = AreaFactory.create(entity=entity, name="Jurídico", email="juridico@horizonte.example")
    person("analyst", "analista", entity)
    person("area", "juridico", entity, areas=[legal])
    ouvidor = person("ombudsman", "ouvidora", entity)
    device = TOTPDevice.objects.create(user=ouvidor, name="app", confirmed=True)

    # The analyst takes a phone call: the protocol is on screen before anything is typed.
    analyst = new_page()
    sign_in(analyst, "analista")
    screenshot(analyst, "fila")
    assert axe_violations(analyst) == []
    analyst.get_by_role("link", name="Registrar contato").click()
    protocol = analyst.locator("#protocolo").inner_text().strip()
    assert protocol
    analyst.get_by_label("Instância").select_option("ouvidoria")
    analyst.get_by_label("Tipo").select_option("reclamacao")
    analyst.get_by_label("Descrição").fill("Sinistro do carro negado sem explicação; pede revisão.")
    analyst.get_by_label("CPF ou CNPJ").fill("529.982.247-25")
    analyst.get_by_role("textbox", name="Nome completo").fill("Maria da Silva")
    analyst.get_by_label("E-mail", exact=True).fill("maria@example.com")
    for item in ("CPF", "Nome da mãe", "Data de nascimento"):
        analyst.get_by_role("checkbox", name=item, exact=True).check()
    screenshot(analyst, "registro")
    assert axe_violations(analyst) == []
    analyst.get_by_role("button", name="Registrar manifestação").click()
    analyst.wait_for_url("**/painel/m/**")
    assert protocol in analyst.locator("h1").inner_text()
    m = Manifestation.objects.get()
    assert m.formatted_protocol == protocol

    # Forward to the legal area.
    analyst.get_by_text("Encaminhar a uma área interna").click()
    analyst.get_by_label("Área", exact=True).select_option(label="Jurídico")
    analyst.get_by_label("Pergunta à área").fill("A negativa do sinistro seguiu a cláusula 7?")
    analyst.get_by_role("button", name="Encaminhar", exact=True).click()
    analyst.get_by_text("Encaminhada à área Jurídico.").wait_for()

    # The area sees only what was forwarded to it, and answers.
    area = new_page()
    sign_in(area, "juridico")
    area.get_by_role("link", name=protocol).click()
    area.get_by_label("Resposta da área").fill("Não: a cláusula 7 não se aplica a este sinistro.")
    area.get_by_role("button", name="Enviar resposta à Ouvidoria").click()
    area.get_by_text("Resposta da área registrada.").wait_for()

    # The analyst drafts the answer; the Ouvidoria's answers go out only with the Ouvidor's approval.
    analyst.reload()
    analyst.get_by_text("Resposta conclusiva (para aprovação do Ouvidor)").click()
    analyst.get_by_label("Mérito proposto").select_option("contract_breach")
    analyst.get_by_label("Resposta", exact=True).fill("Revimos o caso: o sinistro será pago em 5 dias úteis.")
    analyst.get_by_role("button", name="Enviar para aprovação").click()
    analyst.get_by_text("Resposta enviada para a aprovação do Ouvidor.").wait_for()
    screenshot(analyst, "manifestacao")
    assert axe_violations(analyst) == []

    # The Ouvidor is told: the bell counts the request, the approval tab lists the case, and the exact e-mail the
    # requester will receive is shown before approving.
    chief = new_page()
    sign_in(chief, "ouvidora", device)
    assert "1" in chief.locator("a.bell").inner_text()
    chief.locator("a.bell").click()
    chief.wait_for_url("**/painel/notificacoes/**")
    assert protocol in chief.locator("main").inner_text()
    screenshot(chief, "notificacoes")
    assert axe_violations(chief) == []
    chief.goto("/painel/?tab=approval")
    chief.get_by_role("link", name=protocol).click()
    chief.wait_for_url(f"**/painel/m/{m.protocol}/**")
    chief.get_by_role("button", name="Ver o e-mail ao manifestante").click()
    preview = chief.locator("#previa-aprovar-resposta")
    preview.get_by_text("o sinistro será pago em 5 dias úteis").wait_for()
    assert "Maria" in preview.inner_text()
    screenshot(chief, "previa-email")
    assert axe_violations(chief) == []
    chief.get_by_role("button", name="Aprovar e enviar ao manifestante").click()
    chief.get_by_text("Resposta aprovada e enviada ao manifestante.").wait_for()
    m.refresh_from_db()
    assert m.status == "answered"
    assert m.merits == "upheld"
    chief.get_by_text("Encerrar (arquivar)").click()
    chief.get_by_role("button", name="Encerrar", exact=True).click()
    chief.get_by_text("Manifestação encerrada.").wait_for()
    m.refresh_from_db()
    assert m.status == "closed"
    assert "Encerrada" in chief.locator("header.card").inner_text()
    answers = [e for e in mail.outbox if "maria@example.com" in e.to]
    assert answers, "the requester gets the answer by e-mail"
    assert protocol in answers[-1].body
    assert "consumidor.gov.br" in answers[-1].body


def test_the_queue_works_on_a_tablet_without_horizontal_scrolling_of_the_page(new_page):
    entity = EntityFactory.create(slug="tablet")
    person("analyst", "tablet", entity)
    page = new_page(width=820, height=1180)
    sign_in(page, "tablet")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Pular para o conteúdo"


def test_the_queue_on_a_phone_stacks_each_case_instead_of_scrolling_sideways(new_page):
    """The first week: the staff queue scrolled sideways at 390 px."""
    from ouvidoria.cases.tests.factories import register, requester_data

    entity = EntityFactory.create(slug="celular", name="Seguradora com um nome bem comprido S.A.")
    person("analyst", "celular", entity)
    for _ in range(3):
        case = register(
            entity, instance="sac", requester=requester_data(email="joaquim.bartolomeu.fernandes.junior@example.com")
        )
    page = new_page(width=390, height=844)
    sign_in(page, "celular")
    page.goto("/painel/?tab=all")
    assert page.locator("tbody tr").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert axe_violations(page) == []
    screenshot(page, "fila-celular")
    # The case page too: a long masked e-mail in the requester's card pushed the columns past the screen.
    page.goto(f"/painel/m/{case.protocol}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_indicators_dashboard_draws_its_charts_with_tables_beside_them(new_page):
    from datetime import datetime, timedelta

    from django.utils import timezone

    from ouvidoria.cases.tests.factories import register

    entity = EntityFactory.create(name="Seguradora Aurora", slug="aurora", regime="susep", state="RJ", city="Niterói")
    for days, instance, record_type in ((1, "ouvidoria", "reclamacao"), (2, "sac", "informacao"), (3, "sac", "elogio")):
        register(entity, instance=instance, record_type=record_type, received_at=timezone.now() - timedelta(days=days))
    person("manager", "gestora", entity)

    manager = new_page()
    sign_in(manager, "gestora")
    manager.get_by_role("link", name="Indicadores").click()
    today = datetime.now().date()
    manager.get_by_label("De", exact=True).fill((today - timedelta(days=10)).isoformat())
    with manager.expect_navigation():
        manager.get_by_role("button", name="Atualizar").click()
    start = today - timedelta(days=10)
    # Dates as people write them (the first week saw "Período de 2026-12-01 a 2026-12-02"), no file path.
    shown = manager.locator("main").inner_text()
    assert f"Período de {start:%d/%m/%Y} a {today:%d/%m/%Y}" in shown
    assert "docs/" not in shown
    manager.wait_for_function("() => document.querySelectorAll('canvas[data-chart]').length === 5")
    drawn = manager.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart.getChart(c) !== undefined)"
    )
    assert drawn
    assert manager.locator(".kpis dd").first.inner_text() == "3"
    manager.get_by_text("Tabela com os dados do gráfico").first.click()
    assert manager.get_by_role("rowheader", name="Reclamação").is_visible()
    screenshot(manager, "indicadores")
    assert axe_violations(manager) == []
