"""Reads for the workspace: the queue with its tabs and filters, and what the case page shows."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from ouvidoria.accounts.access import access_for, manifestations_for
from ouvidoria.cases.models import AnswerDraft, Forward, Manifestation
from ouvidoria.cases.search import search_page_ids
from ouvidoria.entities.models import Entity
from ouvidoria.entities.services import entity_calendar
from ouvidoria.rules import deadlines
from ouvidoria.rules.workflow import OPEN_STATUSES

TABS: dict[str, str] = {
    "mine": "Minhas",
    "unassigned": "Sem responsável",
    "due_today": "Vencem hoje",
    "at_risk": "Em risco",
    "overdue": "Atrasadas",
    "open": "Abertas",
    "all": "Todas",
}
# Seed 001: the Ouvidor approves the Ouvidoria's answers; the drafts waiting for them are a view of their own.
APPROVAL_TAB = ("approval", "Aguardando minha aprovação")
PAGE_SIZE = 50


def tabs_for(user: Any) -> dict[str, str]:
    """The queue's tabs for this user: the approval tab first for whoever approves answers."""
    if access_for(user).can("answer_approve"):
        return {APPROVAL_TAB[0]: APPROVAL_TAB[1], **TABS}
    return dict(TABS)


def _pending_draft() -> Exists:
    return Exists(AnswerDraft.objects.filter(manifestation=OuterRef("pk"), decided_at__isnull=True))


@dataclass(frozen=True)
class QueueFilters:
    tab: str = "open"
    q: str = ""
    entity: str = ""
    status: str = ""
    record_type: str = ""
    subject: str = ""
    instance: str = ""
    medium: str = ""
    assignee: str = ""
    area: int | None = None
    received_from: date | None = None
    received_to: date | None = None


def _at_risk_limits(entity_ids: frozenset[int] | None, today: date) -> Q:
    """Open cases due after today but within each entity's warning window (business days, its own calendar)."""
    entities = Entity.objects.filter(is_external=False, active=True)
    if entity_ids is not None:
        entities = entities.filter(pk__in=entity_ids)
    by_limit: dict[date, list[int]] = defaultdict(list)
    for entity in entities.only("pk", "state", "city", "regime", "warning_business_days", "calendar_version"):
        limit = entity_calendar(entity).add_business_days(today, entity.warning_business_days)
        by_limit[limit].append(entity.pk)
    condition = Q(pk__in=[])
    for limit, ids in by_limit.items():
        condition |= Q(entity_id__in=ids, due_on__lte=limit)
    return condition & Q(due_on__gt=today)


# The names a queue row shows.
QUEUE_RELATED = ("entity", "subject", "record_type", "instance", "assignee")


def queue(user: Any, filters: QueueFilters, today: date) -> QuerySet[Manifestation]:
    """The queue's cases for the tab and filters, in its order; the search box (``filters.q``) is ``queue_page``'s."""
    qs = manifestations_for(user)
    open_only = Q(status__in=OPEN_STATUSES)
    match filters.tab:
        case "mine":
            qs = qs.filter(open_only, assignee=user)
        case "unassigned":
            qs = qs.filter(open_only, assignee__isnull=True)
        case "due_today":
            qs = qs.filter(open_only, due_on=today)
        case "at_risk":
            qs = qs.filter(open_only, _at_risk_limits(access_for(user).entity_ids, today))
        case "overdue":
            qs = qs.filter(open_only, due_on__lt=today)
        case "open":
            qs = qs.filter(open_only)
        case "approval":
            qs = qs.filter(open_only, _pending_draft()) if access_for(user).can("answer_approve") else qs.none()
    if filters.entity:
        qs = qs.filter(entity__slug=filters.entity)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.record_type:
        qs = qs.filter(record_type_id=filters.record_type)
    if filters.subject:
        qs = qs.filter(subject__code=filters.subject)
    if filters.instance:
        qs = qs.filter(instance_id=filters.instance)
    if filters.medium:
        qs = qs.filter(medium_id=filters.medium)
    if filters.assignee:
        qs = qs.filter(assignee__username=filters.assignee)
    if filters.area:
        qs = qs.filter(Exists(Forward.objects.filter(manifestation=OuterRef("pk"), area_id=filters.area)))
    if filters.received_from:
        qs = qs.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        qs = qs.filter(received_on__lte=filters.received_to)
    return qs.select_related(*QUEUE_RELATED).order_by(*queue_ordering(filters))


def queue_ordering(filters: QueueFilters) -> tuple[str, str]:
    """Nearest deadline first; the "all" tab, newest first."""
    return ("due_on", "id") if filters.tab != "all" else ("-received_at", "-id")


def queue_page(user: Any, filters: QueueFilters, today: date, start: int, count: int) -> list[Manifestation]:
    """``count`` rows of the queue from ``start``.

    With a search, the page's ids are picked first from narrow rows (``search_page_ids``), then only those rows
    are read with their related names. A common word matches tens of thousands of cases, and PostgreSQL would
    otherwise join every one of them to the entity and catalogue tables before sorting (docs/benchmarks.md,
    section 4). Without a search the page comes from an index walk that stops at ``count`` rows: one query.
    """
    qs = queue(user, filters, today)
    if not filters.q:
        return list(qs[start : start + count])
    ids = search_page_ids(qs, filters.q, queue_ordering(filters), start, count)
    rows = Manifestation.objects.select_related(*QUEUE_RELATED).in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]  # a case gone between the two reads is left out


def tab_counts(user: Any, today: date) -> dict[str, int]:
    """How many cases wait in the deadline tabs, in one query.

    The counts are of ``due_on`` (never null), not of the id: everything the query reads is then in the index
    (entity, status, due date) and PostgreSQL answers from the index alone: 8 ms instead of 117 ms for 39,000 open
    cases (docs/benchmarks.md, section 4).
    """
    qs = manifestations_for(user).filter(status__in=OPEN_STATUSES)
    counts: dict[str, int] = qs.aggregate(
        due_today=Count("due_on", filter=Q(due_on=today)),
        overdue=Count("due_on", filter=Q(due_on__lt=today)),
        at_risk=Count("due_on", filter=_at_risk_limits(access_for(user).entity_ids, today)),
    )
    if access_for(user).can("answer_approve"):
        counts["approval"] = qs.filter(_pending_draft()).count()
    return counts


@dataclass(frozen=True)
class ExtensionQuota:
    """The BCB cap (at most 10% of a month's manifestations extended), counted for the case's month."""

    used: int
    month_total: int
    cap_ratio: float | None

    @property
    def label(self) -> str:
        if self.cap_ratio is None:
            return ""
        share = 100 * self.used / self.month_total if self.month_total else 0
        return (
            f"{self.used} de {self.month_total} manifestações do mês prorrogadas ({share:.1f}%; "
            f"limite {100 * self.cap_ratio:.0f}%)."
        )


def extension_quota(m: Manifestation, month_extensions: int, month_total: int) -> ExtensionQuota:
    from ouvidoria.rules.policies import get_policy

    rule = get_policy(m.policy_id).extension
    return ExtensionQuota(month_extensions, month_total, rule.monthly_cap_ratio if rule is not None else None)


def business_days_left(m: Manifestation, today: date) -> int:
    return deadlines.business_days_left(today, m.due_on, entity_calendar(m.entity))
