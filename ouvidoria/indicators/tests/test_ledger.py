"""The daily ledgers PostgreSQL keeps give the figures the cases give, whatever writes the cases went through."""

import json
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F

from ouvidoria.audit.services import audit_maintenance
from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, register
from ouvidoria.catalogue.models import Subject
from ouvidoria.indicators import ledger
from ouvidoria.indicators.models import DailyFigure, DailyFlow
from ouvidoria.indicators.selectors import indicators

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the ledgers are kept by PostgreSQL")

SP = ZoneInfo("America/Sao_Paulo")
PERIODS = [
    (date(2026, 9, 1), date(2026, 11, 30)),
    (date(2026, 10, 1), date(2026, 10, 31)),
    (date(2026, 10, 10), date(2026, 10, 10)),
    (date(2026, 10, 15), date(2026, 11, 2)),
]


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SP)


def from_cases(date_from: date, date_to: date, **filters: Any) -> dict[str, Any]:
    """The figures read from the cases themselves (a scope that is not "every case")."""
    return indicators(Manifestation.objects.filter(pk__gt=0), date_from, date_to, **filters)


def assert_same_figures(**filters: Any) -> None:
    for date_from, date_to in PERIODS:
        assert indicators(Manifestation.objects.all(), date_from, date_to, **filters) == from_cases(
            date_from, date_to, **filters
        ), (date_from, date_to, filters)


def history(entity: Any, n: int, start: date) -> list[Manifestation]:
    cases = []
    subjects = list(Subject.objects.order_by("pk")[:3])
    for i in range(n):
        m = register(entity, received_at=at(start + timedelta(days=i % 40), 9))
        cases.append(m)
        Manifestation.objects.filter(pk=m.pk).update(
            received_on=start + timedelta(days=i % 40),
            state=["SP", "RJ", ""][i % 3],
            subject=subjects[i % len(subjects)] if i % 4 else None,
            due_on=start + timedelta(days=i % 40 + 10),
        )
    return cases


@pytest.mark.django_db
def test_every_kind_of_write_keeps_the_ledgers_equal_to_the_cases():
    a, b = EntityFactory(), EntityFactory()
    cases = history(a, 30, date(2026, 9, 20)) + history(b, 12, date(2026, 10, 5))
    assert DailyFigure.objects.exists()
    assert DailyFlow.objects.exists()
    assert_same_figures()

    # Answered (one just before midnight local time, the next day in UTC), archived, classified, evaluated.
    for i, m in enumerate(cases[:20]):
        answered = at(m.received_on + timedelta(days=i % 15), 23, 30 if i % 2 else 0)
        Manifestation.objects.filter(pk=m.pk).update(
            concluded_at=answered,
            status="answered",
            merits=["upheld", "not_upheld", ""][i % 3],
            resolved=[True, False, None][i % 3],
            rating=[5, 2, None][i % 3],
        )
    Manifestation.objects.filter(pk__in=[m.pk for m in cases[15:25]]).update(
        closed_at=F("received_at") + timedelta(days=20), status="closed"
    )
    # One by one through the model too (save() writes every column).
    m = Manifestation.objects.get(pk=cases[25].pk)
    m.extension_count = 1
    m.record_type_id = "elogio"
    m.save()
    assert_same_figures()
    assert_same_figures(entity=b)
    assert_same_figures(instance="ouvidoria")
    assert_same_figures(within=[a.pk])

    # Moved to another entity, instance and day; reopened; deleted.
    Manifestation.objects.filter(pk__in=[m.pk for m in cases[:5]]).update(entity=b, instance_id="sac")
    Manifestation.objects.filter(pk=cases[6].pk).update(received_on=date(2026, 11, 1))
    Manifestation.objects.filter(pk=cases[7].pk).update(concluded_at=None, status="in_analysis")
    with audit_maintenance(actor="teste", reason="o teste recomeça sem histórico"):
        Manifestation.objects.filter(pk__in=[m.pk for m in cases[8:11]]).delete()
    # A write that changes nothing the indicators read adds nothing to the ledgers.
    rows = DailyFigure.objects.count(), DailyFlow.objects.count()
    Manifestation.objects.filter(entity=a).update(description="Outra descrição")
    assert (DailyFigure.objects.count(), DailyFlow.objects.count()) == rows
    assert_same_figures()
    assert_same_figures(entity=a)
    assert_same_figures(instance="sac")

    # Compacted: one row per key, the same figures.
    before = {p: indicators(Manifestation.objects.all(), *p) for p in PERIODS}
    figures, flows = ledger.compact()
    assert 0 < figures < rows[0]
    assert 0 < flows <= rows[1]
    assert {p: indicators(Manifestation.objects.all(), *p) for p in PERIODS} == before
    keys = DailyFigure.objects.values("entity_id", "instance_id", "day", "dimension", "value").order_by()
    assert not keys.annotate(rows=Count("id")).filter(rows__gt=1).exists()

    # Rebuilt from the cases: the same figures again.
    ledger.rebuild()
    assert {p: indicators(Manifestation.objects.all(), *p) for p in PERIODS} == before


@pytest.mark.django_db
def test_a_bulk_insert_of_many_cases_in_one_statement_is_counted_once():
    entity = EntityFactory()
    template = register(entity, received_at=at(date(2026, 10, 1)))
    columns = [
        f.column
        for f in Manifestation._meta.concrete_fields
        if f.column not in ("id", "protocol", "received_on", "received_at", "source_key")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO cases_manifestation (protocol, received_on, received_at, source_key, {', '.join(columns)}) "  # noqa: S608
            f"SELECT 'B' || g, DATE '2026-10-01' + g %% 20, received_at + (g %% 20) * interval '1 day', '', "
            f"{', '.join(columns)} FROM cases_manifestation, generate_series(1, 500) AS g WHERE id = %s",
            [template.pk],
        )
    assert indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31))["received"] == 501
    assert_same_figures()


@pytest.mark.django_db
def test_the_rebuild_command_recomputes_the_ledgers_from_the_cases():
    history(EntityFactory(), 10, date(2026, 10, 1))
    before = {p: indicators(Manifestation.objects.all(), *p) for p in PERIODS}
    DailyFigure.objects.filter(dimension="").delete()  # as if lost

    out = StringIO()
    call_command("indicators_rebuild", "--json", stdout=out)

    summary = json.loads(out.getvalue())
    assert summary["rebuilt"]
    assert summary["figure_rows"] == DailyFigure.objects.count() > 0
    assert {p: indicators(Manifestation.objects.all(), *p) for p in PERIODS} == before


@pytest.mark.django_db
def test_unusual_writes_keep_the_ledgers_right():
    cases = history(EntityFactory(), 6, date(2026, 10, 1))
    hatch = audit_maintenance(actor="teste", reason="escritas incomuns de um DBA")
    with hatch, connection.cursor() as cursor:
        # A case's id changed (the ledgers used to pair old and new rows by id), its dependants' with it.
        cursor.execute(
            "UPDATE cases_manifestation SET id = id + 1000000, received_on = received_on + 1 WHERE id = %s",
            [cases[0].pk],
        )
        for relation in Manifestation._meta.related_objects:
            if relation.many_to_many:  # no links on these fresh cases
                continue
            table, column = relation.related_model._meta.db_table, relation.field.column
            cursor.execute(f"UPDATE {table} SET {column} = {column} + 1000000 WHERE {column} = %s", [cases[0].pk])  # noqa: S608
        # A writer with another search_path (the trigger functions keep theirs).
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        cursor.execute("SET LOCAL search_path = pg_catalog")
        cursor.execute(f"UPDATE {schema}.cases_manifestation SET state = 'BA' WHERE id = %s", [cases[1].pk])  # noqa: S608
        cursor.execute(f"SET LOCAL search_path = {schema}")
    assert_same_figures()  # the test's transaction is rolled back before its deferred foreign-key checks


@pytest.mark.django_db
def test_truncating_the_cases_empties_the_ledgers():
    # TRUNCATE fires no DELETE trigger: a trigger of its own empties the ledgers.
    history(EntityFactory(), 3, date(2026, 10, 1))
    assert DailyFigure.objects.exists()
    hatch = audit_maintenance(actor="teste", reason="TRUNCATE de um DBA")
    with hatch, connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's deferred foreign-key checks, done now
        cursor.execute("TRUNCATE cases_manifestation CASCADE")
    assert not DailyFigure.objects.exists()
    assert not DailyFlow.objects.exists()
    assert indicators(Manifestation.objects.all(), *PERIODS[0])["received"] == 0


@pytest.mark.django_db
def test_an_empty_scope_gives_zeros_both_ways():
    history(EntityFactory(), 3, date(2026, 10, 1))
    for scope in (Manifestation.objects.all(), Manifestation.objects.filter(pk__gt=0)):
        figures = indicators(scope, *PERIODS[0], within=[])
        assert (figures["received"], figures["concluded"], figures["pending"]) == (0, 0, 0)


def test_every_column_the_triggers_watch_is_a_column_of_the_cases():
    columns = {f.column for f in Manifestation._meta.concrete_fields}
    assert set(ledger.WATCHED) <= columns
    assert {column for _, column in ledger.DIMENSIONS} <= columns
