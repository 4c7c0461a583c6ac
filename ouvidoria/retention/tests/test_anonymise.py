"""Issue 19: a manifestation and its documents anonymised five years after the protocol, with frozen dates; legal
holds stop it; a requester's other kept cases stay identified; the files really go; running twice does nothing."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ouvidoria.audit.services import chain_seal
from ouvidoria.audit.verify import chain_verify
from ouvidoria.cases import agreements, services
from ouvidoria.cases.models import (
    AnswerDraft,
    Attachment,
    Event,
    Forward,
    IdempotencyKey,
    Manifestation,
    Requester,
    RequesterToken,
)
from ouvidoria.cases.tests.factories import EntityFactory, register, requester_data, staff_user
from ouvidoria.entities.models import Area
from ouvidoria.inbox.models import StaffNotification
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.portal.models import ChatConversation, ChatMessage
from ouvidoria.retention.anonymise import CaseHeld, anonymise_case, redacted_params
from ouvidoria.retention.selectors import cases_due, disposal_plan
from ouvidoria.retention.services import legal_hold_place, retention_run

pytestmark = pytest.mark.django_db
SP = ZoneInfo("America/Sao_Paulo")
MARIA = {"document": "529.982.247-25", "name": "Maria Aparecida Souza", "email": "maria.souza@example.com",
         "phone": "(11) 98765-4321", "gender": "F", "address": "Rua das Flores, 10", "state": "MG",
         "city": "Belo Horizonte"}  # fmt: skip


@contextmanager
def clock(y: int, m: int, d: int, h: int = 10) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=datetime(y, m, d, h, tzinfo=SP)):
        yield


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def full_case(entity: Any, y: int = 2021, mo: int = 3, d: int = 10, **requester: Any) -> Manifestation:
    """A case with a bit of everything that identifies someone, concluded and evaluated."""
    analyst = staff_user("analyst", entities=[entity])
    area, _ = Area.objects.get_or_create(entity=entity, name="Financeiro")
    with clock(y, mo, d):
        m = register(
            entity, requester=requester_data(**(MARIA | requester)), received_at=datetime(y, mo, d, 9, tzinfo=SP)
        )
        services.manifestation_message_in(m, body="Meu CPF é 529.982.247-25, liguem 11 98765-4321.", actor=None)
        services.manifestation_note(m, body="Cliente Maria ligou de novo.", actor=analyst)
        forward = services.manifestation_forward(m, area=area, question="Maria pagou a parcela?", actor=analyst)
        services.manifestation_area_reply(m, forward_id=forward.pk, reply="Sim, em 02/03.", actor=analyst)
        services.manifestation_attach(
            m, upload=SimpleUploadedFile("rg-maria.txt", b"RG de Maria Souza", "text/plain"), actor=analyst
        )
        agreements.manifestation_agreement(
            m, agreed_on=m.received_on, description="Estorno a Maria Souza", amount=Decimal("150.00"), actor=None
        )
        services.manifestation_set_merits(m, reason="contract_breach", actor=analyst)
        services.manifestation_answer(m, body="Prezada Maria, estornamos a parcela.", actor=analyst)
        services.manifestation_evaluate(m, resolved=True, rating=4, comment="Obrigada, Maria")
    OutboundEmail.objects.create(
        key=f"requester:{m.pk}",
        recipient="maria.souza@example.com",
        subject="s",
        body="Prezada Maria",
        manifestation=m,
        status="sent",
    )
    IdempotencyKey.objects.create(scope="api", key=f"k{m.pk}", request_hash="f" * 64, manifestation=m)
    chat = ChatConversation.objects.create(protocol=m.protocol, suggestion="Sou a Maria")
    ChatMessage.objects.create(conversation=chat, author="user", text="meu nome é Maria")
    StaffNotification.objects.create(user_id=analyst.pk, kind="assignment", manifestation=m, text="x")
    return Manifestation.objects.get(pk=m.pk)


def test_a_case_is_anonymised_five_years_after_its_protocol_and_keeps_its_statistics():
    m = full_case(EntityFactory.create(slug="alfa"))
    attachment = Attachment.objects.get(manifestation=m)
    stored = attachment.file.name
    storage = attachment.file.storage
    assert storage.exists(stored)
    kept = Manifestation.objects.filter(pk=m.pk).values(
        "protocol", "entity", "instance", "medium", "record_type", "subject", "policy", "received_at", "received_on",
        "due_on", "concluded_at", "status", "merits", "merits_reason", "rating", "resolved", "extension_count",
        "interaction_count", "state", "city",
    )[0]  # fmt: skip
    kinds = list(Event.objects.filter(manifestation=m).values_list("kind", "created_at", "actor_id"))
    chain_seal()

    assert not cases_due(date(2026, 3, 9)).exists()
    assert {c.code: c.count for c in disposal_plan(date(2026, 3, 9))}["cases"] == 1  # the dry run sees it coming
    with clock(2026, 3, 9):
        assert retention_run(today=date(2026, 3, 9)).anonymised == 0
    with clock(2026, 3, 10, 3):
        assert retention_run(today=date(2026, 3, 10)).anonymised == 1
        assert retention_run(today=date(2026, 3, 10)).anonymised == 0  # idempotent
    m.refresh_from_db()
    assert m.anonymised_at is not None
    assert m.description == ""
    assert Manifestation.objects.filter(pk=m.pk).values(*kept)[0] == kept
    # The requester had no other case: their own row is stripped to the statistical attributes.
    r = Requester.objects.get(pk=m.requester_id)
    assert (r.name, r.document, r.email, r.phone, r.address, r.document_hash, r.email_hash) == ("",) * 7
    assert (r.kind, r.gender, r.state, r.city) == ("person", "F", "MG", "Belo Horizonte")
    assert not RequesterToken.objects.filter(requester=r).exists()
    # The timeline: the same kinds, dates and actors, and no text; one "anonymisation" event more.
    events = Event.objects.filter(manifestation=m)
    assert list(events.exclude(kind="anonymisation").values_list("kind", "created_at", "actor_id")) == kinds
    assert set(events.values_list("body", flat=True)) == {""}
    assert events.get(kind="attachment").params["name"] == ""
    assert events.get(kind="forward").params["area"] == "Financeiro"
    assert events.get(kind="area_reply").params["on_time"] is True
    assert events.get(kind="merits").params == {"merits": "upheld", "reason": "contract_breach"}
    assert events.filter(kind="anonymisation").count() == 1
    assert (Forward.objects.get(manifestation=m).question, Forward.objects.get(manifestation=m).reply) == ("", "")
    agreement = m.agreements.get()
    assert (agreement.description, agreement.amount) == ("", Decimal("150.00"))
    # The file is really gone; the row says it existed, with its checksum.
    attachment.refresh_from_db()
    assert not storage.exists(stored)
    assert (attachment.file.name, attachment.original_name) == ("", "arquivo anonimizado")
    assert attachment.disposed_at is not None
    assert len(attachment.sha256) == 64
    emails = OutboundEmail.objects.filter(manifestation=m)
    assert len(emails) >= 2  # the answer to the requester and the one written above
    assert {(e.recipient, e.body) for e in emails} == {("", "")}
    assert list(ChatMessage.objects.values_list("text", flat=True)) == [""]
    assert ChatConversation.objects.get().suggestion == ""
    assert not IdempotencyKey.objects.exists()
    assert not StaffNotification.objects.exists()
    # The search no longer finds the case by the requester's data.
    assert not Manifestation.objects.filter(requester__document_hash__gt="", pk=m.pk).exists()
    # The chain: the rewritten events are verifiable redactions, not alterations.
    chain_seal()
    report = chain_verify(record=False)
    assert report.first is None, report.problems
    assert report.redacted >= 6


def test_a_requester_with_other_kept_cases_keeps_them_identified():
    entity = EntityFactory.create(slug="beta")
    old = full_case(entity, 2021, 1, 5)
    recent = full_case(entity, 2023, 1, 5)
    original = old.requester_id
    assert recent.requester_id == original
    with clock(2026, 2, 1):
        assert retention_run(today=date(2026, 2, 1)).anonymised == 1
    old.refresh_from_db()
    assert old.requester_id != original
    moved = Requester.objects.get(pk=old.requester_id)
    assert (moved.name, moved.document_hash, moved.kind, moved.gender, moved.state) == ("", "", "person", "F", "MG")
    still = Requester.objects.get(pk=original)
    assert (still.name, still.email) == ("Maria Aparecida Souza", "maria.souza@example.com")
    assert RequesterToken.objects.filter(requester=still).exists()
    with clock(2028, 2, 1):
        assert retention_run(today=date(2028, 2, 1)).anonymised == 1
    still.refresh_from_db()
    assert (still.name, still.document, still.document_hash) == ("", "", "")
    assert not RequesterToken.objects.exists()


@pytest.mark.parametrize("scope", ["manifestation", "requester", "entity"])
def test_a_legal_hold_on_the_case_its_requester_or_its_entity_stops_it(scope):
    entity = EntityFactory.create(slug="gama")
    m = full_case(entity)
    other = full_case(entity, document="111.444.777-35", email="joao@example.org", name="João Lima")
    user = staff_user("ombudsman", entities=[entity])
    target = {"manifestation": m, "requester": m.requester, "entity": entity}[scope]
    with clock(2026, 3, 1):
        hold = legal_hold_place(user=user, reason="Processo 0001234-56.2026", **{scope: target})
    with clock(2026, 4, 1):
        result = retention_run(today=date(2026, 4, 1))
        with pytest.raises(CaseHeld):
            anonymise_case(m, actor_label="teste", reason="teste", today=date(2026, 4, 1))
    m.refresh_from_db()
    assert m.anonymised_at is None
    assert m.description
    # The other case of the entity goes on, unless the hold is on the whole entity.
    assert result.anonymised == (0 if scope == "entity" else 1)
    assert (Manifestation.objects.get(pk=other.pk).anonymised_at is None) == (scope == "entity")
    hold.released_at = datetime(2026, 4, 2, tzinfo=SP)
    hold.save()
    with clock(2026, 4, 3):
        retention_run(today=date(2026, 4, 3))
    assert Manifestation.objects.get(pk=m.pk).anonymised_at is not None


def test_an_open_case_waits_for_its_conclusion():
    with clock(2021, 3, 10):
        m = register(EntityFactory.create(slug="delta"), instance="sac", record_type="solicitacao",
                     received_at=datetime(2021, 3, 10, 9, tzinfo=SP))  # fmt: skip
    assert not cases_due(date(2027, 1, 1)).exists()
    with clock(2027, 1, 2):
        services.manifestation_answer(m, body="Resposta", actor=None)
    assert list(cases_due(date(2027, 1, 3))) == [m]


def test_anonymising_again_does_nothing_and_a_draft_loses_its_text():
    entity = EntityFactory.create(slug="epsilon")
    with clock(2021, 3, 10):
        m = register(entity, instance="sac", record_type="solicitacao", received_at=datetime(2021, 3, 10, 9, tzinfo=SP))
        services.answer_propose(m, body="Prezada Maria", actor=None)
    first = anonymise_case(m, actor_label="teste", reason="teste", today=date(2026, 3, 10))
    assert not first.already
    assert AnswerDraft.objects.get().body == ""
    again = anonymise_case(m, actor_label="teste", reason="teste", today=date(2026, 3, 10))
    assert again.already
    assert Event.objects.filter(manifestation=m, kind="anonymisation").count() == 1


def test_params_keep_codes_numbers_and_dates_and_lose_texts():
    assert redacted_params({"name": "rg-maria.pdf", "size": 10, "due": "2026-01-02", "merits": "upheld",
                            "contact": "José", "on_time": False}) == {
        "name": "", "size": 10, "due": "2026-01-02", "merits": "upheld", "contact": "", "on_time": False}  # fmt: skip


def test_the_dry_run_page_lists_the_cases_due_without_personal_data(client):
    from django.urls import reverse

    from ouvidoria.cases.tests.factories import signed_in

    entity = EntityFactory.create(slug="eta", name="Consórcio Eta")
    m = full_case(entity, 2021, 3, 10)
    browser = signed_in(staff_user("ombudsman", entities=[entity]))
    with clock(2026, 2, 20):
        page = browser.get(reverse("retention:plan")).content.decode()
    assert "Manifestações e seus documentos" in page
    assert f"{m.formatted_protocol} · Consórcio Eta · 10/03/2026" in page
    assert "Maria" not in page
    assert "529.982.247-25" not in page


def test_a_case_that_fails_is_left_for_the_next_run_and_the_others_go_on():
    from django.db import OperationalError

    from ouvidoria.retention import anonymise

    entity = EntityFactory.create(slug="teta")
    first, second = full_case(entity, 2021, 1, 5), full_case(entity, 2021, 1, 6)
    real = anonymise.anonymise_case

    def flaky(case: Manifestation, **kwargs: Any) -> Any:
        if case.pk == first.pk:
            raise OperationalError("deadlock detected")
        return real(case, **kwargs)

    with clock(2026, 2, 1), mock.patch.object(anonymise, "anonymise_case", flaky):
        result = retention_run(today=date(2026, 2, 1))
    assert (result.anonymised, result.anonymise_failed) == (1, 1)
    assert Manifestation.objects.get(pk=second.pk).anonymised_at is not None
    with clock(2026, 2, 2):
        assert retention_run(today=date(2026, 2, 2)).anonymised == 1
