"""Due dates of the quarterly file (seed 000 §8.2), the reminders to the Ouvidor and the record of what was sent."""

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from ouvidoria.cases.tests.factories import EntityFactory, staff_user
from ouvidoria.entities.models import Entity
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.opin.models import OpinReminder, OpinTransmission
from ouvidoria.opin.services import opin_reminders_send, opin_send_by
from ouvidoria.opin.tasks import opin_reminders
from ouvidoria.rules.opin import Quarter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def entity() -> Entity:
    return EntityFactory.create(
        slug="horizonte", name="Seguradora Horizonte", opin_participant=True, ombudsman_email="ouvidor@horizonte.com"
    )


def test_send_by_date_is_anticipated_to_the_entitys_last_business_day(entity: Entity) -> None:
    # 10 May 2025 is a Saturday; 10 August 2025 a Sunday; 10 November 2025 a Monday.
    assert opin_send_by(entity, Quarter(2025, 1)) == date(2025, 5, 9)
    assert opin_send_by(entity, Quarter(2025, 2)) == date(2025, 8, 8)
    assert opin_send_by(entity, Quarter(2025, 3)) == date(2025, 11, 10)
    assert opin_send_by(entity, Quarter(2025, 4)) == date(2026, 2, 10)


def test_reminders_go_to_the_ouvidores_once_per_level(entity: Entity) -> None:
    staff_user("ombudsman", entities=[entity], email="ana.ouvidora@horizonte.com")
    staff_user("analyst", entities=[entity], email="analista@horizonte.com")
    EntityFactory.create(slug="comum", opin_participant=False, ombudsman_email="x@comum.com")

    # Send-by date for 2025Q3: Monday 10 November 2025. Ten business days before it: 27 October.
    assert opin_reminders_send(today=date(2025, 10, 24)) == []
    (first,) = opin_reminders_send(today=date(2025, 10, 27))
    assert opin_reminders_send(today=date(2025, 10, 27)) == []  # the task runs again the same day
    assert opin_reminders_send(today=date(2025, 10, 28)) == []  # same level
    assert first.level == 10
    # One e-mail per Ouvidor, through the outbox (retried if the mail server fails).
    assert sorted(m.to[0] for m in mail.outbox) == ["ana.ouvidora@horizonte.com", "ouvidor@horizonte.com"]
    message = mail.outbox[0]
    assert "3º trimestre de 2025" in message.subject
    assert "export_opin --entity horizonte --quarter 2025Q3" in message.body
    assert OutboundEmail.objects.filter(key__startswith="opin-reminder:", status="sent").count() == 2

    # A missed week: one reminder for the most urgent level reached, not one per level skipped.
    (second,) = opin_reminders_send(today=date(2025, 11, 7))
    assert second.level == 1
    (late,) = opin_reminders_send(today=date(2025, 11, 12))
    assert late.level == 0
    assert "venceu em 10/11/2025" in mail.outbox[-1].subject
    assert opin_reminders_send(today=date(2025, 11, 20)) == []
    assert OpinReminder.objects.count() == 3


def test_no_reminder_once_the_file_is_marked_sent(entity: Entity, tmp_path: Path) -> None:
    call_command("export_opin", "--entity", "horizonte", "--quarter", "2025Q3", "--out", str(tmp_path),
                 stdout=io.StringIO())  # fmt: skip
    stdout = io.StringIO()
    call_command("opin_sent", "--entity", "horizonte", "--quarter", "2025Q3", "--by", "Ana", stdout=stdout)
    assert "marcado como enviado" in stdout.getvalue()
    transmission = OpinTransmission.objects.get()
    assert transmission.sent_by == "Ana"
    assert transmission.sent_at is not None

    assert opin_reminders_send(today=date(2025, 11, 7)) == []
    assert mail.outbox == []
    with pytest.raises(CommandError, match="já foi marcado como enviado"):
        call_command("opin_sent", "--entity", "horizonte", "--quarter", "2025Q3")


def test_opin_sent_without_a_generation_refuses(entity: Entity) -> None:
    with pytest.raises(CommandError, match="Nenhum arquivo do 1º trimestre de 2025"):
        call_command("opin_sent", "--entity", "horizonte", "--quarter", "2025Q1")


def test_daily_task_runs_the_reminders(entity: Entity, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: date(2025, 11, 10))
    opin_reminders.call_local()
    assert OpinReminder.objects.get().level == 0
