import json
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, register
from ouvidoria.indicators.selectors import UnknownFilter, _by_orm, _one_pass, _start_of, indicators

SP = ZoneInfo("America/Sao_Paulo")


def case(entity: Any, received: date, **fields: Any) -> Manifestation:
    """A case registered through the service, then moved to ``received`` with ``fields`` set (its history)."""
    m = register(entity, received_at=datetime(2026, 11, 2, 10, tzinfo=SP))
    fields.setdefault("due_on", received + timedelta(days=10))
    Manifestation.objects.filter(pk=m.pk).update(
        received_on=received, received_at=datetime.combine(received, datetime.min.time(), SP), **fields
    )
    return m


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SP)


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("indicators", *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


@pytest.mark.django_db
def test_received_concluded_and_pending_follow_the_period():
    entity = EntityFactory()
    case(entity, date(2026, 9, 20), concluded_at=at(date(2026, 10, 3)))  # before; concluded in October
    case(entity, date(2026, 9, 25))  # before, never concluded: pending at the end too
    case(entity, date(2026, 9, 26), concluded_at=at(date(2026, 9, 29)))  # before, concluded before: neither
    case(entity, date(2026, 10, 5), concluded_at=at(date(2026, 10, 8)))  # received and concluded in October
    case(entity, date(2026, 10, 20), concluded_at=at(date(2026, 11, 2)))  # concluded after: pending at the end
    case(entity, date(2026, 10, 30))  # never concluded
    case(entity, date(2026, 11, 3))  # after the period
    # Archived unanswered (an imported consumidor.gov.br case): no longer pending once archived.
    case(entity, date(2026, 10, 1), closed_at=at(date(2026, 10, 25)))

    f = indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31))

    assert (f["received"], f["concluded"], f["pending"]) == (4, 2, 3)


@pytest.mark.django_db
def test_response_days_and_on_time_use_the_local_date_of_the_answer():
    entity = EntityFactory()
    # 23:30 in São Paulo is already the next day in UTC: still 10 days, still on time.
    case(
        entity, date(2026, 10, 1), due_on=date(2026, 10, 11), concluded_at=at(date(2026, 10, 11), 23).replace(minute=30)
    )
    case(entity, date(2026, 10, 1), due_on=date(2026, 10, 11), concluded_at=at(date(2026, 10, 14)))  # 13 days, late
    case(entity, date(2026, 10, 2), due_on=date(2026, 10, 12))  # unanswered: in neither figure

    f = indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31))

    assert f["avg_response_days"] == 11.5
    assert f["on_time_rate"] == 0.5


@pytest.mark.django_db
def test_rates_count_only_the_cases_that_have_the_figure():
    entity = EntityFactory()
    day = date(2026, 10, 5)
    case(entity, day, merits="upheld", resolved=True, rating=5, extension_count=1)
    case(entity, day, merits="not_upheld", resolved=False, rating=2)
    case(entity, day, merits="upheld", resolved=True, rating=4)
    case(entity, day)  # no merits, not evaluated, not rated

    f = indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31))

    assert f["upheld_rate"] == round(2 / 3, 4)
    assert f["resolved_rate"] == round(2 / 3, 4)
    assert f["satisfaction_avg"] == round(11 / 3, 2)
    assert f["extension_rate"] == 0.25


@pytest.mark.django_db
def test_an_empty_period_has_no_rates_rather_than_zero():
    f = indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31))
    assert f["received"] == 0
    assert [f[k] for k in ("avg_response_days", "on_time_rate", "upheld_rate", "satisfaction_avg")] == [None] * 4


@pytest.mark.django_db
def test_breakdowns_count_the_received_cases_with_labels():
    entity = EntityFactory()
    m = case(entity, date(2026, 10, 5), state="BA")
    Manifestation.objects.filter(pk=m.pk).update(instance_id="sac", medium_id="email", record_type_id="elogio")
    case(entity, date(2026, 10, 6), state="BA")
    case(entity, date(2026, 10, 7), state="")

    f = indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31))

    assert f["by_type"] == [
        {"key": "reclamacao", "label": "Reclamação", "count": 2},
        {"key": "elogio", "label": "Elogio", "count": 1},
    ]
    assert [(r["key"], r["count"]) for r in f["by_instance"]] == [("ouvidoria", 2), ("sac", 1)]
    assert [(r["key"], r["count"]) for r in f["by_medium"]] == [("phone", 2), ("email", 1)]
    assert f["by_state"] == [
        {"key": "BA", "label": "BA", "count": 2},
        {"key": "", "label": "Não informada", "count": 1},
    ]
    assert f["by_subject"] == [{"key": "", "label": "Sem assunto", "count": 3}]


@pytest.mark.django_db
def test_entity_and_instance_narrow_the_scope():
    a, b = EntityFactory(), EntityFactory()
    case(a, date(2026, 10, 5))
    case(b, date(2026, 10, 5))
    case(b, date(2026, 10, 6))

    assert indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31), entity=b)["received"] == 2
    assert (
        indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31), entity=a.slug)["received"] == 1
    )
    assert (
        indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31), instance="sac")["received"] == 0
    )
    with pytest.raises(UnknownFilter):
        indicators(Manifestation.objects.all(), date(2026, 10, 1), date(2026, 10, 31), entity="nao-existe")


@pytest.mark.django_db
def test_command_prints_one_json_object_with_the_breakdowns_as_counts():
    entity = EntityFactory(slug="seguradora-a")
    case(entity, date(2026, 10, 5), concluded_at=at(date(2026, 10, 9)), rating=4)

    result = run("--from", "2026-10-01", "--to", "2026-10-31", "--entity", "seguradora-a", "--instance", "ouvidoria")

    assert result["received"] == 1
    assert result["by_type"] == {"reclamacao": 1}
    assert result["avg_response_days"] == 4.0
    assert result["entity"] == "seguradora-a"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--from", "01/10/2026", "--to", "2026-10-31"], "--from"),
        (["--from", "2026-10-01", "--to", "2026-02-30"], "--to"),
        (["--from", "2026-10-31", "--to", "2026-10-01"], "--to"),
        (["--from", "0001-01-01", "--to", "9999-12-31"], "--from"),
        (["--from", "2026-10-01", "--to", "9999-12-31"], "--to: “9999-12-31” fora do intervalo aceito"),
        (["--from", "2026-10-01", "--to", "2026-10-31", "--entity", "nao-existe"], "--entity"),
        (["--from", "2026-10-01", "--to", "2026-10-31", "--instance", "nao-existe"], "--instance"),
    ],
)
def test_command_refuses_bad_input_naming_the_option(args, fragment):
    with pytest.raises(CommandError, match=fragment):
        call_command("indicators", *args, "--json", stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-pass query is PostgreSQL's")
def test_the_one_pass_query_gives_what_the_orm_queries_give():
    a, b = EntityFactory(), EntityFactory()
    day = date(2026, 10, 1)
    for i in range(40):
        received = day + timedelta(days=i - 12)  # some before the period, some after
        concluded = at(received + timedelta(days=i % 9), 23 if i % 4 == 0 else 10) if i % 5 else None
        m = case(
            a if i % 3 else b,
            received,
            concluded_at=concluded,
            closed_at=concluded + timedelta(days=2) if concluded and i % 2 else None,
            due_on=received + timedelta(days=5),
            merits=("upheld", "not_upheld", "")[i % 3],
            resolved=(True, False, None)[i % 3] if i % 4 else None,
            rating=1 + i % 5 if i % 3 else None,
            extension_count=i % 2,
            state=("SP", "BA", "")[i % 3],
        )
        if i % 7 == 0:
            Manifestation.objects.filter(pk=m.pk).update(instance_id="sac", medium_id="email", record_type_id="elogio")

    for scope in (Manifestation.objects.all(), Manifestation.objects.filter(entity=a)):
        for first, last in ((date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 9, 20), date(2026, 9, 25))):
            received = scope.filter(received_on__gte=first, received_on__lte=last)
            bounds = (_start_of(first), _start_of(last + timedelta(days=1)))
            figures, breakdowns = _one_pass(received, *bounds)
            orm_figures, orm_breakdowns = _by_orm(received, *bounds)
            assert breakdowns == orm_breakdowns
            assert {k: figures[k] for k in orm_figures} == orm_figures
            assert figures["n_answered"] > 0  # the data has every figure
            assert figures["mean_rating"] is not None
            assert figures["n_pending"] > 0
    with connection.cursor() as cursor:  # the query's time zone did not outlive it: Django reads timestamps as UTC
        cursor.execute("SELECT current_setting('TimeZone')")
        assert cursor.fetchone()[0] == "UTC"


@pytest.mark.django_db
def test_rebuilding_the_daily_ledgers_is_for_postgresql_only():
    out = StringIO()
    call_command("indicators_rebuild", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["rebuilt"] == (connection.vendor == "postgresql")
