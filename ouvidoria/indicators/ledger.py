"""Daily figures of the manifestations, kept by PostgreSQL itself, so that the indicators read days instead of cases.

Over a million cases, grouping every case received in the period costs half a second whatever the hardware
(docs/benchmarks.md, section 5). The figures of ``indicators`` are all sums over the cases received in the period,
so they can be summed per day beforehand:

- ``DailyFigure`` rows hold, per entity, instance and day of receipt, the counts and sums of every figure
  (``dimension`` empty) and the number of cases per record type, medium, subject and state (``dimension`` names
  which, ``value`` the code);
- ``DailyFlow`` rows count the cases per entity, instance, day of receipt and the local dates of their answer
  (``concluded_on``) and of their end (``settled_on``: the answer or the archiving, whichever came first), which is
  what "concluded in the period" and "pending at its end" need.

Both are ledgers: PostgreSQL triggers on ``cases_manifestation`` (one per statement, reading its transition tables)
append what each INSERT, UPDATE or DELETE adds and takes away, whoever runs it: the services, the importers, a bulk
``UPDATE`` in ``psql``. Nothing is updated in place, so concurrent registrations never wait for each other on a
counter row; ``compact`` (a periodic job) sums each day's rows into one per key. A query sums whatever rows there
are, so it is exact at any moment, compacted or not.

The local dates are computed with the ``TIME_ZONE`` of the settings when the triggers were installed: after
changing it, ``manage.py indicators_rebuild`` installs them again and recomputes the ledgers from the cases.
SQLite has no such triggers (nor transition tables): there the indicators read the cases, which at the sizes an
embedded database holds takes a few milliseconds.
"""

# Every SQL text below is built from this module's constants (table and column names, the time zone checked in
# ``install``); every value a caller gives is a bound parameter.
# ruff: noqa: S608

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

CASES = "cases_manifestation"
FIGURES = "indicators_dailyfigure"
FLOWS = "indicators_dailyflow"
# The columns of a case the ledgers depend on: an UPDATE that changes none of them adds nothing.
WATCHED = (
    "entity_id", "instance_id", "received_on", "record_type_id", "medium_id", "subject_id", "state",
    "concluded_at", "closed_at", "due_on", "merits", "resolved", "rating", "extension_count",
)  # fmt: skip
# The figures of a day: (column, the value of one case, from the columns of ``_ROWS``).
SUMS = (
    ("n_answered", "(concluded_on IS NOT NULL)::int"),
    ("sum_days", "COALESCE(concluded_on - day, 0)"),
    ("n_on_time", "COALESCE((concluded_on <= due_on)::int, 0)"),
    ("n_upheld", "(merits = 'upheld')::int"),
    ("n_not_upheld", "(merits = 'not_upheld')::int"),
    ("n_resolved", "COALESCE(resolved::int, 0)"),
    ("n_not_resolved", "COALESCE((NOT resolved)::int, 0)"),
    ("sum_rating", "COALESCE(rating, 0)"),
    ("n_rated", "(rating IS NOT NULL)::int"),
    ("n_extended", "(extension_count > 0)::int"),
)
# The breakdowns kept per day: dimension -> the case's column (its value as text, '' when empty).
DIMENSIONS = (
    ("type", "record_type_id"),
    ("medium", "medium_id"),
    ("subject", "subject_id"),
    ("state", "state"),
)
_FIGURE_COLUMNS = ("n_received", *(name for name, _ in SUMS))
# The advisory lock that keeps compactions and rebuilds apart (any number, the same for all processes).
_LOCK = 7_146_101
_TRIGGERS = (
    ("insert", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("update", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("delete", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
)


def _rows(signed_cases: str, time_zone: str) -> str:
    """The cases of ``signed_cases`` (``sign`` and the case's columns) with their day and local dates."""
    local = "(({column} AT TIME ZONE '{zone}')::date)"
    concluded = local.format(column="concluded_at", zone=time_zone)
    closed = local.format(column="closed_at", zone=time_zone)
    return (
        f"SELECT sign, entity_id, instance_id, received_on AS day, record_type_id, medium_id, subject_id, state, "
        f"{concluded} AS concluded_on, LEAST({concluded}, {closed}) AS settled_on, due_on, merits, resolved, rating, "
        f"extension_count FROM ({signed_cases}) AS signed"
    )


def _appends(signed_cases: str, time_zone: str) -> str:
    """One statement appending to both ledgers what the cases of ``signed_cases`` add (sign 1) and take away (-1)."""
    sums = ", ".join(f"SUM(sign * {value})" for _, value in SUMS)
    dimensions = ", ".join(f"('{name}', COALESCE({column}::text, ''))" for name, column in DIMENSIONS)
    figure_columns = ", ".join(_FIGURE_COLUMNS)
    nonzero = " OR ".join(f"{column} <> 0" for column in _FIGURE_COLUMNS)
    return f"""
WITH rows AS MATERIALIZED ({_rows(signed_cases, time_zone)}),
totals AS (
    INSERT INTO {FIGURES} (entity_id, instance_id, day, dimension, value, {figure_columns})
    SELECT * FROM (
        SELECT entity_id, instance_id, day, '', '', SUM(sign) AS n_received, {sums} FROM rows GROUP BY 1, 2, 3
    ) AS day_sums ({", ".join(("entity_id", "instance_id", "day", "dimension", "value", *_FIGURE_COLUMNS))})
    WHERE {nonzero}
),
breakdowns AS (
    INSERT INTO {FIGURES} (entity_id, instance_id, day, dimension, value, {figure_columns})
    SELECT entity_id, instance_id, day, d.dimension, d.value, SUM(sign), {", ".join("0" for _ in SUMS)}
    FROM rows CROSS JOIN LATERAL (VALUES {dimensions}) AS d (dimension, value)
    GROUP BY 1, 2, 3, 4, 5 HAVING SUM(sign) <> 0
)
INSERT INTO {FLOWS} (entity_id, instance_id, day, concluded_on, settled_on, n)
SELECT entity_id, instance_id, day, concluded_on, settled_on, SUM(sign) FROM rows
GROUP BY 1, 2, 3, 4, 5 HAVING SUM(sign) <> 0
"""


def _changed_cases() -> str:
    """The rows of an UPDATE that changed a ``WATCHED`` column (or the id), before (-1) and after (1)."""
    old = ", ".join(f"o.{c}" for c in WATCHED)
    new = ", ".join(f"n.{c}" for c in WATCHED)
    differs = f"({old}) IS DISTINCT FROM ({new})"
    return (
        f"SELECT 1 AS sign, n.* FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id WHERE o.id IS NULL OR {differs} "
        f"UNION ALL "
        f"SELECT -1 AS sign, o.* FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id WHERE n.id IS NULL OR {differs}"
    )


_SIGNED = {
    "insert": "SELECT 1 AS sign, * FROM new_rows",
    "update": _changed_cases(),
    "delete": "SELECT -1 AS sign, * FROM old_rows",
}


def install(conn: BaseDatabaseWrapper | None = None, time_zone: str | None = None) -> None:
    """Create (or replace) the triggers that keep the ledgers, computing local dates in ``time_zone``."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return
    zone = time_zone or settings.TIME_ZONE
    if "'" in zone:
        raise ValueError(f"time zone {zone!r}")
    # The functions keep the search_path they were created with, so a writer with another one still finds the
    # ledgers; CREATE OR REPLACE TRIGGER takes the lock CREATE TRIGGER takes (SHARE ROW EXCLUSIVE), not DROP's.
    with conn.cursor() as cursor:
        for name, event, transition in _TRIGGERS:
            function = f"indicators_ledger_{name}"
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
                f"SET search_path FROM CURRENT AS $$ BEGIN {_appends(_SIGNED[name], zone)}; RETURN NULL; END $$"
            )
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {function} AFTER {event} ON {CASES} {transition} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        # TRUNCATE deletes without DELETE triggers: it empties the ledgers too.
        cursor.execute(
            "CREATE OR REPLACE FUNCTION indicators_ledger_truncate() RETURNS trigger LANGUAGE plpgsql "
            f"SET search_path FROM CURRENT AS $$ BEGIN DELETE FROM {FIGURES}; DELETE FROM {FLOWS}; RETURN NULL; END $$"
        )
        cursor.execute(
            f"CREATE OR REPLACE TRIGGER indicators_ledger_truncate AFTER TRUNCATE ON {CASES} "
            "FOR EACH STATEMENT EXECUTE FUNCTION indicators_ledger_truncate()"
        )


def uninstall(conn: BaseDatabaseWrapper | None = None) -> None:
    conn = conn or connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        for name in (*(name for name, _, _ in _TRIGGERS), "truncate"):
            cursor.execute(f"DROP TRIGGER IF EXISTS indicators_ledger_{name} ON {CASES}")
            cursor.execute(f"DROP FUNCTION IF EXISTS indicators_ledger_{name}()")


def rebuild(conn: BaseDatabaseWrapper | None = None, time_zone: str | None = None) -> None:
    """Install the triggers and recompute both ledgers from the cases, in one transaction.

    Writes to the cases wait meanwhile (SHARE ROW EXCLUSIVE: none is counted twice or missed), and so does another
    rebuild; reads of the cases and of the ledgers go on (the old rows are deleted, not truncated). A compaction
    waits for it (the same advisory lock)."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        cursor.execute(f"LOCK TABLE {CASES} IN SHARE ROW EXCLUSIVE MODE")
        install(conn, time_zone)
        cursor.execute(f"DELETE FROM {FIGURES}")
        cursor.execute(f"DELETE FROM {FLOWS}")
        cursor.execute(_appends(f"SELECT 1 AS sign, * FROM {CASES}", time_zone or settings.TIME_ZONE))


def compact(conn: BaseDatabaseWrapper | None = None) -> tuple[int, int]:
    """Sum the rows of each key of both ledgers into one (dropping those that sum to nothing); returns how many
    rows each ledger has afterwards. Safe while cases are written: rows appended meanwhile are left for next time."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return 0, 0
    figure_keys = ("entity_id", "instance_id", "day", "dimension", "value")
    flow_keys = ("entity_id", "instance_id", "day", "concluded_on", "settled_on")
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        # One compaction at a time (two would delete the same rows and may deadlock); this one is skipped when
        # another, or a rebuild, is running: the next one comes ten minutes later.
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK])
        if cursor.fetchone()[0]:
            cursor.execute(_compaction(FIGURES, figure_keys, _FIGURE_COLUMNS))
            cursor.execute(_compaction(FLOWS, flow_keys, ("n",)))
        counts = []
        for table in (FIGURES, FLOWS):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts.append(int(cursor.fetchone()[0]))
    return counts[0], counts[1]


def _compaction(table: str, keys: Sequence[str], values: Sequence[str]) -> str:
    # The days with some key on more than one row; all their rows deleted and written back summed.
    day = ("entity_id", "instance_id", "day")
    joined = " AND ".join(f"t.{k} = d.{k}" for k in day)
    distinct = "(" + ", ".join(k for k in keys if k not in day) + ")"
    sums = ", ".join(f"SUM({v})" for v in values)
    summed = ", ".join((*keys, *values))
    return f"""
WITH days AS (
    SELECT {", ".join(day)} FROM {table} GROUP BY 1, 2, 3 HAVING count(*) > count(DISTINCT {distinct})
),
gone AS (DELETE FROM {table} t USING days d WHERE {joined} RETURNING t.*)
INSERT INTO {table} ({summed})
SELECT * FROM (SELECT {", ".join(keys)}, {sums} FROM gone GROUP BY {", ".join(keys)}) AS summed ({summed})
WHERE {" OR ".join(f"{v} <> 0" for v in values)}
"""


@contextmanager
def _snapshot() -> Iterator[None]:
    """The three queries of ``figures`` on one snapshot of the ledgers (REPEATABLE READ), so that totals,
    breakdowns and flows agree while cases are written; inside a caller's transaction, that transaction's."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def figures(
    date_from: Any, date_to: Any, entity_ids: Sequence[int] | None, instance: str | None
) -> tuple[dict[str, Any], dict[str, list[tuple[Any, int]]]]:
    """The totals (``n_received``… and the means) and the breakdowns of the cases received from ``date_from`` to
    ``date_to``, and how many cases received by ``date_to`` were concluded in the period and were pending at its
    end; for the entities ``entity_ids`` (all if None) and the instance ``instance`` (all if None)."""
    scope, scope_params = "", list[Any]()
    if entity_ids is not None:
        scope += " AND entity_id = ANY(%s)"
        scope_params.append(list(entity_ids))
    if instance is not None:
        scope += " AND instance_id = %s"
        scope_params.append(instance)
    params = [date_from, date_to, *scope_params]
    counts = [c for c in _FIGURE_COLUMNS if not c.startswith("sum_")]
    # The means as AVG computes them: numeric division, then a float, as the ORM gives them.
    means = (
        "(SUM(sum_days)::numeric / NULLIF(SUM(n_answered), 0))::float8, "
        "(SUM(sum_rating)::numeric / NULLIF(SUM(n_rated), 0))::float8"
    )
    with _snapshot(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT instance_id, GROUPING(instance_id), {', '.join(f'SUM({c})' for c in counts)}, {means} "
            f"FROM {FIGURES} WHERE dimension = '' AND day BETWEEN %s AND %s{scope} "
            "GROUP BY ROLLUP (instance_id) HAVING GROUPING(instance_id) = 1 OR SUM(n_received) <> 0",
            params,
        )
        per_instance = cursor.fetchall()
        cursor.execute(
            f"SELECT dimension, value, SUM(n_received) FROM {FIGURES} "
            f"WHERE dimension <> '' AND day BETWEEN %s AND %s{scope} GROUP BY 1, 2 HAVING SUM(n_received) <> 0",
            params,
        )
        breakdown_rows = cursor.fetchall()
        cursor.execute(
            "SELECT COALESCE(SUM(n) FILTER (WHERE concluded_on BETWEEN %s AND %s), 0), "
            "COALESCE(SUM(n) FILTER (WHERE settled_on IS NULL OR settled_on > %s), 0) "
            f"FROM {FLOWS} WHERE day <= %s{scope}",
            [date_from, date_to, date_to, date_to, *scope_params],
        )
        n_concluded, n_pending = cursor.fetchone()

    result: dict[str, Any] = dict.fromkeys(counts, 0) | {"mean_response_days": None, "mean_rating": None}
    by_instance: list[tuple[Any, int]] = []
    for instance_id, is_total, *values in per_instance:
        if is_total:
            result = dict(zip(counts, (int(v or 0) for v in values), strict=False))
            result["mean_response_days"], result["mean_rating"] = values[-2:]
        else:
            by_instance.append((instance_id, int(values[0])))
    result["n_concluded"], result["n_pending"] = int(n_concluded), int(n_pending)

    columns = dict(DIMENSIONS)
    grouped: dict[str, list[tuple[Any, int]]] = {column: [] for _, column in DIMENSIONS}
    grouped["instance_id"] = by_instance
    for dimension, value, n in breakdown_rows:
        key: Any = value
        if dimension == "subject":
            key = int(value) if value else None
        elif dimension != "state":
            key = value or None
        grouped[columns[dimension]].append((key, int(n)))
    return result, grouped
