"""The rights' daily job (huey): documents past their 30 days lose their bytes."""

from huey.contrib.djhuey import db_periodic_task

from ouvidoria.lib.schedule import local_crontab
from ouvidoria.rights.services import documents_purge


@db_periodic_task(local_crontab(hour="3", minute="50"))  # type: ignore[untyped-decorator]
def rights_documents_purge_task() -> int:
    return documents_purge()
