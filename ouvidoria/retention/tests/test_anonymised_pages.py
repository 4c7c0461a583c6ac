"""An anonymised case everywhere it is read: the workspace's case page and queue exports, the API, the dossier and
the portal; none of them fails on the empty description and requester, and the pages say why they are empty."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from rest_framework.test import APIClient

from ouvidoria.api.models import ApiToken
from ouvidoria.cases.tests.factories import EntityFactory, signed_in, staff_user
from ouvidoria.dossier import credentials
from ouvidoria.portal.views import SESSION_CASES
from ouvidoria.retention.anonymise import anonymise_case
from ouvidoria.retention.tests.test_anonymise import full_case

pytestmark = pytest.mark.django_db
NOTE = "Dados pessoais anonimizados em"


@pytest.fixture
def anonymised(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "entidade.pfx"
    path.write_bytes(credentials.development_pkcs12("Entidade de Teste S.A.:12345678000195", password=b"segredo"))
    settings.OUVIDORIA_DOSSIER_PKCS12 = str(path)
    settings.OUVIDORIA_DOSSIER_PKCS12_PASSWORD = "segredo"
    entity = EntityFactory.create(slug="zeta", name="Consórcio Zeta", cnpj="12345678000195")
    m = full_case(entity)
    anonymise_case(m, actor_label="rotina de retenção", reason="anonimização após 5 anos", today=date(2026, 3, 10))
    m.refresh_from_db()
    return m


def test_the_workspace_shows_the_case_with_the_note_and_no_personal_data(anonymised):
    client = signed_in(staff_user("ombudsman", entities=[anonymised.entity]))
    page = client.get(reverse("workspace:case", args=[anonymised.protocol]))
    assert page.status_code == 200
    text = page.content.decode()
    day = anonymised.anonymised_at.astimezone().strftime("%d/%m/%Y")
    assert f"{NOTE} {day} (retenção de 5 anos)" in text
    assert "Maria" not in text
    assert "529.982.247-25" not in text
    full = client.post(reverse("workspace:case_personal_data", args=[anonymised.protocol]))
    assert full.status_code == 200
    assert "Maria" not in full.content.decode()


def test_the_queue_exports_list_it_without_identity(anonymised):
    client = signed_in(staff_user("ombudsman", entities=[anonymised.entity]))
    csv = client.get(reverse("workspace:queue_export", args=["csv"]), {"tab": "all"})
    assert csv.status_code == 200
    body = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    assert anonymised.formatted_protocol in body
    assert "Maria" not in body
    xlsx = client.get(reverse("workspace:queue_export", args=["xlsx"]), {"tab": "all"})
    assert xlsx.status_code == 200
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    cells = {str(c) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in row}
    assert anonymised.formatted_protocol in cells
    assert not any("Maria" in c for c in cells)


def test_the_api_returns_the_case_with_empty_identity(anonymised):
    _, key = ApiToken.issue(name="crm", entities=[anonymised.entity])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(f"/api/v1/manifestations/{anonymised.protocol}/")
    assert response.status_code == 200, response.content
    assert "Maria" not in response.content.decode()
    assert response.json()["anonymised_at"] is not None


def test_the_dossier_is_signed_without_personal_data(anonymised):
    client = signed_in(staff_user("ombudsman", entities=[anonymised.entity]))
    response = client.post(reverse("dossier:download", args=[anonymised.protocol]), {"completo": "1"})
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert anonymised.formatted_protocol in text
    assert "Maria" not in text
    assert NOTE in text


def test_the_portal_finds_it_no_more_and_a_remembered_session_sees_the_note(anonymised, client):
    refused = client.post(
        reverse("portal:lookup"), {"protocol": anonymised.formatted_protocol, "contact": "maria.souza@example.com"}
    )
    assert refused.status_code == 400
    session = client.session
    session[SESSION_CASES] = [anonymised.protocol]
    session.save()
    page = client.get(reverse("portal:case", args=[anonymised.protocol]))
    assert page.status_code == 200
    text = page.content.decode()
    assert NOTE in text
    assert "Maria" not in text
