from huey.contrib.djhuey import db_task

from ouvidoria.imports.jobs import import_job_run


@db_task()  # type: ignore[untyped-decorator]
def import_job_task(job_id: int) -> None:
    import_job_run(job_id)
