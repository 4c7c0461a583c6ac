"""Background jobs of the OPIN quarterly file (huey; ``manage.py run_huey`` runs the periodic ones)."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ouvidoria.opin.services import opin_reminders_send


@db_periodic_task(crontab(hour="8", minute="0"))  # type: ignore[untyped-decorator]
def opin_reminders() -> None:
    """Every morning: remind the Ouvidor(es) of files due soon and not yet marked sent (idempotent)."""
    opin_reminders_send(today=timezone.localdate())
