"""The outbox: once per key, retried on failure, never sent twice, caught up when stuck."""

import logging
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from ouvidoria.notify.models import OutboundEmail
from ouvidoria.notify.outbox import MAX_ATTEMPTS, email_queue, email_send, outbox_requeue

pytestmark = pytest.mark.django_db

FLAKY = "ouvidoria.notify.tests.test_outbox.FlakyBackend"


class FlakyBackend(EmailBackend):
    """Fails ``failures`` times (a server error quoting the address, as SMTP servers do), then delivers."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError(f"550 mailbox unavailable: {messages[0].to[0]}")
        return super().send_messages(messages)


def run_scheduled_retries():
    """What the consumer does with huey's schedule: run every retry whose time has come (all of them here)."""
    later = datetime.utcnow() + timedelta(days=1)
    for _ in range(10):
        for task in HUEY.read_schedule(later):
            HUEY.execute(task, timestamp=later)


def queue(key="k1", to="maria@example.com"):
    return email_queue(key=key, to=to, subject="Assunto", body="Texto.")


def test_same_key_queues_and_sends_once():
    first = queue()
    second = queue()
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["maria@example.com"]
    first.refresh_from_db()
    assert (first.status, first.attempts) == ("sent", 1)
    assert first.sent_at is not None


def test_recipient_is_encrypted_at_rest():
    email = queue()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT recipient FROM {OutboundEmail._meta.db_table} WHERE id = %s", [email.pk])  # noqa: S608
        (stored,) = cursor.fetchone()
    assert "maria@example.com" not in stored
    assert OutboundEmail.objects.get(pk=email.pk).recipient == "maria@example.com"


def test_sending_a_sent_row_again_does_nothing():
    email = queue()
    assert email_send(email_id=email.pk) == "already sent"
    assert len(mail.outbox) == 1


def test_failing_backend_is_retried_until_sent(settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures = 2
    email = queue()
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("queued", 1, "ConnectionRefusedError")
    run_scheduled_retries()
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 3, "")
    assert len(mail.outbox) == 1


def test_failing_backend_ends_failed_after_the_last_attempt_and_logs_no_address(settings, caplog):
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.failures = 100
    caplog.set_level(logging.DEBUG)
    email = queue()
    run_scheduled_retries()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", MAX_ATTEMPTS)
    assert email.last_error == "ConnectionRefusedError"
    assert mail.outbox == []
    assert "not sent" in caplog.text
    assert "maria@example.com" not in caplog.text
    FlakyBackend.failures = 0


def test_stuck_queued_rows_are_queued_again():
    email = OutboundEmail.objects.create(key="stuck", recipient="joao@example.com", subject="S", body="B")
    assert outbox_requeue() == 0  # just created: its own task may still be on its way
    later = timezone.now() + timedelta(hours=1)
    assert outbox_requeue(now=later) == 1
    email.refresh_from_db()
    assert email.status == "sent"
    assert outbox_requeue(now=later) == 0
    assert len(mail.outbox) == 1
