"""Anonymisation of a manifestation five years after its protocol, keeping every statistic.

Seed 001 ("Arquivo"): the Ouvidoria's records are kept 5 years from the protocol; seed 002 (RN ANS 323/2013)
art. 4 §1 and art. 7: the record of the demands, with the identification data kept confidential, for 5 years.
After that the case is **anonymised**, not deleted (docs/regulation.md, "Retenção"):

- what goes: the description; the requester's identity for this case (name, social name, CPF/CNPJ, e-mail, phone,
  address, their blind indexes and keyed hashes); the texts of the timeline (bodies, and the values of ``params``
  that are not codes, numbers or dates); forwards' questions and replies; participant hand-offs' texts; answer
  drafts; agreements' terms; the attachments' files (deleted from storage) and names; the transcript of the
  assistant's conversation under the same protocol; the body and recipient of the case's e-mails; idempotency keys
  (their request hash is a fingerprint of what was sent), the team's notifications of the case and, on a data
  subject's request, the documents made for them (their copy of the data, the declaration);
- what stays: protocol, entity, instance, medium, type, subject, policy, every date, deadline and extension, status,
  merits, evaluation, counts, the timeline's kinds, dates and actors; of the requester the attributes the
  statistics group by (kind PF/PJ, declared gender, UF, city);
- the timeline's rows rewritten are recorded as ``audit.Redaction`` rows in the same maintenance use
  (``audit.services.redactions_record``), so ``audit_verify`` stays clean and still reports any other change.

A requester with other cases still kept keeps them identified: this case moves to a new requester row with only
the statistical attributes; when this was the last identified case, the requester's own row is stripped instead.
"""

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import timezone

from ouvidoria.audit.services import audit_maintenance, redactions_record
from ouvidoria.cases.models import (
    Agreement,
    AnswerDraft,
    Attachment,
    Event,
    Forward,
    IdempotencyKey,
    Manifestation,
    ParticipantHandoff,
    Requester,
    RequesterToken,
)
from ouvidoria.inbox.models import StaffNotification
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.portal.models import ChatConversation, ChatMessage
from ouvidoria.retention.selectors import cases_due, is_held
from ouvidoria.rights.models import RightsDocument
from ouvidoria.rules import retention as rules
from ouvidoria.rules.workflow import MERITS_REASONS

logger = logging.getLogger(__name__)

# The requester's identification, emptied; the attributes the indicators and files group by stay (the OPIN file
# reads kind and gender, the breakdowns the case's own UF).
IDENTITY_FIELDS = ("document", "document_hash", "name", "social_name", "email", "email_hash", "phone", "address")
STATISTICAL_FIELDS = ("kind", "gender", "state", "city")
# Values of an event's ``params`` kept as they are: references, codes and flags the workflow and the figures read
# (a forward's id, the area replied on time, the merits' reason code...). Any other text goes; numbers, booleans
# and dates stay whatever their key.
KEPT_PARAMS = frozenset(
    {
        "agreement", "approved", "area", "area_due", "assessment", "assignee", "assignee_name", "body_due",
        "business_days_late", "changes", "channel", "clock_paused", "days", "days_added", "development_certificate",
        "draft", "due", "forward", "full_identity", "handoff", "medium", "merits", "merits_reason", "month_extensions",
        "month_total", "new_due", "notice", "old_due", "on", "on_time", "paid_on", "participant", "participant_due",
        "paused_since", "policy", "previously_concluded", "protocol", "rating", "rating_until", "resolved", "sha256",
        "size", "status", "to_external_body", "type", "via", "agreed_with_requester", "agreed_on", "amount",
        "reference", "years", "anonymised_on",
    }
)  # fmt: skip
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ATTACHMENT_NAME = "arquivo anonimizado"
# One case per transaction; the job reads this many due cases at a time.
BATCH = 200


@dataclass(frozen=True)
class Anonymised:
    protocol: str
    already: bool = False
    events: int = 0
    files: int = 0


class CaseHeld(ValidationError):
    """A legal hold covers the case, its requester or its entity: nothing of it is anonymised."""


def redacted_params(params: Any) -> Any:
    """``params`` without the texts that may identify someone: kept keys, numbers, booleans and dates stay."""
    if not isinstance(params, dict):
        return {}
    kept: dict[str, Any] = {}
    for key, value in params.items():
        plain = value is None or isinstance(value, bool | int | float)
        is_date = isinstance(value, str) and _ISO_DATE.fullmatch(value) is not None
        # "reason" is a code on a merits event, free text elsewhere (a reopening, a pause's end).
        is_code = key == "reason" and value in MERITS_REASONS
        kept[key] = value if key in KEPT_PARAMS or plain or is_date or is_code else ""
    return kept


def _requester_detach(case: Manifestation) -> None:
    """This case's requester identity goes. Other cases of theirs still kept stay identified: this one moves to a
    new row with the statistical attributes only; otherwise the requester's own row is stripped."""
    requester = case.requester
    if requester is None:
        return
    others = Manifestation.objects.filter(requester_id=requester.pk, anonymised_at__isnull=True).exclude(pk=case.pk)
    if others.exists():
        stripped = Requester.objects.create(**{f: getattr(requester, f) for f in STATISTICAL_FIELDS})
        Manifestation.objects.filter(pk=case.pk).update(requester=stripped)
        case.requester = stripped
        return
    Requester.objects.filter(pk=requester.pk).update(**dict.fromkeys(IDENTITY_FIELDS, ""))
    RequesterToken.objects.filter(requester_id=requester.pk).delete()


def _timeline_redact(case: Manifestation) -> list[int]:
    changed = []
    for pk, body, params in Event.objects.filter(manifestation=case).values_list("pk", "body", "params"):
        new_params = redacted_params(params)
        if body or new_params != params:
            Event.objects.filter(pk=pk).update(body="", params=new_params)
            changed.append(pk)
    return changed


def _texts_clear(case: Manifestation) -> None:
    Forward.objects.filter(manifestation=case).update(question="", reply="")
    ParticipantHandoff.objects.filter(manifestation=case).update(question="", reply="")
    AnswerDraft.objects.filter(manifestation=case).update(body="", decision_note="")
    Agreement.objects.filter(manifestation=case).update(description="", decision_note="")
    conversations = ChatConversation.objects.filter(protocol=case.protocol)
    ChatMessage.objects.filter(conversation__in=conversations).update(text="")
    conversations.update(suggestion="")
    OutboundEmail.objects.filter(manifestation=case).update(recipient="", body="")
    IdempotencyKey.objects.filter(manifestation=case).delete()
    # A data subject's request: the documents made for them (their copy of the data, the declaration) go; the rows
    # stay with their checksum, as a disposed attachment's do.
    RightsDocument.objects.filter(request=case, deleted_at__isnull=True).update(sealed=b"", deleted_at=timezone.now())
    StaffNotification.objects.filter(manifestation=case).delete()


def _files_dispose(case: Manifestation) -> int:
    """Every file of the case deleted from storage (not only the link); the row stays with its checksum, size and
    type, and when it was disposed of."""
    deleted = 0
    now = timezone.now()
    for attachment in Attachment.objects.filter(manifestation=case):
        name = attachment.file.name
        if name:
            attachment.file.storage.delete(name)
            deleted += 1
        attachment.file = ""
        attachment.original_name = ATTACHMENT_NAME
        attachment.disposed_at = attachment.disposed_at or now
        attachment.save(update_fields=["file", "original_name", "disposed_at"])
    return deleted


def anonymise_case(case: Manifestation, *, actor_label: str, reason: str, today: date | None = None) -> Anonymised:
    """Anonymise one manifestation now, in one transaction (what goes and what stays: this module's docstring).

    Idempotent: a case already anonymised is left as it is (``already``). Raises ``CaseHeld`` when a legal hold
    active on ``today`` covers it. Does not check the five years: ``cases_due`` does, for the daily job; a caller
    anonymising earlier (a data subject's request) answers for that decision in ``reason``.
    """
    today = today or timezone.localdate()
    if Manifestation.objects.filter(pk=case.pk, anonymised_at__isnull=False).exists():
        return Anonymised(case.protocol, already=True)
    if is_held(case, today):
        raise CaseHeld({"hold": ["Bloqueio legal em vigor: esta manifestação não pode ser anonimizada."]})
    with audit_maintenance(actor=actor_label, reason=f"{reason} — protocolo {case.formatted_protocol}") as use:
        m = Manifestation.objects.select_for_update(of=("self",)).select_related("requester").get(pk=case.pk)
        if m.anonymised_at is not None:
            return Anonymised(m.protocol, already=True)
        now = timezone.now()
        _requester_detach(m)
        _texts_clear(m)
        changed = _timeline_redact(m)
        Event.objects.create(
            manifestation=m,
            kind="anonymisation",
            created_at=now,
            actor_label=actor_label[:120],
            body="",
            params={"years": rules.CASE_YEARS, "anonymised_on": timezone.localtime(now).date().isoformat()},
        )
        redactions_record(use, source="event", ids=changed)
        # The case's own row: ``update`` touches only these columns (none of them is one the indicators' ledgers
        # watch), and not ``updated_at``, which is not a statistic either.
        Manifestation.objects.filter(pk=m.pk).update(description="", anonymised_at=now)
        files = _files_dispose(m)
    case.anonymised_at, case.description = now, ""
    return Anonymised(m.protocol, events=len(changed), files=files)


@dataclass(frozen=True)
class AnonymiseRun:
    done: int
    failed: int


def anonymise_due(today: date, *, limit: int | None = None) -> AnonymiseRun:
    """The daily job's part: every case due on ``today``, each in its own transaction, read ``BATCH`` at a time.
    Safe to re-run (what is done is no longer due). A case that fails (a deadlock, say) is left for the next run
    and the others go on; ``limit`` bounds one run."""
    done = failed = 0
    failed_ids: list[int] = []
    while limit is None or done + failed < limit:
        size = BATCH if limit is None else min(BATCH, limit - done - failed)
        batch = list(cases_due(today).exclude(pk__in=failed_ids).order_by("pk")[:size])
        if not batch:
            break
        for m in batch:
            try:
                anonymise_case(m, actor_label="rotina de retenção", reason="anonimização após 5 anos", today=today)
            except (DatabaseError, ValidationError) as exc:
                # The class only: a database error's detail may quote the row's values.
                logger.error(
                    "anonymisation of case id %s failed (%s); retried on the next run", m.pk, type(exc).__name__
                )
                failed_ids.append(m.pk)
                failed += 1
            else:
                done += 1
    return AnonymiseRun(done, failed)


def anonymised_note(case: Manifestation) -> str:
    """What the pages say instead of the personal data of an anonymised case."""
    if case.anonymised_at is None:
        return ""
    day = timezone.localtime(case.anonymised_at)
    return f"Dados pessoais anonimizados em {day:%d/%m/%Y} (retenção de {rules.CASE_YEARS} anos)."
