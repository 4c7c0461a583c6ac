"""The periodic jobs: warnings before deadlines, escalation of overdue cases, reminders to internal areas.

Each job is a plain function (``today`` is a parameter, so tests and ``manage.py run_jobs`` choose the day) and is
idempotent: every warning, escalation or reminder is a ``Notice`` whose key names the case (or forward), the due
date and the level, written in the same transaction as its e-mails. Running a job twice gives nothing twice; a
deadline moved by an extension or a calendar change has a new key, so it is warned about again.

Scale: candidates are selected in the database by a window of due dates per entity (index on entity, status,
due_on), business-day status is computed in Python only for that window, and the keys already given are checked
with one query per chunk. Logs carry counts only — no protocol, name or address.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ouvidoria.accounts.access import staff_for_entity
from ouvidoria.cases.models import Forward, Manifestation
from ouvidoria.entities.models import Entity
from ouvidoria.entities.services import entity_calendar
from ouvidoria.notify.models import Notice
from ouvidoria.notify.outbox import email_queue
from ouvidoria.notify.services import manifestation_escalate
from ouvidoria.rules import deadlines
from ouvidoria.rules.workflow import OPEN_STATUSES, STATUS_LABELS

logger = logging.getLogger(__name__)

JobResult = dict[str, int]

# Cases (and forwards) overdue for longer than this when a job first sees them are left alone: a first run over
# imported history, or after weeks without a worker, must not flood the Ouvidor's mailbox.
LOOKBACK_DAYS = 30
# Internal areas are reminded from this many business days before their own due date (and when overdue).
AREA_REMINDER_BUSINESS_DAYS = 1
_CHUNK = 500

_SIGNATURE = "\n\nEste é um aviso automático do sistema da Ouvidoria. Consulte a manifestação na área de trabalho."


@dataclass(frozen=True)
class _Mail:
    to: str
    subject: str
    body: str


def _addresses(*groups: Iterable[str]) -> list[str]:
    """Distinct non-empty addresses, in order (compared without case)."""
    seen: dict[str, str] = {}
    for group in groups:
        for address in group:
            address = (address or "").strip()
            if address and address.lower() not in seen:
                seen[address.lower()] = address
    return list(seen.values())


def ombudsman_addresses(entity: Entity) -> list[str]:
    """The entity's Ouvidor(s): staff users with the ombudsman role granted the entity, and its ombudsman e-mail."""
    users = staff_for_entity(entity, frozenset({"ombudsman"})).values_list("email", flat=True)
    return _addresses(users, [entity.ombudsman_email])


def _given(keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        found.update(Notice.objects.filter(key__in=keys[start : start + _CHUNK]).values_list("key", flat=True))
    return found


def _give(
    key: str, mails: Sequence[_Mail], *, manifestation: Manifestation, also: Callable[[], object] | None = None
) -> bool:
    """Record the notice, run ``also`` and queue its e-mails in one transaction; False if another run gave it."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                Notice.objects.create(key=key)
        except IntegrityError:
            return False
        if also is not None:
            also()
        for n, mail in enumerate(mails):
            email_queue(key=f"{key}:{n}", to=mail.to, subject=mail.subject, body=mail.body, manifestation=manifestation)
    return True


def _days(n: int) -> str:
    return f"{n} dia útil" if n == 1 else f"{n} dias úteis"


def deadline_warnings_send(*, today: date | None = None) -> JobResult:
    """Warn the assignee and the Ouvidor(s) of open cases at risk (within the entity's warning days) or due today."""
    today = today or timezone.localdate()
    result = {"cases": 0, "warnings": 0, "emails": 0, "without_recipient": 0}
    for entity in Entity.objects.filter(active=True):
        calendar = entity_calendar(entity)
        last_due = calendar.add_business_days(today, entity.warning_business_days)
        cases = list(
            Manifestation.objects.filter(
                entity=entity, status__in=OPEN_STATUSES, paused_since=None, due_on__gte=today, due_on__lte=last_due
            )
            .select_related("assignee")
            .only("pk", "protocol", "status", "due_on", "entity_id", "assignee__email")
        )
        candidates = []
        for m in cases:
            level = deadlines.deadline_status(today, m.due_on, calendar, entity.warning_business_days)
            if level in ("at_risk", "due_today"):
                candidates.append((f"deadline-warning:{m.pk}:{m.due_on.isoformat()}:{level}", m, level))
        result["cases"] += len(candidates)
        given = _given([key for key, _, _ in candidates])
        ombudsman = ombudsman_addresses(entity) if len(given) < len(candidates) else []
        for key, m, level in candidates:
            if key in given:
                continue
            to = _addresses([m.assignee.email if m.assignee is not None else ""], ombudsman)
            if not to:
                result["without_recipient"] += 1
                continue
            left = deadlines.business_days_left(today, m.due_on, calendar)
            if level == "due_today":
                subject = f"Prazo vence hoje — protocolo {m.formatted_protocol}"
                when = f"vence hoje, {m.due_on:%d/%m/%Y}"
            else:
                subject = f"Prazo próximo do vencimento — protocolo {m.formatted_protocol}"
                when = f"vence em {m.due_on:%d/%m/%Y} ({_days(left)} restante{'s' if left != 1 else ''})"
            body = (
                f"O prazo de resposta da manifestação de protocolo {m.formatted_protocol} ({entity.name}) {when}, "
                f"e ela ainda não tem resposta conclusiva.\n\nSituação atual: {STATUS_LABELS[m.status]}." + _SIGNATURE
            )
            if _give(key, [_Mail(address, subject, body) for address in to], manifestation=m):
                result["warnings"] += 1
                result["emails"] += len(to)
    logger.info(
        "Deadline warnings: %(cases)s cases in the window, %(warnings)s warnings, %(emails)s e-mails, "
        "%(without_recipient)s without recipient",
        result,
    )
    return result


def overdue_escalate(*, today: date | None = None) -> JobResult:
    """Open cases past their due date: one escalation event on the timeline and an e-mail to the Ouvidor(s)."""
    today = today or timezone.localdate()
    result = {"cases": 0, "escalations": 0, "emails": 0}
    for entity in Entity.objects.filter(active=True):
        cases = list(
            Manifestation.objects.filter(
                entity=entity,
                status__in=OPEN_STATUSES,
                paused_since=None,
                due_on__lt=today,
                due_on__gte=today - timedelta(days=LOOKBACK_DAYS),
            ).only("pk", "protocol", "status", "due_on", "entity_id")
        )
        result["cases"] += len(cases)
        keyed = [(f"escalation:{m.pk}:{m.due_on.isoformat()}", m) for m in cases]
        given = _given([key for key, _ in keyed])
        if len(given) == len(keyed):
            continue
        calendar = entity_calendar(entity)
        ombudsman = ombudsman_addresses(entity)
        for key, m in keyed:
            if key in given:
                continue
            late = -deadlines.business_days_left(today, m.due_on, calendar)
            subject = f"Manifestação em atraso — protocolo {m.formatted_protocol}"
            body = (
                f"O prazo de resposta da manifestação de protocolo {m.formatted_protocol} ({entity.name}) venceu em "
                f"{m.due_on:%d/%m/%Y} ({_days(late)} de atraso) sem resposta conclusiva. O caso foi escalonado "
                f"ao Ouvidor.\n\nSituação atual: {STATUS_LABELS[m.status]}." + _SIGNATURE
            )

            def escalate(m: Manifestation = m, late: int = late) -> object:
                return manifestation_escalate(manifestation=m, today=today, business_days_late=late)

            # The event is written even with nobody to e-mail: the timeline and the reports show the escalation.
            if _give(key, [_Mail(a, subject, body) for a in ombudsman], manifestation=m, also=escalate):
                result["escalations"] += 1
                result["emails"] += len(ombudsman)
    logger.info("Overdue escalations: %(cases)s overdue cases, %(escalations)s escalated, %(emails)s e-mails", result)
    return result


def area_reminders_send(*, today: date | None = None) -> JobResult:
    """Remind internal areas of unreplied forwards due within a business day, or overdue."""
    today = today or timezone.localdate()
    result = {"forwards": 0, "reminders": 0, "emails": 0, "without_recipient": 0}
    for entity in Entity.objects.filter(active=True):
        calendar = entity_calendar(entity)
        forwards = list(
            Forward.objects.filter(
                area__entity=entity,
                replied_at=None,
                manifestation__status__in=OPEN_STATUSES,
                due_on__gte=today - timedelta(days=LOOKBACK_DAYS),
                due_on__lte=calendar.add_business_days(today, AREA_REMINDER_BUSINESS_DAYS),
            )
            .select_related("area", "manifestation")
            .only("pk", "due_on", "area__name", "area__email", "manifestation__protocol")
        )
        result["forwards"] += len(forwards)
        keyed = []
        for f in forwards:
            level = "overdue" if today > f.due_on else "due_soon"
            keyed.append((f"area-reminder:{f.pk}:{f.due_on.isoformat()}:{level}", f, level))
        given = _given([key for key, _, _ in keyed])
        for key, f, level in keyed:
            if key in given:
                continue
            if not f.area.email:
                result["without_recipient"] += 1
                continue
            protocol = f.manifestation.formatted_protocol
            if level == "overdue":
                subject = f"Encaminhamento em atraso — protocolo {protocol}"
                when = f"venceu em {f.due_on:%d/%m/%Y}"
            else:
                subject = f"Encaminhamento a responder — protocolo {protocol}"
                when = "vence hoje" if f.due_on == today else f"vence em {f.due_on:%d/%m/%Y}"
            body = (
                f"Olá, equipe {f.area.name}.\n\nA Ouvidoria aguarda a resposta da área ao encaminhamento da "
                f"manifestação de protocolo {protocol} ({entity.name}). O prazo da área {when}.\n\n"
                "A resposta da área é necessária para a Ouvidoria responder ao cliente dentro do prazo regulatório."
                + _SIGNATURE
            )
            if _give(key, [_Mail(f.area.email, subject, body)], manifestation=f.manifestation):
                result["reminders"] += 1
                result["emails"] += 1
    logger.info(
        "Area reminders: %(forwards)s forwards in the window, %(reminders)s reminders, %(emails)s e-mails, "
        "%(without_recipient)s without recipient",
        result,
    )
    return result
