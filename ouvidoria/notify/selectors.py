"""Reads: the reply templates available for a manifestation, and the values of their placeholders."""

from django.db.models import Q, QuerySet

from ouvidoria.cases.models import Manifestation
from ouvidoria.notify.models import ReplyTemplate


def reply_templates_for(m: Manifestation) -> QuerySet[ReplyTemplate]:
    """Active templates of the manifestation's entity and shared ones, for its record type (or for every type)."""
    return (
        ReplyTemplate.objects.filter(Q(entity_id=m.entity_id) | Q(entity=None), active=True)
        .filter(Q(record_types=None) | Q(record_types=m.record_type_id))
        .distinct()
        .order_by("category", "title")
    )


def placeholder_values(m: Manifestation, *, reveal_name: bool = True) -> dict[str, str]:
    """What each placeholder of ``ouvidoria.rules.answers.PLACEHOLDERS`` becomes for this manifestation."""
    hidden = m.anonymous or m.requester is None or not reveal_name
    name = "" if hidden or m.requester is None else m.requester.display_name.strip()
    return {
        "protocolo": m.formatted_protocol,
        "nome": name or "cliente",
        "prazo": f"{m.due_on:%d/%m/%Y}",
        "entidade": m.entity.name,
        "data_recebimento": f"{m.received_on:%d/%m/%Y}",
    }
