"""Importing 50,000 historical cases from a CSV in the OPIN Annex II layout into a fresh SQLite database.

    .venv/bin/python bench/import_cases.py [--rows 50000]

The file has the nine Annex II columns (seed 000 §10.2) plus "Data de abertura", and "CPF", "Nome", "E-mail" filled
on half of the rows, ``;``-separated UTF-8 as Excel in Portuguese saves it. The timed command is
``manage.py import_cases FILE --json --create-entities`` with ``DATABASE_URL=sqlite:////tmp/…`` (whatever
DATABASE_URL the caller has), run in a child process: the figure includes Django's start-up, reported apart too.
Then the same file is imported again (nothing new: every row is already present), which is timed as well.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_ROWS_PER_S = 5000.0
last_cpu: dict[str, float] = {}
ANNEX_II = ("Entidade", "Canal", "Tipo de manifestação", "Gênero", "UF", "Cidade", "Assunto",
            "Prazo de conclusão praticado", "Número de interações por cliente")  # fmt: skip
EXTRA = ("Data de abertura", "CPF", "Nome", "E-mail")
ENTITIES = ("Empresa 1", "Seguradora Horizonte S.A.", "Previdência Aurora S.A.", "Capitalização Brasil S.A.")
CHANNELS = (("SAC", 45), ("Ouvidoria", 25), ("Transacional", 20), ("Chatbot", 10))
TYPES = (("Reclamação", 45), ("Solicitação", 25), ("Informação", 20), ("Sugestão", 5), ("Elogio", 5))
REQUEST_SUBJECTS = common.OPIN_REQUEST_SUBJECTS


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def write_csv(path: Path, rows: int, seed: int = 20260202) -> None:
    rng = random.Random(seed)
    today = date.today()
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow((*ANNEX_II, *EXTRA))
        for i in range(rows):
            channel = _pick(rng, CHANNELS)
            record_type = _pick(rng, TYPES)
            if record_type in ("Sugestão", "Elogio"):
                subject = "OPIN - Sugestão ou elogio"
            elif channel == "Ouvidoria" and rng.random() < 0.3:
                subject = "OPIN Problema com o Atendimento (recorrência)"
            else:
                subject = rng.choice(REQUEST_SUBJECTS)
            person = common.random_person(rng)
            opened = today - timedelta(days=rng.randrange(40, 730))
            practiced = rng.randrange(0, 31)
            identified = i % 2 == 0
            gender = rng.choice(("F", "M", "F", "M", "NB", "Outro", "")) if identified or rng.random() < 0.5 else ""
            out.writerow(
                (
                    rng.choice(ENTITIES),
                    channel,
                    record_type,
                    gender,
                    person["state"],
                    person["city"],
                    subject,
                    practiced,
                    rng.randrange(1, 10),
                    opened.strftime("%d/%m/%Y"),
                    common.random_cpf(rng) if identified else "",
                    person["name"] if identified else "",
                    person["email"] if identified else "",
                )
            )


def run_import(path: Path, env: dict[str, str], timeout: float) -> tuple[dict[str, Any], float, int, str]:
    global last_cpu
    busy0, _ = common.machine_cpu_seconds()
    child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = common.manage(
        "import_cases", str(path), "--json", "--create-entities", env=env, timeout=timeout, check=False
    )
    elapsed = time.perf_counter() - start
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy1, _ = common.machine_cpu_seconds()
    command_cpu = (child1.ru_utime - child0.ru_utime) + (child1.ru_stime - child0.ru_stime)
    last_cpu = {"command_cpu_s": round(command_cpu, 2),
                "other_processes_cpu_cores": round(max(0.0, busy1 - busy0 - command_cpu) / elapsed, 2)}  # fmt: skip
    report: dict[str, Any] = {}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            report = json.loads(line)
            break
    return report, elapsed, done.returncode, done.stderr[-2000:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--timeout", type=float, default=240, help="seconds allowed to each import run")
    parser.add_argument("--keep", action="store_true", help="keep the CSV and the database in /tmp")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ouvidoria-bench-import-"))
    db = work / "import.sqlite3"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}", OUVIDORIA_ENV="development", DEBUG="0",
               LOG_LEVEL="WARNING", OUVIDORIA_VAR_DIR=str(work))  # fmt: skip
    try:
        help_run = subprocess.run(
            [common.PYTHON, str(common.ROOT / "manage.py"), "help", "import_cases"],
            cwd=common.ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if help_run.returncode != 0:
            common.emit({"benchmark": "import_cases", "skipped": "manage.py import_cases does not exist yet"})
            return

        csv_path = work / "opin-anexo-ii.csv"
        common.log(f"writing {args.rows:,} rows to {csv_path}")
        write_csv(csv_path, args.rows)
        common.log("migrating a fresh SQLite database")
        start = time.perf_counter()
        common.migrate(env=env)
        migrate_s = time.perf_counter() - start

        # Django's start-up and the command's fixed costs: the same command on a file with the header only.
        empty = work / "header-only.csv"
        empty.write_text(";".join((*ANNEX_II, *EXTRA)) + "\n", encoding="utf-8")
        _, startup_s, _, _ = run_import(empty, env, 60)

        common.log("importing")
        report, import_s, code, stderr = run_import(csv_path, env, args.timeout)
        import_cpu = dict(last_cpu)
        common.log(f"imported in {import_s:.1f}s (exit {code})")
        common.log("importing the same file again")
        again, reimport_s, again_code, _ = run_import(csv_path, env, args.timeout)

        with sqlite3.connect(db) as conn:
            rows_in_db = conn.execute("SELECT count(*) FROM cases_manifestation").fetchone()[0]
            requesters = conn.execute("SELECT count(*) FROM cases_requester").fetchone()[0]
            entities = conn.execute("SELECT count(*) FROM entities_entity").fetchone()[0]
        errors = report.get("errors", [])
        rate = args.rows / import_s if import_s else 0.0
        result = {
            "benchmark": "import_cases",
            "rows": args.rows,
            "csv_mib": round(csv_path.stat().st_size / 2**20, 2),
            "database": "SQLite (fresh file, WAL)",
            "migrate_s": round(migrate_s, 1),
            "command_startup_s": round(startup_s, 2),
            "import_s": round(import_s, 2),
            "rows_per_s": round(rate, 0),
            "rows_per_s_excluding_startup": round(args.rows / max(import_s - startup_s, 1e-9), 0),
            "exit_code": code,
            "cpu": import_cpu,
            "imported": report.get("imported"),
            "already_present": report.get("already_present"),
            "error_count": len(errors),
            "errors_sample": errors[:5] or (stderr[-500:] if code else []),
            "rows_in_db": rows_in_db,
            "requesters_in_db": requesters,
            "entities_in_db": entities,
            "reimport_s": round(reimport_s, 2),
            "reimport_rows_per_s": round(args.rows / reimport_s, 0) if reimport_s else None,
            "reimport": {
                "exit_code": again_code,
                "imported": again.get("imported"),
                "already_present": again.get("already_present"),
            },
            "target_rows_per_s": TARGET_ROWS_PER_S,
            "met": rate >= TARGET_ROWS_PER_S and code == 0 and rows_in_db == args.rows,
            "machine": common.machine_facts(),
        }
        common.emit(result)
    finally:
        if args.keep:
            common.log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
