"""The OPIN quarterly file for 1,000,000 manifestations of one entity in one quarter, on PostgreSQL.

    PG_DURABLE=1 scripts/with-postgres.sh .venv/bin/python bench/export_opin.py [--cases 1000000] [--xlsx]
        [--repeat N] [--baseline DIR]

1. Inserts the cases with one ``INSERT … SELECT … FROM generate_series`` (as ``bench/recompute.py`` does) in 2025Q1:
   every OPIN channel, record types and subjects that fit each other, 10 % received in the quarter before, 20 %
   still pending at the end; 500 requesters (encrypted, through the ORM) shared by the cases; and their timeline:
   a registration event each, a message from the requester on one case in three, an answer on each concluded case.
2. Times ``manage.py export_opin --entity … --quarter 2025Q1 --out DIR --json`` in a child process (start-up
   included) and reads the child's peak RSS from ``os.wait4``; target < 30 s and < 300 MB. Then
   ``manage.py validate_opin`` on the file, measured the same way, and with ``--xlsx`` the export with the Annex II
   spreadsheet too.
3. ``--repeat N`` runs the export N times on the same loaded database (the load takes minutes) and reports each run
   and the median. ``--baseline DIR`` takes another checkout (``git archive COMMIT | tar -x -C DIR``) and times its
   export alternately with this one's, on the same data and machine state, and compares the two JSON files byte for
   byte. The load average (1 min) is read before each run: the machine may be shared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_S = 30.0
TARGET_MB = 300.0
INSTANCES = ("sac", "sac", "fale-conosco", "transactional", "ouvidoria", "chatbot")
REQUEST_SUBJECTS = ("opin-erro-dado-cadastral", "opin-erro-compartilhamento", "opin-site-fora-do-ar",
                    "opin-duvidas-gerais", "opin-lgpd")  # fmt: skip


def _array(values: Any) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in values) + "]"


def insert(entity: Any, count: int) -> float:
    from django.db import connection, transaction

    from ouvidoria.cases.models import Event, Manifestation, Requester
    from ouvidoria.catalogue.models import Subject

    requesters = Requester.objects.bulk_create(
        Requester(kind="person", name=f"Pessoa {i}", document=f"{i:011d}", email=f"p{i}@example.com",
                  phone=f"1199999{i:04d}", gender=("F", "M", "NB", "Outro", "")[i % 5])
        for i in range(500)
    )  # fmt: skip
    first_requester = min(r.pk for r in requesters)
    subject_ids = dict(
        Subject.objects.filter(code__in=(*REQUEST_SUBJECTS, "opin-sugestao-elogio")).values_list("code", "pk")
    )
    request_subjects = _array([subject_ids[c] for c in REQUEST_SUBJECTS])
    table, events = Manifestation._meta.db_table, Event._meta.db_table
    # i % 10: 0 received in Q4 2024 and concluded in the quarter; 1-2 pending at the end; the rest concluded in it.
    received = "CASE WHEN i %% 10 = 0 THEN date '2024-10-01' + (i %% 92) ELSE date '2025-01-01' + (i %% 80) END"
    columns = {
        "protocol": "'8' || lpad(i::text, 11, '0')",
        "entity_id": "%(entity)s",
        "instance_id": f"({_array(INSTANCES)})[1 + i %% {len(INSTANCES)}]",
        "medium_id": "'phone'",
        "record_type_id": "(ARRAY['reclamacao','solicitacao','informacao','sugestao','elogio'])[1 + (i / 7) %% 5]",
        "subject_id": f"CASE WHEN (i / 7) %% 5 >= 3 THEN {subject_ids['opin-sugestao-elogio']} "
        f"ELSE ({request_subjects})[1 + (i / 11) %% 5] END",
        "policy_id": "'sac'",
        "requester_id": f"{first_requester} + i %% 500",
        "anonymous": "false",
        "name_confidential": "false",
        "description": "'Manifestação de carga para benchmark nº ' || i",
        "state": "(ARRAY['SP','RJ','MG','BA','RS','PR','PE','CE','GO','ES'])[1 + i %% 10]",
        "city": "(ARRAY['São Paulo','Rio de Janeiro','Belo Horizonte','Salvador','Porto Alegre','Curitiba',"
        "'Recife','Fortaleza','Goiânia','Vitória'])[1 + i %% 10]",
        "status": "CASE WHEN i %% 10 IN (1, 2) THEN 'in_analysis' ELSE 'closed' END",
        "earlier_reference": "''",
        "external_reference": "''",
        "received_at": f"({received} + time '09:00') AT TIME ZONE 'America/Sao_Paulo'",
        "received_on": received,
        "extra_days": "0",
        "extension_count": "0",
        "due_on": f"{received} + 7",
        "concluded_at": f"CASE WHEN i %% 10 IN (1, 2) THEN NULL ELSE (greatest({received}, date '2025-01-01') "
        "+ (i %% 9) + time '15:00') AT TIME ZONE 'America/Sao_Paulo' END",
        "merits": "''",
        "merits_reason": "''",
        "interaction_count": "1",
        "imported": "false",
        "source_key": "''",
        "created_at": "now()",
        "updated_at": "now()",
    }
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns.values())} "
            "FROM generate_series(1, %(count)s) AS i",
            {"entity": entity.pk, "count": count},
        )
        event_columns = "manifestation_id, kind, created_at, actor_label, body, params"
        cursor.execute(
            f"INSERT INTO {events} ({event_columns}) SELECT id, 'registration', received_at, 'bench', '', '{{}}' "
            f"FROM {table} WHERE entity_id = %s",
            [entity.pk],
        )
        cursor.execute(
            f"INSERT INTO {events} ({event_columns}) SELECT id, 'message_in', received_at + interval '1 hour', "
            f"'bench', 'Alguma novidade?', '{{}}' FROM {table} WHERE entity_id = %s AND id %% 3 = 0",
            [entity.pk],
        )
        cursor.execute(
            f"INSERT INTO {events} ({event_columns}) SELECT id, 'answer', concluded_at, 'bench', 'Resposta.', '{{}}' "
            f"FROM {table} WHERE entity_id = %s AND concluded_at IS NOT NULL",
            [entity.pk],
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {events}")
    return time.perf_counter() - start


def measured(*args: str, root: Path = common.ROOT) -> dict[str, Any]:
    """Run ``manage.py`` in a child; its wall time, its own peak RSS (os.wait4) and its last stdout line."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        load = os.getloadavg()[0]
        start = time.perf_counter()
        proc = subprocess.Popen([common.PYTHON, str(root / "manage.py"), *args], cwd=root,
                                stdout=out, stderr=err)  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        lines = out.read().strip().splitlines()
        stderr = err.read()
    return {
        "wall_s": round(elapsed, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "load_avg_1m_before": round(load, 2),
        "exit_code": proc.returncode,
        "last_line": lines[-1] if lines else stderr[-2000:],
    }


def export_run(slug: str, out: Path, root: Path) -> dict[str, Any]:
    """One timed export into ``out`` with the code under ``root``; the SHA-256 of the JSON entry it wrote."""
    run = measured("export_opin", "--entity", slug, "--quarter", "2025Q1", "--out", str(out), "--json", root=root)
    summary = json.loads(run["last_line"]) if run["exit_code"] == 0 else {}
    run["records"] = summary.get("registros")
    if summary:
        path = Path(summary["arquivo"])
        run["zip_mb"] = round(path.stat().st_size / 1e6, 2)
        digest = hashlib.sha256()
        with zipfile.ZipFile(path) as archive, archive.open(f"{path.stem}.json") as entry:
            while block := entry.read(1 << 20):
                digest.update(block)
        run["json_sha256"] = digest.hexdigest()
    return run


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over the runs (p50), and the runs themselves."""
    figures = ("wall_s", "cpu_s", "peak_rss_mb", "load_avg_1m_before")
    return {key: round(statistics.median(run[key] for run in runs), 2) for key in figures} | {
        "records": runs[-1]["records"],
        "zip_mb": runs[-1].get("zip_mb"),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--xlsx", action="store_true", help="also time the export with the Annex II spreadsheet")
    parser.add_argument("--repeat", type=int, default=1, help="exports on the same loaded database (median)")
    parser.add_argument("--baseline", type=Path, help="another checkout whose export is timed alternately")
    args = parser.parse_args()
    if not common.is_postgres_url():
        common.emit({"benchmark": "export_opin", "error": "DATABASE_URL must point at PostgreSQL"})
        sys.exit(2)
    common.log("migrating")
    common.migrate()
    common.manage("load_catalogues")
    common.setup_django()
    from django.db import connection

    from ouvidoria.entities.models import Entity

    slug = f"bench-opin-{int(time.time())}"
    entity = Entity.objects.create(slug=slug, name="Seguradora Benchmark S.A.", regime="susep", state="SP",
                                   city="São Paulo", opin_participant=True)  # fmt: skip
    common.log(f"inserting {args.cases:,} cases and their timeline")
    insert_s = insert(entity, args.cases)
    common.log(f"inserted in {insert_s:.1f}s")
    facts = common.postgres_facts()
    connection.close()

    result: dict[str, Any] = {"benchmark": "export_opin", "cases": args.cases, "insert_s": round(insert_s, 1),
                              "postgres": facts, "machine": common.machine_facts()}  # fmt: skip
    with tempfile.TemporaryDirectory() as out_dir:
        roots = {"this": common.ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in roots}
        digests: dict[str, set[str]] = {name: set() for name in roots}
        for i in range(args.repeat):
            for name, root in roots.items():
                out = Path(out_dir) / name
                common.log(f"export_opin ({name}, run {i + 1} of {args.repeat})")
                run = export_run(slug, out, root)
                digests[name].add(run.pop("json_sha256", None) or "")
                runs[name].append(run)
                common.log(f"export ({name}): {run}")
        export = summarize(runs["this"])
        result.update(export=export)
        if args.baseline:
            result["baseline"] = summarize(runs["baseline"]) | {"root": str(args.baseline)}
            result["same_json_as_baseline"] = len(digests["this"]) == 1 and digests["this"] == digests["baseline"]
        common.log("validate_opin")
        validate = measured("validate_opin", f"{out_dir}/this/202501.zip", "--json")
        report = json.loads(validate["last_line"]) if validate["last_line"].startswith("{") else {}
        validate["valid"] = report.get("valido")
        common.log(f"validate: {validate}")
        result.update(validate=validate)
        if args.xlsx:
            common.log("export_opin --xlsx")
            base = ("export_opin", "--entity", slug, "--quarter", "2025Q1", "--out", out_dir, "--json")
            result["export_xlsx"] = measured(*base, "--xlsx")
            common.log(f"export --xlsx: {result['export_xlsx']}")
    result["met"] = (
        all(run["exit_code"] == 0 and run["records"] == args.cases for run in runs["this"])
        and export["wall_s"] < TARGET_S
        and export["peak_rss_mb"] < TARGET_MB
        and validate["valid"] is True
    )
    common.emit(result)


if __name__ == "__main__":
    main()
