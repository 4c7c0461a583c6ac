"""The data subject's request in a real browser at phone width: the form, then the export downloaded from the
look-up page once the analyst released it."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, staff_user
from ouvidoria.rights import selectors, services
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PHONE = {"width": 390, "height": 844}


def test_the_citizen_asks_for_their_data_and_downloads_it_from_the_lookup_on_a_phone(new_page):
    EntityFactory.create(slug="horizonte", name="Seguradora Horizonte", regime="susep")
    page = new_page(**PHONE)
    page.goto("/atendimento/horizonte/")
    page.get_by_role("link", name="Exercer meus direitos sobre dados pessoais (LGPD)").click()
    page.get_by_label("Nome completo").fill("Joana Souza")
    page.get_by_label("CPF", exact=True).fill("529.982.247-25")
    page.get_by_label("E-mail").fill("joana@example.com")
    page.get_by_label("Receber uma cópia de todos os meus dados").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.locator(".chat-button").count() == 0  # nothing floats over the fields on a phone
    assert axe_violations(page) == []
    page.get_by_role("button", name="Enviar pedido").click()
    m = Manifestation.objects.get(policy_id="lgpd-titular")
    assert m.formatted_protocol in page.content()

    analyst = staff_user("analyst", entities=[m.entity])
    person = selectors.person_find(analyst, m)
    doc = services.document_generate(person, selectors.rights_request_of(m), kind="export", actor=analyst)
    services.document_release(doc, actor=analyst)

    page.goto(f"/acompanhar/?protocolo={m.formatted_protocol}")
    page.get_by_label("E-mail ou CPF informado na manifestação").fill("joana@example.com")
    page.get_by_role("button", name="Consultar").click()
    link = page.get_by_role("link", name="Cópia dos dados (ZIP)")
    assert axe_violations(page) == []
    with page.expect_download() as info:
        link.click()
    data = json.loads(zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes())).read("data.json"))
    assert data["request"] == m.formatted_protocol
