from huey.contrib.djhuey import db_periodic_task

from ouvidoria.indicators import ledger
from ouvidoria.lib.schedule import local_crontab


@db_periodic_task(local_crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def ledger_compact_task() -> tuple[int, int]:
    """Every ten minutes, one row per key in the daily ledgers (PostgreSQL), so a query sums as few as there can be."""
    return ledger.compact()
