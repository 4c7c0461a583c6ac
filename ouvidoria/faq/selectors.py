"""Reads of FAQ articles: the search behind the portal's FAQ and the chatbot."""

import threading
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from ouvidoria.entities.models import Entity
from ouvidoria.faq.models import Article
from ouvidoria.rules.retrieval import SearchIndex

# A question longer than this is cut, not refused: the first words carry the question.
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class _Cached:
    version: tuple[int, datetime | None]
    index: SearchIndex[int]
    owner: dict[int, int | None]  # article id → entity id (None: shared)
    slug: dict[int, str]
    entity_slugs: dict[int, frozenset[str]]  # the slugs each entity has its own article for


_lock = threading.Lock()
_cached: _Cached | None = None


def _version() -> tuple[int, datetime | None]:
    # Any save bumps updated_at (auto_now); a deletion changes the count. One cheap aggregate per search.
    found = Article.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return found["n"], found["latest"]


def _build(version: tuple[int, datetime | None]) -> _Cached:
    rows = list(
        Article.objects.filter(published=True)
        .order_by("category", "order", "id")
        .values_list("id", "entity_id", "slug", "title", "body", "keywords")
    )
    entity_slugs: dict[int, set[str]] = {}
    for _, entity_id, slug, *_rest in rows:
        if entity_id is not None:
            entity_slugs.setdefault(entity_id, set()).add(slug)
    return _Cached(
        version=version,
        index=SearchIndex((pk, title, body, keywords) for pk, _, _, title, body, keywords in rows),
        owner={pk: entity_id for pk, entity_id, *_ in rows},
        slug={pk: slug for pk, _, slug, *_ in rows},
        entity_slugs={k: frozenset(v) for k, v in entity_slugs.items()},
    )


def faq_index() -> _Cached:
    """The search index of every published article, rebuilt in this process when any article changed."""
    global _cached
    version = _version()
    cached = _cached
    if cached is None or cached.version != version:
        with _lock:
            if _cached is None or _cached.version != version:
                _cached = _build(version)
            cached = _cached
    return cached


def faq_forget() -> None:
    global _cached
    _cached = None


def faq_search(query: str, *, entity: Entity | None = None, limit: int = 3) -> list[tuple[Article, float]]:
    """The published articles that best answer ``query`` for ``entity``'s public (its own and the shared ones).

    Without an entity only shared articles are searched. Blank or unusable questions find nothing; very long ones
    are cut at ``MAX_QUESTION_CHARS``.
    """
    query = (query or "").strip()[:MAX_QUESTION_CHARS]
    if not query or limit <= 0:
        return []
    cached = faq_index()
    entity_id = entity.pk if entity is not None else None
    own = cached.entity_slugs.get(entity_id, frozenset()) if entity_id is not None else frozenset()

    def accept(pk: int) -> bool:
        owner = cached.owner[pk]
        return owner == entity_id if owner is not None else cached.slug[pk] not in own

    found = cached.index.search(query, limit, accept=accept)
    articles = Article.objects.select_related("entity").in_bulk([pk for pk, _ in found])
    return [(articles[pk], score) for pk, score in found if pk in articles]
