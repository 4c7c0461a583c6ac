"""Retention's daily job (huey)."""

from huey.contrib.djhuey import db_periodic_task

from ouvidoria.lib.schedule import local_crontab
from ouvidoria.retention.services import retention_run


@db_periodic_task(local_crontab(hour="3", minute="45"))  # type: ignore[untyped-decorator]
def retention_task() -> dict[str, int]:
    return retention_run().as_dict()
