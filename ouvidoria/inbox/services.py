"""Telling the team: who hears of an assignment, a forward, an area's reply, an answer to approve, and of the
Ouvidor's decision on it. Called by the case services inside their transaction, so nobody is told of what was
undone; the e-mails leave after the commit (``notify.outbox``).

Nobody is told of what they did themselves. The texts carry the protocol, the entity, the area and who acted,
never the requester's data nor free text (an area user, who may not read the requester, is told too).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ouvidoria.accounts.access import staff_for_entity
from ouvidoria.cases.models import AnswerDraft, Forward, Manifestation
from ouvidoria.inbox.models import KIND_LABELS, InboxPreference, StaffNotification
from ouvidoria.notify.outbox import email_queue


def _name(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "O sistema"
    return str(user.get_full_name() or user.get_username())


def _tell(users: Iterable[Any], *, kind: str, manifestation: Manifestation, text: str, actor: Any) -> int:
    """One notification per person (never the actor), and the e-mail to those who want this kind by e-mail."""
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    people = {u.pk: u for u in users if u is not None and u.pk != actor_id and u.is_active}
    if not people:
        return 0
    made = StaffNotification.objects.bulk_create(
        [StaffNotification(user_id=pk, kind=kind, manifestation=manifestation, text=text[:300]) for pk in people]
    )
    wanted = InboxPreference.objects.filter(user_id__in=list(people)).values_list("user_id", "email_kinds")
    by_email = {user_id for user_id, kinds in wanted if kind in (kinds or [])}
    for notification in made:
        user = people[notification.user_id]
        if notification.user_id in by_email and user.email:
            _email(user, notification, kind=kind, manifestation=manifestation, text=text)
    return len(made)


def _email(user: Any, notification: StaffNotification, *, kind: str, manifestation: Manifestation, text: str) -> None:
    protocol = manifestation.formatted_protocol
    case_url = settings.PUBLIC_URL + reverse("workspace:case", args=[manifestation.protocol])
    preferences_url = settings.PUBLIC_URL + reverse("inbox:preferences")
    label = str(KIND_LABELS[kind])
    body = (
        f"Olá, {user.get_full_name() or user.get_username()}.\n\n{text}\n\nAbra a manifestação: {case_url}\n\n"
        f"Você recebe este e-mail porque pediu para ser avisado por e-mail de: {label.lower()}. "
        f"Para mudar: {preferences_url}\n"
    )
    email_queue(
        key=f"inbox:{notification.pk}",
        to=user.email,
        subject=f"{label} — protocolo {protocol}",
        body=body,
        manifestation=manifestation,
    )


def assignment_told(manifestation: Manifestation, *, assignee: Any, actor: Any) -> int:
    if assignee is None:
        return 0
    text = (
        f"{_name(actor)} atribuiu a você a manifestação "
        f"{manifestation.formatted_protocol} ({manifestation.entity.name}), com prazo até "
        f"{manifestation.due_on:%d/%m/%Y}."
    )
    return _tell([assignee], kind="assignment", manifestation=manifestation, text=text, actor=actor)


def forward_told(manifestation: Manifestation, *, forward: Forward, actor: Any) -> int:
    """The people of the area (role "area" with the area granted): the forward waits for their reply."""
    people = get_user_model().objects.filter(
        is_active=True, staff_profile__role="area", staff_profile__areas=forward.area_id
    )
    text = (
        f"{_name(actor)} encaminhou à área {forward.area.name} a manifestação {manifestation.formatted_protocol} "
        f"({manifestation.entity.name}). A área responde até {forward.due_on:%d/%m/%Y}."
    )
    return _tell(people.distinct(), kind="forward", manifestation=manifestation, text=text, actor=actor)


def area_reply_told(manifestation: Manifestation, *, forward: Forward, actor: Any) -> int:
    """Whoever answers the case: its assignee, and whoever made the forward."""
    forwarder_ids = manifestation.events.filter(kind="forward", params__forward=forward.pk).values("actor_id")
    people = get_user_model().objects.filter(Q(pk=manifestation.assignee_id) | Q(pk__in=forwarder_ids))
    text = (
        f"A área {forward.area.name} respondeu ao encaminhamento da manifestação "
        f"{manifestation.formatted_protocol} ({manifestation.entity.name})."
    )
    return _tell(people, kind="area_reply", manifestation=manifestation, text=text, actor=actor)


def approval_requested(manifestation: Manifestation, *, draft: AnswerDraft, actor: Any) -> int:
    """The entity's Ouvidor(es): a conclusive answer waits for their approval."""
    people = staff_for_entity(manifestation.entity, frozenset({"ombudsman"}))
    text = (
        f"{_name(actor)} propôs a resposta conclusiva da manifestação {manifestation.formatted_protocol} "
        f"({manifestation.entity.name}); ela aguarda a sua aprovação. Prazo: {manifestation.due_on:%d/%m/%Y}."
    )
    return _tell(people, kind="approval_request", manifestation=manifestation, text=text, actor=actor)


def draft_decided(manifestation: Manifestation, *, draft: AnswerDraft, approved: bool, actor: Any) -> int:
    """Whoever proposed the answer hears of the Ouvidor's decision."""
    protocol = manifestation.formatted_protocol
    if approved:
        kind = "draft_approved"
        text = f"{_name(actor)} aprovou a resposta que você propôs na manifestação {protocol}; ela foi enviada."
    else:
        kind = "draft_returned"
        text = f"{_name(actor)} devolveu a resposta que você propôs na manifestação {protocol}, com o que ajustar."
    return _tell([draft.proposed_by], kind=kind, manifestation=manifestation, text=text, actor=actor)


def notifications_read(user: Any, *, ids: Iterable[int] | None = None, manifestation_id: int | None = None) -> int:
    """Mark as read the user's notifications: those ``ids``, those of one case, or all."""
    qs = StaffNotification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if manifestation_id is not None:
        qs = qs.filter(manifestation_id=manifestation_id)
    return qs.update(read_at=timezone.now())


def preferences_save(user: Any, *, email_kinds: Iterable[str]) -> InboxPreference:
    kinds = [k for k in KIND_LABELS if k in set(email_kinds)]
    preference, _ = InboxPreference.objects.update_or_create(user=user, defaults={"email_kinds": kinds})
    return preference
