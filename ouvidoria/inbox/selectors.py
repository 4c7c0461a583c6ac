"""Reads of a person's notifications."""

from typing import Any

from django.db.models import QuerySet

from ouvidoria.inbox.models import InboxPreference, StaffNotification

UNREAD_SHOWN_MAX = 99


def unread_count(user: Any) -> int:
    """How many the header's bell shows (counted up to 100: "99+" beyond)."""
    return StaffNotification.objects.filter(user=user, read_at__isnull=True)[: UNREAD_SHOWN_MAX + 1].count()


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[StaffNotification]:
    qs = StaffNotification.objects.filter(user=user).select_related("manifestation").order_by("-created_at", "-pk")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def email_kinds_for(user: Any) -> list[str]:
    preference = InboxPreference.objects.filter(user=user).first()
    return list(preference.email_kinds) if preference is not None else []
