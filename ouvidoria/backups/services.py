"""Backups: one encrypted archive of the database and the attachments, its restore and its retention.

The archive (``ouvidoria-backup-<UTC timestamp>.tar.enc``) is a tar stream in the encrypted format of
``stream.py`` holding, in this order:

- ``database.sqlite3`` (SQLite's online backup API, one step: a consistent copy while the application writes) or
  ``database.pgdump`` (``pg_dump --format=custom`` inside an exported snapshot, consistent by that snapshot);
- ``media/…``: every file under ``MEDIA_ROOT``;
- ``manifest.json`` (last, as the files' digests are computed while they are written): format version, creation
  time, database vendor, the applied migrations per app, every table's row count (read from the same snapshot as
  the copy), and each file's size and SHA-256.

A restore reads everything into a private directory beside ``MEDIA_ROOT`` first, so an altered, truncated or
undecipherable archive changes nothing; then the database, then the attachments (one rename), then the check of
every count and digest against the manifest.
"""

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from ouvidoria.backups.retention import backups_to_keep
from ouvidoria.backups.stream import (
    CHUNK_SIZE,
    FORMAT_VERSION,
    ArchiveError,
    DecryptingReader,
    EncryptingWriter,
    master_keys,
    sha256_file,
)

ARCHIVE_PREFIX = "ouvidoria-backup-"
ARCHIVE_SUFFIX = ".tar.enc"
_STAMP = "%Y%m%dT%H%M%SZ"
_ARCHIVE_NAME = re.compile(rf"^{ARCHIVE_PREFIX}(\d{{8}}T\d{{6}}Z){re.escape(ARCHIVE_SUFFIX)}$")
# The documented retention (docs/security.md, "Cópias de segurança").
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
# Reference data every installation has (``load_catalogues``, rows the migrations seed): rows there do not make a
# target "in use".
_REFERENCE_APPS = {"catalogue", "faq"}
_REFERENCE_MODELS = {"cases.protocolcounter", "notify.replytemplate"}
_DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup or restore refused or failed; the message (Portuguese) names the problem."""


@dataclasses.dataclass(frozen=True)
class BackupDone:
    path: Path
    size: int
    tables: int
    rows: int
    files: int


@dataclasses.dataclass(frozen=True)
class RestoreDone:
    tables: int
    rows: int
    files: int
    mismatches: list[str]
    pending_migrations: int


# --- the database, per vendor ------------------------------------------------------------------------------------

_TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _snapshot_facts(cursor: Any, vendor: str) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Every table's row count and the applied migrations per app, read through a DB-API cursor."""
    cursor.execute(_TABLES_SQL[vendor])
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608 - names from the catalogue, quoted
        counts[table] = int(cursor.fetchone()[0])
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return counts, migrations


def _pg_env() -> dict[str, str]:
    """The libpq variables that point pg_dump / pg_restore / psycopg at Django's database."""
    params = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if params.get(key):
            env[variable] = str(params[key])
    env["PGDATABASE"] = str(params["NAME"])
    return env


def _pg_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    debian = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not debian:
        raise BackupError(f"{name} não encontrado: instale o cliente do PostgreSQL (pacote postgresql-client).")
    return str(debian[-1])


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} falhou ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _database_copy(target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Writes a consistent copy of the database to ``target``; returns the counts and migrations of that copy."""
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:
            # SQLite answers a backup of a connection that is writing with SQLITE_LOCKED, and Python retries forever.
            raise BackupError("a cópia do SQLite não pode ser feita dentro de uma transação.")
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            # One step (pages=-1): the whole copy under one read transaction, so it is one moment of the database.
            connection.connection.backup(copy)
            return _snapshot_facts(copy.cursor(), "sqlite")
        finally:
            copy.close()
    if connection.vendor == "postgresql":
        import psycopg
        from psycopg.conninfo import make_conninfo

        env = _pg_env()
        with psycopg.connect(make_conninfo("", **_libpq_params(env))) as snapshot:
            snapshot.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            snapshot.read_only = True
            with snapshot.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot_id = cursor.fetchone()[0]  # type: ignore[index]
                # pg_dump reads the same snapshot as the counts below, while the transaction stays open.
                _run([_pg_binary("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"], env)
                return _snapshot_facts(cursor, "postgresql")
    raise BackupError(f"banco de dados {connection.vendor} não suportado pelas cópias de segurança.")


def _libpq_params(env: dict[str, str]) -> dict[str, str]:
    names = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user", "PGPASSWORD": "password", "PGDATABASE": "dbname"}
    return {key: env[variable] for variable, key in names.items() if variable in env}


def _database_restore(source: Path) -> None:
    if connection.vendor == "sqlite":
        # Into Django's own connection with the backup API, not a file copy: the file stays the one other processes
        # have open (and its WAL consistent), and an in-memory database works the same.
        connection.ensure_connection()
        copy = sqlite3.connect(source)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
        return
    connections.close_all()  # no idle session of ours holding a lock on a table pg_restore drops
    args = ["--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction", "--exit-on-error"]
    env = _pg_env()
    _run([_pg_binary("pg_restore"), *args, f"--dbname={env['PGDATABASE']}", str(source)], env)


def _current_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts, _ = _snapshot_facts(cursor, connection.vendor)
    return counts


def target_rows_in_use() -> dict[str, int]:
    """Rows in the product's tables (reference catalogues aside), per table: empty means a fresh installation."""
    existing = set(connection.introspection.table_names())
    models = [m for m in apps.get_models() if m._meta.app_config.name.startswith("ouvidoria.")]
    models += [apps.get_model("auth", "User")]
    found = {}
    for model in models:
        table = model._meta.db_table
        reference = model._meta.app_label in _REFERENCE_APPS or model._meta.label_lower in _REFERENCE_MODELS
        if reference or table not in existing or model._meta.proxy:
            continue
        count = model._default_manager.count()
        if count:
            found[table] = count
    return found


# --- the attachments ---------------------------------------------------------------------------------------------


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for directory, subdirs, names in os.walk(root):
        subdirs.sort()
        for name in sorted(names):
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


class _HashingReader:
    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._f.read(size)
        self.digest.update(data)
        return data


# --- backup ------------------------------------------------------------------------------------------------------


def _writing_key() -> bytes:
    return master_keys(settings.BACKUP_KEY, settings.ENCRYPTION_KEYS)[0]


def backup_create(*, out_dir: Path, now: dt.datetime | None = None) -> BackupDone:
    """Writes one archive into ``out_dir`` (first as ``.part``, renamed once complete)."""
    now = now or dt.datetime.now(dt.UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"{ARCHIVE_PREFIX}{now.strftime(_STAMP)}{ARCHIVE_SUFFIX}"
    partial = final.with_name(final.name + ".part")
    work = Path(tempfile.mkdtemp(prefix=".ouvidoria-backup-", dir=out_dir))  # 0700, on the backup's disk
    try:
        db_name = _DB_FILES.get(connection.vendor, "database")
        db_copy = work / db_name
        counts, migrations = _database_copy(db_copy)
        files: dict[str, dict[str, Any]] = {}
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            writer = EncryptingWriter(out, _writing_key())
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                tar.add(db_copy, arcname=db_name)
                media_root = Path(settings.MEDIA_ROOT)
                for path, relative in _media_files(media_root):
                    with open(path, "rb") as f:
                        info = tar.gettarinfo(arcname=f"media/{relative}", fileobj=f)
                        hashing = _HashingReader(f)
                        tar.addfile(info, hashing)
                    files[relative] = {"size": info.size, "sha256": hashing.digest.hexdigest()}
                manifest = {
                    "format": FORMAT_VERSION,
                    "created_at": now.isoformat(),
                    "vendor": connection.vendor,
                    "database": {"file": db_name, "size": db_copy.stat().st_size, "sha256": sha256_file(db_copy)},
                    "migrations": migrations,
                    "tables": counts,
                    "files": files,
                }
                _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return BackupDone(final, final.stat().st_size, len(counts), sum(counts.values()), len(files))


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


# --- restore -----------------------------------------------------------------------------------------------------


def _unpack(archive: Path, into: Path) -> dict[str, Any]:
    masters = master_keys(settings.BACKUP_KEY, settings.ENCRYPTION_KEYS)
    try:
        with open(archive, "rb") as source:
            reader = DecryptingReader(source, masters)
            with tarfile.open(fileobj=reader, mode="r|", bufsize=CHUNK_SIZE) as tar:  # type: ignore[call-overload]
                tar.extractall(into, filter="data")
            reader.read()  # to the final chunk: a cut after the tar's end is refused too
    except ArchiveError as exc:
        raise BackupError(str(exc)) from exc
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"conteúdo ilegível na cópia: {exc}") from exc
    try:
        manifest: dict[str, Any] = json.loads((into / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError("a cópia não tem um manifesto legível (manifest.json).") from exc
    return manifest


def _check_compatible(manifest: dict[str, Any]) -> int:
    """Refuses an archive this code cannot take; returns how many of the code's migrations it lacks."""
    if int(manifest.get("format", 0)) > FORMAT_VERSION:
        raise BackupError(f"a cópia está no formato {manifest['format']}, mais novo que este ({FORMAT_VERSION}).")
    if manifest.get("vendor") != connection.vendor:
        raise BackupError(
            f"a cópia é de um banco {manifest.get('vendor')} e o destino é {connection.vendor}: "
            "restaure numa instalação com o mesmo banco."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {(app, name) for app, names in manifest.get("migrations", {}).items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, name in archived - known)
    if unknown:
        raise BackupError(
            "a cópia vem de uma versão mais nova da aplicação (migrações desconhecidas: "
            f"{', '.join(unknown[:5])}{'…' if len(unknown) > 5 else ''}): atualize o código antes de restaurar."
        )
    return len(known - archived)


def _file_mismatches(root: Path, expected: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for relative, facts in sorted(expected.items()):
        path = root / relative
        if not path.is_file():
            problems.append(f"arquivo ausente: {relative}")
        elif path.stat().st_size != facts["size"] or sha256_file(path) != facts["sha256"]:
            problems.append(f"arquivo diferente do manifesto: {relative}")
    return problems


def _count_mismatches(expected: dict[str, int]) -> list[str]:
    actual = _current_counts()
    problems = []
    for table, count in sorted(expected.items()):
        if table not in actual:
            problems.append(f"tabela ausente: {table}")
        elif actual[table] != count:
            problems.append(f"tabela {table}: {actual[table]} linhas, o manifesto diz {count}")
    return problems


def _media_swap(staged: Path, media_root: Path) -> None:
    """Puts the restored attachments in place with renames on one disk; the previous ones go only after."""
    if media_root.exists():
        previous = Path(tempfile.mkdtemp(prefix=".ouvidoria-before-restore-", dir=media_root.parent))
        media_root.rename(previous / "media")
        staged.rename(media_root)
        shutil.rmtree(previous)
    else:
        staged.rename(media_root)


def backup_restore(*, archive: Path, replace: bool = False) -> RestoreDone:
    """Restores ``archive`` into this installation's database and ``MEDIA_ROOT``, then checks them."""
    if not archive.is_file():
        raise BackupError(f"arquivo não encontrado: {archive}")
    if not replace:
        in_use = target_rows_in_use()
        if in_use:
            sample = ", ".join(f"{table} ({count})" for table, count in sorted(in_use.items())[:5])
            raise BackupError(
                f"a base de destino não está vazia: há registros em {len(in_use)} tabelas, entre elas {sample}. "
                "Restaure numa instalação vazia, ou use --yes para substituir tudo."
            )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".ouvidoria-restore-", dir=media_root.parent))  # the media's disk
    try:
        manifest = _unpack(archive, work)
        pending = _check_compatible(manifest)
        db_facts = manifest["database"]
        db_file = work / db_facts["file"]
        staged = work / "media"
        staged.mkdir(exist_ok=True)
        unpacked = _file_mismatches(staged, manifest["files"])
        if not db_file.is_file() or sha256_file(db_file) != db_facts["sha256"] or unpacked:
            raise BackupError("a cópia não confere com o próprio manifesto: " + "; ".join(unpacked[:5]))
        _database_restore(db_file)
        _media_swap(staged, media_root)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    mismatches = _count_mismatches(manifest["tables"]) + _file_mismatches(media_root, manifest["files"])
    tables = manifest["tables"]
    return RestoreDone(len(tables), sum(tables.values()), len(manifest["files"]), mismatches, pending)


# --- retention ---------------------------------------------------------------------------------------------------


def archives_in(directory: Path) -> dict[dt.datetime, Path]:
    found = {}
    for path in directory.iterdir() if directory.is_dir() else ():
        match = _ARCHIVE_NAME.match(path.name)
        if match and path.is_file():
            found[dt.datetime.strptime(match[1], _STAMP).replace(tzinfo=dt.UTC)] = path
    return found


def backups_prune(
    *, directory: Path, daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY, monthly: int = KEEP_MONTHLY
) -> list[Path]:
    """Deletes the archives in ``directory`` that the retention keeps no more; returns them."""
    archives = archives_in(directory)
    keep = backups_to_keep(archives, daily=daily, weekly=weekly, monthly=monthly)
    removed = [path for moment, path in sorted(archives.items()) if moment not in keep]
    for path in removed:
        path.unlink()
    return removed


def backup_daily() -> BackupDone | None:
    """The scheduled backup: one archive into ``OUVIDORIA_BACKUP_DIR``, then the documented retention."""
    if not settings.BACKUP_DIR:
        return None
    directory = Path(settings.BACKUP_DIR)
    done = backup_create(out_dir=directory)
    backups_prune(directory=directory)
    return done
