"""Search over protocol, description and messages (the workspace's search box).

A protocol typed in any format finds that case; otherwise every word must appear, ignoring case and accents.
"""

import unicodedata

from django.db.models import Exists, OuterRef, Q, QuerySet

from ouvidoria.cases.models import Event, Manifestation
from ouvidoria.rules.protocol import is_valid_protocol, normalize_protocol

SEARCHED_EVENTS = ("message_in", "message_out", "area_reply", "answer")


def fold(text: str) -> str:
    """Lower case without accents: "Cobrança" and "cobranca" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_filter(qs: QuerySet[Manifestation], text: str) -> QuerySet[Manifestation]:
    text = text.strip()
    if not text:
        return qs
    digits = normalize_protocol(text)
    if digits.isdigit() and is_valid_protocol(digits):
        return qs.filter(protocol=digits)
    for word in fold(text).split()[:8]:
        in_messages = Event.objects.filter(manifestation=OuterRef("pk"), kind__in=SEARCHED_EVENTS, body__icontains=word)
        qs = qs.filter(Q(description__icontains=word) | Exists(in_messages))
    return qs
