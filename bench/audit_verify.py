"""The tamper-evident log over 1,000,000 timeline events: seal them, then time ``audit_verify``.

    .venv/bin/python bench/audit_verify.py [--events 1000000] [--cases 200]
    scripts/with-postgres.sh .venv/bin/python bench/audit_verify.py   # the same on PostgreSQL

1. A fresh database: a SQLite file in a temporary directory (migrated), or the PostgreSQL of ``DATABASE_URL`` (as
   ``make bench`` gives, throw-away). ``--cases`` cases registered through the service, then ``--events`` events
   spread over them in one ``INSERT … SELECT`` (a recursive sequence on SQLite, ``generate_series`` on PostgreSQL).
2. ``chain_seal()`` appends them all to the chain (timed: the first seal of a backlog; the minute's seal in
   production sees what a minute registers).
3. ``manage.py audit_verify`` in a child process, as an operator runs it: every record's hash recomputed, every
   sealed row read back and its digest recomputed, the anchors matched. Records per second = chain records / the
   command's own verification seconds. The load average is read before and after (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

VERIFY_LINE = re.compile(r"registros na cadeia: (\d+).*?([\d.]+) s \(")


def load(events: int, cases: int) -> float:
    from django.db import connection, transaction
    from django.db.models import Max, Min

    from ouvidoria.cases import services
    from ouvidoria.cases.models import Manifestation

    entity = common.consortium_entity("bench-auditoria")
    rng = random.Random(7)
    for n in range(cases):
        person = common.random_person(rng)
        services.manifestation_register(
            entity=entity,
            instance="ouvidoria",
            record_type="reclamacao",
            medium="phone",
            description=f"Reclamação de benchmark {n}.",
            requester=services.RequesterData(
                name=person["name"], email=person["email"], document=common.random_cpf(rng)
            ),
            actor=None,
        )
    bounds = Manifestation.objects.aggregate(low=Min("pk"), high=Max("pk"))
    low, span = bounds["low"], bounds["high"] - bounds["low"] + 1
    columns = ("manifestation_id", "kind", "created_at", "actor_label", "body", "params")
    if connection.vendor == "postgresql":
        common.check_not_null_filled("cases_event", columns)
    else:
        with connection.cursor() as cursor:
            cursor.execute('PRAGMA table_info("cases_event")')
            missing = {r[1] for r in cursor.fetchall() if r[3] and r[4] is None} - set(columns) - {"id"}
        if missing:
            raise RuntimeError(f"cases_event has NOT NULL columns this benchmark does not fill: {sorted(missing)}")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO cases_event ({', '.join(columns)}) "
                f"SELECT {low} + n %% {span}, 'internal_note', timestamptz '2026-01-01 12:00+00' + n * interval '1 s', "
                "'bench', 'Nota de benchmark ' || n, jsonb_build_object('n', n) FROM generate_series(1, %s) AS n",
                [events],
            )
        else:
            cursor.execute(
                f"INSERT INTO cases_event ({', '.join(columns)}) "
                "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
                f"SELECT {low} + n %% {span}, 'internal_note', "
                "strftime('%%Y-%%m-%%d %%H:%%M:%%f', '2026-01-01 12:00:00', '+' || n || ' seconds'), "
                "'bench', 'Nota de benchmark ' || n, json_object('n', n) FROM s",
                [events],
            )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    if not common.is_postgres_url():
        os.environ["DATABASE_URL"] = f"sqlite:///{work / 'audit.sqlite3'}"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    env = dict(os.environ)
    load_start = Path("/proc/loadavg").read_text().split()[:3]
    common.log(f"migrating ({'PostgreSQL' if common.is_postgres_url() else 'SQLite'}; load {' '.join(load_start)})")
    common.migrate(env=env)
    common.manage("load_catalogues", env=env)
    common.setup_django()
    from django.db import connection

    from ouvidoria.audit.models import ChainRecord
    from ouvidoria.audit.services import chain_seal

    common.log(f"loading {args.events:,} events over {args.cases} cases")
    insert_s = load(args.events, args.cases)
    common.log(f"inserted in {insert_s:.1f} s; sealing")
    started = time.perf_counter()
    sealed = chain_seal()
    seal_s = time.perf_counter() - started
    records = ChainRecord.objects.count()
    connection.close()
    common.log(f"sealed {sealed.records:,} in {seal_s:.1f} s; verifying")
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    started = time.perf_counter()
    done = subprocess.run(
        [common.PYTHON, str(common.ROOT / "manage.py"), "audit_verify"], env=env, capture_output=True, text=True
    )
    wall_s = time.perf_counter() - started
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    match = VERIFY_LINE.search(done.stdout)
    verify_s = float(match[2]) if match else wall_s
    common.emit(
        {
            "benchmark": "audit_verify",
            "database": connection.vendor,
            "at": common.utc_now(),
            "events": args.events,
            "chain_records": records,
            "insert_s": round(insert_s, 1),
            "seal_s": round(seal_s, 1),
            "seal_records_per_s": round(sealed.records / seal_s) if seal_s else None,
            "verify_s": round(verify_s, 1),
            "verify_wall_s": round(wall_s, 1),
            "records_per_s": round(records / verify_s) if verify_s else None,
            "verify_exit": done.returncode,
            "verify_output": done.stdout.strip().splitlines()[-2:],
            "load_avg_before_verify": load_before,
            "load_avg_after_verify": load_after,
            "met": done.returncode == 0 and records >= args.events,
            "machine": common.machine_facts(),
        }
    )


if __name__ == "__main__":
    main()
