from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.opin.models import OpinTransmission

pytestmark = pytest.mark.django_db
SP = ZoneInfo("America/Sao_Paulo")


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def entity():
    return EntityFactory.create(slug="horizonte", name="Seguradora Horizonte", opin_participant=True)


def test_the_ouvidor_sees_the_calendar_generates_in_the_background_downloads_and_marks_sent(entity):
    register(
        entity, instance="sac", record_type="solicitacao", subject="opin-erro-dado-cadastral",
        received_at=datetime(2026, 8, 3, 10, tzinfo=SP), state="MG", city="Belo Horizonte",
    )  # fmt: skip
    client = signed_in(staff_user("ombudsman", entities=[entity]))
    page = client.get(reverse("opin:calendar")).content.decode()
    assert "3º trimestre de 2026" in page or "2026Q3" in page
    assert "10/11/2026" in page  # Q3 is due on 10 November
    client.post(reverse("opin:generate", args=["horizonte", "2026Q3"]))
    transmission = OpinTransmission.objects.get(entity=entity, quarter="2026Q3")
    assert transmission.record_count == 1
    progress = client.get(reverse("opin:progress", args=["horizonte", "2026Q3"])).content.decode()
    assert "Gerado agora: 1 registros" in progress
    download = client.get(reverse("opin:download", args=[transmission.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    client.post(reverse("opin:mark_sent", args=["horizonte", "2026Q3"]))
    transmission.refresh_from_db()
    assert transmission.sent_at is not None
    assert "Enviado em" in client.get(reverse("opin:calendar")).content.decode()


def test_a_quarter_not_over_cannot_be_generated(entity):
    client = signed_in(staff_user("ombudsman", entities=[entity]))
    page = client.post(reverse("opin:generate", args=["horizonte", "2026Q4"]), follow=True).content.decode()
    assert "ainda não terminou" in page
    assert not OpinTransmission.objects.exists()


@pytest.mark.parametrize("quarter", ["0000Q1", "9999Q4", "2026Q5"])
def test_a_quarter_out_of_range_is_not_found_rather_than_an_error(entity, quarter):
    client = signed_in(staff_user("ombudsman", entities=[entity]))
    assert client.post(reverse("opin:generate", args=["horizonte", quarter])).status_code == 404
    assert client.get(reverse("opin:progress", args=["horizonte", quarter])).status_code == 404


def test_others_see_nothing_of_it(entity):
    assert signed_in(staff_user("analyst", entities=[entity])).get(reverse("opin:calendar")).status_code == 404
    stranger = signed_in(staff_user("ombudsman", entities=[EntityFactory.create(opin_participant=True)]))
    assert stranger.post(reverse("opin:generate", args=["horizonte", "2026Q3"])).status_code == 404
    manager = signed_in(staff_user("manager", entities=[entity]))
    assert manager.get(reverse("opin:calendar")).status_code == 200
    assert manager.post(reverse("opin:mark_sent", args=["horizonte", "2026Q3"])).status_code == 404


def test_an_unexpected_failure_in_the_background_shows_as_failed_not_running(entity, monkeypatch):
    from ouvidoria.opin import services
    from ouvidoria.opin.progress import progress_get
    from ouvidoria.opin.tasks import opin_export_task

    def broken(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "opin_export", broken)
    with pytest.raises(OSError, match="No space left"):
        opin_export_task.call_local(entity.pk, "2026Q3", "teste")
    state = progress_get(entity.pk, "2026Q3")
    assert state is not None
    assert state["status"] == "failed"
    assert state["message"] == "Erro inesperado ao gerar o arquivo; tente de novo."


def test_a_quarter_past_its_due_date_says_late_and_the_cases_left_out_are_listed_with_why(entity, monkeypatch):
    """The first week: a late quarter showed "Pendente"; "10 fora do leiaute" listed neither which nor why."""
    from datetime import date

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 12, 2))
    OpinTransmission.objects.create(
        entity=entity, quarter="2026Q3", generated_at=datetime(2026, 10, 2, 10, tzinfo=SP), generated_by="ouvidor",
        file="x.zip", sha256="0" * 64, record_count=9, omitted_count=1,
        notes="Deixadas de fora (fora do layout):\n202600000123: Assunto: fora da lista OPIN",
    )  # fmt: skip
    page = signed_in(staff_user("ombudsman", entities=[entity])).get(reverse("opin:calendar")).content.decode()
    assert "Atrasado: venceu em 10/11/2026" in page
    assert "1 manifestação fora do leiaute" in page
    assert 'href="/painel/m/202600000123/"' in page
    assert "Assunto: fora da lista OPIN" in page
