"""The daily backup (huey), when ``OUVIDORIA_BACKUP_DIR`` is set."""

from huey.contrib.djhuey import db_periodic_task

from ouvidoria.backups import services
from ouvidoria.lib.schedule import local_crontab


@db_periodic_task(local_crontab(hour="2", minute="15"))  # type: ignore[untyped-decorator]
def backup_daily_task() -> str:
    """Every night at 02:15 (Brasília): one archive, then the retention of docs/security.md (7 / 4 / 12)."""
    done = services.backup_daily()
    return str(done.path) if done else ""
