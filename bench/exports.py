"""The queue and a dashboard table downloaded as CSV and XLSX over 1,000,000 cases on SQLite: rows, time, memory.

    .venv/bin/python bench/exports.py [--rows 1000000] [--reference-rows 10000] [--formats csv,xlsx] [--tracemalloc]

1. Builds two SQLite databases in a temporary directory from one migrated copy (``migrate`` and
   ``load_catalogues``): one with ``--rows`` cases, the reference with ``--reference-rows``. The cases go in with one
   ``INSERT … SELECT`` over a recursive sequence, the secondary indexes dropped during the load and rebuilt after
   from their own definitions, then ``ANALYZE`` (SQLite's counterpart of the ``generate_series`` loads of
   ``bench/workspace_queue.py``): eight entities, three years of receipts, 40 % of the cases assigned to one of ten
   people, every catalogue subject. The insert's seconds are reported.
2. Each download runs in a fresh child process (peaks do not mix): an analyst granted the eight entities signs in
   with Django's test ``Client`` and asks for the real URL, ``/painel/exportar.<csv|xlsx>?tab=all`` (every case)
   and the dashboard's largest table, ``/painel/indicadores/exportar/assunto.<fmt>`` over the three years. The
   response is read chunk by chunk into a file, nothing kept. The child reports seconds to the first and to the
   last byte, and its peak RSS (``getrusage``) before the request and at the end; ``--tracemalloc`` adds Python's
   own peak (slower). A third child, the **floor**, only iterates the queue's queryset as the view does
   (``iterator(chunk_size=2000)``, same joins), writing nothing: what the database and the ORM cost alone.
3. The parent reads each file back: CSV records with ``csv.reader``; XLSX rows by counting ``<row`` elements in
   every worksheet of the zip, plus openpyxl (``read_only``) on the reference file. Memory is flat when the big
   export's peak stays within ``FLAT_FACTOR`` of the reference's, measured in the same run; the load average is read
   before every child, the machine may be shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

ENTITIES = 8
PEOPLE = 10
# The big export's peak RSS may be this many times the 10,000-row one's: more means something holds the rows.
FLAT_FACTOR = 1.5
DAYS = 1095  # three years of receipts
WORKSHEET = re.compile(r"xl/worksheets/sheet\d+\.xml")
EXCEL_MAX_ROWS = 1_048_576
DESCRIPTIONS = (
    "Cobrança em duplicidade na fatura do cartão de crédito.",
    "Pedido de reembolso de despesa médica não analisado.",
    "Estorno de compra não creditado na conta.",
    "Atendimento demorado na central telefônica.",
)


# --- loading -------------------------------------------------------------------------------------------------


def _pick(values: tuple[str, ...], expr: str) -> str:
    """SQL choosing ``values[expr % len]``: SQLite has no arrays."""
    whens = " ".join(f"WHEN {n} THEN '{v}'" for n, v in enumerate(values))
    return f"(CASE ({expr}) % {len(values)} {whens} END)"


def _sqlite_not_null_filled(cursor: Any, table: str, columns: Any) -> None:
    """Fail early when the INSERT leaves out a NOT NULL column added since this was written (SQLite's PRAGMA)."""
    cursor.execute(f'PRAGMA table_info("{table}")')
    missing = {row[1] for row in cursor.fetchall() if row[3] and row[4] is None} - set(columns) - {"id"}
    if missing:
        raise RuntimeError(f"{table} has NOT NULL columns this benchmark does not fill: {sorted(missing)}")


def load(count: int) -> dict[str, Any]:
    """In the child: the entities, the analyst and ``count`` cases; returns the seconds and the counts."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from ouvidoria.accounts.models import StaffProfile
    from ouvidoria.cases.models import Manifestation
    from ouvidoria.catalogue.models import Subject
    from ouvidoria.entities.models import Entity

    entities = [
        Entity.objects.create(slug=f"bench-export-{n}", name=f"Entidade de carga {n}", regime="bcb" if n % 2 else "ans",
                              state="SP", city="São Paulo")
        for n in range(ENTITIES)
    ]  # fmt: skip
    users = get_user_model().objects
    people = [users.create(username=f"bench-export-{n}", first_name=f"Pessoa {n}") for n in range(PEOPLE)]
    for person in people:
        StaffProfile.objects.create(user=person, role="analyst").entities.set(entities)
    subjects = list(Subject.objects.order_by("pk").values_list("pk", flat=True))
    age = f"((i * 7919) % {DAYS})"
    received_on = f"date(:today, '-' || {age} || ' days')"
    status = (
        f"CASE WHEN {age} <= 30 AND i % 10 < 9 OR {age} BETWEEN 31 AND 60 AND i % 10 < 3 OR i % 50 = 0 "
        f"THEN {_pick(('new', 'in_analysis', 'in_analysis', 'waiting_area', 'waiting_requester'), 'i / 7')} "
        f"WHEN {age} <= 30 THEN 'answered' ELSE {_pick(('answered', 'closed', 'closed'), 'i')} END"
    )
    columns = {
        "protocol": "'9' || substr('00000000000' || i, -11, 11)",  # digits, unique, outside the real year range
        "entity_id": f"(SELECT id FROM temp.bench_entity WHERE n = i % {ENTITIES})",
        "instance_id": _pick(("sac", "sac", "ouvidoria", "consumidor-gov", "fale-conosco"), "i / 3"),
        "medium_id": _pick(("phone", "web-form", "email", "chat", "whatsapp"), "i / 5"),
        "record_type_id": _pick(("reclamacao", "reclamacao", "solicitacao", "informacao", "denuncia"), "i"),
        "subject_id": f"(SELECT id FROM temp.bench_subject WHERE n = (i * 31) % {len(subjects)})",
        "policy_id": _pick(("sac", "sac", "bcb-ouvidoria", "consumidor-gov", "sac"), "i / 3"),
        "anonymous": "0",
        "name_confidential": "0",
        "description": _pick(DESCRIPTIONS, "i * 17") + " || ' Referência ' || i",
        "state": "'SP'",
        "city": "'São Paulo'",
        "status": status,
        "assignee_id": f"CASE WHEN i % 5 < 2 THEN {people[0].pk} + (i / 5) % {PEOPLE} END",
        "earlier_reference": "''",
        "external_reference": "''",
        # 09:00 in Brasília is 12:00 UTC, plus a minute per case through the working day.
        "received_at": f"datetime({received_on}, '+12 hours', '+' || (i % 480) || ' minutes')",
        "received_on": received_on,
        "extra_days": "0",
        "extension_count": "0",
        "due_on": f"date({received_on}, '+' || (7 + (i * 13) % 18) || ' days')",
        "concluded_at": f"CASE WHEN {age} > 30 OR i % 10 = 9 THEN datetime({received_on}, '+5 days', '+18 hours') END",
        "merits": "''",
        "merits_reason": "''",
        "interaction_count": "1",
        "imported": "0",
        "source_key": "''",
        "created_at": "datetime('now')",
        "updated_at": "datetime('now')",
    }
    table = Manifestation._meta.db_table
    people_ids = [p.pk for p in people]
    if people_ids != list(range(people_ids[0], people_ids[0] + PEOPLE)):
        raise RuntimeError("the people's ids are not consecutive")
    timings: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        _sqlite_not_null_filled(cursor, table, columns)
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                       [table])  # fmt: skip
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Plain sqlite3 parameters (":today"): Django's cursor would read the "%" of the modulos as placeholders.
        raw = connection.connection
        for name, ids in (("bench_entity", [e.pk for e in entities]), ("bench_subject", subjects)):
            raw.execute(f"CREATE TEMP TABLE {name} (n INTEGER PRIMARY KEY, id INTEGER NOT NULL)")
            raw.executemany(f"INSERT INTO temp.{name} VALUES (?, ?)", enumerate(ids))
        start = time.perf_counter()
        raw.execute(
            f"WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < :count) "
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns.values())} FROM seq",
            {"count": count, "today": date.today().isoformat()},
        )
        (inserted,) = raw.execute("SELECT changes()").fetchone()
        if inserted != count:
            raise RuntimeError(f"inserted {inserted} cases, expected {count}")
        timings["insert_cases_s"] = time.perf_counter() - start
        start = time.perf_counter()
        for _, statement in indexes:
            cursor.execute(statement)
        timings["rebuild_indexes_s"] = time.perf_counter() - start
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["analyze_s"] = time.perf_counter() - start
    return {
        "cases": Manifestation.objects.count(),
        "subjects_used": Manifestation.objects.values("subject").distinct().count(),
        "load_s": {k: round(v, 1) for k, v in timings.items()},
    }


# --- the children --------------------------------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def download(kind: str, fmt: str, out: Path, trace: bool) -> dict[str, Any]:
    """In the child: one export through the real URL, read chunk by chunk into ``out``."""
    import gc
    import tracemalloc

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.http import StreamingHttpResponse
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-export-0"))
    if kind == "queue":
        url, params = reverse("workspace:queue_export", args=[fmt]), {"tab": "all"}
    else:
        today = date.today()
        url = reverse("indicators:export", args=["assunto", fmt])
        params = {"date_from": date.fromordinal(today.toordinal() - DAYS).isoformat(), "date_to": today.isoformat()}
    gc.collect()
    before = _peak_mb()
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    response = client.get(url, params)
    if response.status_code != 200 or not isinstance(response, StreamingHttpResponse):  # FileResponse is one too
        raise RuntimeError(f"{url} answered {response.status_code} with a {type(response).__name__}")
    first_byte = None
    size = 0
    with out.open("wb") as f:
        for chunk in response.streaming_content:
            if first_byte is None:
                first_byte = time.perf_counter() - start
            f.write(chunk)
            size += len(chunk)
    response.close()
    seconds = time.perf_counter() - start
    result = {
        "url": url,
        "params": params,
        "streaming": response.streaming,
        "response_class": type(response).__name__,
        "seconds": round(seconds, 2),
        "first_byte_s": round(first_byte or seconds, 2),
        "bytes": size,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(_peak_mb(), 1),
    }
    if trace:
        result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    return result


def floor() -> dict[str, Any]:
    """In the child: the queue export's query and objects alone, as the view iterates them, nothing written."""
    import gc

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from ouvidoria.workspace import selectors

    user = get_user_model().objects.get(username="bench-export-0")
    qs = selectors.queue(user, selectors.QueueFilters(tab="all"), timezone.localdate())
    qs = qs.select_related("medium", "policy")  # as queue_export reads it
    gc.collect()
    before = _peak_mb()
    start = time.perf_counter()
    rows = sum(1 for _ in qs.iterator(chunk_size=2000))
    return {"rows": rows, "seconds": round(time.perf_counter() - start, 2), "rss_before_mb": round(before, 1),
            "peak_rss_mb": round(_peak_mb(), 1)}  # fmt: skip


def child_main(args: argparse.Namespace) -> None:
    common.setup_django()
    if args.child == "load":
        common.emit(load(args.rows))
    elif args.child == "floor":
        common.emit(floor())
    else:
        common.emit(download(args.child, args.fmt, Path(args.out), args.tracemalloc))


def run_child(db: Path, *argv: str, timeout: float = 3600) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    load_avg = round(os.getloadavg()[0], 2)
    done = subprocess.run([common.PYTHON, __file__, *argv], env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_avg_1m_before"] = load_avg
    return result


# --- reading the files back ----------------------------------------------------------------------------------


def csv_records(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f, delimiter=";")) - 1  # the header


def xlsx_sheet_rows(path: Path) -> list[int]:
    """Rows of each worksheet, header included, counted in the XML without building it."""
    counts = []
    with zipfile.ZipFile(path) as z:
        names = sorted((n for n in z.namelist() if WORKSHEET.fullmatch(n)), key=lambda n: int(n[19:-4]))
        for name in names:
            rows, tail = 0, b""
            with z.open(name) as f:
                while chunk := f.read(1 << 20):
                    data = tail + chunk
                    rows += data.count(b"<row ") + data.count(b"<row>")
                    tail = data[-5:]
                    rows -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again with the next chunk
                rows += tail.count(b"<row ") + tail.count(b"<row>")
            counts.append(rows)
    return counts


def xlsx_openpyxl_rows(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    rows = sum(sum(1 for _ in ws.iter_rows(values_only=True)) - 1 for ws in workbook.worksheets)
    workbook.close()
    return rows


def read_back(path: Path, fmt: str, *, with_openpyxl: bool) -> dict[str, Any]:
    if fmt == "csv":
        return {"rows": csv_records(path)}
    sheets = xlsx_sheet_rows(path)
    found: dict[str, Any] = {"rows": sum(sheets) - len(sheets), "sheet_rows": sheets,
                             "within_excel_limit": all(n <= EXCEL_MAX_ROWS for n in sheets)}  # fmt: skip
    if with_openpyxl:
        found["openpyxl_rows"] = xlsx_openpyxl_rows(path)
    return found


# --- the parent ----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="cases in the big database")
    parser.add_argument("--reference-rows", type=int, default=10_000, help="cases in the reference database")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--no-dashboard", action="store_true", help="leave out the dashboard table")
    parser.add_argument("--tracemalloc", action="store_true", help="also Python's own peak (slows the exports)")
    parser.add_argument("--keep", help="directory to build in and keep (default: a temporary one, removed)")
    parser.add_argument("--child", choices=("load", "queue", "dashboard", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--fmt", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args)
        return

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-exports-"))
    work.mkdir(parents=True, exist_ok=True)
    formats = [f for f in args.formats.split(",") if f]
    try:
        result = measure(work, args, formats)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    common.emit(result)


def measure(work: Path, args: argparse.Namespace, formats: list[str]) -> dict[str, Any]:
    started, uptime = common.utc_now(), Path("/proc/loadavg").read_text().split()[:3]
    common.log(f"migrating a fresh SQLite database in {work} (load average {' '.join(uptime)})")
    base = work / "base.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{base}"}
    common.migrate(env=env)
    common.manage("load_catalogues", env=env)
    with sqlite3.connect(base) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sizes = {"reference": args.reference_rows, "big": args.rows}
    dbs: dict[str, Path] = {}
    loads: dict[str, Any] = {}
    for label, rows in sizes.items():
        dbs[label] = work / f"{label}.sqlite3"
        shutil.copyfile(base, dbs[label])
        common.log(f"loading {rows:,} cases into {dbs[label].name}")
        loads[label] = run_child(dbs[label], "--child", "load", "--rows", str(rows))
        common.log(f"{label}: {loads[label]}")

    kinds = ["queue"] if args.no_dashboard else ["queue", "dashboard"]
    trace = ["--tracemalloc"] if args.tracemalloc else []
    exports: dict[str, dict[str, Any]] = {}
    for kind in kinds:
        for fmt in formats:
            for label in sizes:  # reference and big one after the other, on the same machine state
                out = work / f"{kind}-{label}.{fmt}"
                run = run_child(dbs[label], "--child", kind, "--fmt", fmt, "--out", str(out), *trace)
                run["read_back"] = read_back(out, fmt, with_openpyxl=label == "reference" and kind == "queue")
                out.unlink()
                exports.setdefault(f"{kind}_{fmt}", {})[label] = run
                common.log(f"{kind} {fmt} {label}: {run}")
    floors = {label: run_child(dbs[label], "--child", "floor") for label in sizes}
    common.log(f"floor: {floors}")

    checks = {}
    for name, runs in exports.items():
        ref, big = runs["reference"], runs["big"]
        growth = {label: r["peak_rss_mb"] - r["rss_before_mb"] for label, r in runs.items()}
        check: dict[str, Any] = {
            "peak_ratio_big_to_reference": round(big["peak_rss_mb"] / ref["peak_rss_mb"], 2),
            "growth_mb": {k: round(v, 1) for k, v in growth.items()},
            "flat": big["peak_rss_mb"] <= FLAT_FACTOR * ref["peak_rss_mb"],
        }
        if name.startswith("queue"):
            check["rows_match"] = all(runs[label]["read_back"]["rows"] == loads[label]["cases"] for label in sizes)
            check["big_rows_per_s"] = round(big["read_back"]["rows"] / big["seconds"])
        checks[name] = check
    return {
        "benchmark": "exports",
        "started_at": started,
        "load_avg_at_start": uptime,
        "load_avg_at_end": Path("/proc/loadavg").read_text().split()[:3],
        "rows": sizes,
        "loads": loads,
        "exports": exports,
        "floor": floors,
        "checks": checks,
        "flat_factor": FLAT_FACTOR,
        "met": all(c["flat"] and c.get("rows_match", True) for c in checks.values()),
        "machine": common.machine_facts(),
    }


if __name__ == "__main__":
    main()
