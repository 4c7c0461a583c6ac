"""Reads: which manifestations a user may see, filtered lists, and deadline state for display."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ouvidoria.accounts.access import access_for, restrict
from ouvidoria.accounts.access import manifestations_for as staff_manifestations_for
from ouvidoria.cases.models import Attachment, Manifestation
from ouvidoria.entities.models import Entity
from ouvidoria.entities.services import entity_calendar
from ouvidoria.lib.prepared import PreparedSelect
from ouvidoria.privacy.files import PlainReader, encrypted_storage
from ouvidoria.rules import deadlines
from ouvidoria.rules.policies import get_policy
from ouvidoria.rules.protocol import normalize_protocol
from ouvidoria.rules.workflow import OPEN_STATUSES


def accessible_entities(user: Any) -> QuerySet[Entity]:
    """The entities granted to the user (or token); every entity for superusers."""
    return restrict(Entity.objects.all(), access_for(user), "pk")


_active_entity_by_slug = PreparedSelect(lambda slug: Entity.objects.filter(slug=slug, active=True), "slug")


def accessible_entity(user: Any, slug: str) -> Entity | None:
    """The active entity ``slug`` if the user (or token) may reach it: one query compiled once (registration)."""
    entity = _active_entity_by_slug.first(slug=slug)
    access = access_for(user)
    if entity is None or (access.entity_ids is not None and entity.pk not in access.entity_ids):
        return None
    return entity


def manifestations_for(user: Any) -> QuerySet[Manifestation]:
    """Every manifestation the user may see: granted entities; for internal areas, only what was forwarded."""
    return staff_manifestations_for(user)


def manifestation_get(user: Any, protocol: str) -> Manifestation | None:
    return (
        manifestations_for(user)
        .select_related("entity", "instance", "medium", "record_type", "subject", "policy", "requester")
        .filter(protocol=normalize_protocol(protocol))
        .first()
    )


@dataclass(frozen=True)
class Filters:
    entity: str = ""
    status: str = ""
    record_type: str = ""
    subject: str = ""
    instance: str = ""
    received_from: date | None = None
    received_to: date | None = None
    overdue: bool | None = None


def manifestation_list(user: Any, filters: Filters) -> QuerySet[Manifestation]:
    qs = manifestations_for(user)
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
    if filters.received_from:
        qs = qs.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        qs = qs.filter(received_on__lte=filters.received_to)
    if filters.overdue is not None:
        late = {"status__in": OPEN_STATUSES, "due_on__lt": timezone.localdate()}
        qs = qs.filter(**late) if filters.overdue else qs.exclude(**late)
    return qs.select_related("entity", "subject")


@dataclass(frozen=True)
class DeadlineView:
    status: str  # on_time, at_risk, due_today, overdue, or "done" once concluded
    business_days_left: int | None
    paused: bool
    # What is left, in the policy's own unit ("15 dias corridos", "atrasada há 3 dias úteis").
    left: str = ""


def deadline_view(m: Manifestation, today: date | None = None) -> DeadlineView:
    if not m.is_open:
        return DeadlineView("done", None, False)
    today = today or timezone.localdate()
    calendar = entity_calendar(m.entity)
    return DeadlineView(
        deadlines.deadline_status(today, m.due_on, calendar, m.entity.warning_business_days),
        deadlines.business_days_left(today, m.due_on, calendar),
        m.paused_since is not None,
        deadlines.time_left(get_policy(m.policy_id), today, m.due_on, calendar, short=True),
    )


def extension_month_counts(m: Manifestation) -> tuple[int, int]:
    """Extensions granted and manifestations received in the month of this one's receipt (same entity and policy)."""
    first = m.received_on.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    month = Manifestation.objects.filter(
        entity_id=m.entity_id, policy_id=m.policy_id, received_on__gte=first, received_on__lt=following
    )
    counts = month.aggregate(extended=Count("pk", filter=Q(extension_count__gt=0)), total=Count("pk"))
    return counts["extended"], counts["total"]


def attachment_open_plain(attachment: Attachment) -> PlainReader:
    """The attachment's content in clear, read streaming (``read(n)``, or iterate for 1 MiB blocks), for every way a
    file leaves the product (downloads, exports to the data subject). Close it after use (``with``).

    Raises ``FileNotFoundError`` when the file is gone (disposed of: ``attachment.file`` is empty) and
    ``ouvidoria.privacy.files.FileUnreadable`` when a chunk fails authentication (raised on the chunk that fails:
    callers that must not break off mid-way check first with ``privacy.files.plain_verified``). A file stored
    before encryption is read as it is until ``rotate_keys`` encrypts it.
    """
    if not attachment.file.name:
        raise FileNotFoundError("anexo descartado")
    return encrypted_storage().open_plain(attachment.file.name)
