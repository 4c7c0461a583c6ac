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
