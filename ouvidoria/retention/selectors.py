"""What retention will dispose of, and what legal holds keep: read by the dry-run page and by the jobs."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ouvidoria.cases.models import Attachment, Manifestation
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.portal.models import ChatConversation
from ouvidoria.reports.models import Report
from ouvidoria.retention.models import LegalHold
from ouvidoria.rules import retention as rules


def active_holds(today: date) -> QuerySet[LegalHold]:
    """Holds in force on ``today`` (``rules.retention.Hold.active_on`` as a query)."""
    return LegalHold.objects.filter(placed_at__date__lte=today).filter(
        Q(released_at__isnull=True) | Q(released_at__date__gt=today),
        Q(until__isnull=True) | Q(until__gte=today),
    )


def _not_held(qs: QuerySet[Any], today: date, *, case: str, entity: str) -> QuerySet[Any]:
    """``qs`` without the rows a hold covers: through their case (and its requester) or their entity."""
    holds = active_holds(today)
    held_entities = holds.filter(entity__isnull=False).values("entity_id")
    qs = qs.exclude(**{f"{entity}__in": held_entities})
    if case:
        qs = qs.exclude(**{f"{case}__in": holds.filter(manifestation__isnull=False).values("manifestation_id")})
        qs = qs.exclude(**{f"{case}__requester_id__in": holds.filter(requester__isnull=False).values("requester_id")})
    return qs


def recordings_due(today: date, *, horizon_days: int = 0) -> QuerySet[Attachment]:
    """Phone recordings past their 90 days (seed 001) by ``today`` + horizon, files not yet disposed of."""
    last = rules.cutoff(today, horizon_days=horizon_days) - timedelta(days=rules.RECORDING_DAYS)
    qs = Attachment.objects.filter(kind="recording", disposed_at__isnull=True, uploaded_at__date__lte=last)
    return _not_held(qs, today, case="manifestation", entity="manifestation__entity_id")


def chats_due(today: date, *, horizon_days: int = 0) -> QuerySet[ChatConversation]:
    """Conversations that did not become a manifestation (no case under their protocol), a year old."""
    last = rules.cutoff(today, horizon_days=horizon_days) - timedelta(days=rules.CHAT_DAYS)
    became_case = Manifestation.objects.filter(protocol=OuterRef("protocol"))
    qs = ChatConversation.objects.filter(started_at__date__lte=last).exclude(Exists(became_case))
    holds = active_holds(today).filter(entity__isnull=False).values("entity_id")
    return qs.exclude(entity_id__in=holds).exclude(participant_id__in=holds)


def emails_due(today: date, *, horizon_days: int = 0) -> QuerySet[OutboundEmail]:
    """E-mails of no manifestation (notifications, reminders) a year after they were written; one of a case stays
    with the case."""
    last = rules.cutoff(today, horizon_days=horizon_days) - timedelta(days=rules.EMAIL_DAYS)
    return OutboundEmail.objects.filter(manifestation__isnull=True, created_at__date__lte=last).exclude(status="queued")


def reports_due(today: date, *, horizon_days: int = 0) -> QuerySet[Report]:
    """Generated reports whose five years are over (``Report.keep_until``), their entity not held."""
    qs = Report.objects.filter(status="done", keep_until__lt=rules.cutoff(today, horizon_days=horizon_days))
    return _not_held(qs, today, case="", entity="entity_id")


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    action: str
    rule: str
    count: int


def disposal_plan(today: date, *, horizon_days: int = rules.HORIZON_DAYS) -> list[Category]:
    """What the jobs will dispose of from ``today`` to ``today`` + horizon (the dry run)."""
    rows = [
        ("recordings", "Gravações de ligações", "arquivo apagado", "90 dias (manual da Ouvidoria)", recordings_due),
        ("chats", "Conversas do assistente sem manifestação", "apagadas", "1 ano", chats_due),
        ("emails", "E-mails sem manifestação", "apagados", "1 ano", emails_due),
        # Carried out by the reports' own daily job (reports.services.reports_purge), which reads reports_due.
        ("reports", "Relatórios gerados", "apagados com os arquivos", "5 anos após o período", reports_due),
    ]
    plan = []
    for code, label, action, rule, due in rows:
        qs = due(today, horizon_days=horizon_days)
        plan.append(Category(code, label, action, rule, qs.count()))
    return plan
