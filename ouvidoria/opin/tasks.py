"""Background jobs of the OPIN quarterly file (huey; ``manage.py run_huey`` runs the periodic ones)."""

from pathlib import Path

from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task, db_task

from ouvidoria.lib.schedule import local_crontab
from ouvidoria.opin.services import opin_reminders_send


@db_periodic_task(local_crontab(hour="8", minute="0"))  # type: ignore[untyped-decorator]
def opin_reminders() -> None:
    """Every morning: remind the Ouvidor(es) of files due soon and not yet marked sent (idempotent)."""
    opin_reminders_send(today=timezone.localdate())


@db_task()  # type: ignore[untyped-decorator]
def opin_export_task(entity_id: int, quarter: str, generated_by: str) -> None:
    """Generate a quarterly file from the workspace, reporting progress for the page's progress bar."""
    from django.conf import settings

    from ouvidoria.entities.models import Entity
    from ouvidoria.opin.progress import progress_set
    from ouvidoria.opin.services import OpinError, opin_export, opin_selection
    from ouvidoria.rules.opin import parse_quarter

    entity = Entity.objects.get(pk=entity_id)
    period = parse_quarter(quarter)
    total = opin_selection(entity, period).count()
    progress_set(entity_id, quarter, status="running", done=0, total=total, message="")
    out_dir = Path(settings.VAR_DIR) / "opin-exports" / entity.slug
    done = [0]

    def advance(step: int) -> None:
        # The exporter reports increments (every 1,000 records).
        done[0] += step
        progress_set(entity_id, quarter, done=done[0])

    try:
        result = opin_export(
            entity=entity,
            quarter=period,
            out_dir=out_dir,
            generated_by=generated_by,
            omit_invalid=True,
            progress=advance,
        )
    except OpinError as exc:
        progress_set(entity_id, quarter, status="failed", message=str(exc)[:500])
        return
    except Exception:
        # Whatever else went wrong (a full disk, the database gone), the page must not show "running" for hours:
        # the Ouvidor sees the failure and may try again; the error itself goes to huey's log.
        progress_set(entity_id, quarter, status="failed", message="Erro inesperado ao gerar o arquivo; tente de novo.")
        raise
    progress_set(entity_id, quarter, status="done", done=result.records, total=result.records)
