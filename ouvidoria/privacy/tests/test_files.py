"""Issue 19: attachments (and every stored file holding personal data) encrypted at rest with the key ring, and
covered by ``manage.py rotate_keys``."""

import hashlib
import logging
import os
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from ouvidoria.cases import services
from ouvidoria.cases.models import Attachment
from ouvidoria.cases.selectors import attachment_open_plain
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.dossier.selectors import _file_sha256
from ouvidoria.privacy import files
from ouvidoria.privacy.chunked import CHUNK_SIZE
from ouvidoria.privacy.files import (
    HEADER_SIZE,
    MAGIC,
    FileUnreadable,
    PlainReader,
    encrypted_chunks,
    encrypted_storage,
    key_state,
)
from ouvidoria.privacy.rotation import files_under_old_keys, keys_rotate

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n"
MARKER = PDF + b"% CPF 529.982.247-25 de Quiteria Valadares\n"
KEY_B = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_MAX_BYTES = 8 * CHUNK_SIZE


@pytest.fixture
def entity():
    return EntityFactory(slug="cifrada")


@pytest.fixture
def analyst(entity):
    return staff_user("analyst", entities=[entity])


def attach(analyst, content: bytes = MARKER, name: str = "comprovante.pdf") -> Attachment:
    """Through the upload service; ``content`` must start as a PDF (the rule judges files on their content)."""
    m = register(EntityFactory._meta.model.objects.get(slug="cifrada"))
    return services.manifestation_attach(m, upload=SimpleUploadedFile(name, content, "application/pdf"), actor=analyst)


def stored_bytes(a: Attachment) -> bytes:
    return Path(a.file.path).read_bytes()


def download(user, a: Attachment):
    return signed_in(user).get(reverse("workspace:case_attachment", args=[a.manifestation.protocol, a.pk]))


def plain(source: bytes) -> bytes:
    return b"".join(PlainReader(BytesIO(source)))


def test_the_stored_bytes_are_not_the_plaintext_and_the_download_is(analyst):
    a = attach(analyst)
    raw = stored_bytes(a)
    assert raw.startswith(MAGIC)
    assert MARKER not in raw
    assert b"Quiteria" not in raw
    response = download(analyst, a)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MARKER
    # The same headers as before encryption: the recorded type, a download under the original name.
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="comprovante.pdf"'
    assert response["Content-Length"] == str(len(MARKER))
    assert a.sha256 == hashlib.sha256(MARKER).hexdigest()
    assert a.size == len(MARKER)
    assert a.file.size == len(MARKER)


def test_no_clear_copy_is_left_in_media_root(analyst, entity):
    # Past Django's in-memory limit an upload is a temporary file: the storage must encrypt it, not move it in place.
    upload = TemporaryUploadedFile("grande.pdf", "application/pdf", 0, None)
    upload.write(MARKER * 100_000)
    upload.size = upload.tell()
    upload.seek(0)
    temporary = Path(upload.temporary_file_path())
    a = services.manifestation_attach(register(entity), upload=upload, actor=analyst)
    assert temporary.exists()  # left where Django put it (it deletes it at the end of the request), not moved
    assert Path(settings.MEDIA_ROOT) not in temporary.parents
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            assert MARKER not in path.read_bytes(), path
    with attachment_open_plain(a) as reader:
        assert b"".join(reader) == MARKER * 100_000
    upload.close()


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE])
def test_round_trip_at_every_chunk_boundary(size, tmp_path):
    data = os.urandom(size)
    stored = b"".join(encrypted_chunks(iter([data[i : i + 70_000] for i in range(0, size, 70_000)])))
    assert plain(stored) == data
    path = tmp_path / "media" / "f"
    path.parent.mkdir(parents=True)
    path.write_bytes(stored)
    assert encrypted_storage().size("f") == size  # the plaintext's size, from the stored size alone


def test_each_file_has_its_own_key_and_nonces(analyst):
    one, two = attach(analyst), attach(analyst)
    assert stored_bytes(one)[HEADER_SIZE:] != stored_bytes(two)[HEADER_SIZE:]
    assert stored_bytes(one)[: HEADER_SIZE - 16] == stored_bytes(two)[: HEADER_SIZE - 16]  # magic, version, key id


@pytest.mark.parametrize("where", ["header", "middle", "end", "cut"])
def test_a_tampered_file_answers_a_clear_page_and_is_logged_without_personal_data(analyst, where, caplog):
    a = attach(analyst, MARKER + os.urandom(3 * CHUNK_SIZE))
    path = Path(a.file.path)
    raw = bytearray(path.read_bytes())
    if where == "cut":
        raw = raw[: -CHUNK_SIZE // 2]
    else:
        at = {"header": 12, "middle": HEADER_SIZE + CHUNK_SIZE + 500, "end": len(raw) - 1}[where]
        raw[at] ^= 1
    path.write_bytes(bytes(raw))
    with caplog.at_level(logging.ERROR):
        response = download(analyst, a)
    assert response.status_code == 409
    page = response.content.decode()
    assert "não passou na verificação de integridade" in page
    assert "Traceback" not in page
    assert f"attachment {a.pk}" in caplog.text
    assert "comprovante" not in caplog.text
    assert "Quiteria" not in caplog.text
    with pytest.raises(FileUnreadable), attachment_open_plain(a) as reader:
        b"".join(reader)


def test_the_api_answers_the_same_error_as_json(analyst, caplog):
    from rest_framework.test import APIClient

    from ouvidoria.api.models import ApiToken

    a = attach(analyst, MARKER + os.urandom(CHUNK_SIZE))
    path = Path(a.file.path)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 1
    path.write_bytes(bytes(raw))
    _, key = ApiToken.issue(name="crm", entities=[a.manifestation.entity])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(f"/api/v1/manifestations/{a.manifestation.protocol}/attachments/{a.pk}/")
    assert response.status_code == 409
    assert "integridade" in response.json()["detail"]


def test_a_large_file_is_streamed_chunk_by_chunk(analyst):
    size = 5 * CHUNK_SIZE + 123
    a = attach(analyst, PDF + b"x" * (size - len(PDF)))
    with attachment_open_plain(a) as reader:
        blocks = [len(block) for block in reader]
    assert blocks == [CHUNK_SIZE] * 5 + [123]  # one authenticated chunk at a time, never the whole file
    response = download(analyst, a)
    pieces = [len(piece) for piece in response.streaming_content]
    assert sum(pieces) == size
    assert max(pieces) <= 64 * 1024

    # Encryption consumes its input as it goes: the first stored bytes come out before the last block is read.
    taken = []

    def source():
        for i in range(5):
            taken.append(i)
            yield b"y" * CHUNK_SIZE

    out = encrypted_chunks(source())
    next(out)  # the header
    next(out)  # the first chunk
    assert len(taken) < 5


def test_the_dossier_lists_the_plaintexts_sha256(analyst):
    a = attach(analyst)
    assert _file_sha256(a) == hashlib.sha256(MARKER).hexdigest() == a.sha256


def test_rotation_from_a_to_b_a_re_encrypts_files_and_they_still_download(analyst):
    one, two = attach(analyst), attach(analyst, PDF + b"outro documento")
    old = list(settings.ENCRYPTION_KEYS)
    with override_settings(ENCRYPTION_KEYS=[KEY_B, *old]):
        assert files_under_old_keys() == 2
        assert download(analyst, one).status_code == 200  # the old key still reads before rotation
        result = keys_rotate()
        assert [(f.table, f.rewritten) for f in result.files if f.read] == [("cases_attachment", 2)]
        assert files_under_old_keys() == 0
        assert sum(f.rewritten for f in keys_rotate().files) == 0  # a second run changes nothing
    with override_settings(ENCRYPTION_KEYS=[KEY_B]):  # the old key removed
        assert b"".join(download(analyst, one).streaming_content) == MARKER
        assert b"".join(download(analyst, two).streaming_content) == PDF + b"outro documento"
        assert MARKER not in stored_bytes(one)
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.rotating"))
    with override_settings(ENCRYPTION_KEYS=old), pytest.raises(FileUnreadable, match="nenhuma chave"):
        attachment_open_plain(one)  # the new key taken away too soon: named, not a trace


def test_an_interrupted_rotation_resumes(analyst, monkeypatch):
    attachments = [attach(analyst, MARKER + bytes([i])) for i in range(3)]
    real_replace = os.replace
    calls = []

    def crash_on_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or the machine going down
        real_replace(src, dst)

    with override_settings(ENCRYPTION_KEYS=[KEY_B, *settings.ENCRYPTION_KEYS]):
        monkeypatch.setattr(files.os, "replace", crash_on_second)
        with pytest.raises(KeyboardInterrupt):
            keys_rotate()
        monkeypatch.setattr(files.os, "replace", real_replace)
        assert files_under_old_keys() == 2  # the first file done; the second left whole under the old key
        assert not list(Path(settings.MEDIA_ROOT).rglob("*.rotating"))
        result = keys_rotate()
        assert sum(f.rewritten for f in result.files) == 2
        assert files_under_old_keys() == 0
        for i, a in enumerate(attachments):
            assert b"".join(download(analyst, a).streaming_content) == MARKER + bytes([i])


def test_a_file_being_read_while_rotated_is_still_read_whole(analyst):
    content = PDF + os.urandom(3 * CHUNK_SIZE)
    a = attach(analyst, content)
    with override_settings(ENCRYPTION_KEYS=[KEY_B, *settings.ENCRYPTION_KEYS]):
        with attachment_open_plain(a) as reader:
            first = reader.read(CHUNK_SIZE)
            keys_rotate()
            rest = b"".join(reader)
        assert first + rest == content
        with open(a.file.path, "rb") as raw:
            assert key_state(raw) == "current"


def test_a_legacy_clear_file_is_read_then_encrypted_by_rotation(analyst):
    a = attach(analyst)
    Path(a.file.path).write_bytes(MARKER)  # as stored before encryption
    response = download(analyst, a)
    assert b"".join(response.streaming_content) == MARKER
    out = StringIO()
    call_command("rotate_keys", "--check", stdout=out)
    assert "Arquivos ainda em claro ou com chaves antigas: 1." in out.getvalue()
    out = StringIO()
    call_command("rotate_keys", stdout=out)
    assert "cases_attachment.file: 1 arquivos lidos, 1 recifrados" in out.getvalue()
    assert "podem ser retiradas" in out.getvalue()
    assert MARKER not in stored_bytes(a)
    assert b"".join(download(analyst, a).streaming_content) == MARKER


def test_rotation_counts_a_missing_or_unreadable_file_and_goes_on(analyst, caplog):
    gone, broken, fine = attach(analyst), attach(analyst), attach(analyst)
    Path(gone.file.path).unlink()
    raw = bytearray(stored_bytes(broken))
    raw[-1] ^= 1
    Path(broken.file.path).write_bytes(bytes(raw))
    with override_settings(ENCRYPTION_KEYS=[KEY_B, *settings.ENCRYPTION_KEYS]):
        result = keys_rotate()
        assert b"".join(download(analyst, fine).streaming_content) == MARKER
    (attachments,) = [f for f in result.files if f.table == "cases_attachment"]
    assert (attachments.read, attachments.rewritten, attachments.missing, attachments.unreadable) == (3, 1, 1, 1)
    assert f"cases_attachment id {broken.pk}" in caplog.text


def test_deleting_through_the_storage_removes_the_encrypted_file(analyst):
    a = attach(analyst)
    path = Path(a.file.path)
    a.file.storage.delete(a.file.name)
    assert not path.exists()


def test_an_uploaded_import_is_stored_encrypted(analyst):
    from ouvidoria.imports.models import ImportJob

    job = ImportJob.objects.create(
        kind="cases", file=SimpleUploadedFile("historico.csv", MARKER), original_name="historico.csv"
    )
    assert MARKER not in Path(job.file.path).read_bytes()
    with job.file.open("rb") as f:
        assert f.read() == MARKER
