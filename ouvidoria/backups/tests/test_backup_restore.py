"""Backup → restore into an empty installation loses nothing; what is altered, cut or foreign is refused."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from ouvidoria.backups import services
from ouvidoria.backups.stream import sha256_file
from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, register


# Committed rows: the backup reads the database as another process would (SQLite's backup API refuses a connection
# in the middle of a write, pg_dump sees only what is committed).
@pytest.fixture(autouse=True)
def _committed(transactional_db):
    pass


ROOT = Path(django_settings.BASE_DIR)
FILES = {"2026/12/a.pdf": b"%PDF-1.4 um", "2026/12/sub/b.png": b"\x89PNG" + os.urandom(3000), "c.txt": b""}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for name, content in FILES.items():
        path = settings.MEDIA_ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return settings.MEDIA_ROOT


@pytest.fixture
def archive(media, tmp_path):
    entity = EntityFactory(slug="copia")
    for _ in range(3):
        register(entity)
    return services.backup_create(out_dir=tmp_path / "backups").path


def table_counts(cursor, vendor):
    return services._snapshot_facts(cursor, vendor)[0]


def restore_in_fresh_installation(archive: Path, target: Path, **env: str):
    """``manage.py restore`` in its own process, pointed at a database and a MEDIA_ROOT that do not exist yet."""
    (target / "var").mkdir(parents=True)  # an installation's var/, empty
    environment = {
        **os.environ,
        "OUVIDORIA_VAR_DIR": str(target / "var"),
        "OUVIDORIA_MEDIA_ROOT": str(target / "media"),
        **env,
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "restore", str(archive)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_fresh_installation_counts_as_empty():
    assert services.target_rows_in_use() == {}


def test_backup_then_restore_into_an_empty_installation_loses_nothing(archive, media, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip; PostgreSQL has its drill in test_postgres_drill.py")
    target = tmp_path / "target"
    done = restore_in_fresh_installation(archive, target, DATABASE_URL=f"sqlite:///{target / 'restored.sqlite3'}")
    assert done.returncode == 0, done.stderr
    assert "0 divergências" in done.stdout
    with connection.cursor() as cursor:
        expected = table_counts(cursor, "sqlite")
    restored = sqlite3.connect(target / "restored.sqlite3")
    assert table_counts(restored.cursor(), "sqlite") == expected
    assert expected["cases_manifestation"] == 3
    restored_files = {
        p.relative_to(target / "media").as_posix(): p for p in (target / "media").rglob("*") if p.is_file()
    }
    assert set(restored_files) == set(FILES)
    assert {name: sha256_file(p) for name, p in restored_files.items()} == {
        name: sha256_file(media / name) for name in FILES
    }
    assert not [p for p in target.iterdir() if p.name.startswith(".ouvidoria-")]  # no working directory left


def test_restore_refuses_a_database_in_use(archive):
    with pytest.raises(CommandError, match=r"a base de destino não está vazia: .*cases_manifestation"):
        call_command("restore", str(archive))
    assert Manifestation.objects.count() == 3


def test_wrong_key_refused(archive, settings):
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(services.BackupError, match="nenhuma chave configurada"):
        services.backup_restore(archive=archive, replace=True)


def test_a_rotated_ring_still_opens_older_archives(archive, settings, tmp_path):
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.ENCRYPTION_KEYS]
    manifest = services._unpack(archive, tmp_path / "unpacked")
    assert manifest["tables"]["cases_manifestation"] == 3


def test_dedicated_backup_key_is_needed_when_set(media, settings, tmp_path):
    settings.BACKUP_KEY = "uma chave só das cópias de segurança"
    archive = services.backup_create(out_dir=tmp_path).path
    settings.BACKUP_KEY = ""
    with pytest.raises(services.BackupError, match="nenhuma chave"):
        services.backup_restore(archive=archive, replace=True)


def test_a_flipped_byte_is_refused_before_anything_changes(archive, media):
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x40
    archive.write_bytes(bytes(data))
    with pytest.raises(services.BackupError, match="foi alterado"):
        services.backup_restore(archive=archive, replace=True)
    assert Manifestation.objects.count() == 3
    assert sorted(p.name for p in media.parent.iterdir()) == ["backups", "media"]


def test_a_truncated_archive_is_refused(archive):
    archive.write_bytes(archive.read_bytes()[:-100])
    with pytest.raises(services.BackupError, match="truncada"):
        services.backup_restore(archive=archive, replace=True)


def test_an_archive_from_newer_code_is_refused(media, tmp_path):
    future = MigrationRecorder.Migration.objects.create(app="cases", name="9999_from_the_future")
    try:
        archive = services.backup_create(out_dir=tmp_path / "backups").path
    finally:
        future.delete()  # the flush after a transactional test leaves django_migrations alone
    with pytest.raises(services.BackupError, match=r"versão mais nova.*cases\.9999_from_the_future"):
        services.backup_restore(archive=archive, replace=True)


def test_backup_command_names_the_archive(media, tmp_path, capsys):
    call_command("backup", "--out", str(tmp_path / "out"))
    (archive,) = (tmp_path / "out").iterdir()
    assert archive.name.startswith("ouvidoria-backup-")
    assert archive.name.endswith(".tar.enc")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert "3 arquivos" in capsys.readouterr().out


def test_prune_applies_the_retention(tmp_path):
    for day in range(1, 31):
        (tmp_path / f"ouvidoria-backup-202611{day:02d}T051500Z.tar.enc").write_bytes(b"")
    (tmp_path / "outra-coisa.txt").write_text("fica")
    call_command("backup", "--prune", "--out", str(tmp_path), "--keep-daily", "7", "--keep-weekly", "4")
    kept = sorted(p.name[17:25] for p in tmp_path.glob("ouvidoria-backup-*"))
    # 7 days back to the 24th; the weeks of the 30th (Monday), the 29th, 22nd and 15th (Sundays).
    assert kept == ["20261115", "20261122", *(f"202611{d}" for d in range(24, 31))]
    assert (tmp_path / "outra-coisa.txt").exists()


def test_daily_task_does_nothing_without_a_backup_dir(settings):
    from ouvidoria.backups.tasks import backup_daily_task

    settings.BACKUP_DIR = ""
    assert backup_daily_task.call_local() == ""


def test_daily_task_writes_into_the_backup_dir(media, settings, tmp_path):
    from ouvidoria.backups.tasks import backup_daily_task

    settings.BACKUP_DIR = str(tmp_path / "nightly")
    written = Path(backup_daily_task.call_local())
    assert written.parent == tmp_path / "nightly"
    assert written.is_file()


def test_postgres_drill_restores_into_a_second_database(archive, media, tmp_path):
    """The drill CI runs on PostgreSQL: pg_dump of the test database, pg_restore into a new database beside it."""
    if connection.vendor != "postgresql":
        pytest.skip("the drill needs PostgreSQL (pg_dump / pg_restore)")
    import psycopg

    params = connection.settings_dict
    drill = f"{params['NAME']}_drill"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{drill}"')
        cursor.execute(f'CREATE DATABASE "{drill}"')
    try:
        password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
        url = f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT']}/{drill}"
        done = restore_in_fresh_installation(archive, tmp_path / "target", DATABASE_URL=url)
        assert done.returncode == 0, done.stderr
        assert "0 divergências" in done.stdout
        with connection.cursor() as cursor:
            expected = table_counts(cursor, "postgresql")
        libpq = {"host": params["HOST"], "port": params["PORT"], "user": params["USER"], "dbname": drill}
        with psycopg.connect(**libpq, password=params.get("PASSWORD") or None) as restored:
            assert table_counts(restored.cursor(), "postgresql") == expected
        assert expected["cases_manifestation"] == 3
        restored_media = tmp_path / "target" / "media"
        assert {name: sha256_file(restored_media / name) for name in FILES} == {
            name: sha256_file(media / name) for name in FILES
        }
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{drill}" WITH (FORCE)')


def test_attachments_are_archived_as_stored_encrypted_and_restored_readable(media, tmp_path):
    """Issue 19: the archive holds the encrypted bytes (its manifest their SHA-256); the restored file still
    decrypts with the ring to the plaintext whose SHA-256 the attachment row (and the dossier) records."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ouvidoria.cases.services import manifestation_attach
    from ouvidoria.privacy.files import PlainReader

    secret = b"%PDF-1.4\n% RG 12.345.678-9 de Quiteria\n"
    attachment = manifestation_attach(
        register(EntityFactory(slug="anexo-cifrado")),
        upload=SimpleUploadedFile("rg.pdf", secret, "application/pdf"),
        actor=None,
    )
    stored = Path(attachment.file.path).read_bytes()
    assert secret not in stored
    archive = services.backup_create(out_dir=tmp_path / "backups").path
    manifest = services._unpack(archive, tmp_path / "unpacked")
    restored = tmp_path / "unpacked" / "media" / attachment.file.name
    assert restored.read_bytes() == stored
    assert manifest["files"][attachment.file.name]["sha256"] == sha256_file(restored)
    with open(restored, "rb") as raw:
        assert b"".join(PlainReader(raw)) == secret
    assert attachment.sha256 == hashlib.sha256(secret).hexdigest()
