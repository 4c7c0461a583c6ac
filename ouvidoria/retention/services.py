"""Retention carried out (idempotent: a second run finds nothing left) and legal holds placed and released."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ouvidoria.cases.models import Manifestation, Requester
from ouvidoria.entities.models import Entity
from ouvidoria.retention import selectors
from ouvidoria.retention.anonymise import anonymise_due
from ouvidoria.retention.models import LegalHold

BATCH = 500


# Cases anonymised in one run at most (about a day's registrations five years ago many times over); a backlog, as
# after the first installation over old imported records, is worked off over the following days.
ANONYMISE_LIMIT = 50_000


@dataclass(frozen=True)
class DisposalResult:
    recordings: int
    chats: int
    emails: int
    anonymised: int = 0
    anonymise_failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "anonymised": self.anonymised,
            "anonymise_failed": self.anonymise_failed,
            "recordings": self.recordings,
            "chats": self.chats,
            "emails": self.emails,
        }


def _recordings_dispose(today: date) -> int:
    """The file is removed from storage (not only the row's link); the row stays with when it was disposed of."""
    done = 0
    while batch := list(selectors.recordings_due(today)[:BATCH]):
        for attachment in batch:
            with transaction.atomic():
                name = attachment.file.name
                if name:
                    attachment.file.storage.delete(name)
                attachment.file = ""
                attachment.disposed_at = timezone.now()
                attachment.save(update_fields=["file", "disposed_at"])
            done += 1
    return done


def _delete_in_batches(qs: Any) -> int:
    done = 0
    while pks := list(qs.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            qs.model.objects.filter(pk__in=pks).delete()
        done += len(pks)
    return done


def retention_run(*, today: date | None = None) -> DisposalResult:
    """Dispose of everything due on ``today`` (rules/retention.py), skipping what a legal hold keeps: cases five
    years after their protocol anonymised (``anonymise.anonymise_due``), then recordings, chats, e-mails. Generated
    reports are the reports' own daily job (``reports_purge``, which asks ``selectors.reports_due`` the same)."""
    today = today or timezone.localdate()
    cases = anonymise_due(today, limit=ANONYMISE_LIMIT)
    return DisposalResult(
        anonymised=cases.done,
        anonymise_failed=cases.failed,
        recordings=_recordings_dispose(today),
        chats=_delete_in_batches(selectors.chats_due(today)),
        emails=_delete_in_batches(selectors.emails_due(today)),
    )


def legal_hold_place(
    *,
    user: Any,
    reason: str,
    manifestation: Manifestation | None = None,
    requester: Requester | None = None,
    entity: Entity | None = None,
    until: date | None = None,
) -> LegalHold:
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["Motivo: diga por que os dados devem ser mantidos (processo, pedido do regulador…)."]
    if sum(x is not None for x in (manifestation, requester, entity)) != 1:
        errors["scope"] = ["Escolha uma só coisa a manter: uma manifestação, um manifestante ou uma entidade."]
    if until is not None and until < timezone.localdate():
        errors["until"] = ["Até: a data já passou."]
    if errors:
        raise ValidationError(errors)
    return LegalHold.objects.create(
        manifestation=manifestation,
        requester=requester,
        entity=entity,
        reason=reason.strip(),
        until=until,
        placed_by=user,
    )


def legal_hold_release(hold: LegalHold, *, user: Any) -> LegalHold:
    if hold.released_at is None:
        hold.released_at, hold.released_by = timezone.now(), user
        hold.save(update_fields=["released_at", "released_by"])
    return hold
