"""Reads of the audit screens: the record of who read whose personal data."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ouvidoria.accounts.access import access_for
from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.audit.models import ChainRecord


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date


@dataclass(frozen=True)
class ReadsFilter:
    date_from: date
    date_to: date
    who: str = ""
    protocol: str = ""
    channel: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def personal_data_reads(user: Any, f: ReadsFilter) -> QuerySet[PersonalDataView]:
    """The reads of personal data in the period (local days, both included), on cases of the viewer's entities,
    newest first."""
    access = access_for(user)
    qs = PersonalDataView.objects.filter(
        viewed_at__gte=_day_start(f.date_from), viewed_at__lt=_day_start(f.date_to + timedelta(days=1))
    )
    if access.entity_ids is not None:
        qs = qs.filter(manifestation__entity_id__in=access.entity_ids)
    if f.who:
        qs = qs.filter(Q(actor_label__icontains=f.who) | Q(user__username__iexact=f.who))
    if f.protocol:
        qs = qs.filter(manifestation__protocol=f.protocol)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    return qs.select_related("user", "manifestation__entity").order_by("-viewed_at", "-id")


def chain_records(f: Period) -> QuerySet[ChainRecord]:
    """The chain's records sealed in the period (local days, both included), in chain order."""
    return ChainRecord.objects.filter(
        sealed_at__gte=_day_start(f.date_from), sealed_at__lt=_day_start(f.date_to + timedelta(days=1))
    ).order_by("seq")
