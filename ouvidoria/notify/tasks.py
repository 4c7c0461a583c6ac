"""The background jobs (huey). Each task is a thin shell around a plain function that tests and
``manage.py run_jobs`` call directly; the imports inside the tasks keep this module free of import cycles, since
the case services enqueue from here.

Schedules are written in local time (``ouvidoria.lib.schedule.local_crontab``), as the README's table states them.
"""

from datetime import date
from typing import Any

from django.db import transaction
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from ouvidoria.lib.schedule import local_crontab

# An e-mail is tried 1 + EMAIL_RETRIES times, waiting EMAIL_RETRY_DELAY seconds, then doubling, between tries.
EMAIL_RETRIES = 4
EMAIL_RETRY_DELAY = 60
EMAIL_RETRY_BACKOFF = 2

# 07:05 to 20:05 in Brasília: staff are not written to at night.
_WORKING_HOURS = local_crontab(minute="5", hour="7-20")


def enqueue_on_commit(task: Any, *args: Any) -> Any:
    """Enqueue ``task`` once the current transaction commits, so the worker sees the rows it was queued for.

    In immediate mode (tests, ``HUEY_IMMEDIATE=1``) the task runs at once in the caller's thread and transaction,
    which sees the same rows, and the huey result handle is returned; otherwise None. ``robust``: a broker that is
    down must not undo what was committed — the periodic re-queue catches up.
    """
    if HUEY.immediate:
        return task(*args)
    transaction.on_commit(lambda: task(*args), robust=True)
    return None


@db_task(retries=EMAIL_RETRIES, retry_delay=EMAIL_RETRY_DELAY, retry_backoff=EMAIL_RETRY_BACKOFF)  # type: ignore[untyped-decorator]
def email_send_task(email_id: int) -> str:
    from ouvidoria.notify.outbox import email_send

    return email_send(email_id=email_id)


@db_task()  # type: ignore[untyped-decorator]
def deadlines_recompute_task(entity_id: int, reason: str, day: date | None) -> int:
    from ouvidoria.cases.services import deadlines_recompute
    from ouvidoria.entities.models import Entity

    return deadlines_recompute(entity=Entity.objects.get(pk=entity_id), reason=reason, day=day)


@db_periodic_task(local_crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def outbox_requeue_task() -> int:
    from ouvidoria.notify.outbox import outbox_requeue

    return outbox_requeue()


@db_periodic_task(_WORKING_HOURS)  # type: ignore[untyped-decorator]
def deadline_warnings_task() -> dict[str, int]:
    from ouvidoria.notify.jobs import deadline_warnings_send

    return deadline_warnings_send()


@db_periodic_task(_WORKING_HOURS)  # type: ignore[untyped-decorator]
def overdue_escalations_task() -> dict[str, int]:
    from ouvidoria.notify.jobs import overdue_escalate

    return overdue_escalate()


@db_periodic_task(_WORKING_HOURS)  # type: ignore[untyped-decorator]
def area_reminders_task() -> dict[str, int]:
    from ouvidoria.notify.jobs import area_reminders_send

    return area_reminders_send()
