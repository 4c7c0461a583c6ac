"""Stored files encrypted at rest with the key ring (``settings.ENCRYPTION_KEYS``), read back streaming.

Layout of a stored file (integers big-endian)::

    header   MAGIC (10 bytes) | version (1 byte, FORMAT_VERSION) | key id (8 bytes) | salt (16 random bytes)
    chunk*   AES-256-GCM chunks of ``privacy/chunked.py`` (1 MiB of plaintext each, the header bound to every one)

The key id names which key of the ring encrypted the file without revealing it: the first 8 bytes of
HMAC-SHA256(key, "ouvidoria-file-key-id"). The file's own key is HKDF-SHA256 of that ring key with the salt. So a
reader picks the key at once, and ``rotate_keys`` knows, from 35 bytes, which files the first key did not write.

MAGIC starts with 0x89 (as PNG's does): no file the attachment rule accepts (``rules/attachments.py``: text must be
UTF-8) begins with it, so a file written before encryption (``legacy``: no header) is told apart from an encrypted one
and is read as it is until ``rotate_keys`` encrypts it.
"""

import base64
import hashlib
import hmac
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, cast

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage

from ouvidoria.privacy import chunked
from ouvidoria.privacy.chunked import CHUNK_SIZE, SALT_SIZE, ChunkReader, ChunkWriter, StreamError, Wording

logger = logging.getLogger(__name__)

MAGIC = b"\x89OUV-FILE\n"
FORMAT_VERSION = 1
KEY_ID_SIZE = 8
HEADER_SIZE = len(MAGIC) + 1 + KEY_ID_SIZE + SALT_SIZE
_WORDING = Wording(the="o arquivo", of_the="do arquivo", truncated="truncado", altered="alterado")

KeyState = Literal["current", "old", "clear", "unknown"]


class FileUnreadable(StreamError):
    """A stored file that fails authentication or that no key of the ring encrypted. Messages in Portuguese, and
    never the file's name or content (they may carry personal data)."""


def _master(fernet_key: str) -> bytes:
    # A Fernet key is 32 url-safe base64 bytes; its raw bytes are the master key, only ever used through HMAC/HKDF.
    return base64.urlsafe_b64decode(fernet_key)


def key_id(fernet_key: str) -> bytes:
    return hmac.new(_master(fernet_key), b"ouvidoria-file-key-id", hashlib.sha256).digest()[:KEY_ID_SIZE]


def _ring() -> dict[bytes, bytes]:
    """Key id -> master key, for every key of the ring."""
    return {key_id(k): _master(k) for k in settings.ENCRYPTION_KEYS}


def _file_key(master: bytes, salt: bytes) -> bytes:
    return chunked.derive_key(master, salt, b"ouvidoria-file:v1")


class _Sink:
    """Where a ChunkWriter puts its output until the caller takes it."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(data)
        return len(data)

    def take(self) -> Iterator[bytes]:
        parts, self.parts = self.parts, []
        return iter(parts)


def encrypted_chunks(plain: Iterator[bytes] | list[bytes]) -> Iterator[bytes]:
    """The stored form of ``plain`` (an iterator of byte blocks), under the first key of the ring, as it goes."""
    first = settings.ENCRYPTION_KEYS[0]
    salt = os.urandom(SALT_SIZE)
    sink = _Sink()
    writer = ChunkWriter(sink, _file_key(_master(first), salt), MAGIC + bytes([FORMAT_VERSION]) + key_id(first) + salt)
    yield from sink.take()
    for block in plain:
        writer.write(block)
        yield from sink.take()
    writer.close()
    yield from sink.take()


def _read_header(source: BinaryIO) -> bytes | None:
    """The header, or None for a file stored before encryption (then ``source`` is back at its start)."""
    header = source.read(HEADER_SIZE)
    if header[: len(MAGIC)] != MAGIC:
        source.seek(0)
        return None
    if len(header) < HEADER_SIZE:
        raise FileUnreadable("o arquivo está truncado no cabeçalho.")
    version = header[len(MAGIC)]
    if version > FORMAT_VERSION:
        raise FileUnreadable(f"o arquivo está no formato {version}, mais novo que o desta versão ({FORMAT_VERSION}).")
    return header


def key_state(source: BinaryIO) -> KeyState:
    """Which key wrote the file, from its header alone: the first of the ring, another, none (clear), or unknown."""
    header = _read_header(source)
    if header is None:
        return "clear"
    kid = header[len(MAGIC) + 1 : len(MAGIC) + 1 + KEY_ID_SIZE]
    if kid == key_id(settings.ENCRYPTION_KEYS[0]):
        return "current"
    return "old" if kid in _ring() else "unknown"


class PlainReader:
    """The plaintext of a stored file, read streaming: each 1 MiB chunk is authenticated before it is returned.
    A file stored before encryption is passed through as it is. ``seek(0)`` starts again (``File.chunks`` does it);
    ``FileUnreadable`` is raised by the constructor (first chunk, key) or by ``read`` (a later chunk)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._open()

    def _open(self) -> None:
        self._position = 0
        header = _read_header(self._raw)
        self.encrypted = header is not None
        self._reader: ChunkReader | None = None
        if header is None:
            return
        kid = header[len(MAGIC) + 1 : len(MAGIC) + 1 + KEY_ID_SIZE]
        master = _ring().get(kid)
        if master is None:
            raise FileUnreadable(
                "nenhuma chave de OUVIDORIA_ENCRYPTION_KEYS cifrou este arquivo "
                "(a chave foi retirada antes da rotação)."
            )
        salt = header[len(MAGIC) + 1 + KEY_ID_SIZE :]
        try:
            self._reader = ChunkReader(
                self._raw,
                header,
                [_file_key(master, salt)],
                wording=_WORDING,
                no_key="o início do arquivo foi alterado: a autenticação falhou.",
            )
        except StreamError as exc:
            raise FileUnreadable(str(exc)) from None

    def read(self, size: int = -1) -> bytes:
        if self._reader is None:
            data = self._raw.read(size)
        else:
            try:
                data = self._reader.read(size)
            except StreamError as exc:
                raise FileUnreadable(str(exc)) from None
        self._position += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if (offset, whence) != (0, os.SEEK_SET):
            raise OSError("um arquivo cifrado só pode ser relido desde o início")
        self._raw.seek(0)
        self._open()
        return 0

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._raw.close()

    @property
    def closed(self) -> bool:
        return bool(self._raw.closed)

    def __enter__(self) -> "PlainReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        while block := self.read(CHUNK_SIZE):
            yield block


def plain_verified(raw: BinaryIO) -> tuple[PlainReader, int]:
    """Authenticates the whole file first (one pass, decrypting and discarding), then returns a reader from its
    start and the plaintext length: a download can then answer an error page instead of breaking off mid-way.
    The same open descriptor serves both passes, so a rotation replacing the file meanwhile changes nothing here."""
    reader = PlainReader(raw)
    length = 0
    for block in reader:
        length += len(block)
    reader.seek(0)
    return reader, length


class _EncryptingContent(File):  # type: ignore[type-arg]
    """An upload seen by the storage as its encrypted form; with no ``temporary_file_path``, so the storage writes
    these chunks instead of moving the clear temporary file into place."""

    def __init__(self, content: File) -> None:  # type: ignore[type-arg]
        super().__init__(content.file, content.name)
        self._content = content

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return encrypted_chunks(iter(self._content.chunks(CHUNK_SIZE)))


class _PlainFile(File):  # type: ignore[type-arg]
    """What the storage's ``open`` returns: opened again, it goes through the storage, never to the raw bytes."""

    def __init__(self, storage: "EncryptedFileSystemStorage", name: str) -> None:
        self._storage = storage
        super().__init__(cast(IO[bytes], storage.open_plain(name)), name)

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> "_PlainFile":
        if self.closed:
            self.file = cast(IO[bytes], self._storage.open_plain(self.name or ""))
        elif self.file is not None:
            self.file.seek(0)
        return self


class EncryptedFileSystemStorage(FileSystemStorage):
    """MEDIA_ROOT, with every file written through it encrypted before it reaches the disk and decrypted on open."""

    def _save(self, name: str, content: File) -> str:  # type: ignore[type-arg]
        saved: str = super()._save(name, _EncryptingContent(content))  # type: ignore[misc]
        return saved

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]
        if mode not in ("rb", "r"):
            raise ValueError("arquivos cifrados só abrem para leitura")
        return _PlainFile(self, name)

    def open_plain(self, name: str) -> PlainReader:
        raw = self.open_raw(name)
        try:
            return PlainReader(raw)
        except BaseException:
            raw.close()
            raise

    def size(self, name: str) -> int:
        """The plaintext's size, from the stored size and the format's overhead (no decryption)."""
        stored = super().size(name)
        with self.open_raw(name) as raw:
            if _read_header(raw) is None:
                return stored
        body = stored - HEADER_SIZE
        chunks = max(1, -(-body // (CHUNK_SIZE + chunked.CHUNK_OVERHEAD)))
        return body - chunks * chunked.CHUNK_OVERHEAD

    def open_raw(self, name: str) -> BinaryIO:
        """The bytes as stored (encrypted), for the backups and the rotation."""
        return open(self.path(name), "rb")


def encrypted_storage() -> EncryptedFileSystemStorage:
    """The storage of files holding personal data (attachments, uploaded imports); a callable, so that migrations
    name it instead of freezing its location."""
    return _STORAGE


_STORAGE = EncryptedFileSystemStorage()


def reencrypt_in_place(path: Path) -> bool:
    """Rewrites ``path`` under the first key when it is clear or under another key; False when it already was.

    The new form is written beside it (same directory, so the rename is atomic), flushed, then renamed over it: a
    reader that opened the old file keeps reading it (its descriptor holds the old inode), one that opens after gets
    the new one, and an interruption leaves the old file whole (a stale ``.rotating`` file is overwritten next run).
    """
    with open(path, "rb") as raw:
        if key_state(raw) == "current":
            return False
        raw.seek(0)
        reader = PlainReader(raw)
        temp = path.with_name(f".{path.name}.rotating")
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                for block in encrypted_chunks(iter(reader)):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, os.stat(path).st_mode & 0o777)  # FileNotFoundError: deleted meanwhile (retention)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    return True


@contextmanager
def plain_copy(storage: EncryptedFileSystemStorage, name: str) -> Iterator[Path]:
    """A clear copy of a stored file for readers that need a path and seeks (an XLSX opened by openpyxl), with the
    same file name, in a private directory (0700) of the system's temporary folder, outside MEDIA_ROOT and so out of
    the backups; removed on leaving, whatever happens."""
    directory = Path(tempfile.mkdtemp(prefix="ouvidoria-plain-"))
    try:
        path = directory / Path(name).name
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out, storage.open_plain(name) as reader:
            for block in reader:
                out.write(block)
        yield path
    finally:
        shutil.rmtree(directory, ignore_errors=True)
