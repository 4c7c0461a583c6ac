"""Backup and restore of 1,000,000 manifestations on PostgreSQL: ``manage.py backup`` and ``manage.py restore``.

    PG_DURABLE=1 scripts/with-postgres.sh .venv/bin/python bench/backup.py [--cases 1000000] [--files 500]

1. Loads the cases with the loader of ``bench/recompute.py`` (one ``INSERT … SELECT … FROM generate_series``) and
   writes ``--files`` attachments of 64 KiB of random bytes (they do not compress) into a fresh ``MEDIA_ROOT``.
2. Times ``manage.py backup`` in a child process (start-up included): ``pg_dump --format=custom`` in an exported
   snapshot, every table counted in it, the attachments, all through the encrypted stream.
3. Creates an empty second database on the same server and times ``manage.py restore`` into it with another empty
   ``MEDIA_ROOT`` (``pg_restore --single-transaction``, then every table's count and every file's SHA-256 checked
   against the manifest): the command fails on any difference.
4. Reports the archive's size and the load average (``/proc/loadavg``) before and after each step.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common
from bench.recompute import insert_cases


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed_manage(*args: str, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = common.manage(*args, env=env, timeout=3600)
    return time.perf_counter() - start, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=500, help="attachments of 64 KiB")
    args = parser.parse_args()
    if not common.is_postgres_url():
        common.emit({"benchmark": "backup", "error": "DATABASE_URL must point at PostgreSQL"})
        sys.exit(2)
    work = Path(tempfile.mkdtemp(prefix="ouvidoria-bench-backup-"))
    media = work / "media"
    for n in range(args.files):
        path = media / f"{n % 10}" / f"anexo-{n}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(64 * 1024))

    common.log("migrating")
    common.migrate()
    common.setup_django()
    from django.db import connection
    from django.utils import timezone

    from ouvidoria.entities.models import Entity

    entity = Entity.objects.create(
        slug=f"bench-backup-{int(time.time())}", name="Seguradora Cópias", regime="susep", state="SP", city="Santos"
    )
    common.log(f"inserting {args.cases:,} cases")
    insert_s, _ = insert_cases(entity, args.cases, timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    common.log(f"inserted in {insert_s:.0f}s; database {database_bytes / 1e6:.0f} MB")

    env = {**os.environ, "OUVIDORIA_MEDIA_ROOT": str(media)}
    load_before_backup = load_average()
    common.log("manage.py backup")
    backup_s, backup_out = timed_manage("backup", "--out", str(work / "backups"), env=env)
    (archive,) = (work / "backups").glob("ouvidoria-backup-*.tar.enc")
    load_after_backup = load_average()
    common.log(f"backup in {backup_s:.1f}s: {backup_out}")

    target = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    base_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    restore_env = {**os.environ, "DATABASE_URL": f"{base_url}/{target}", "OUVIDORIA_MEDIA_ROOT": str(work / "restored")}
    load_before_restore = load_average()
    common.log("manage.py restore")
    restore_s, restore_out = timed_manage("restore", str(archive), env=restore_env)
    load_after_restore = load_average()
    common.log(f"restore in {restore_s:.1f}s: {restore_out}")
    archive_bytes = archive.stat().st_size
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
    common.emit(
        {
            "benchmark": "backup",
            "cases": args.cases,
            "files": args.files,
            "insert_s": round(insert_s, 1),
            "database_mb": round(database_bytes / 1e6),
            "archive_mb": round(archive_bytes / 1e6, 1),
            "backup_s": round(backup_s, 1),
            "restore_s": round(restore_s, 1),
            "backup_output": backup_out,
            "restore_output": restore_out,
            "met": "0 divergências" in restore_out,  # no time target: every row and file came back
            "load_average": {
                "before_backup": load_before_backup,
                "after_backup": load_after_backup,
                "before_restore": load_before_restore,
                "after_restore": load_after_restore,
            },
            "postgres": common.postgres_facts(),
            "machine": common.machine_facts(),
        }
    )
    import shutil

    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
