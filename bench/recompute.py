"""A calendar change over 1,000,000 open cases of one entity on PostgreSQL, against numpy's floor.

    scripts/with-postgres.sh .venv/bin/python bench/recompute.py [--cases 1000000]

1. Inserts the cases with one ``INSERT … SELECT … FROM generate_series`` (every NOT NULL column filled; received dates
   spread over the last three years; policies bcb-ouvidoria / sac / consumidor-gov; 3 % with a granted extension),
   their ``due_on`` joined from a table computed once per distinct (policy, date, extra days) by the real engine.
2. Times ``deadlines_recompute`` when nothing changed (the fixed cost of a recompute), then ``entity_closure_add`` of a
   business day inside the window (the measured figure; target < 10 s), and checks the result row by row.
3. The floor: ``numpy.busday_offset`` on the same 1,000,000 (date, n) pairs with the same holiday list, and the pure
   Python engine ``deadlines.due_date`` over the same pairs, with and without memoization by distinct key.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_S = 10.0
YEARS_BACK = 3
# policy -> (share in tenths, instance, medium)
POLICY_MIX = (
    ("bcb-ouvidoria", 5, "ouvidoria", "phone"),
    ("sac", 3, "sac", "web-form"),
    ("consumidor-gov", 2, "consumidor-gov", "external-platform"),
)
EXTENSION_SHARE_PER_MILLE = 30  # bcb-ouvidoria cases with the one extension of 10 business days


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def _policy_case_sql() -> tuple[str, str, str]:
    """SQL CASE expressions picking policy, instance and medium from i % 10."""
    policy, instance, medium, lo = [], [], [], 0
    for code, share, inst, med in POLICY_MIX:
        cond = f"WHEN i %% 10 < {lo + share} THEN"  # %% : the statement has bound parameters
        policy.append(f"{cond} '{code}'")
        instance.append(f"{cond} '{inst}'")
        medium.append(f"{cond} '{med}'")
        lo += share
    return (
        "CASE " + " ".join(policy) + " END",
        "CASE " + " ".join(instance) + " END",
        "CASE " + " ".join(medium) + " END",
    )


def insert_cases(entity: Any, count: int, today: date) -> tuple[float, int]:
    """Insert ``count`` open cases for ``entity``; returns (seconds, distinct deadline keys)."""
    from django.db import connection, transaction

    from ouvidoria.cases.models import Manifestation
    from ouvidoria.entities.services import entity_calendar
    from ouvidoria.rules import deadlines
    from ouvidoria.rules.policies import get_policy

    table = Manifestation._meta.db_table
    days_span = (today - today.replace(year=today.year - YEARS_BACK)).days
    first_day = today - timedelta(days=days_span - 1)
    calendar = entity_calendar(entity)
    # Every (policy, received_on, extra_days) the SQL below can produce, with its due date from the real engine.
    keys = []
    for code, _, _, _ in POLICY_MIX:
        extras = (0, 10) if code == "bcb-ouvidoria" else (0,)
        policy = get_policy(code)
        for offset in range(days_span):
            received = first_day + timedelta(days=offset)
            for extra in extras:
                keys.append((code, received, extra, deadlines.due_date(policy, received, calendar, extra_days=extra)))

    pol, inst, med = _policy_case_sql()
    # Every NOT NULL column of cases_manifestation (migrations 0001-…); a new one without a default fails loudly.
    columns = {
        "protocol": "'9' || lpad(i::text, 11, '0')",  # digits, unique, outside the real year range
        "entity_id": "%(entity)s",
        "instance_id": inst,
        "medium_id": med,
        "record_type_id": "(ARRAY['reclamacao','solicitacao','informacao','reclamacao'])[1 + i %% 4]",
        "policy_id": pol,
        "anonymous": "false",
        "name_confidential": "false",
        "description": "'Manifestação de carga para benchmark nº ' || i",
        "state": "'SP'",
        "city": "'São Paulo'",
        "status": "(ARRAY['new','in_analysis','in_analysis','waiting_area'])[1 + (i / 10) %% 4]",
        "earlier_reference": "''",
        "external_reference": "''",
        "received_at": "(d.received_on + time '09:00' + (i %% 480) * interval '1 minute') AT TIME ZONE "
        "'America/Sao_Paulo'",
        "received_on": "d.received_on",
        "extra_days": "d.extra_days",
        "extension_count": "CASE WHEN d.extra_days > 0 THEN 1 ELSE 0 END",
        "due_on": "k.due_on",
        "merits": "''",
        "merits_reason": "''",
        "interaction_count": "1",
        "imported": "false",
        "source_key": "''",
        "created_at": "now()",
        "updated_at": "now()",
    }
    common.check_not_null_filled(table, columns)

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_due (policy_id text, received_on date, extra_days int, due_on date) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY bench_due FROM STDIN") as copy:
            for row in keys:
                copy.write_row(row)
        cursor.execute("ANALYZE bench_due")
        names = ", ".join(columns)
        exprs = ", ".join(columns.values())
        # d: the i-th case's receipt date and extra days; k: its due date. Dates step by a prime so that
        # neighbouring ids get different dates, and every date of the window gets its share.
        cursor.execute(
            f"INSERT INTO {table} ({names}) "  # only table and column names are interpolated
            f"SELECT {exprs} FROM generate_series(1, %(count)s) AS i "
            "CROSS JOIN LATERAL (SELECT %(first)s::date + ((i::bigint * 7919) %% %(span)s)::int AS received_on, "
            f"  CASE WHEN {pol} = 'bcb-ouvidoria' AND i %% 1000 < %(ext)s THEN 10 ELSE 0 END AS extra_days) AS d "
            f"JOIN bench_due AS k ON k.policy_id = {pol} AND k.received_on = d.received_on "
            "AND k.extra_days = d.extra_days",
            {"entity": entity.pk, "count": count, "first": first_day, "span": days_span,
             "ext": EXTENSION_SHARE_PER_MILLE},
        )  # fmt: skip
        inserted = cursor.rowcount
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    elapsed = time.perf_counter() - start
    if inserted != count:
        raise RuntimeError(f"inserted {inserted} rows, expected {count}")
    return elapsed, len(keys)


def pick_closure_day(calendar: Any, today: date) -> date:
    """A Monday that is a business day, about a year back: inside the window, on the path of many deadlines.

    On a Monday the calendar-day policies also move (deadlines falling on the Saturday and Sunday before roll
    forward to it), not only the business-day one.
    """
    day = today - timedelta(days=365)
    day -= timedelta(days=day.weekday())
    while not (calendar.is_business_day(day) and calendar.is_business_day(day + timedelta(days=1))):
        day -= timedelta(days=7)
    return day


def fetch_pairs(entity: Any) -> tuple[list[str], list[date], list[int], list[date]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT policy_id, received_on, extra_days, due_on FROM cases_manifestation WHERE entity_id = %s "
            "ORDER BY id",
            [entity.pk],
        )
        rows = cursor.fetchall()
    policies, received, extras, dues = (list(col) for col in zip(*rows, strict=True))
    return policies, received, extras, dues


def numpy_floor(
    policies: list[str], received: list[date], extras: list[int], holidays: list[date]
) -> tuple[Any, dict[str, float]]:
    """Due dates with numpy.busday_offset (same conventions as the engine); returns (dates, timings)."""
    import numpy as np

    from ouvidoria.rules.policies import get_policy

    start = time.perf_counter()
    received_arr = np.array(received, dtype="datetime64[D]")
    codes = np.array(policies)
    extra_arr = np.array(extras, dtype=np.int64)
    days = np.zeros(len(policies), dtype=np.int64)
    business = np.zeros(len(policies), dtype=bool)
    for code in set(policies):
        policy = get_policy(code)
        mask = codes == code
        days[mask] = policy.days
        business[mask] = policy.unit == "business"
    n = days + extra_arr
    prepare = time.perf_counter() - start

    start = time.perf_counter()
    cal = np.busdaycalendar(weekmask="1111100", holidays=np.array(holidays, dtype="datetime64[D]"))
    build_calendar = time.perf_counter() - start

    start = time.perf_counter()
    due = np.empty(len(policies), dtype="datetime64[D]")
    # Business days: the n-th business day after receipt; a receipt on a closed day counts from the last open
    # day before it, which is what roll="backward" does.
    due[business] = np.busday_offset(received_arr[business], n[business], roll="backward", busdaycal=cal)
    # Calendar days: receipt + n, moved forward to the next business day.
    calendar_mask = ~business
    due[calendar_mask] = np.busday_offset(
        received_arr[calendar_mask] + n[calendar_mask].astype("timedelta64[D]"), 0, roll="forward", busdaycal=cal
    )
    compute = time.perf_counter() - start
    return due, {"prepare_arrays_s": prepare, "build_calendar_s": build_calendar, "busday_offset_s": compute}


def python_engine(
    policies: list[str], received: list[date], extras: list[int], calendar: Any
) -> tuple[list[date], float, float, int]:
    """(due dates, seconds without memo, seconds with memo, distinct keys) from ``deadlines.due_date``."""
    from ouvidoria.rules import deadlines
    from ouvidoria.rules.policies import get_policy

    by_code = {code: get_policy(code) for code in set(policies)}
    due_date = deadlines.due_date
    start = time.perf_counter()
    plain = [
        due_date(by_code[p], d, calendar, extra_days=e) for p, d, e in zip(policies, received, extras, strict=True)
    ]
    no_memo = time.perf_counter() - start

    start = time.perf_counter()
    memo: dict[tuple[str, date, int], date] = {}
    memoized = []
    for key in zip(policies, received, extras, strict=True):
        value = memo.get(key)
        if value is None:
            value = memo[key] = due_date(by_code[key[0]], key[1], calendar, extra_days=key[2])
        memoized.append(value)
    with_memo = time.perf_counter() - start
    if memoized != plain:
        raise RuntimeError("memoized and plain engine runs disagree")
    return plain, no_memo, with_memo, len(memo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument(
        "--no-relocate", action="store_true", help="skip the second, larger change (head office SP -> RJ)"
    )
    args = parser.parse_args()
    if not common.is_postgres_url():
        common.emit({"benchmark": "recompute", "error": "DATABASE_URL must point at PostgreSQL"})
        sys.exit(2)

    common.log("migrating")
    common.migrate()
    common.setup_django()
    from django.db import connection
    from django.utils import timezone

    from ouvidoria.cases.models import Event
    from ouvidoria.cases.services import deadlines_recompute
    from ouvidoria.entities.models import Entity
    from ouvidoria.entities.services import entity_calendar, entity_closure_add, entity_relocate

    today = timezone.localdate()
    slug = f"bench-recompute-{int(time.time())}"
    entity = Entity.objects.create(
        slug=slug,
        name="Administradora de Consórcios Benchmark",
        regime="bcb",
        institution_kind="consortium",
        state="SP",
        city="São Paulo",
    )
    common.log(f"inserting {args.cases:,} open cases")
    insert_s, distinct_keys = insert_cases(entity, args.cases, today)
    common.log(f"inserted in {insert_s:.1f}s ({distinct_keys} distinct deadline keys)")

    noop_moved, noop_s = _timed(deadlines_recompute, entity=entity, reason="Benchmark: nada mudou.")
    common.log(f"recompute with nothing to move: {noop_s:.2f}s, moved {noop_moved}")

    day = pick_closure_day(entity_calendar(entity), today)
    events_before = Event.objects.filter(kind="deadline_recomputed").count()
    common.log(f"closure on {day} (entity_closure_add)")
    moved, closure_s = _timed(entity_closure_add, entity=entity, day=day, reason="Benchmark: sem expediente")
    entity.refresh_from_db()
    events_written = Event.objects.filter(kind="deadline_recomputed").count() - events_before
    common.log(f"closure: {closure_s:.2f}s, moved {moved:,}")

    # Check every row against the engine with the new calendar, and compare numpy's floor.
    calendar = entity_calendar(entity)
    (policies, received, extras, dues), fetch_s = _timed(fetch_pairs, entity)
    engine_due, no_memo_s, memo_s, memo_keys = python_engine(policies, received, extras, calendar)
    wrong_in_db = sum(1 for a, b in zip(engine_due, dues, strict=True) if a != b)
    lo, hi = min(received), max(dues) + timedelta(days=60)
    holidays = sorted(d for d in calendar.non_business_days if lo <= d <= hi)
    np_due, np_times = numpy_floor(policies, received, extras, holidays)
    np_mismatch = int(sum(1 for a, b in zip(np_due.tolist(), engine_due, strict=True) if a != b))
    moved_by_policy = _moved_by_policy(entity)

    numpy_s = np_times["busday_offset_s"]

    relocation: dict[str, Any] | None = None
    if not args.no_relocate:
        # A larger change: the head office moves to Rio de Janeiro, whose state holidays differ from São Paulo's
        # (and the city of São Paulo's) on several days a year, so deadlines move around each of them.
        common.log("relocation SP -> RJ (entity_relocate)")
        relocated, relocate_s = _timed(entity_relocate, entity=entity, state="RJ", city="Rio de Janeiro")
        relocation = {"relocate_s": round(relocate_s, 2), "moved": relocated,
                      "moved_per_s": round(relocated / relocate_s) if relocate_s else None}  # fmt: skip
        common.log(f"relocation: {relocate_s:.2f}s, moved {relocated:,}")
    pg = common.postgres_facts()
    connection.close()
    result = {
        "benchmark": "recompute",
        "cases": args.cases,
        "window": {"from": str(min(received)), "to": str(max(received)), "years": YEARS_BACK},
        "policies": {code: f"{share * 10}%" for code, share, _, _ in POLICY_MIX},
        "insert_s": round(insert_s, 1),
        "distinct_deadline_keys": distinct_keys,
        "recompute_nothing_changed_s": round(noop_s, 2),
        "closure_day": str(day),
        "closure_add_s": round(closure_s, 2),
        "moved": moved,
        "moved_by_policy": moved_by_policy,
        "timeline_events_written": events_written,
        "rows_wrong_after_closure": wrong_in_db,
        "target_s": TARGET_S,
        "met": closure_s < TARGET_S and wrong_in_db == 0,
        "relocation_sp_to_rj": relocation,
        "floor_numpy": {
            "busday_offset_s": round(numpy_s, 4),
            "build_busdaycalendar_s": round(np_times["build_calendar_s"], 4),
            "prepare_arrays_s": round(np_times["prepare_arrays_s"], 3),
            "holidays_in_list": len(holidays),
            "disagreements_with_engine": np_mismatch,
            "numpy": __import__("numpy").__version__,
        },
        "python_engine": {
            "due_date_no_memo_s": round(no_memo_s, 2),
            "due_date_memo_s": round(memo_s, 2),
            "pairs": len(policies),
            "distinct_keys": memo_keys,
            "fetch_pairs_from_db_s": round(fetch_s, 2),
        },
        "ratios": {
            "closure_add_vs_numpy": round(closure_s / numpy_s, 1) if numpy_s else None,
            "engine_no_memo_vs_numpy": round(no_memo_s / numpy_s, 1) if numpy_s else None,
            "engine_memo_vs_numpy": round(memo_s / numpy_s, 1) if numpy_s else None,
        },
        "postgres": pg,
        "machine": common.machine_facts(),
    }
    common.emit(result)


def _moved_by_policy(entity: Any) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.policy_id, count(*) FROM cases_event e JOIN cases_manifestation m ON m.id = e.manifestation_id "
            "WHERE m.entity_id = %s AND e.kind = 'deadline_recomputed' GROUP BY m.policy_id ORDER BY 1",
            [entity.pk],
        )
        return {code: int(n) for code, n in cursor.fetchall()}


if __name__ == "__main__":
    main()
