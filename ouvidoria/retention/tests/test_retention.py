"""Issue 19: retention with legal holds, tested with frozen dates; the dry run shows what the job then does."""

from datetime import date, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from ouvidoria.cases.models import Attachment
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.portal.models import ChatConversation, ChatMessage
from ouvidoria.retention.models import LegalHold
from ouvidoria.retention.selectors import disposal_plan
from ouvidoria.retention.services import legal_hold_place, retention_run
from ouvidoria.rules import retention as rules

pytestmark = pytest.mark.django_db


def test_the_periods_follow_the_seeds():
    assert rules.recording_deleted_on(date(2026, 3, 2)) == date(2026, 5, 31)  # 90 days (seed 001)
    assert rules.case_anonymised_on(date(2024, 2, 29)) == date(2029, 2, 28)  # five years from the protocol
    hold = rules.Hold(placed_on=date(2026, 1, 1), until=date(2026, 6, 30))
    assert hold.active_on(date(2026, 6, 30))
    assert not hold.active_on(date(2026, 7, 1))
    assert not rules.Hold(placed_on=date(2026, 1, 1), released_on=date(2026, 2, 1)).active_on(date(2026, 2, 1))


TODAY = timezone.localdate()


def days_ago(n: int) -> datetime:
    return timezone.now() - timedelta(days=n)


@pytest.fixture
def held_over(settings, tmp_path):
    """Two cases with a phone recording made 89 days ago; a chat and two e-mails written 364 days ago."""
    settings.MEDIA_ROOT = tmp_path
    kept, gone = register(), register()
    for m in (kept, gone):
        Attachment.objects.create(
            manifestation=m,
            kind="recording",
            file=ContentFile(b"RIFF....WAVE", name="ligacao.wav"),
            token=f"t{m.pk}",
            original_name="ligacao.wav",
            content_type="audio/wav",
            size=12,
            sha256="0" * 64,
        )
    Attachment.objects.update(uploaded_at=days_ago(89))
    chat = ChatConversation.objects.create(protocol="202600008888")
    ChatMessage.objects.create(conversation=chat, author="user", text="oi")
    ChatConversation.objects.update(started_at=days_ago(364))
    OutboundEmail.objects.create(key="aviso", recipient="equipe@example.com", subject="s", body="b", status="sent")
    OutboundEmail.objects.create(
        key="resposta", recipient="maria@example.com", subject="s", body="b", manifestation=kept
    )
    OutboundEmail.objects.update(created_at=days_ago(364))
    return kept, gone


def test_recordings_are_deleted_at_90_days_unless_a_legal_hold_keeps_them(held_over):
    kept, gone = held_over
    user = staff_user("ombudsman", entities=[kept.entity])
    legal_hold_place(user=user, reason="Processo 0001234-56.2026", manifestation=kept)
    # Day 89: nothing yet, but the dry run sees it coming (the held one is not in it).
    assert retention_run(today=TODAY).recordings == 0
    assert {c.code: c.count for c in disposal_plan(TODAY)}["recordings"] == 1
    tomorrow = TODAY + timedelta(days=1)
    assert retention_run(today=tomorrow).recordings == 1
    assert retention_run(today=tomorrow).recordings == 0  # idempotent
    disposed = Attachment.objects.get(manifestation=gone)
    assert disposed.disposed_at is not None
    assert not disposed.file
    assert list(disposed.file.storage.listdir(str(gone.protocol))[1]) == []  # the file itself is gone
    assert Attachment.objects.get(manifestation=kept).file  # held


def test_chats_and_emails_of_no_case_go_after_a_year_those_of_a_case_stay(held_over):
    assert (retention_run(today=TODAY).chats, retention_run(today=TODAY).emails) == (0, 0)
    result = retention_run(today=TODAY + timedelta(days=1))
    assert (result.chats, result.emails) == (1, 1)
    assert not ChatConversation.objects.exists()
    assert list(OutboundEmail.objects.values_list("key", flat=True)) == ["resposta"]


def test_an_entity_hold_keeps_its_chats_and_a_released_hold_keeps_nothing(held_over):
    kept, _ = held_over
    ChatConversation.objects.update(entity=kept.entity)
    user = staff_user("ombudsman", entities=[kept.entity])
    hold = legal_hold_place(user=user, reason="Pedido da ANS", entity=kept.entity)
    later = TODAY + timedelta(days=1)
    assert retention_run(today=later).chats == 0
    hold.released_at = timezone.now()
    hold.save()
    assert retention_run(today=later).chats == 1


def test_the_ombudsman_sees_the_plan_and_places_a_hold_naming_the_field(held_over):
    kept, _ = held_over
    client = signed_in(staff_user("ombudsman", entities=[kept.entity]))
    page = client.get(reverse("retention:plan"))
    assert page.status_code == 200
    assert "Gravações de ligações" in page.content.decode()
    refused = client.post(reverse("retention:hold_place"), {"protocol": "2026-0999999-9", "reason": "x"})
    assert refused.status_code == 400
    assert "Protocolo: nenhuma manifestação sua" in refused.content.decode()
    empty = client.post(reverse("retention:hold_place"), {"reason": ""})
    assert empty.status_code == 400
    client.post(reverse("retention:hold_place"), {"protocol": kept.formatted_protocol, "reason": "Processo 123"})
    hold = LegalHold.objects.get()
    assert hold.manifestation_id == kept.pk
    client.post(reverse("retention:hold_release", args=[hold.pk]))
    assert LegalHold.objects.get().released_at is not None


@pytest.mark.parametrize("role", ["analyst", "attendant", "area", "manager"])
def test_other_roles_do_not_reach_the_retention_page(role):
    entity = EntityFactory()
    client = signed_in(staff_user(role, entities=[entity]))
    assert client.get(reverse("retention:plan")).status_code == 404
    assert client.post(reverse("retention:hold_place"), {"reason": "x"}).status_code == 404


def test_the_auditor_sees_the_plan_but_places_no_hold():
    entity = EntityFactory()
    client = signed_in(staff_user("auditor", entities=[entity]))
    page = client.get(reverse("retention:plan")).content.decode()
    assert "Bloqueios legais em vigor" in page
    assert "Registrar bloqueio" not in page
    assert client.post(reverse("retention:hold_place"), {"reason": "x"}).status_code == 404


def test_a_hold_on_the_entity_keeps_its_reports_past_five_years():
    from ouvidoria.reports.models import Report
    from ouvidoria.reports.services import reports_purge

    entity = EntityFactory()
    Report.objects.create(
        entity=entity,
        kind="bcb-agreements",
        period_start=date(2020, 7, 1),
        period_end=date(2020, 12, 31),
        status="done",
        keep_until=TODAY - timedelta(days=1),
    )
    hold = legal_hold_place(user=staff_user("ombudsman", entities=[entity]), reason="Processo 42", entity=entity)
    assert reports_purge(today=TODAY) == 0
    hold.released_at = timezone.now()
    hold.save()
    assert reports_purge(today=TODAY) == 1
    assert not Report.objects.exists()
