"""What retention will dispose of, and what legal holds keep: read by the dry-run page and by the jobs."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ouvidoria.cases.models import OPEN_LIST, Attachment, Manifestation
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.portal.models import ChatConversation
from ouvidoria.reports.models import Report
from ouvidoria.retention.models import LegalHold
from ouvidoria.rules import retention as rules
from ouvidoria.rules.protocol import format_protocol


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


def cases_due(today: date, *, horizon_days: int = 0) -> QuerySet[Manifestation]:
    """Manifestations whose five years from the protocol are over by ``today`` + horizon (``rules.retention.
    case_anonymised_on``), not yet anonymised, not open (an open case is anonymised once concluded) and not under a
    legal hold active on ``today`` on the case, its requester or its entity."""
    last = rules.last_protocol_day_anonymised(rules.cutoff(today, horizon_days=horizon_days))
    qs = Manifestation.objects.filter(anonymised_at__isnull=True, received_on__lte=last).exclude(status__in=OPEN_LIST)
    holds = active_holds(today)
    return (
        qs.exclude(pk__in=holds.filter(manifestation__isnull=False).values("manifestation_id"))
        .exclude(requester_id__in=holds.filter(requester__isnull=False).values("requester_id"))
        .exclude(entity_id__in=holds.filter(entity__isnull=False).values("entity_id"))
    )


def is_held(case: Manifestation, today: date) -> bool:
    """A legal hold active on ``today`` covers the case, its requester or its entity."""
    holds = active_holds(today)
    return (
        holds.filter(manifestation_id=case.pk).exists()
        or (case.requester_id is not None and holds.filter(requester_id=case.requester_id).exists())
        or holds.filter(entity_id=case.entity_id).exists()
    )


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
    # A few of what falls due, without personal data (protocol, entity, date), for the cases.
    samples: tuple[str, ...] = ()


def disposal_plan(today: date, *, horizon_days: int = rules.HORIZON_DAYS) -> list[Category]:
    """What the jobs will dispose of from ``today`` to ``today`` + horizon (the dry run)."""
    rows = [
        ("recordings", "Gravações de ligações", "arquivo apagado", "90 dias (manual da Ouvidoria)", recordings_due),
        ("chats", "Conversas do assistente sem manifestação", "apagadas", "1 ano", chats_due),
        ("emails", "E-mails sem manifestação", "apagados", "1 ano", emails_due),
        # Carried out by the reports' own daily job (reports.services.reports_purge), which reads reports_due.
        ("reports", "Relatórios gerados", "apagados com os arquivos", "5 anos após o período", reports_due),
    ]
    plan = [_cases_category(today, horizon_days)]
    for code, label, action, rule, due in rows:
        qs = due(today, horizon_days=horizon_days)
        plan.append(Category(code, label, action, rule, qs.count()))
    return plan


SAMPLES = 5


def _cases_category(today: date, horizon_days: int) -> Category:
    due = cases_due(today, horizon_days=horizon_days)
    samples = tuple(
        f"{format_protocol(protocol)} · {entity} · {rules.case_anonymised_on(received_on):%d/%m/%Y}"
        for protocol, entity, received_on in due.order_by("received_on", "pk").values_list(
            "protocol", "entity__name", "received_on"
        )[:SAMPLES]
    )
    return Category(
        "cases",
        "Manifestações e seus documentos",
        "anonimizadas (as estatísticas ficam)",
        f"{rules.CASE_YEARS} anos após o protocolo",
        due.count(),
        samples,
    )
