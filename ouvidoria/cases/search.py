"""Search over protocol, requester, description and messages (the workspace's search box).

A protocol typed in any format (with or without dots and dashes) finds that case; a CPF/CNPJ (with or without
punctuation) or an e-mail finds the requester's cases through the blind indexes. Otherwise:
- on PostgreSQL, full-text search in Portuguese that ignores accents and case and matches word forms ("cobranças"
  finds "cobrança"): the configuration ``pt_unaccent`` and the GIN indexes of migration 0006; the words are read as
  a web search (``"frase exata"``, ``or``, ``-palavra``) and must all be in the description or all in one message;
- on SQLite, every word must appear in the description or in a message, ignoring case and accents (no stemming).
Internal notes are never searched: only what the requester and the areas wrote or were told.
"""

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, TextField

from ouvidoria.cases.models import Event, Manifestation
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.identification import clean_document
from ouvidoria.rules.protocol import is_valid_protocol, normalize_protocol

SEARCHED_EVENTS = ("message_in", "message_out", "area_reply", "answer")
CONFIG = "pt_unaccent"
MAX_WORDS = 8


def fold(text: str) -> str:
    """Lower case without accents: "Cobrança" and "cobranca" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _Document(Func):
    """``to_tsvector('pt_unaccent'::regconfig, column)``, spelled exactly as the GIN indexes are, so they are used."""

    template = f"to_tsvector('{CONFIG}'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


class _Folded(Func):
    """SQLite: ``ouvidoria_fold(column)``, the function registered on each connection below."""

    function = "ouvidoria_fold"
    output_field = TextField()


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Connected to ``connection_created`` by the app: every new SQLite connection gets ``ouvidoria_fold``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("ouvidoria_fold", 1, _fold_or_null, deterministic=True)


def _fold_or_null(value: str | None) -> str | None:
    return None if value is None else fold(value)


def person_in(text: str) -> tuple[str, str] | None:
    """``(field, blind index)`` when ``text`` is a requester's CPF/CNPJ (with or without punctuation) or e-mail:
    teams look people up first, and the encrypted data is found through its keyed hash, never read in SQL."""
    text = text.strip()
    if "@" in text and " " not in text:
        return "email", blind_index(text.lower())
    if re.fullmatch(r"[\d\s./-]{11,20}|[0-9A-Za-z]{12}\d{2}|[0-9A-Za-z.\-/]{18}", text):
        try:
            _, document = clean_document(text)
        except RuleViolation:
            return None
        return "document", blind_index(document)
    return None


def search_filter(qs: QuerySet[Manifestation], text: str) -> QuerySet[Manifestation]:
    text = text.strip()
    if not text:
        return qs
    protocol = _protocol_in(text)
    if protocol:
        return qs.filter(protocol=protocol)
    person = person_in(text)
    if person is not None:
        field, digest = person
        return qs.filter(**{f"requester__{field}_hash": digest})
    if connection.vendor == "postgresql":
        return _full_text(qs, text)
    return _folded_words(qs, text)


def _full_text(qs: QuerySet[Manifestation], text: str) -> QuerySet[Manifestation]:
    query = _search_query(text)
    # Two index-backed sets joined by UNION: an OR across the two tables would defeat both GIN indexes.
    in_description = Manifestation.objects.alias(doc=_Document("description")).filter(doc=query).values("pk").order_by()
    return qs.filter(pk__in=in_description.union(_message_matches(query)))


def search_page_ids(
    qs: QuerySet[Manifestation], text: str, ordering: Sequence[str], start: int, count: int
) -> list[int]:
    """The ids of the ``count`` cases of ``qs`` matching ``text`` from ``start``, in ``ordering``.

    On PostgreSQL the two index-backed sets of ``_full_text`` are read as rows of ``qs`` itself (its filters applied
    while the matches are read, the ordering columns carried along) and the UNION is sorted: no second pass over
    the table to join the matches back to it. A common word over a million cases: 0.2–0.3 s instead of 0.6 s.
    ``ordering`` names plain columns of the case ("due_on", "-received_at", "id").
    """
    text = text.strip()
    if not text or connection.vendor != "postgresql" or _protocol_in(text) or person_in(text):
        found = search_filter(qs, text).order_by(*ordering).values_list("pk", flat=True)
        return list(found[start : start + count])
    query = _search_query(text)
    columns = ["id", *(name.lstrip("-") for name in ordering if name.lstrip("-") != "id")]
    base = qs.order_by()
    in_description = base.alias(doc=_Document("description")).filter(doc=query).values_list(*columns)
    in_messages = base.filter(pk__in=_message_matches(query)).values_list(*columns)
    rows = in_description.union(in_messages).order_by(*ordering)[start : start + count]
    return [row[0] for row in rows]


def is_protocol_search(text: str) -> bool:
    """Is ``text`` a protocol (in any format) rather than words to search?"""
    return _protocol_in(text.strip()) is not None


def _protocol_in(text: str) -> str | None:
    """The protocol ``text`` is, typed in any format; None when it is words to search."""
    digits = normalize_protocol(text)
    return digits if digits.isdigit() and is_valid_protocol(digits) else None


def _search_query(text: str) -> SearchQuery:
    return SearchQuery(" ".join(text.split()[:MAX_WORDS]), config=CONFIG, search_type="websearch")


def _message_matches(query: SearchQuery) -> QuerySet[Any, Any]:
    """The ids of the cases with a searched message matching ``query``."""
    return (
        Event.objects.filter(kind__in=SEARCHED_EVENTS)
        .alias(doc=_Document("body"))
        .filter(doc=query)
        .values("manifestation_id")
        .order_by()  # the timeline's default ordering would sort every match for nothing
    )


def _folded_words(qs: QuerySet[Manifestation], text: str) -> QuerySet[Manifestation]:
    messages = Event.objects.filter(manifestation=OuterRef("pk"), kind__in=SEARCHED_EVENTS)
    messages = messages.alias(folded=_Folded(F("body")))
    qs = qs.alias(folded=_Folded(F("description")))
    for word in fold(text).split()[:MAX_WORDS]:
        qs = qs.filter(Q(folded__contains=word) | Exists(messages.filter(folded__contains=word)))
    return qs
