import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from ouvidoria.api.models import ApiToken
from ouvidoria.cases.models import Attachment
from ouvidoria.cases.tests.factories import EntityFactory, register

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 1024


@pytest.fixture
def entity():
    return EntityFactory(slug="anexos")


@pytest.fixture
def client(entity):
    _, key = ApiToken.issue(name="portal", entities=[entity])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def upload(client, protocol, name, content):
    return client.post(
        f"/api/v1/manifestations/{protocol}/attachments/",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        format="multipart",
    )


def test_pdf_is_stored_outside_the_web_root_and_served_only_as_download(client, entity, tmp_path):
    m = register(entity)
    response = upload(client, m.protocol, "../../etc/comprovante final.pdf", PDF)
    assert response.status_code == 200, response.data
    stored = Attachment.objects.get()
    assert stored.content_type == "application/pdf"
    assert stored.original_name == "comprovante_final.pdf"
    assert str(tmp_path) in stored.file.path
    assert "comprovante" not in stored.file.name  # random name on disk
    assert m.events.filter(kind="attachment").count() == 1
    download = client.get(f"/api/v1/manifestations/{m.protocol}/attachments/{stored.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_type_is_judged_on_content_not_on_the_name(client, entity):
    m = register(entity)
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
    response = upload(client, m.protocol, "recibo.pdf", executable)
    assert response.status_code == 400
    assert "Tipo de arquivo não aceito" in str(response.data["file"])
    assert upload(client, m.protocol, "grande.pdf", PDF + b"x" * 2000).status_code == 400
    assert upload(client, m.protocol, "vazio.txt", b"").status_code == 400
    assert Attachment.objects.count() == 0


def test_another_entitys_attachment_is_not_found(client):
    theirs = register(EntityFactory(slug="outra"))
    attachment = Attachment.objects.create(
        manifestation=theirs, token="t", original_name="x.pdf", content_type="application/pdf", size=1, sha256="0"
    )
    assert client.get(f"/api/v1/manifestations/{theirs.protocol}/attachments/{attachment.pk}/").status_code == 404


def test_no_personal_data_in_logs(client, settings, caplog):
    settings.DEBUG = True  # the database backend logs every statement with its parameters
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    caplog.set_level(logging.DEBUG, logger="django.request")
    body = {
        "entity": "anexos",
        "instance": "ouvidoria",
        "medium": "email",
        "record_type": "reclamacao",
        "description": "Cobrança indevida.",
        "requester": {
            "document": "390.533.447-05",
            "name": "Fulana de Tal Sobrenome",
            "email": "fulana.tal@example.com",
            "phone": "(21) 98765-4321",
        },
    }
    assert client.post("/api/v1/manifestations/", body, format="json").status_code == 201
    bad = dict(body, requester=dict(body["requester"], state="ZZ"))
    assert client.post("/api/v1/manifestations/", bad, format="json").status_code == 400
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "INSERT" in logged  # the statements were logged…
    for secret in ("39053344705", "Fulana", "fulana.tal@example.com", "21987654321"):
        assert secret not in logged  # …but never the personal data in them
