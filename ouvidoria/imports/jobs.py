"""Running an uploaded import in the background worker, with progress kept on the ImportJob row."""

import logging
from contextlib import ExitStack
from pathlib import Path

from django.db.models import F
from django.utils import timezone

from ouvidoria.imports.consumidor_gov import consumidor_gov_import
from ouvidoria.imports.models import ImportJob
from ouvidoria.imports.readers import TableError, count_rows, open_table
from ouvidoria.imports.services import cases_import
from ouvidoria.privacy.files import FileUnreadable, encrypted_storage, plain_copy

logger = logging.getLogger(__name__)
ERRORS_KEPT = 200
# The background worker runs threads: no second process for the two-process pipeline (forking a threaded process
# is unsafe); a web import is checked and written in this one.
NO_PIPELINE = 10**12


def import_job_run(job_id: int) -> ImportJob:
    job = ImportJob.objects.get(pk=job_id)
    if job.status != "queued":
        return job
    # The upload is stored encrypted (privacy/files.py); the readers get a clear copy outside MEDIA_ROOT for the run.
    with ExitStack() as stack:
        try:
            path = stack.enter_context(plain_copy(encrypted_storage(), job.file.name or ""))
        except (OSError, FileUnreadable) as exc:
            logger.error("import %s: stored file unreadable: %s", job.pk, type(exc).__name__)
            ImportJob.objects.filter(pk=job.pk).update(
                status="failed",
                result={"message": "O arquivo enviado não pode ser lido do armazenamento; envie-o de novo."},
                finished_at=timezone.now(),
            )
            return ImportJob.objects.get(pk=job.pk)
        return _run(job, path)


def _run(job: ImportJob, path: Path) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(status="running", total=count_rows(path))

    def advance(step: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done=F("done") + step)

    try:
        if job.kind == "cases":
            summary = cases_import(
                open_table(path), create_entities=job.create_entities, progress=advance, pipeline_threshold=NO_PIPELINE
            ).as_dict()
        else:
            summary = consumidor_gov_import([path], progress=advance, pipeline_threshold=NO_PIPELINE).as_dict()
    except TableError as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status="failed", result={"message": str(exc)}, finished_at=timezone.now()
        )
        return ImportJob.objects.get(pk=job.pk)
    except Exception:
        logger.exception("import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status="failed", result={"message": "Erro inesperado; avise o administrador."}, finished_at=timezone.now()
        )
        return ImportJob.objects.get(pk=job.pk)
    summary["error_count"] = len(summary.get("errors", []))
    summary["errors"] = summary.get("errors", [])[:ERRORS_KEPT]
    # The line count before the run is an estimate (a header or not, blank lines): the end is exact.
    ImportJob.objects.filter(pk=job.pk).update(
        status="done", result=summary, total=F("done"), finished_at=timezone.now()
    )
    return ImportJob.objects.get(pk=job.pk)
