"""An authorised anonymisation rewrites sealed timeline rows and stays verifiable (the redactions are on the chain);
a change made afterwards, to a redacted row or to a redaction, is still reported."""

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from ouvidoria.audit.models import ChainRecord, Redaction
from ouvidoria.audit.services import audit_maintenance, chain_seal
from ouvidoria.audit.verify import chain_verify
from ouvidoria.cases import services
from ouvidoria.cases.models import Event
from ouvidoria.cases.tests.factories import EntityFactory, register, staff_user
from ouvidoria.retention.anonymise import anonymise_case

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="triggers on PostgreSQL only")


@pytest.fixture
def anonymised() -> Any:
    entity = EntityFactory.create(slug="anonimizada")
    analyst = staff_user("analyst", entities=[entity])
    m = register(entity)
    services.manifestation_note(m, body="Maria ligou de novo", actor=analyst)
    services.manifestation_message_in(m, body="Meu CPF é 529.982.247-25", actor=None)
    chain_seal()
    anonymise_case(m, actor_label="rotina de retenção", reason="anonimização após 5 anos", today=date(2031, 1, 1))
    chain_seal()
    return m


def _sql(statement: str, params: list[Any]) -> None:
    with audit_maintenance(actor="intruso", reason="sem registro"), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_anonymisation_verifies_clean_with_its_redactions_on_the_chain(anonymised):
    redactions = Redaction.objects.filter(source="event")
    assert redactions.count() == 2  # the note and the message (the registration has no text)
    assert set(Event.objects.filter(pk__in=redactions.values("source_id")).values_list("body", flat=True)) == {""}
    assert ChainRecord.objects.filter(source="redaction").count() == 2
    assert {r.maintenance.reason for r in redactions} == {f"anonimização após 5 anos — protocolo {anonymised}"}
    report = chain_verify(record=False)
    assert report.first is None, [p.describe() for p in report.problems]
    assert report.redacted == 2


def test_a_later_change_of_a_redacted_event_is_still_reported(anonymised):
    event = Event.objects.filter(manifestation=anonymised, kind="internal_note").get()
    _sql("UPDATE cases_event SET body = %s WHERE id = %s", ["Maria ligou de novo", event.pk])
    report = chain_verify(record=False)
    assert report.counts["altered"] == 1
    assert (report.first.source, report.first.source_id) == ("event", event.pk)


def test_a_forged_or_edited_redaction_does_not_hide_a_change(anonymised):
    redaction = Redaction.objects.filter(source="event").order_by("pk").first()
    _sql("UPDATE audit_redaction SET digest = %s WHERE id = %s", ["0" * 64, redaction.pk])
    report = chain_verify(record=False)
    assert {k for k, n in report.counts.items() if n} == {"altered"}
    assert {(p.source, p.source_id) for p in report.problems} == {
        ("redaction", redaction.pk),
        ("event", redaction.source_id),
    }


def test_an_unsealed_redaction_authorises_nothing(anonymised):
    event = Event.objects.filter(manifestation=anonymised, kind="message_in").get()
    with audit_maintenance(actor="intruso", reason="sem selo") as use:
        Event.objects.filter(pk=event.pk).update(body="outro texto")
        Redaction.objects.create(
            source="event", source_id=event.pk, digest="1" * 64, maintenance=use, created_at=use.started_at
        )
    assert chain_verify(record=False).counts["altered"] == 1


@postgres_only
@pytest.mark.parametrize("statement", ["UPDATE audit_redaction SET digest = 'x'", "DELETE FROM audit_redaction",
                                       "TRUNCATE audit_redaction"])  # fmt: skip
def test_postgresql_refuses_changes_to_the_redactions(anonymised, statement):
    with connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError, match="só aceita inclusões"), transaction.atomic(), connection.cursor() as c:
        c.execute(statement)
