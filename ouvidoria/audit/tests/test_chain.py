"""The tamper-evident log: every timeline event and read of personal data sealed on a hash chain; audit_verify
names the first record altered, deleted, inserted or reordered, and a rewritten chain through the anchors."""

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.audit.chain import GENESIS, record_hash
from ouvidoria.audit.models import Anchor, ChainRecord, MaintenanceUse, Verification
from ouvidoria.audit.services import anchor_write, audit_maintenance, chain_seal
from ouvidoria.audit.verify import chain_verify
from ouvidoria.cases import services
from ouvidoria.cases.models import Event
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.notify.models import OutboundEmail

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="triggers on PostgreSQL only")


@pytest.fixture
def entity():
    return EntityFactory.create(slug="auditada")


@pytest.fixture
def sealed(entity):
    """Three cases with a few events each, a read of personal data, all sealed."""
    analyst = staff_user("analyst", entities=[entity], username="ana")
    cases = [register(entity) for _ in range(3)]
    for m in cases:
        services.manifestation_note(m, body="conferido", actor=analyst)
    signed_in(analyst).post(reverse("workspace:case_personal_data", args=[cases[0].protocol]))
    assert PersonalDataView.objects.exists()
    chain_seal()
    return cases


def _sql(statement: str, params: list[Any]) -> None:
    with audit_maintenance(actor="teste", reason="simula uma adulteração"), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _only(kind: str):
    report = chain_verify()
    assert report.first is not None, "tampering not detected"
    assert {k for k, n in report.counts.items() if n} == {kind}, report.counts
    return report


def test_an_untouched_chain_verifies_and_the_seal_is_idempotent(sealed):
    records = ChainRecord.objects.count()
    assert records == Event.objects.count() + PersonalDataView.objects.count()
    assert chain_seal().records == 0
    assert ChainRecord.objects.count() == records
    report = chain_verify()
    assert report.first is None
    assert report.records == records
    assert Verification.objects.get().problems == 0


def test_the_chain_links_each_record_to_the_one_before(sealed):
    prev = GENESIS
    for r in ChainRecord.objects.order_by("seq"):
        assert r.prev_hash == prev
        assert r.hash == record_hash(prev, r.seq, r.source, r.source_id, r.digest)
        prev = r.hash


def test_new_rows_are_appended_after_the_sealed_ones(sealed, entity):
    head = ChainRecord.objects.order_by("-seq").first()
    register(entity)
    assert chain_seal().records == 1
    assert ChainRecord.objects.order_by("-seq").first().prev_hash == head.hash
    assert chain_verify().first is None


def test_an_altered_column_is_named(sealed):
    event = Event.objects.filter(kind="internal_note").order_by("pk").first()
    _sql("UPDATE cases_event SET body = %s WHERE id = %s", ["reescrito", event.pk])
    report = _only("altered")
    assert (report.first.kind, report.first.source, report.first.source_id) == ("altered", "event", event.pk)


def test_an_altered_read_of_personal_data_is_named(sealed):
    read = PersonalDataView.objects.get()
    _sql("UPDATE accounts_personaldataview SET actor_label = %s WHERE id = %s", ["outra pessoa", read.pk])
    assert _only("altered").first.source == "read"


def test_a_deleted_row_is_named(sealed):
    event = Event.objects.order_by("pk")[2]
    _sql("DELETE FROM cases_event WHERE id = %s", [event.pk])
    report = _only("deleted")
    assert report.first.source_id == event.pk
    assert report.first.seq == ChainRecord.objects.get(source="event", source_id=event.pk).seq


def test_a_row_inserted_with_an_id_the_chain_passed_is_named(entity):
    m = register(entity)
    first = Event.objects.get(manifestation=m)
    Event.objects.create(pk=first.pk + 10, manifestation=m, kind="internal_note", created_at=timezone.now())
    chain_seal()
    with connection.cursor() as cursor:  # an INSERT is allowed: the triggers refuse only changes
        cursor.execute(
            "INSERT INTO cases_event (id, manifestation_id, kind, created_at, actor_label, body, params) "
            "VALUES (%s, %s, 'internal_note', %s, '', 'forjado', '{}')",
            [first.pk + 5, m.pk, timezone.now()],
        )
    report = _only("inserted")
    assert report.first.source_id == first.pk + 5


def test_a_reordered_chain_is_named(sealed):
    a, b = ChainRecord.objects.order_by("seq")[1:3]
    # Swap the two records' places.
    _sql("UPDATE audit_chainrecord SET seq = -1 WHERE seq = %s", [a.seq])
    _sql("UPDATE audit_chainrecord SET seq = %s WHERE seq = %s", [a.seq, b.seq])
    _sql("UPDATE audit_chainrecord SET seq = %s WHERE seq = -1", [b.seq])
    report = chain_verify()
    assert report.counts["broken"]
    assert report.counts["reordered"]
    assert report.first.seq == a.seq


def test_a_chain_rewritten_whole_is_caught_by_the_anchor(sealed):
    anchor = anchor_write()
    assert anchor is not None
    # Alter a row and rebuild every hash from there: the chain is consistent again, only the anchor tells.
    event = Event.objects.order_by("pk").first()
    _sql("UPDATE cases_event SET body = %s WHERE id = %s", ["reescrito", event.pk])
    with audit_maintenance(actor="teste", reason="reescreve a cadeia"):
        from ouvidoria.audit.chain import row_digest
        from ouvidoria.audit.services import source_columns

        columns = source_columns(Event)
        digest = row_digest(columns, Event.objects.filter(pk=event.pk).values_list(*columns).get())
        ChainRecord.objects.filter(source="event", source_id=event.pk).update(digest=digest)
        prev = GENESIS
        for r in list(ChainRecord.objects.order_by("seq")):
            new = record_hash(prev, r.seq, r.source, r.source_id, r.digest)
            ChainRecord.objects.filter(seq=r.seq).update(prev_hash=prev, hash=new)
            prev = new
    report = chain_verify(record=False)
    assert {k for k, n in report.counts.items() if n} == {"anchor"}
    assert report.first.seq == anchor.seq
    # With the anchors' table emptied too, the one an auditor kept from the e-mail still catches it.
    with audit_maintenance(actor="teste", reason="apaga as âncoras"):
        Anchor.objects.all().delete()
    assert chain_verify(record=False).first is None
    head = f"{anchor.seq}:{anchor.hash}"
    with pytest.raises(SystemExit):
        call_command("audit_verify", "--anchor", head)


def test_audit_verify_checks_an_anchor_given_by_hand_and_exits_non_zero(sealed, capsys):
    head = ChainRecord.objects.order_by("-seq").first()
    call_command("audit_verify", "--anchor", f"{head.seq}:{head.hash}")
    assert "cadeia íntegra" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify", "--anchor", f"{head.seq}:{'0' * 64}")
    assert exit_.value.code == 1
    assert "cadeia não confere com a âncora" in capsys.readouterr().err


def test_the_anchor_is_written_and_emailed_to_the_auditors(sealed, entity):
    staff_user("auditor", entities=[entity], email="auditora@entidade.example")
    staff_user("analyst", entities=[entity], email="analista@entidade.example")
    anchor = anchor_write()
    assert anchor is not None
    mails = list(OutboundEmail.objects.all())  # the recipient is encrypted: compared here, not in SQL
    assert [m.recipient for m in mails] == ["auditora@entidade.example"]
    assert anchor.recipients == 1
    assert f"{anchor.seq}:{anchor.hash}" in mails[0].body


def test_the_maintenance_hatch_is_itself_on_the_chain(sealed):
    with audit_maintenance(actor="rotina de retenção", reason="anonimização de 2021"):
        pass
    use = MaintenanceUse.objects.get(reason="anonimização de 2021")
    assert ChainRecord.objects.filter(source="maintenance", source_id=use.pk).exists()


@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE cases_event SET body = 'x'",
        "DELETE FROM cases_event",
        "TRUNCATE cases_event CASCADE",
        "UPDATE accounts_personaldataview SET actor_label = 'x'",
        "DELETE FROM accounts_personaldataview",
        "TRUNCATE accounts_personaldataview",
        "UPDATE audit_chainrecord SET hash = 'x'",
        "DELETE FROM audit_chainrecord",
        "TRUNCATE audit_anchor",
    ],
)
def test_postgresql_refuses_changes_to_the_history(sealed, statement):
    with connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's deferred foreign-key checks, or TRUNCATE waits
    with pytest.raises(IntegrityError, match="só aceita inclusões"), transaction.atomic(), connection.cursor() as c:
        c.execute(statement)


@postgres_only
def test_deleting_a_case_with_a_timeline_fails_on_postgresql(sealed):
    with pytest.raises(IntegrityError, match="só aceita inclusões"), transaction.atomic():
        sealed[0].delete()


# --- The auditor's page ---------------------------------------------------------------------------------------


def _period():
    today = timezone.localdate()
    return {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat()}


def test_the_auditor_lists_the_chain_with_the_last_verification_and_anchors(sealed, entity):
    chain_verify()
    anchor = anchor_write()
    auditor = signed_in(staff_user("auditor", entities=[entity]))
    page = auditor.get(reverse("audit:chain"), _period())
    assert page.status_code == 200
    text = page.content.decode()
    assert len(page.context["rows"]) == ChainRecord.objects.count()
    assert "Nenhuma adulteração encontrada." in text
    assert f"{anchor.seq}:{anchor.hash}" in text
    empty = auditor.get(reverse("audit:chain"), {"date_from": "2020-01-01", "date_to": "2020-01-31"})
    assert empty.context["rows"] == []
    assert auditor.get(reverse("audit:chain"), {"date_from": "31/02/2026", "date_to": "x"}).status_code == 400


def test_the_chain_exports_as_csv_and_xlsx(sealed, entity):
    auditor = signed_in(staff_user("auditor", entities=[entity]))
    exported = auditor.get(reverse("audit:chain_export", args=["csv"]), _period())
    assert 'filename="cadeia-auditoria-' in exported["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Sequência", "Selado em", "Origem", "Id na origem"]
    records = list(ChainRecord.objects.order_by("seq"))
    assert [(int(r[0]), r[6]) for r in rows[1:]] == [(c.seq, c.hash) for c in records]
    xlsx = auditor.get(reverse("audit:chain_export", args=["xlsx"]), _period())
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True).active
    assert sheet is not None
    assert len(list(sheet.iter_rows(values_only=True))) == len(records) + 1


def test_only_auditors_reach_the_chain(entity):
    for role in ("attendant", "analyst", "ombudsman", "area", "manager", "director", "admin"):
        client = signed_in(staff_user(role, entities=[entity]))
        assert client.get(reverse("audit:chain")).status_code == 404, role
        assert client.get(reverse("audit:chain_export", args=["csv"])).status_code == 404, role
