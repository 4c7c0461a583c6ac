"""The encrypted, authenticated stream a backup archive is written in: AES-256-GCM in chunks, never all in memory.

Layout of a ``.tar.enc`` file: a header, then the chunks of ``ouvidoria/privacy/chunked.py`` (shared with the
stored files)::

    header   MAGIC (16 bytes, b"OUVIDORIA-BACKUP") | version (1 byte, FORMAT_VERSION) | salt (16 random bytes)
    chunk*   final flag | length | nonce | ciphertext (``privacy/chunked.py``)

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
from collections.abc import Iterable
from typing import BinaryIO

from ouvidoria.privacy import chunked
from ouvidoria.privacy.chunked import CHUNK_SIZE, SALT_SIZE, ChunkReader, ChunkWriter, StreamError, Wording

MAGIC = b"OUVIDORIA-BACKUP"
FORMAT_VERSION = 1
HEADER_SIZE = len(MAGIC) + 1 + SALT_SIZE
_WORDING = Wording(the="a cópia", of_the="da cópia", truncated="truncada", altered="alterada")
# The stream's errors are the archive's: one class, so ``except ArchiveError`` catches a cut or altered chunk too.
ArchiveError = StreamError

__all__ = ["CHUNK_SIZE", "FORMAT_VERSION", "HEADER_SIZE", "ArchiveError", "DecryptingReader", "EncryptingWriter"]


def master_keys(backup_key: str, encryption_keys: Iterable[str]) -> list[bytes]:
    """The keys to try, the one that writes first: the dedicated backup key, then the Fernet keys of the ring."""
    keys = [backup_key.encode()] if backup_key else []
    # A Fernet key is 32 url-safe base64 bytes; its raw bytes are the master key (never used as such: see derive_key).
    keys += [base64.urlsafe_b64decode(key) for key in encryption_keys]
    return keys


def derive_key(master: bytes, salt: bytes) -> bytes:
    return chunked.derive_key(master, salt, b"ouvidoria-backup:v1")


class EncryptingWriter(ChunkWriter):
    """A write-only file object: what is written comes out encrypted, chunk by chunk, into ``out``."""

    def __init__(self, out: BinaryIO, master: bytes) -> None:
        salt = os.urandom(SALT_SIZE)
        super().__init__(out, derive_key(master, salt), MAGIC + bytes([FORMAT_VERSION]) + salt)


class DecryptingReader(ChunkReader):
    """A read-only file object over an archive: each chunk is authenticated before a byte of it is returned."""

    def __init__(self, source: BinaryIO, masters: list[bytes]) -> None:
        header = source.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
            raise ArchiveError("o arquivo não é uma cópia de segurança da Ouvidoria.")
        version = header[len(MAGIC)]
        if version > FORMAT_VERSION:
            raise ArchiveError(
                f"a cópia está no formato {version}, mais novo que o desta versão ({FORMAT_VERSION}): "
                "atualize a aplicação antes de restaurar."
            )
        salt = header[len(MAGIC) + 1 :]
        super().__init__(
            source,
            header,
            [derive_key(master, salt) for master in masters],
            wording=_WORDING,
            no_key=(
                "nenhuma chave configurada (OUVIDORIA_BACKUP_KEY, OUVIDORIA_ENCRYPTION_KEYS) decifra a cópia, "
                "ou o início do arquivo foi alterado."
            ),
        )


def sha256_file(path: "os.PathLike[str] | str") -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK_SIZE), b""):
            digest.update(block)
    return digest.hexdigest()
