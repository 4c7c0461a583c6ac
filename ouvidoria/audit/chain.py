"""The chain's arithmetic, without the database: a row's canonical form and digest, and a record's hash."""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64


# One encoder for every row (``json.dumps`` with options builds one per call).
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
_AS_IS = frozenset({str, int, float, bool, type(None), list, dict})


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:  # most columns: the fast path of a verification over millions of rows
        return value
    if isinstance(value, datetime):
        # Aware datetimes (USE_TZ) in UTC, so the digest does not depend on the server's time zone.
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def row_digest(columns: Sequence[str], values: Sequence[Any]) -> str:
    """SHA-256 of the row as JSON: every column by name, keys sorted, datetimes ISO in UTC."""
    payload = _ENCODER.encode({c: _plain(v) for c, v in zip(columns, values, strict=True)})
    return hashlib.sha256(payload.encode()).hexdigest()


def record_hash(prev_hash: str, seq: int, source: str, source_id: int, digest: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{seq}|{source}|{source_id}|{digest}".encode()).hexdigest()
