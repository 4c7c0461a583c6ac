"""The signed case dossier: what it holds for each role, its PAdES signature, and the verification of a copy."""

import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, register, signed_in, staff_user
from ouvidoria.dossier import credentials
from ouvidoria.dossier.services import dossier_verify

pytestmark = pytest.mark.django_db

CPF = "529.982.247-25"
EMAIL = "quiteria.valadares@exemplo.com.br"


@pytest.fixture(autouse=True)
def entity_certificate(settings, tmp_path):
    """The entity's certificate in tests: a self-signed one made with ``cryptography``, behind a password."""
    path = tmp_path / "entidade.pfx"
    path.write_bytes(credentials.development_pkcs12("Entidade de Teste S.A.:12345678000195", password=b"segredo"))
    settings.OUVIDORIA_DOSSIER_PKCS12 = str(path)
    settings.OUVIDORIA_DOSSIER_PKCS12_PASSWORD = "segredo"
    return path


@pytest.fixture
def case():
    entity = EntityFactory.create(
        slug="seguradora", name="Seguradora Exemplo S.A.", cnpj="12345678000195", regime="ans"
    )
    area = AreaFactory.create(entity=entity, name="Financeiro")
    m = register(
        entity,
        description="Cobrança em duplicidade na parcela de outubro.",
        requester=services.RequesterData(document=CPF, name="Quitéria Valadares", email=EMAIL, phone="11987654321"),
    )
    analyst = staff_user("analyst", entities=[entity], username="analista")
    services.manifestation_triage(m, actor=analyst)
    forward = services.manifestation_forward(m, area=area, question="Houve cobrança dupla?", actor=analyst)
    m = services.manifestation_area_reply(m, forward_id=forward.pk, reply="Sim, estorno feito.", actor=None)
    services.manifestation_attach(
        m, upload=SimpleUploadedFile("comprovante.txt", b"comprovante de estorno", "text/plain"), actor=analyst
    )
    m.refresh_from_db()
    m = services.deadline_extend(
        m, justification="Aguardamos o extrato da administradora.", days=5, agreed_with_requester=True, actor=None
    )
    m = services.manifestation_set_merits(m, reason="internal_process_failure", actor=None)
    m = services.manifestation_answer(m, body="Estornamos a parcela em duplicidade.", actor=None)
    return m, entity, analyst


def _download(user, m, **data):
    return signed_in(user).post(reverse("dossier:download", args=[m.protocol]), data)


def _text(pdf: bytes) -> str:
    """The PDF's text with its line breaks as single spaces (table cells wrap)."""
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_dossier_holds_the_case_its_timeline_and_each_attachments_sha256(case):
    m, _entity, analyst = case
    response = _download(analyst, m)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert m.formatted_protocol in text
    assert "12.345.678/0001-95" in text
    for line in ("Registro", "Triagem", "Encaminhamento à área", "Prorrogação", "Resposta conclusiva", "Mérito"):
        assert line in text, line
    assert "Aguardamos o extrato da administradora." in text
    assert "Estornamos a parcela em duplicidade." in text
    flat = re.sub(r"\s", "", text)
    assert hashlib.sha256(b"comprovante de estorno").hexdigest() in flat
    assert "Gerado em" in text
    assert "assinatura digital PAdES" in text
    # Who took it, on the case's timeline.
    assert m.events.filter(kind="dossier", actor=analyst, body__contains="Dossiê gerado por").count() == 1


def test_the_identity_is_masked_as_on_the_case_page_and_the_read_recorded(case):
    m, _entity, analyst = case
    text = _text(_download(analyst, m).content)
    assert "Quitéria Valadares" in text
    assert "529•" in text
    assert CPF not in text
    assert EMAIL not in text
    assert PersonalDataView.objects.filter(user=analyst, channel="dossier").get().fields == ["name"]


def test_the_full_identity_goes_in_only_when_asked_by_a_role_that_reads_it(case):
    m, _entity, analyst = case
    text = _text(_download(analyst, m, completo="1").content)
    assert CPF in text or "52998224725" in text
    assert EMAIL in re.sub(r"\s", "", text)
    assert "document" in PersonalDataView.objects.filter(user=analyst, channel="dossier").get().fields


def test_a_manager_gets_the_dossier_without_the_requester_nor_attachments(case):
    m, entity, _analyst = case
    manager = staff_user("manager", entities=[entity])
    text = _text(_download(manager, m, completo="1").content)
    assert "Quitéria" not in text
    assert "529" not in text
    assert "Dados pessoais restritos" in text
    assert "comprovante.txt" not in text
    assert not PersonalDataView.objects.filter(user=manager).exists()


@pytest.mark.parametrize("role", ["area", "admin"])
def test_roles_that_read_only_part_of_the_case_get_no_dossier(case, role):
    m, entity, _analyst = case
    user = staff_user(role, entities=[entity], areas=list(entity.areas.all()) if role == "area" else [])
    assert _download(user, m).status_code == 404
    assert not m.events.filter(kind="dossier").exists()


def test_a_case_of_another_entity_is_not_found(case):
    m, _entity, _analyst = case
    stranger = staff_user("analyst", entities=[EntityFactory.create()])
    assert _download(stranger, m).status_code == 404


def test_the_download_is_a_post(case):
    m, _entity, analyst = case
    assert signed_in(analyst).get(reverse("dossier:download", args=[m.protocol])).status_code == 405


def test_production_without_a_certificate_refuses_in_portuguese(case, settings):
    m, _entity, analyst = case
    settings.OUVIDORIA_DOSSIER_PKCS12 = ""
    settings.PRODUCTION, settings.DEBUG = True, False
    client = signed_in(analyst)
    response = client.post(reverse("dossier:download", args=[m.protocol]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "configure o certificado da entidade" in page


def test_development_without_a_certificate_signs_with_a_labelled_one_under_var(case, settings, tmp_path):
    m, _entity, analyst = case
    settings.OUVIDORIA_DOSSIER_PKCS12 = ""
    settings.DEBUG, settings.VAR_DIR = True, tmp_path
    pdf = _download(analyst, m).content
    assert (tmp_path / "dossier-development.p12").exists()
    assert "não vale para fiscalização" in _text(pdf)
    result = dossier_verify(pdf)
    assert result.ok
    assert result.development


# --- Verification ------------------------------------------------------------------------------------------


@pytest.fixture
def signed(case):
    m, _entity, analyst = case
    return m, _download(analyst, m).content


def test_a_dossier_as_issued_verifies_intact_signed_by_the_entity(signed):
    m, pdf = signed
    result = dossier_verify(pdf)
    assert result.ok, result.problems
    assert result.intact
    assert result.valid
    assert result.trusted
    assert not result.modified
    assert "Entidade de Teste S.A." in result.signer
    assert result.protocol == m.formatted_protocol
    assert result.signed_at is not None


def test_a_byte_changed_in_the_signed_range_is_detected(signed):
    _m, pdf = signed
    at = pdf.index(b"stream", len(pdf) // 4) + 20  # inside a content stream, well before the signature
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    result = dossier_verify(tampered)
    assert not result.ok
    assert not result.intact


def test_an_incremental_update_that_adds_content_is_detected(signed):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _m, pdf = signed
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 72 Td (Procedente) Tj ET"))
    page["/Contents"] = generic.ArrayObject([page["/Contents"], stream]) if "/Contents" in page else stream
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    result = dossier_verify(out.getvalue())
    assert result.intact  # the signed bytes themselves are untouched…
    assert result.modified
    assert not result.ok
    assert "alterações depois de assinado" in " ".join(result.problems)


def test_a_certificate_that_is_not_the_entitys_is_not_trusted(signed, settings, tmp_path):
    _m, pdf = signed
    other = tmp_path / "outra.pfx"
    other.write_bytes(credentials.development_pkcs12("Outra Entidade"))
    settings.OUVIDORIA_DOSSIER_PKCS12, settings.OUVIDORIA_DOSSIER_PKCS12_PASSWORD = str(other), ""
    result = dossier_verify(pdf)
    assert result.intact
    assert not result.trusted
    assert not result.ok


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"isto nao e um pdf", "Arquivo: não é um PDF."),
        (b"%PDF-1.7\n%%EOF lixo", "Arquivo: o PDF"),
    ],
)
def test_files_that_are_not_signed_pdfs_are_refused_naming_the_field(content, message):
    with pytest.raises(ValidationError) as refused:
        dossier_verify(content)
    assert message in refused.value.message_dict["file"][0]


def test_an_unsigned_pdf_is_refused():
    from weasyprint import HTML

    with pytest.raises(ValidationError) as refused:
        dossier_verify(bytes(HTML(string="<p>sem assinatura</p>").write_pdf()))
    assert refused.value.message_dict["file"] == ["Arquivo: o PDF não tem assinatura digital."]


def test_the_verification_page_tells_valid_from_tampered(signed):
    m, pdf = signed
    auditor = staff_user("auditor", entities=[m.entity])
    client = signed_in(auditor)
    url = reverse("dossier:verify")
    assert "Verificar dossiê" in client.get(url).content.decode()
    page = client.post(url, {"file": SimpleUploadedFile("dossie.pdf", pdf, "application/pdf")}).content.decode()
    assert "Assinatura válida e documento íntegro" in page
    assert m.formatted_protocol in page
    assert "Entidade de Teste S.A." in page
    tampered = pdf.replace(b"/Producer", b"/Producex", 1)
    page = client.post(url, {"file": SimpleUploadedFile("d.pdf", tampered, "application/pdf")}).content.decode()
    assert "Assinatura inválida ou documento alterado" in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Arquivo: escolha o PDF do dossiê."),
        (SimpleUploadedFile("x.pdf", b"GIF89a", "application/pdf"), "Arquivo: não é um PDF."),
        (SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * 2048, "application/pdf"), "Arquivo: o PDF passa de"),
    ],
)
def test_the_verification_page_names_the_field_of_a_bad_upload(upload, message, settings):
    settings.DOSSIER_VERIFY_MAX_BYTES = 1024 if "passa" in message else settings.DOSSIER_VERIFY_MAX_BYTES
    user = staff_user("analyst", entities=[EntityFactory.create()])
    response = signed_in(user).post(reverse("dossier:verify"), {"file": upload} if upload else {})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_command_verifies_a_file(signed, tmp_path, capsys):
    m, pdf = signed
    path = tmp_path / "dossie.pdf"
    path.write_bytes(pdf)
    call_command("dossier_verify", str(path), "--json")
    assert f'"protocol": "{m.formatted_protocol}"' in capsys.readouterr().out
    path.write_bytes(pdf.replace(b"/Producer", b"/Producex", 1))
    with pytest.raises(SystemExit):
        call_command("dossier_verify", str(path))
