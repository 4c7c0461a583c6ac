import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, signed_in, staff_user
from ouvidoria.imports.models import ImportJob

pytestmark = pytest.mark.django_db
# Three lines of the consumidor.gov.br open data (CC0, ../shared/data/consumidor-gov/2014-10.csv), as published:
# no header, windows-1252, a trailing separator when not rated.
SAMPLE_LINES = (
    "SE;MG;Belo Horizonte;M;entre 41 a 50 anos;2014;8;31/08/2014;10/09/2014;01/10/2014;10;Oi Fixo;Operadoras de "
    "Telecomunicações (Telefonia, Internet, TV por assinatura);Telecomunicações;Telefonia Fixa;Vício de Qualidade;"
    "Suspensão ou desligamento indevido do serviço;Loja física;S;S;Finalizada não avaliada;Não Avaliada;\r\n"
    "NE;BA;Salvador;F;mais de 70 anos;2014;8;31/08/2014;10/09/2014;01/10/2014;10;Oi Fixo;Operadoras de "
    "Telecomunicações (Telefonia, Internet, TV por assinatura);Telecomunicações;Telefonia Fixa;Atendimento / SAC;"
    "SAC - Demanda não resolvida / não respondida;Domicílio;S;S;Finalizada não avaliada;Não Avaliada;\r\n"
    "SE;SP;Assis;M;entre 21 a 30 anos;2014;8;31/08/2014;10/09/2014;01/10/2014;10;Vivo - Telefônica ;Operadoras de "
    "Telecomunicações (Telefonia, Internet, TV por assinatura);Telecomunicações;Telefonia Móvel Pré-paga;Vício de "
    "Qualidade;Suspensão ou desligamento indevido do serviço;Telefone;N;S;Finalizada não avaliada;Não Avaliada;\r\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin_client():
    return signed_in(staff_user("admin", entities=[EntityFactory.create()]))


def test_an_administrator_imports_consumidor_gov_data_in_the_background(
    admin_client, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("2014-10.csv", SAMPLE_LINES.encode("windows-1252"), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("imports:list"), {"kind": "consumidor_gov", "file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done", job.result
    assert job.result["imported"] == Manifestation.objects.filter(instance_id="consumidor-gov").count() == 3
    assert job.done == job.total
    page = admin_client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Importadas" in page


def test_bad_uploads_are_refused_with_a_message(admin_client):
    response = admin_client.post(
        reverse("imports:list"), {"kind": "cases", "file": SimpleUploadedFile("x.exe", b"MZ", "application/x-dosexec")}
    )
    assert response.status_code == 400
    assert "use CSV ou XLSX" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_table_with_bad_lines_reports_them_and_imports_the_rest(admin_client, django_capture_on_commit_callbacks):
    entity = EntityFactory.create(slug="alfa")
    csv = (
        "Entidade;Canal;Tipo de manifestação;Data de abertura;Prazo de conclusão praticado\n"
        f"{entity.slug};SAC;Reclamação;10/03/2026;4\n"
        f"{entity.slug};Canal que não existe;Reclamação;10/03/2026;4\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("imports:list"), {"kind": "cases", "file": SimpleUploadedFile("h.csv", csv, "text/csv")}
        )
    job = ImportJob.objects.get()
    assert job.status == "done"
    assert job.result["error_count"] >= 1
    assert {e["line"] for e in job.result["errors"]} == {3}, job.result["errors"]


def test_only_administrators_import(django_capture_on_commit_callbacks):
    entity = EntityFactory.create()
    for role in ("analyst", "ombudsman", "manager", "auditor"):
        assert signed_in(staff_user(role, entities=[entity])).get(reverse("imports:list")).status_code == 404
