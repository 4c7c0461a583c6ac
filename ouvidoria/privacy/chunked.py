"""AES-256-GCM in chunks: the authenticated stream behind backup archives (``backups/stream.py``) and stored files
(``privacy/files.py``), never all in memory.

After a header that each format defines (and that is bound to every chunk), the stream is (integers big-endian)::

    chunk*   final flag (1 byte, 0 or 1) | length L of the ciphertext (4 bytes) | nonce (12 random bytes)
             | ciphertext (L bytes: at most CHUNK_SIZE of plaintext + the 16-byte GCM tag)

The associated data of each chunk is the header, the chunk's index (8 bytes) and its final flag, so a chunk that is
altered, moved, dropped or taken from another stream fails authentication, and a stream that ends before a chunk
flagged final, or goes on after it, is refused as truncated or extended. Each stream has its own key, derived with
HKDF-SHA256 from a master key and the random salt its header carries (``derive_key``).
"""

import os
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SALT_SIZE = 16
NONCE_SIZE = 12
TAG_SIZE = 16
CHUNK_SIZE = 1024 * 1024
_CHUNK_HEAD = struct.Struct(">BI")
# What one chunk adds to its plaintext: the flag and length, the nonce, the tag.
CHUNK_OVERHEAD = _CHUNK_HEAD.size + NONCE_SIZE + TAG_SIZE


class StreamError(Exception):
    """The stream cannot be read: not ours, a newer format, the wrong key, or altered. Messages in Portuguese."""


@dataclass(frozen=True)
class Wording:
    """How the messages name what is read ("a cópia" of a backup, "o arquivo" stored), Portuguese gender included."""

    the: str  # "a cópia"
    of_the: str  # "da cópia"
    truncated: str  # "truncada"
    altered: str  # "alterada"


class _Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


def derive_key(master: bytes, salt: bytes, info: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info)
    return hkdf.derive(master)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, int(final))


class ChunkWriter:
    """A write-only file object: what is written comes out encrypted, chunk by chunk, into ``out`` after ``header``."""

    def __init__(self, out: _Writable, key: bytes, header: bytes) -> None:
        self._out = out
        self._header = header
        self._aead = AESGCM(key)
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        out.write(header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) > CHUNK_SIZE:
            # A chunk goes out only once more data follows it (the last one, even full, is flagged final).
            with memoryview(self._buffer) as view:
                start = 0
                while len(self._buffer) - start > CHUNK_SIZE:
                    self._emit(view[start : start + CHUNK_SIZE], final=False)
                    start += CHUNK_SIZE
            del self._buffer[:start]
        return len(data)

    def close(self) -> None:
        """Writes the last chunk, flagged final (possibly empty): without it a reader takes the stream as cut."""
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    def _emit(self, plaintext: bytes | memoryview, *, final: bool) -> None:
        nonce = os.urandom(NONCE_SIZE)
        ciphertext = self._aead.encrypt(nonce, plaintext, _aad(self._header, self._index, final))
        self._out.write(_CHUNK_HEAD.pack(int(final), len(ciphertext)) + nonce)
        self._out.write(ciphertext)  # apart: joining would copy the whole chunk once more
        self._index += 1


class ChunkReader:
    """A read-only file object over the chunks after ``header`` (already read from ``source``): each chunk is
    authenticated before a byte of it is returned. ``keys`` are tried in order on the first chunk; the one that opens
    it reads the rest. ``no_key`` is the message when none does."""

    def __init__(
        self, source: BinaryIO, header: bytes, keys: Sequence[bytes], *, wording: Wording, no_key: str
    ) -> None:
        self._source = source
        self._header = header
        self._w = wording
        self._index = 0
        self._done = False
        self._buffer = b""
        self._offset = 0  # how much of ``_buffer`` was already returned (slicing a 1 MiB chunk per read is slow)
        self._aead = self._first_chunk_key(keys, no_key)

    def _first_chunk_key(self, keys: Sequence[bytes], no_key: str) -> AESGCM:
        final, nonce, ciphertext = self._next_raw()
        for key in keys:
            aead = AESGCM(key)
            try:
                plaintext = aead.decrypt(nonce, ciphertext, _aad(self._header, 0, final))
            except InvalidTag:
                continue
            self._accept(plaintext, final)
            return aead
        raise StreamError(no_key)

    def _next_raw(self) -> tuple[bool, bytes, bytes]:
        w = self._w
        head = self._source.read(_CHUNK_HEAD.size)
        if not head:
            raise StreamError(f"{w.the} está {w.truncated}: termina no bloco {self._index}, antes do bloco final.")
        if len(head) < _CHUNK_HEAD.size:
            raise StreamError(f"{w.the} está {w.truncated} no bloco {self._index}.")
        flag, length = _CHUNK_HEAD.unpack(head)
        if flag not in (0, 1) or length > CHUNK_SIZE + TAG_SIZE:
            raise StreamError(f"o bloco {self._index} {w.of_the} foi alterado.")
        body = self._source.read(NONCE_SIZE + length)
        if len(body) < NONCE_SIZE + length:
            raise StreamError(f"{w.the} está {w.truncated} no bloco {self._index}.")
        return bool(flag), body[:NONCE_SIZE], body[NONCE_SIZE:]

    def _accept(self, plaintext: bytes, final: bool) -> None:
        self._buffer = self._buffer[self._offset :] + plaintext
        self._offset = 0
        self._index += 1
        if final:
            self._done = True
            if self._source.read(1):
                raise StreamError(f"{self._w.the} tem dados depois do bloco final: foi {self._w.altered}.")

    def _fill(self) -> None:
        final, nonce, ciphertext = self._next_raw()
        try:
            plaintext = self._aead.decrypt(nonce, ciphertext, _aad(self._header, self._index, final))
        except InvalidTag:
            raise StreamError(
                f"o bloco {self._index} {self._w.of_the} foi alterado, trocado de lugar ou falta."
            ) from None
        self._accept(plaintext, final)

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) - self._offset < size):
            self._fill()
        end = len(self._buffer) if size < 0 else min(len(self._buffer), self._offset + size)
        data = self._buffer[self._offset : end]
        self._offset = end
        return data

    def chunks(self) -> Iterator[bytes]:
        """The plaintext one chunk at a time, without copying it into a bigger buffer."""
        while True:
            data = self.read(CHUNK_SIZE)
            if not data:
                return
            yield data
