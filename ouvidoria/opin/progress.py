"""Progress of a quarterly file being generated in the background, kept in the shared cache for the page to poll."""

from typing import Any

from django.core.cache import cache

TTL = 6 * 3600


def _key(entity_id: int, quarter: str) -> str:
    return f"opin-export:{entity_id}:{quarter}"


def progress_get(entity_id: int, quarter: str) -> dict[str, Any] | None:
    value: dict[str, Any] | None = cache.get(_key(entity_id, quarter))
    return value


def progress_set(entity_id: int, quarter: str, **state: Any) -> None:
    current = progress_get(entity_id, quarter) or {}
    cache.set(_key(entity_id, quarter), current | state, timeout=TTL)
