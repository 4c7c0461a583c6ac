"""The e-mail outbox: queue once per key, send through Django's mail backend from a worker, retry, catch up.

Nothing here logs an address, a name or a message text: only row ids, counts and error classes.
"""

import logging
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ouvidoria.cases.models import Manifestation
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.notify.tasks import EMAIL_RETRIES, email_send_task, enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 1 + EMAIL_RETRIES
# A queued row nobody has tried for this long lost its task (a crash, a broker restart): queue it again. Longer
# than the whole retry schedule (1 + 2 + 4 + 8 minutes), so a row waiting for its next retry is left alone.
STUCK_AFTER = timedelta(minutes=30)


class EmailNotSent(Exception):
    """Raised so huey retries; carries the row id and the error class, never the address."""


def email_queue(
    *, key: str, to: str, subject: str, body: str, manifestation: Manifestation | None = None
) -> OutboundEmail:
    """Queue an e-mail once per ``key``; it is sent after the current transaction commits.

    A second call with the same key returns the row already there and queues nothing.
    """
    existing = OutboundEmail.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                key=key,
                recipient=to.strip(),
                # A header cannot hold line breaks.
                subject=" ".join(subject.split())[:200],
                body=body,
                manifestation=manifestation,
            )
    except IntegrityError:  # queued at the same moment by another process
        return OutboundEmail.objects.get(key=key)
    enqueue_on_commit(email_send_task, email.pk)
    return email


def email_send(*, email_id: int) -> str:
    """Send one queued e-mail; returns what happened ("sent", "failed", or why nothing was done).

    The row is claimed with a conditional UPDATE on its attempt count (works alike on SQLite and PostgreSQL), so
    two workers never send it at once, and a row already sent is never sent again. A failure leaves the row
    queued and raises EmailNotSent for huey to retry, until the last attempt marks it failed.
    """
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None:
        return "missing"
    if email.status != "queued":
        return f"already {email.status}"
    claimed = OutboundEmail.objects.filter(pk=email.pk, status="queued", attempts=email.attempts).update(
        attempts=F("attempts") + 1, attempted_at=timezone.now()
    )
    if not claimed:
        return "claimed by another worker"
    attempt = email.attempts + 1
    try:
        EmailMessage(subject=email.subject, body=email.body, to=[email.recipient]).send()
    except Exception as exc:
        error = type(exc).__name__
        final = attempt >= MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=email.pk).update(last_error=error[:200], status="failed" if final else "queued")
        logger.warning("E-mail #%s not sent (attempt %s of %s): %s", email.pk, attempt, MAX_ATTEMPTS, error)
        if final:
            return "failed"
        # ``from None``: the original exception's text may hold the address; huey logs what it catches.
        raise EmailNotSent(f"E-mail #{email.pk} not sent: {error}") from None
    OutboundEmail.objects.filter(pk=email.pk).update(status="sent", sent_at=timezone.now(), last_error="")
    return "sent"


def outbox_requeue(*, now: datetime | None = None, limit: int = 500) -> int:
    """Queue again the e-mails left queued with no task behind them; returns how many."""
    now = now or timezone.now()
    stale = now - STUCK_AFTER
    ids = list(
        OutboundEmail.objects.filter(status="queued")
        .filter(Q(attempted_at__lt=stale) | Q(attempted_at=None, created_at__lt=stale))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for email_id in ids:
        enqueue_on_commit(email_send_task, email_id)
    if ids:
        logger.info("Outbox: %s stuck e-mails queued again", len(ids))
    return len(ids)
