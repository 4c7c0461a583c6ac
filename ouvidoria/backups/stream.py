"""The encrypted, authenticated stream a backup archive is written in: AES-256-GCM in chunks, never all in memory.

Layout of a ``.tar.enc`` file (all integers big-endian)::

    header   MAGIC (16 bytes, b"OUVIDORIA-BACKUP") | version (1 byte, FORMAT_VERSION) | salt (16 random bytes)
    chunk*   final flag (1 byte, 0 or 1) | length L of the ciphertext (4 bytes) | nonce (12 random bytes)
             | ciphertext (L bytes: at most CHUNK_SIZE of plaintext + the 16-byte GCM tag)

Each archive has its own key: HKDF-SHA256 of the master key with the header's salt (``derive_key``). The master key
is ``OUVIDORIA_BACKUP_KEY`` when set, else the first key of ``OUVIDORIA_ENCRYPTION_KEYS``; reading tries that one
and then every key of the ring, so archives written before a rotation still open. The associated data of each
chunk is the header, the chunk's index (8 bytes) and its final flag, so a chunk that is altered, moved, dropped or
taken from another archive fails authentication, and a stream that ends before a chunk flagged final, or goes on
after it, is refused as truncated or extended. The plaintext is a tar stream (``services``).
"""

import base64
import hashlib
import os
import struct
from collections.abc import Iterable
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"OUVIDORIA-BACKUP"
FORMAT_VERSION = 1
SALT_SIZE = 16
NONCE_SIZE = 12
TAG_SIZE = 16
CHUNK_SIZE = 1024 * 1024
HEADER_SIZE = len(MAGIC) + 1 + SALT_SIZE
_CHUNK_HEAD = struct.Struct(">BI")


class ArchiveError(Exception):
    """The archive cannot be read: not ours, a newer format, the wrong key, or altered. Messages in Portuguese."""


def master_keys(backup_key: str, encryption_keys: Iterable[str]) -> list[bytes]:
    """The keys to try, the one that writes first: the dedicated backup key, then the Fernet keys of the ring."""
    keys = [backup_key.encode()] if backup_key else []
    # A Fernet key is 32 url-safe base64 bytes; its raw bytes are the master key (never used as such: see derive_key).
    keys += [base64.urlsafe_b64decode(key) for key in encryption_keys]
    return keys


def derive_key(master: bytes, salt: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"ouvidoria-backup:v1")
    return hkdf.derive(master)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, int(final))


class EncryptingWriter:
    """A write-only file object: what is written comes out encrypted, chunk by chunk, into ``out``."""

    def __init__(self, out: BinaryIO, master: bytes) -> None:
        salt = os.urandom(SALT_SIZE)
        self._out = out
        self._header = MAGIC + bytes([FORMAT_VERSION]) + salt
        self._aead = AESGCM(derive_key(master, salt))
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        out.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def close(self) -> None:
        """Writes the last chunk, flagged final (possibly empty): without it a reader takes the archive as cut."""
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    def _emit(self, plaintext: bytes, *, final: bool) -> None:
        nonce = os.urandom(NONCE_SIZE)
        ciphertext = self._aead.encrypt(nonce, plaintext, _aad(self._header, self._index, final))
        self._out.write(_CHUNK_HEAD.pack(int(final), len(ciphertext)) + nonce + ciphertext)
        self._index += 1


class DecryptingReader:
    """A read-only file object over an archive: each chunk is authenticated before a byte of it is returned."""

    def __init__(self, source: BinaryIO, masters: list[bytes]) -> None:
        self._source = source
        header = source.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
            raise ArchiveError("o arquivo não é uma cópia de segurança da Ouvidoria.")
        version = header[len(MAGIC)]
        if version > FORMAT_VERSION:
            raise ArchiveError(
                f"a cópia está no formato {version}, mais novo que o desta versão ({FORMAT_VERSION}): "
                "atualize a aplicação antes de restaurar."
            )
        self._header = header
        self._index = 0
        self._done = False
        self._buffer = b""
        self._offset = 0  # how much of ``_buffer`` was already returned (slicing a 1 MiB chunk per read is slow)
        self._aead = self._first_chunk_key(header[len(MAGIC) + 1 :], masters)

    def _first_chunk_key(self, salt: bytes, masters: list[bytes]) -> AESGCM:
        """Finds the key that opens the first chunk (which is then returned by ``read``)."""
        final, nonce, ciphertext = self._next_raw()
        for master in masters:
            aead = AESGCM(derive_key(master, salt))
            try:
                plaintext = aead.decrypt(nonce, ciphertext, _aad(self._header, 0, final))
            except InvalidTag:
                continue
            self._accept(plaintext, final)
            return aead
        raise ArchiveError(
            "nenhuma chave configurada (OUVIDORIA_BACKUP_KEY, OUVIDORIA_ENCRYPTION_KEYS) decifra a cópia, "
            "ou o início do arquivo foi alterado."
        )

    def _next_raw(self) -> tuple[bool, bytes, bytes]:
        head = self._source.read(_CHUNK_HEAD.size)
        if not head:
            raise ArchiveError(f"a cópia está truncada: termina no bloco {self._index}, antes do bloco final.")
        if len(head) < _CHUNK_HEAD.size:
            raise ArchiveError(f"a cópia está truncada no bloco {self._index}.")
        flag, length = _CHUNK_HEAD.unpack(head)
        if flag not in (0, 1) or length > CHUNK_SIZE + TAG_SIZE:
            raise ArchiveError(f"o bloco {self._index} da cópia foi alterado.")
        body = self._source.read(NONCE_SIZE + length)
        if len(body) < NONCE_SIZE + length:
            raise ArchiveError(f"a cópia está truncada no bloco {self._index}.")
        return bool(flag), body[:NONCE_SIZE], body[NONCE_SIZE:]

    def _accept(self, plaintext: bytes, final: bool) -> None:
        self._buffer = self._buffer[self._offset :] + plaintext
        self._offset = 0
        self._index += 1
        if final:
            self._done = True
            if self._source.read(1):
                raise ArchiveError("a cópia tem dados depois do bloco final: foi alterada.")

    def _fill(self) -> None:
        final, nonce, ciphertext = self._next_raw()
        try:
            plaintext = self._aead.decrypt(nonce, ciphertext, _aad(self._header, self._index, final))
        except InvalidTag:
            raise ArchiveError(f"o bloco {self._index} da cópia foi alterado, trocado de lugar ou falta.") from None
        self._accept(plaintext, final)

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) - self._offset < size):
            self._fill()
        end = len(self._buffer) if size < 0 else min(len(self._buffer), self._offset + size)
        data = self._buffer[self._offset : end]
        self._offset = end
        return data


def sha256_file(path: "os.PathLike[str] | str") -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK_SIZE), b""):
            digest.update(block)
    return digest.hexdigest()
