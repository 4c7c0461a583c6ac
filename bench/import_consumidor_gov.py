"""Importing ≥ 100,000 consumidor.gov.br open-data lines into a fresh SQLite database.

    .venv/bin/python bench/import_consumidor_gov.py [--copies 9]

The file is the two real sample files (``../shared/data/consumidor-gov``, 11,418 lines) repeated ``--copies`` times,
each copy with every date (``Data Abertura``, ``Data Resposta``, ``Data Finalização``, ``Ano``/``Mês Abertura``)
moved back by 35 days more than the one before, so the lines are distinct complaints; written as the samples are:
no header, windows-1252, CRLF, ``;`` with the trailing empty field. The timed command is
``manage.py import_consumidor_gov FILE --json`` in a child process (Django's start-up included, and reported apart),
then the same file again (nothing new).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_ROWS_PER_S = 10_000.0
SAMPLES = common.ROOT.parent / "shared" / "data" / "consumidor-gov"
SHIFT_DAYS = 35
DATE_COLUMNS = (7, 8, 9)  # Data Abertura, Data Resposta, Data Finalização


def _sample_lines() -> list[list[str]]:
    lines: list[list[str]] = []
    for path in sorted(SAMPLES.glob("*.csv")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        lines.extend(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return lines


def _shift(value: str, days: int) -> date | None:
    if not value:
        return None
    d, m, y = (int(x) for x in value.split("/"))
    return date(y, m, d) - timedelta(days=days)


def write_file(path: Path, copies: int) -> int:
    lines = _sample_lines()
    rows = 0
    with path.open("w", encoding="cp1252", errors="replace", newline="") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        for copy in range(copies):
            days = copy * SHIFT_DAYS
            for line in lines:
                values = list(line)
                for i in DATE_COLUMNS:
                    moved = _shift(values[i], days)
                    values[i] = moved.strftime("%d/%m/%Y") if moved else ""
                opened = _shift(line[7], days)
                assert opened is not None
                values[5], values[6] = str(opened.year), str(opened.month)
                out.writerow(values)
                rows += 1
    return rows


def run_import(path: Path, env: dict[str, str], timeout: float) -> tuple[dict[str, Any], float, float, int]:
    """(the command's JSON, wall seconds, CPU seconds of the command, exit code)."""
    import json

    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = common.manage("import_consumidor_gov", str(path), "--json", env=env, timeout=timeout, check=False)
    elapsed = time.perf_counter() - start
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (child1.ru_utime - child0.ru_utime) + (child1.ru_stime - child0.ru_stime)
    report: dict[str, Any] = {}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            report = json.loads(line)
            break
    if done.returncode != 0 and not report:
        common.log(done.stderr[-2000:])
    return report, elapsed, cpu, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=9, help="times the 11,418 sample lines are repeated")
    parser.add_argument("--timeout", type=float, default=240, help="seconds allowed to each import run")
    parser.add_argument("--keep", action="store_true", help="keep the file and the database in /tmp")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        common.emit({"benchmark": "import_consumidor_gov", "skipped": f"no sample files in {SAMPLES}"})
        return

    work = Path(tempfile.mkdtemp(prefix="ouvidoria-bench-cgov-"))
    db = work / "import.sqlite3"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}", OUVIDORIA_ENV="development", DEBUG="0",
               LOG_LEVEL="WARNING", OUVIDORIA_VAR_DIR=str(work))  # fmt: skip
    try:
        path = work / "consumidor-gov.csv"
        rows = write_file(path, args.copies)
        common.log(f"wrote {rows:,} lines to {path} ({path.stat().st_size / 2**20:.1f} MiB)")
        common.migrate(env=env)
        # Django's start-up and the command's fixed costs: the same command on an empty file.
        empty = work / "empty.csv"
        empty.write_bytes(b"")
        _, startup_s, _, _ = run_import(empty, env, 60)

        busy0, _ = common.machine_cpu_seconds()
        report, import_s, cpu_s, code = run_import(path, env, args.timeout)
        busy1, _ = common.machine_cpu_seconds()
        common.log(f"imported in {import_s:.1f}s (exit {code})")
        again, reimport_s, _, again_code = run_import(path, env, args.timeout)
        with sqlite3.connect(db) as conn:
            rows_in_db = conn.execute("SELECT count(*) FROM cases_manifestation").fetchone()[0]
            events = conn.execute("SELECT count(*) FROM cases_event").fetchone()[0]
        rate = rows / import_s if import_s else 0.0
        common.emit(
            {
                "benchmark": "import_consumidor_gov",
                "rows": rows,
                "file_mib": round(path.stat().st_size / 2**20, 1),
                "database": "SQLite (fresh file, WAL)",
                "command_startup_s": round(startup_s, 2),
                "import_s": round(import_s, 2),
                "rows_per_s": round(rate),
                "rows_per_s_excluding_startup": round(rows / max(import_s - startup_s, 1e-9)),
                "command_cpu_s": round(cpu_s, 2),
                "other_processes_cpu_cores": round(max(0.0, busy1 - busy0 - cpu_s) / import_s, 2) if import_s else None,
                "exit_code": code,
                "imported": report.get("imported"),
                "error_count": len(report.get("errors", [])),
                "rows_in_db": rows_in_db,
                "events_in_db": events,
                "reimport_s": round(reimport_s, 2),
                "reimport": {
                    "exit_code": again_code,
                    "imported": again.get("imported"),
                    "already_present": again.get("already_present"),
                },
                "target_rows_per_s": TARGET_ROWS_PER_S,
                "met": rate >= TARGET_ROWS_PER_S and code == 0 and rows_in_db == rows,
                "machine": common.machine_facts(),
            }
        )
    finally:
        if args.keep:
            common.log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
