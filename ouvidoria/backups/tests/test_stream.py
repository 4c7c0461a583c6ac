import io
import os

import pytest

from ouvidoria.backups.stream import CHUNK_SIZE, HEADER_SIZE, ArchiveError, DecryptingReader, EncryptingWriter

KEY = b"k" * 32


def encrypt(data: bytes, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key)
    writer.write(data)
    writer.close()
    return out.getvalue()


def decrypt(blob: bytes, keys: list[bytes] | None = None) -> bytes:
    return DecryptingReader(io.BytesIO(blob), keys or [KEY]).read()


def chunk_spans(blob: bytes) -> list[tuple[int, int]]:
    spans, at = [], HEADER_SIZE
    while at < len(blob):
        length = int.from_bytes(blob[at + 1 : at + 5], "big")
        spans.append((at, at + 5 + 12 + length))
        at = spans[-1][1]
    return spans


def test_round_trip_across_chunk_boundaries():
    data = os.urandom(2 * CHUNK_SIZE + 123)
    blob = encrypt(data)
    assert len(chunk_spans(blob)) == 3
    reader = DecryptingReader(io.BytesIO(blob), [KEY])
    assert b"".join(iter(lambda: reader.read(10_000), b"")) == data


def test_every_key_of_the_ring_is_tried():
    assert decrypt(encrypt(b"dados", key=b"old" * 11), [b"new" * 11, b"old" * 11]) == b"dados"


def test_wrong_key_refused():
    with pytest.raises(ArchiveError, match="nenhuma chave"):
        decrypt(encrypt(b"dados"), [b"x" * 32])


def test_flipped_byte_refused():
    blob = bytearray(encrypt(os.urandom(CHUNK_SIZE + 10)))
    _, second = chunk_spans(bytes(blob))
    blob[second[0] + 5 + 12 + 3] ^= 1
    with pytest.raises(ArchiveError, match="bloco 1 da cópia foi alterado"):
        decrypt(bytes(blob))


def test_dropped_last_chunk_is_truncation():
    blob = encrypt(os.urandom(CHUNK_SIZE + 10))
    first, _ = chunk_spans(blob)
    with pytest.raises(ArchiveError, match="truncada"):
        decrypt(blob[: first[1]])


def test_reordered_chunks_refused():
    blob = encrypt(os.urandom(3 * CHUNK_SIZE + 1))
    a, b, c, _ = chunk_spans(blob)
    swapped = blob[: a[0]] + blob[b[0] : b[1]] + blob[a[0] : a[1]] + blob[c[0] :]
    with pytest.raises(ArchiveError):
        decrypt(swapped)


def test_data_after_the_final_chunk_refused():
    with pytest.raises(ArchiveError, match="depois do bloco final"):
        decrypt(encrypt(b"dados") + b"\x00")


def test_other_files_refused():
    with pytest.raises(ArchiveError, match="não é uma cópia"):
        decrypt(b"PK\x03\x04 not ours")
