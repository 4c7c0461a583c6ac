"""Search over protocol, requester, description and messages (the workspace's search box).

A protocol typed in any format (with or without dots and dashes) finds that case; a CPF/CNPJ (with or without
punctuation), an e-mail or a phone finds the requester's cases through the blind indexes (the phone through the
keyed hashes of ``ouvidoria.privacy.tokens``). Otherwise the words find the cases of a requester whose name (or
social name) has them all, as whole words in any order, ignoring accents and case (keyed hashes of the name's
words: nobody is decrypted), and, besides those:
- on PostgreSQL, full-text search in Portuguese that ignores accents and case and matches word forms ("cobranças"
  finds "cobrança"): the configuration ``pt_unaccent`` and the GIN indexes of migration 0006; the words are read as
  a web search (``"frase exata"``, ``or``, ``-palavra``) and must all be in the description or all in one message;
- on SQLite, every word must appear in the description or in a message, ignoring case and accents (no stemming).
Internal notes are never searched: only what the requester and the areas wrote or were told.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, TextField

from ouvidoria.cases.models import Event, Manifestation, RequesterToken
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.privacy.tokens import fold, name_digest, name_words, phone_digest, phone_digits
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.identification import clean_document
from ouvidoria.rules.protocol import is_valid_protocol, normalize_protocol

SEARCHED_EVENTS = ("message_in", "message_out", "area_reply", "answer")
CONFIG = "pt_unaccent"
MAX_WORDS = 8


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


@dataclass(frozen=True)
class Person:
    """A search for someone: the requester's fields a match reads, and the condition on the case."""

    fields: tuple[str, ...]
    condition: Q


def person_in(text: str) -> Person | None:
    """The person ``text`` names when it is a requester's CPF/CNPJ (with or without punctuation), e-mail or phone
    (with or without area code, +55 or punctuation): teams look people up first, and the encrypted data is found
    through its keyed hash, never read in SQL. Eleven digits can be both a CPF and a mobile phone: both are tried."""
    text = text.strip()
    if "@" in text and " " not in text:
        return Person(("email",), Q(requester__email_hash=blind_index(text.lower())))
    found: list[tuple[str, Q]] = []
    if re.fullmatch(r"[\d\s./-]{11,20}|[0-9A-Za-z]{12}\d{2}|[0-9A-Za-z.\-/]{18}", text):
        try:
            _, document = clean_document(text)
            found.append(("document", Q(requester__document_hash=blind_index(document))))
        except RuleViolation:
            pass
    digits = phone_digits(text) if re.fullmatch(r"\+?[\d\s().-]{8,22}", text) else None
    if digits is not None:
        tokens = RequesterToken.objects.filter(digest=phone_digest(digits)).values("requester_id")
        found.append(("phone", Q(requester_id__in=tokens)))
    if not found:
        return None
    condition = Q(pk__in=[])
    for _, q in found:
        condition |= q
    return Person(tuple(f for f, _ in found), condition)


def named(text: str) -> QuerySet[Any, Any] | None:
    """The ids of the requesters whose name (or social name) has every word of ``text``; None when ``text`` has no
    word a name could have (digits, particles only)."""
    if any(c.isdigit() for c in text):
        return None
    words = name_words(text)[:MAX_WORDS]
    if not words:
        return None
    return (
        RequesterToken.objects.filter(digest__in=[name_digest(w) for w in words])
        .values("requester_id")
        .annotate(found=Count("digest"))
        .filter(found=len(words))
        .values("requester_id")
        .order_by()
    )


def named_among(text: str, requester_ids: Sequence[int]) -> set[int]:
    """Which of ``requester_ids`` have every word of ``text`` in their name: the matches that read the name."""
    requesters = named(text)
    if requesters is None or not requester_ids:
        return set()
    return set(requesters.filter(requester_id__in=list(requester_ids)).values_list("requester_id", flat=True))


def search_filter(qs: QuerySet[Manifestation], text: str) -> QuerySet[Manifestation]:
    text = text.strip()
    if not text:
        return qs
    protocol = _protocol_in(text)
    if protocol:
        return qs.filter(protocol=protocol)
    person = person_in(text)
    if person is not None:
        return qs.filter(person.condition)
    if connection.vendor == "postgresql":
        return _full_text(qs, text)
    return _folded_words(qs, text)


def _full_text(qs: QuerySet[Manifestation], text: str) -> QuerySet[Manifestation]:
    query = _search_query(text)
    # Two index-backed sets joined by UNION: an OR across the two tables would defeat both GIN indexes.
    in_description = Manifestation.objects.alias(doc=_Document("description")).filter(doc=query).values("pk").order_by()
    found = in_description.union(_message_matches(query))
    requesters = named(text)
    if requesters is not None:
        found = found.union(Manifestation.objects.filter(requester_id__in=requesters).values("pk").order_by())
    return qs.filter(pk__in=found)


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
        ids = search_filter(qs, text).order_by(*ordering).values_list("pk", flat=True)
        return list(ids[start : start + count])
    query = _search_query(text)
    columns = ["id", *(name.lstrip("-") for name in ordering if name.lstrip("-") != "id")]
    base = qs.order_by()
    in_description = base.alias(doc=_Document("description")).filter(doc=query).values_list(*columns)
    in_messages = base.filter(pk__in=_message_matches(query)).values_list(*columns)
    found = in_description.union(in_messages)
    requesters = named(text)
    if requesters is not None:
        found = found.union(base.filter(requester_id__in=requesters).values_list(*columns))
    rows = found.order_by(*ordering)[start : start + count]
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
    every_word = Q()
    for word in fold(text).split()[:MAX_WORDS]:
        every_word &= Q(Q(folded__contains=word) | Exists(messages.filter(folded__contains=word)))
    requesters = named(text)
    return qs.filter(every_word if requesters is None else every_word | Q(requester_id__in=requesters))
