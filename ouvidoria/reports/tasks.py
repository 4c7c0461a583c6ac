"""Background jobs of the reports (huey)."""

from huey.contrib.djhuey import db_periodic_task, db_task

from ouvidoria.lib.schedule import local_crontab
from ouvidoria.reports import services


@db_task(retries=2, retry_delay=30)  # type: ignore[untyped-decorator]
def report_build_task(report_id: int) -> None:
    services.report_build(report_id)


@db_periodic_task(local_crontab(hour="3", minute="30"))  # type: ignore[untyped-decorator]
def reports_purge_task() -> None:
    services.reports_purge()


@db_periodic_task(local_crontab(hour="8", minute="0"))  # type: ignore[untyped-decorator]
def report_reminders_task() -> None:
    """Every morning: remind the Ouvidor(es) of reports due to a regulator and not yet sent (idempotent)."""
    from django.utils import timezone

    from ouvidoria.reports.publication import report_reminders_send

    report_reminders_send(today=timezone.localdate())
