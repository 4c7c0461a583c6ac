"""The case page labels what holds personal data, from the classification table (rules/classification.py)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user

pytestmark = pytest.mark.django_db

PERSONAL = '<span class="badge class-pessoal" title="Dado pessoal: LGPD art. 5 I">Dado pessoal</span>'
SENSITIVE = (
    '<span class="badge class-sensivel" title="Dado pessoal sensível: LGPD art. 5 II: acesso restrito e registrado">'
    "Dado pessoal sensível</span>"
)


def _section(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</section>", start)]


@pytest.fixture
def case():
    entity = EntityFactory.create()
    analyst = staff_user("analyst", entities=[entity])
    m = register(entity, instance="sac")
    services.manifestation_attach(m, upload=SimpleUploadedFile("laudo.txt", b"laudo", "text/plain"), actor=analyst)
    return entity, analyst, m


def test_the_requester_box_and_each_attachment_carry_their_label(case):
    _, analyst, m = case
    page = signed_in(analyst).get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert PERSONAL in _section(page, 'id="manifestante"')
    attachments = _section(page, "<h2>Anexos</h2>")
    assert re.search(r"laudo\.txt</a> <span class=\"muted\">\([^)]*\)</span> " + re.escape(SENSITIVE), attachments)
    assert SENSITIVE in _section(page, "<h2>Descrição")


def test_no_label_on_the_requester_box_for_a_role_that_reads_no_identity(case):
    entity, _, m = case
    page = signed_in(staff_user("manager", entities=[entity])).get(reverse("workspace:case", args=[m.protocol]))
    text = page.content.decode()
    assert "Dado pessoal</span>" not in _section(text, 'id="manifestante"')
    assert "<h2>Anexos</h2>" not in text  # a manager reads no documents
