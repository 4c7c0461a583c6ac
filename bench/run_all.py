"""Run every benchmark in sequence and write bench/results/latest.json (``make bench``).

    scripts/with-postgres.sh .venv/bin/python bench/run_all.py [--only api_register,recompute]

Each benchmark runs as its own process with a time limit (about 20 minutes in all on a 2-core machine, most of it
loading the 1,000,000 cases of the indicators, plus up to 25 for the CSV and XLSX downloads of ``exports`` and about
7 for the backup and restore of another 1,000,000 in ``backup``); its last JSON line is its result. The machine's
idle share is sampled before each one: on a shared machine other people's jobs skew the figures, and the results say
so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

# (name, script, needs PostgreSQL, time limit in seconds)
BENCHMARKS = (
    ("api_register", "api_register.py", True, 300),
    ("recompute", "recompute.py", True, 330),
    ("import_cases", "import_cases.py", False, 300),
    ("faq", "faq.py", False, 300),
    ("workspace_queue", "workspace_queue.py", True, 900),
    ("export_opin", "export_opin.py", True, 600),
    ("indicators", "indicators.py", True, 900),
    ("import_consumidor_gov", "import_consumidor_gov.py", False, 300),
    ("exports", "exports.py", False, 1800),
    ("backup", "backup.py", True, 1200),
)


def busy_cores(seconds: float = 2.0) -> float:
    """Cores kept busy by everything on the machine over ``seconds`` (this process sleeps meanwhile)."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            values = [int(x) for x in f.readline().split()[1:]]
        return sum(values), values[3] + values[4]

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    if total1 == total0:
        return 0.0
    return round((1 - (idle1 - idle0) / (total1 - total0)) * (os.cpu_count() or 1), 2)


def wait_for_quiet(limit: float, threshold: float = 0.3) -> float:
    """Wait up to ``limit`` seconds until under ``threshold`` cores are busy; returns the last sample."""
    deadline = time.monotonic() + limit
    while True:
        busy = busy_cores()
        if busy < threshold or time.monotonic() >= deadline:
            return busy
        common.log(f"{busy} cores busy with other work; waiting for the machine to go quiet")


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=common.ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=common.ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+dirty" if dirty else "")


def postgres_version() -> str | None:
    if not common.is_postgres_url():
        return None
    common.setup_django()
    from django.db import connection

    facts = common.postgres_facts()
    connection.close()
    return f"{facts['version']} (fsync={facts['fsync']}, synchronous_commit={facts['synchronous_commit']})"


def run(name: str, script: str, limit: int) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [common.PYTHON, str(common.ROOT / "bench" / script)],
            cwd=common.ROOT,
            stdout=subprocess.PIPE,
            text=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"benchmark": name, "error": f"timed out after {limit}s"}
    elapsed = round(time.perf_counter() - start, 1)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"benchmark": name, "error": f"exit {done.returncode} without a result line", "elapsed_s": elapsed}
    result: dict[str, Any] = json.loads(lines[-1])
    result["elapsed_s"] = elapsed
    result["exit_code"] = done.returncode
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60,
        help="seconds to wait before each benchmark for the machine to go idle (others' jobs skew the figures)",
    )
    args = parser.parse_args()
    only = {name for name in args.only.split(",") if name}

    report: dict[str, Any] = {
        "started_at": common.utc_now(),
        "git": git_revision(),
        "machine": common.machine_facts(),
        "postgres": postgres_version(),
        "results": {},
    }
    for name, script, needs_pg, limit in BENCHMARKS:
        if only and name not in only:
            continue
        if needs_pg and not common.is_postgres_url():
            report["results"][name] = {"benchmark": name, "skipped": "needs DATABASE_URL on PostgreSQL"}
            continue
        background = wait_for_quiet(args.quiet_wait)
        common.log(f"{name}: starting (busy cores before: {background})")
        result = run(name, script, limit)
        result["busy_cores_before"] = background
        report["results"][name] = result
        common.log(f"{name}: {'met' if result.get('met') else 'NOT met'} in {result.get('elapsed_s')}s")

    report["finished_at"] = common.utc_now()
    common.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = common.RESULTS_DIR / "latest.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    summary = {name: _headline(name, r) for name, r in report["results"].items()}
    print(json.dumps({"results_file": str(out.relative_to(common.ROOT)), "summary": summary}, ensure_ascii=False))


def _headline(name: str, r: dict[str, Any]) -> dict[str, Any]:
    if "error" in r or "skipped" in r:
        return {k: r[k] for k in ("error", "skipped") if k in r}
    # By the name in BENCHMARKS: the scripts' own "benchmark" field differs for some ("queue"), and a benchmark
    # without a line here is summed up by "met" rather than failing the run after every figure was measured.
    picks = {
        "api_register": ("registrations_per_s", "latency_ms", "met"),
        "recompute": ("closure_add_s", "moved", "ratios", "met"),
        "import_cases": ("rows_per_s", "import_s", "met"),
        "faq": ("search", "faq_search_sqlite", "met"),
        "workspace_queue": ("worst_p95_ms", "tab_counts", "met"),
        "export_opin": ("export", "validate", "met"),
        "exports": ("checks", "met"),
        "backup": ("backup_s", "restore_s", "archive_mb", "met"),
    }.get(name, ("met",))
    return {k: r.get(k) for k in picks}


if __name__ == "__main__":
    main()
