"""The indicators over 1,000,000 manifestations on PostgreSQL: the command and the dashboard.

    scripts/with-postgres.sh .venv/bin/python bench/indicators.py [--cases 1000000] [--requests 30]

1. Loads the cases with the loader of ``bench/recompute.py`` (one ``INSERT … SELECT … FROM generate_series``,
   received dates over the last three years, instances ouvidoria / sac / consumidor-gov), then gives them the
   history the indicators read with one ``UPDATE``: 85 % answered after 0–14 days (95 % of those then closed),
   merits on the ombudsman's, the requester's evaluation and score on 40 %, subjects, 8 UFs, record types and media.
   PostgreSQL's triggers write both to the daily ledgers (``ouvidoria.indicators.ledger``), which are then compacted
   as the periodic job does.
2. ``EXPLAIN (ANALYZE, BUFFERS)`` of the selector's queries, for docs/benchmarks.md, and the selector's own time in
   this process, with the time of the same figures read from the cases (checked equal).
3. Times ``manage.py indicators --json`` over the three years and over the last month, in a child process (start-up
   included, and reported apart), best of ``--runs``.
4. The dashboard ``/painel/indicadores/`` through Django's test ``Client`` as a manager of the entity, ``--requests``
   requests for the last month and as many for the whole three years: p50 and p95.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.recompute import insert_cases

TARGET_COMMAND_S = 1.0
TARGET_P95_S = 1.0

# One UPDATE gives the loaded cases the history the indicators read (ids step through the mixes).
HISTORY_SQL = """
UPDATE cases_manifestation SET
  concluded_at = CASE WHEN id %% 20 < 17 THEN received_at + ((id * 7) %% 15) * interval '1 day' END,
  closed_at = CASE WHEN id %% 20 < 16 THEN received_at + ((id * 7) %% 15 + 2) * interval '1 day' END,
  status = CASE WHEN id %% 20 < 16 THEN 'closed' WHEN id %% 20 < 17 THEN 'answered' ELSE status END,
  merits = CASE WHEN instance_id = 'ouvidoria' AND id %% 20 < 17
                THEN (ARRAY['upheld', 'not_upheld', 'not_upheld'])[1 + id %% 3] ELSE '' END,
  resolved = CASE WHEN id %% 5 < 2 THEN id %% 3 > 0 END,
  rating = CASE WHEN id %% 5 < 2 THEN 1 + (id * 3) %% 5 END,
  subject_id = CASE WHEN id %% 10 < 7 THEN (%(subjects)s::bigint[])[1 + (id / 11) %% %(subject_count)s] END,
  state = (ARRAY['SP', 'RJ', 'MG', 'BA', 'RS', 'PR', 'PE', 'CE'])[1 + (id / 7) %% 8],
  record_type_id = (ARRAY['reclamacao', 'reclamacao', 'solicitacao', 'informacao', 'elogio', 'sugestao'])[1 + id %% 6],
  medium_id = CASE WHEN instance_id = 'consumidor-gov' THEN 'external-platform'
                   ELSE (ARRAY['phone', 'email', 'web-form', 'chat', 'whatsapp'])[1 + (id / 3) %% 5] END
WHERE entity_id = %(entity)s
"""


def explain(sql: str, params: Any) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def selector_queries(date_from: Any, date_to: Any) -> list[tuple[str, float, list[str]]]:
    """Each query of ``indicators`` with its time and plan (captured by running the selector once)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ouvidoria.cases.models import Manifestation
    from ouvidoria.indicators.selectors import indicators

    with CaptureQueriesContext(connection) as captured:
        indicators(Manifestation.objects.all(), date_from, date_to)
    out = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not any(table in sql for table in ("cases_manifestation", "indicators_daily")):
            continue
        plan = explain(sql, None)
        out.append((sql[:160], float(query["time"]), plan))
    return out


def _ledger_rows() -> tuple[int, int]:
    from ouvidoria.indicators.models import DailyFigure, DailyFlow

    return DailyFigure.objects.count(), DailyFlow.objects.count()


def command_wall(args: list[str], runs: int) -> tuple[float, dict[str, Any]]:
    best, report = float("inf"), {}
    for _ in range(runs):
        start = time.perf_counter()
        done = common.manage("indicators", *args, "--json")
        best = min(best, time.perf_counter() - start)
        report = json.loads(done.stdout.strip().splitlines()[-1])
    return best, report


def dashboard_latencies(user: Any, params: dict[str, str], count: int) -> list[float]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.get("/painel/indicadores/", params)  # warm-up: templates, catalogues
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get("/painel/indicadores/", params)
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"dashboard answered {response.status_code}")
    return sorted(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30, help="dashboard requests per period")
    parser.add_argument("--runs", type=int, default=3, help="command runs per period (best is reported)")
    args = parser.parse_args()
    if not common.is_postgres_url():
        common.emit({"benchmark": "indicators", "error": "DATABASE_URL must point at PostgreSQL"})
        sys.exit(2)

    common.log("migrating")
    common.migrate()
    common.setup_django()
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from ouvidoria.accounts.models import StaffProfile
    from ouvidoria.cases.tests.factories import UserFactory
    from ouvidoria.catalogue.models import Subject
    from ouvidoria.entities.models import Entity

    setup_test_environment()  # the test Client's host and response context
    today = timezone.localdate()
    slug = f"bench-indicators-{int(time.time())}"
    entity = Entity.objects.create(slug=slug, name="Seguradora Indicadores", regime="susep", state="SP", city="Santos")
    common.log(f"inserting {args.cases:,} cases")
    insert_s, _ = insert_cases(entity, args.cases, today)
    common.log(f"inserted in {insert_s:.0f}s; giving them a history")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        subjects = list(Subject.objects.order_by("pk").values_list("pk", flat=True))
        cursor.execute(HISTORY_SQL, {"entity": entity.pk, "subjects": subjects, "subject_count": len(subjects)})
    history_s = time.perf_counter() - start
    common.log(f"history in {history_s:.0f}s (with the ledgers' triggers)")
    # What the periodic job does every ten minutes: one row per key in the daily ledgers.
    from ouvidoria.indicators import ledger

    ledger_rows_before = _ledger_rows()
    start = time.perf_counter()
    ledger_rows = ledger.compact()
    compact_s = time.perf_counter() - start
    common.log(f"ledgers compacted in {compact_s:.1f}s: {ledger_rows_before} -> {ledger_rows} rows")
    with connection.cursor() as cursor:
        for table in ("cases_manifestation", "indicators_dailyfigure", "indicators_dailyflow"):
            cursor.execute(f"VACUUM ANALYZE {table}")

    three_years = (today.replace(year=today.year - 3) + timedelta(days=1), today)
    month = (today - timedelta(days=30), today)
    plans = {
        "three_years": [{"sql": s, "ms": round(t * 1000), "plan": p} for s, t, p in selector_queries(*three_years)],
        "month": [{"sql": s, "ms": round(t * 1000), "plan": p} for s, t, p in selector_queries(*month)],
    }

    # The selector alone, in this process (what the command does after Django's start-up), best of --runs.
    from ouvidoria.cases.models import Manifestation
    from ouvidoria.indicators.selectors import indicators

    selector = {}
    for name, (a, b) in {"three_years": three_years, "month": month}.items():
        times, live = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            from_ledger = indicators(Manifestation.objects.all(), a, b)
            times.append(time.perf_counter() - start)
            # The same figures read from the cases (a scope that is not every case), for comparison.
            start = time.perf_counter()
            from_cases = indicators(Manifestation.objects.filter(pk__gt=0), a, b)
            live.append(time.perf_counter() - start)
            if from_cases != from_ledger:
                raise RuntimeError(f"{name}: the ledgers and the cases disagree")
        selector[name] = {
            "best_s": round(min(times), 3),
            "worst_s": round(max(times), 3),
            "from_cases_best_s": round(min(live), 3),
        }
        common.log(f"selector, {name}: {selector[name]}")

    start = time.perf_counter()
    common.manage("help", "indicators")
    startup_s = time.perf_counter() - start
    period_args = {name: ["--from", a.isoformat(), "--to", b.isoformat()] for name, (a, b) in
                   {"three_years": three_years, "month": month}.items()}  # fmt: skip
    command = {}
    for name, cli in period_args.items():
        common.log(f"manage.py indicators {' '.join(cli)}")
        wall, report = command_wall(cli, args.runs)
        command[name] = {"wall_s": round(wall, 3), "received": report["received"], "pending": report["pending"]}

    user = UserFactory.create(username=f"gestor-{slug}")
    profile = StaffProfile.objects.create(user=user, role="manager")  # type: ignore[misc]
    profile.entities.set([entity])
    dashboard = {}
    for name, (a, b) in {"three_years": three_years, "month": month}.items():
        common.log(f"dashboard, {name}: {args.requests} requests")
        lat = dashboard_latencies(user, {"date_from": a.isoformat(), "date_to": b.isoformat()}, args.requests)
        dashboard[name] = {
            "requests": len(lat),
            "p50_s": round(common.percentile(lat, 50), 3),
            "p95_s": round(common.percentile(lat, 95), 3),
            "max_s": round(lat[-1], 3),
        }
    worst_command = max(c["wall_s"] for c in command.values())
    worst_p95 = max(d["p95_s"] for d in dashboard.values())
    common.emit(
        {
            "benchmark": "indicators",
            "cases": args.cases,
            "load_s": round(insert_s + history_s, 1),
            "insert_s": round(insert_s, 1),
            "history_update_s": round(history_s, 1),
            "ledger_rows_before_compaction": ledger_rows_before,
            "ledger_rows": ledger_rows,
            "compact_s": round(compact_s, 2),
            "command_startup_s": round(startup_s, 2),
            "selector": selector,
            "command": command,
            "dashboard": dashboard,
            "queries": {name: [{"sql": q["sql"], "ms": q["ms"]} for q in qs] for name, qs in plans.items()},
            "plans": plans,
            "postgres": common.postgres_facts(),
            "machine": common.machine_facts(),
            "target": {"command_s": TARGET_COMMAND_S, "dashboard_p95_s": TARGET_P95_S},
            "met": worst_command < TARGET_COMMAND_S and worst_p95 < TARGET_P95_S,
        }
    )


if __name__ == "__main__":
    main()
