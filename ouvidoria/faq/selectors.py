"""Reads of FAQ articles: the search behind the portal's FAQ and the chatbot.

Both ask ``faq_search`` (the FAQ page) or ``faq_reply`` (the assistant), which rank with the same index and keep
only articles above the one relevance threshold, ``rules.retrieval.RELEVANCE_THRESHOLD``.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from ouvidoria.entities.models import Entity
from ouvidoria.faq.models import Article
from ouvidoria.faq.starter import entity_set, seen_by
from ouvidoria.rules import intents
from ouvidoria.rules.retrieval import RELEVANCE_THRESHOLD, SearchIndex

# A question longer than this is cut, not refused: the first words carry the question.
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class _Cached:
    version: tuple[int, datetime | None]
    index: SearchIndex[int]
    owner: dict[int, int | None]  # article id → entity id (None: shared)
    slug: dict[int, str]
    sets: dict[int, tuple[str, ...]]
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
        .values_list("id", "entity_id", "slug", "title", "body", "keywords", "sets")
    )
    entity_slugs: dict[int, set[str]] = {}
    for _, entity_id, slug, *_rest in rows:
        if entity_id is not None:
            entity_slugs.setdefault(entity_id, set()).add(slug)
    return _Cached(
        version=version,
        index=SearchIndex((pk, title, body, keywords) for pk, _, _, title, body, keywords, _ in rows),
        owner={pk: entity_id for pk, entity_id, *_ in rows},
        slug={pk: slug for pk, _, slug, *_ in rows},
        sets={row[0]: tuple(row[6] or ()) for row in rows},
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


def audience_of(entity: Entity | None) -> str:
    """The starter set an entity's public sees (``faq/starter.py``); no entity: the Open Insurance stage."""
    if entity is None:
        return entity_set(regime=None, opin=True)
    return entity_set(
        regime=entity.regime, opin=entity.opin_participant or entity.opin_structure, kind=entity.institution_kind
    )


def _accept(cached: _Cached, entity: Entity | None) -> Callable[[int], bool]:
    """Which articles ``entity``'s public sees: its own; the shared ones of its set not replaced by its own."""
    entity_id = entity.pk if entity is not None else None
    own = cached.entity_slugs.get(entity_id, frozenset()) if entity_id is not None else frozenset()
    audience = audience_of(entity)

    def accept(pk: int) -> bool:
        owner = cached.owner[pk]
        if owner is not None:
            return owner == entity_id
        return cached.slug[pk] not in own and seen_by(cached.sets[pk], audience)

    return accept


def _articles(found: tuple[tuple[int, float], ...] | list[tuple[int, float]]) -> list[tuple[Article, float]]:
    articles = Article.objects.select_related("entity").in_bulk([pk for pk, _ in found])
    return [(articles[pk], score) for pk, score in found if pk in articles]


def faq_search(query: str, *, entity: Entity | None = None, limit: int = 3) -> list[tuple[Article, float]]:
    """The published articles that answer ``query`` for ``entity``'s public, best first, with their relevance.

    ``entity``'s public sees its own articles and the shared ones of its set; without an entity, the Open Insurance
    set. Only articles at or above ``RELEVANCE_THRESHOLD`` are returned: an empty list means no article answers.
    Blank or unusable questions find nothing; very long ones are cut at ``MAX_QUESTION_CHARS``.
    """
    query = (query or "").strip()[:MAX_QUESTION_CHARS]
    if not query or limit <= 0:
        return []
    cached = faq_index()
    found = cached.index.search(query, limit, accept=_accept(cached, entity), threshold=RELEVANCE_THRESHOLD)
    return _articles(found)


@dataclass(frozen=True)
class FaqReply:
    kind: str  # intents.ARTICLE, HELP or NONE
    intent: str | None
    articles: list[tuple[Article, float]]


def faq_reply(question: str, *, entity: Entity | None = None) -> FaqReply:
    """What the assistant answers (``rules.intents.reply``), with the same index, filter and threshold as
    ``faq_search``."""
    question = (question or "").strip()[:MAX_QUESTION_CHARS]
    cached = faq_index()
    decided = intents.reply(question, cached.index, accept=_accept(cached, entity))
    return FaqReply(decided.kind, decided.intent, _articles(decided.found))


def faq_articles(entity: Entity | None) -> list[Article]:
    """Every published article ``entity``'s public sees, in the FAQ page's order (category, order, title)."""
    cached = faq_index()
    accept = _accept(cached, entity)
    ids = [pk for pk in cached.owner if accept(pk)]
    return list(Article.objects.filter(pk__in=ids, published=True))


def faq_snippet(query: str, article: Article, *, width: int = 30) -> list[tuple[str, bool]]:
    """The passage of ``article``'s answer that best matches ``query``, as (text, matched) pieces to highlight."""
    return faq_index().index.snippet(query[:MAX_QUESTION_CHARS], article.body, width=width)
