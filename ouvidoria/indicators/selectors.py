"""The performance indicators of seed 001 "Indicadores de desempenho", computed in the database.

``indicators`` is shared by ``manage.py indicators`` and the dashboard. Each figure is an aggregation (COUNT, AVG,
GROUP BY) over the manifestations in scope; no row is read into Python. Formulas and their sources:
docs/indicators.md.
"""

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Avg, Count, Expression, F, Q, QuerySet, Sum
from django.db.models.expressions import Func
from django.db.models.fields import DateField, IntegerField
from django.db.models.functions import TruncDate
from django.db.models.lookups import LessThanOrEqual
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from ouvidoria.cases.models import Manifestation
from ouvidoria.catalogue.models import Instance, Medium, RecordType, Subject
from ouvidoria.entities.models import Entity
from ouvidoria.indicators import ledger
from ouvidoria.rules.periods import EARLIEST, LATEST

# Decimal places of the figures that are not counts.
RATE_PLACES = 4
MEAN_PLACES = 2
# The breakdowns of the received manifestations: key, the column grouped by, and where its label comes from.
BREAKDOWNS: tuple[tuple[str, str], ...] = (
    ("by_type", "record_type_id"),
    ("by_instance", "instance_id"),
    ("by_medium", "medium_id"),
    ("by_subject", "subject_id"),
    ("by_state", "state"),
)
NO_SUBJECT = "Sem assunto"
NO_STATE = "Não informada"


class DaysBetween(Func):
    """Whole calendar days from the date ``start`` to the date ``end`` (``end - start``), as an integer.

    PostgreSQL: ``date - date`` is an integer number of days. SQLite keeps dates as ISO text: ``julianday()``
    turns them into day numbers.
    """

    template = "(%(expressions)s)"
    arg_joiner = " - "
    arity = 2
    output_field = IntegerField()

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class SessionDate(Func):
    """The date of a timestamp in the session's time zone (PostgreSQL ``timestamptz::date``).

    The same date as ``TruncDate(field, tzinfo)`` once the session's ``TimeZone`` is that zone (``_one_pass`` sets
    it for its query), without looking the zone's name up for every row (``AT TIME ZONE 'America/Sao_Paulo'``):
    a quarter of the query's time over a million cases (docs/benchmarks.md).
    """

    template = "(%(expressions)s)::date"
    arity = 1


def _local_date(field: str) -> Expression:
    """The local (``TIME_ZONE``) date of a timestamp column, as the case page shows it."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, RATE_PLACES) if whole else None


def _mean(value: float | None) -> float | None:
    return None if value is None else round(float(value), MEAN_PLACES)


class UnknownFilter(ValueError):
    """An entity or instance code that does not exist; ``option`` names the filter."""

    def __init__(self, option: str, value: str) -> None:
        super().__init__(f"{option}: {value}")
        self.option = option
        self.value = value


def _found(entity: Entity | str | None, instance: Instance | str | None) -> tuple[Entity | None, Instance | None]:
    """The entity and the instance of a filter given by object or by slug/code; ``UnknownFilter`` if not found."""
    if isinstance(entity, str):
        found = Entity.objects.filter(slug=entity).first()
        if found is None:
            raise UnknownFilter("entity", entity)
        entity = found
    if isinstance(instance, str):
        found_instance = Instance.objects.filter(code=instance).first()
        if found_instance is None:
            raise UnknownFilter("instance", instance)
        instance = found_instance
    return entity, instance


def indicators(
    qs_scope: QuerySet[Manifestation],
    date_from: date,
    date_to: date,
    entity: Entity | str | None = None,
    instance: Instance | str | None = None,
    *,
    within: Collection[int] | None = None,
) -> dict[str, Any]:
    """The indicators of the manifestations in ``qs_scope`` for the period ``date_from``–``date_to`` (inclusive).

    ``qs_scope`` and ``within`` (entity ids, None for all) are what the caller may see; ``entity`` and ``instance``
    narrow them further. Raises ``UnknownFilter`` for a slug or code that does not exist.

    On PostgreSQL, when ``qs_scope`` is every case (a scope of entities goes in ``within``), the figures are summed
    from the daily ledgers (``ledger``) rather than from the cases: the same figures, read from a row per day and
    key instead of a row per case.
    """
    if date_to < date_from:
        raise ValueError("date_to before date_from")
    if date_from < EARLIEST or date_to > LATEST:
        raise ValueError(f"period outside {EARLIEST}–{LATEST}")
    entity, instance = _found(entity, instance)
    entity_ids = None if within is None else sorted(within)
    if entity is not None:
        entity_ids = [entity.pk] if entity_ids is None or entity.pk in entity_ids else []
    scope = qs_scope if entity_ids is None else qs_scope.filter(entity_id__in=entity_ids)
    if instance is not None:
        scope = scope.filter(instance_id=instance.pk)
    period_start, period_end = _start_of(date_from), _start_of(date_to + timedelta(days=1))

    if connection.vendor == "postgresql" and not qs_scope.query.where:
        figures, breakdowns = ledger.figures(
            date_from, date_to, entity_ids, None if instance is None else str(instance.pk)
        )
        return _result(date_from, date_to, entity, instance, figures, _sorted(breakdowns))

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Compiling these one-off aggregations to machine code (JIT) costs more than it saves: ~0.2 s each on
            # a million cases (docs/benchmarks.md).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        # The period counts (concluded, pending) are over every case received by the period's end. Those received
        # in the period are counted in the same read as their figures; only the earlier ones are read here, and
        # there are none when the period starts with the first case, as a period over the whole history does.
        earlier = scope.filter(received_on__lt=date_from).aggregate(
            n_concluded=Count("received_on", filter=_concluded_in(period_start, period_end)),
            n_pending=Count("received_on", filter=_pending(period_end)),
        )
        # The figures and breakdowns of the cases received in the period: only their rows are read (on PostgreSQL
        # from the index ``case_indicators`` alone when the period is a small part of the table).
        received = scope.filter(received_on__gte=date_from, received_on__lte=date_to)
        one_pass = _one_pass if connection.vendor == "postgresql" else _by_orm
        figures, breakdowns = one_pass(received, period_start, period_end)
    figures["n_concluded"] += earlier["n_concluded"]
    figures["n_pending"] += earlier["n_pending"]
    return _result(date_from, date_to, entity, instance, figures, breakdowns)


def _result(
    date_from: date,
    date_to: date,
    entity: Entity | None,
    instance: Instance | None,
    figures: dict[str, Any],
    breakdowns: dict[str, list[tuple[Any, int]]],
) -> dict[str, Any]:
    """The indicators from the period's sums (``n_received``…, the means) and its breakdowns."""
    result: dict[str, Any] = {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "entity": entity.slug if entity is not None else None,
        "instance": instance.code if instance is not None else None,
        "received": figures["n_received"],
        "concluded": figures["n_concluded"],
        "pending": figures["n_pending"],
    }
    for key, rows in breakdowns.items():
        result[key] = _labelled(key, rows)
    result |= {
        "avg_response_days": _mean(figures["mean_response_days"]),
        "on_time_rate": _ratio(figures["n_on_time"], figures["n_answered"]),
        "upheld_rate": _ratio(figures["n_upheld"], figures["n_upheld"] + figures["n_not_upheld"]),
        "resolved_rate": _ratio(figures["n_resolved"], figures["n_resolved"] + figures["n_not_resolved"]),
        "satisfaction_avg": _mean(figures["mean_rating"]),
        "extension_rate": _ratio(figures["n_extended"], figures["n_received"]),
    }
    return result


def _concluded_in(period_start: datetime, period_end: datetime) -> Q:
    return Q(concluded_at__gte=period_start, concluded_at__lt=period_end)


def _pending(period_end: datetime) -> Q:
    """Neither concluded nor archived by the end of the period (an imported case archived unanswered is no longer
    pending)."""
    return (Q(concluded_at__isnull=True) | Q(concluded_at__gte=period_end)) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=period_end)
    )


def _by_orm(
    received: QuerySet[Manifestation], period_start: datetime, period_end: datetime
) -> tuple[dict[str, Any], dict[str, list[tuple[Any, int]]]]:
    """The figures of the ``received`` cases (with how many of them were concluded in the period and how many are
    pending at its end), then their breakdowns, one ORM query each (SQLite)."""
    answered = Q(concluded_at__isnull=False)
    concluded_on = _local_date("concluded_at")
    figures = received.aggregate(
        n_received=Count("received_on"),
        n_answered=Count("received_on", filter=answered),
        mean_response_days=Avg(DaysBetween(concluded_on, F("received_on")), filter=answered),
        n_on_time=Count("received_on", filter=Q(answered, LessThanOrEqual(concluded_on, F("due_on")))),
        n_upheld=Count("received_on", filter=Q(merits="upheld")),
        n_not_upheld=Count("received_on", filter=Q(merits="not_upheld")),
        n_resolved=Count("received_on", filter=Q(resolved=True)),
        n_not_resolved=Count("received_on", filter=Q(resolved=False)),
        mean_rating=Avg("rating"),
        n_extended=Count("received_on", filter=Q(extension_count__gt=0)),
        n_concluded=Count("received_on", filter=_concluded_in(period_start, period_end)),
        n_pending=Count("received_on", filter=_pending(period_end)),
    )
    grouped = {column: list(received.values_list(column).annotate(n=Count("*")).order_by()) for _, column in BREAKDOWNS}
    return figures, _sorted(grouped)


def _one_pass(
    received: QuerySet[Manifestation], period_start: datetime, period_end: datetime
) -> tuple[dict[str, Any], dict[str, list[tuple[Any, int]]]]:
    """The figures and breakdowns of ``_by_orm`` in one query, one read of the cases (PostgreSQL).

    Inside: the cases grouped by the five breakdown columns at once (a few thousand groups at most), each group with
    the partial counts and sums of every figure; PostgreSQL spreads that over its parallel workers. Outside:
    ``GROUPING SETS`` adds the groups up, once for the totals and once per breakdown (``GROUPING SETS`` itself never
    runs in parallel, hence the two levels). The means are the sums divided by the counts, as ``AVG`` computes them
    (``numeric`` division), so they come out the same to the last digit.
    """
    columns = [column for _, column in BREAKDOWNS]
    answered = Q(concluded_at__isnull=False)
    concluded_on = SessionDate("concluded_at", output_field=DateField())
    inner = (
        received.order_by()
        .values(*columns)
        .annotate(
            n_received=Count("received_on"),
            n_answered=Count("received_on", filter=answered),
            sum_days=Sum(DaysBetween(concluded_on, F("received_on")), filter=answered),
            n_on_time=Count("received_on", filter=Q(answered, LessThanOrEqual(concluded_on, F("due_on")))),
            n_upheld=Count("received_on", filter=Q(merits="upheld")),
            n_not_upheld=Count("received_on", filter=Q(merits="not_upheld")),
            n_resolved=Count("received_on", filter=Q(resolved=True)),
            n_not_resolved=Count("received_on", filter=Q(resolved=False)),
            sum_rating=Sum("rating"),
            n_rated=Count("rating"),
            n_extended=Count("received_on", filter=Q(extension_count__gt=0)),
            n_concluded=Count("received_on", filter=_concluded_in(period_start, period_end)),
            n_pending=Count("received_on", filter=_pending(period_end)),
        )
    )
    counts = ["n_received", "n_answered", "n_on_time", "n_upheld", "n_not_upheld",
              "n_resolved", "n_not_resolved", "n_extended", "n_concluded", "n_pending"]  # fmt: skip
    totals: dict[str, Any] = dict.fromkeys(counts, 0) | {"mean_response_days": None, "mean_rating": None}
    grouped: dict[str, list[tuple[Any, int]]] = {column: [] for column in columns}
    try:
        inner_sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a scope that can match nothing (no entity): nothing to read
        return totals, _sorted(grouped)
    quote = connection.ops.quote_name
    cols = [f"g.{quote(column)}" for column in columns]
    sql = (
        f"SELECT {', '.join(cols)}, {', '.join(f'GROUPING({c})' for c in cols)}, "  # noqa: S608
        f"{', '.join(f'SUM(g.{c})' for c in counts)}, "
        "SUM(g.sum_days)::numeric / NULLIF(SUM(g.n_answered), 0), "
        "SUM(g.sum_rating)::numeric / NULLIF(SUM(g.n_rated), 0) "
        f"FROM ({inner_sql}) g GROUP BY GROUPING SETS ((), {', '.join(f'({c})' for c in cols)})"
    )
    with connection.cursor() as cursor:
        # The local dates (``SessionDate``) in the current time zone for this query only, then back: Django reads
        # timestamps as UTC, so the setting must not outlive the query (an error rolls it back with the
        # transaction or savepoint of ``indicators``).
        cursor.execute(
            "SELECT current_setting('TimeZone'), set_config('TimeZone', %s, true)",
            [timezone.get_current_timezone_name()],
        )
        previous = cursor.fetchone()[0]
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [previous])
        for row in rows:
            values, flags = row[: len(cols)], row[len(cols) : 2 * len(cols)]
            sums = dict(zip(counts, (int(n or 0) for n in row[2 * len(cols) : -2]), strict=True))
            if all(flags):  # GROUPING(c) is 1 in the rows not grouped by c: here, none (the totals)
                # The means as floats, as the ORM's Avg gives them.
                means = [None if value is None else float(value) for value in row[-2:]]
                totals = sums | {"mean_response_days": means[0], "mean_rating": means[1]}
            else:
                i = flags.index(0)
                grouped[columns[i]].append((values[i], sums["n_received"]))
    return totals, _sorted(grouped)


def _sorted(grouped: dict[str, list[tuple[Any, int]]]) -> dict[str, list[tuple[Any, int]]]:
    """The breakdowns by key, largest first; ties in key order (no key last), the same on every database."""
    return {
        key: sorted(grouped[column], key=lambda r: (-r[1], r[0] is None, "" if r[0] is None else str(r[0])))
        for key, column in BREAKDOWNS
    }


def _labelled(key: str, rows: list[tuple[Any, int]]) -> list[dict[str, Any]]:
    """``[{"key", "label", "count"}]`` for grouped counts; catalogue keys as codes, labels in Portuguese."""
    ids = [value for value, _ in rows if value is not None]
    if key == "by_subject":
        subjects = {
            pk: (code, label)
            for pk, code, label in Subject.objects.filter(pk__in=ids).values_list("pk", "code", "label")
        }
        return [
            {"key": subjects[pk][0], "label": subjects[pk][1], "count": n}
            if pk is not None
            else {"key": "", "label": NO_SUBJECT, "count": n}
            for pk, n in rows
        ]
    if key == "by_state":
        return [{"key": uf, "label": uf or NO_STATE, "count": n} for uf, n in rows]
    model = {"by_type": RecordType, "by_instance": Instance, "by_medium": Medium}[key]
    labels = dict(model._default_manager.filter(pk__in=ids).values_list("pk", "label"))
    return [{"key": pk, "label": labels.get(pk, pk), "count": n} for pk, n in rows]


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last 30 days, today included: the dashboard's period when none is asked for (on the first days of a
    month, "the month so far" showed next to nothing)."""
    today = today or timezone.localdate()
    return today - timedelta(days=29), today
