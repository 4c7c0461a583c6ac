from huey.contrib.djhuey import db_periodic_task

from ouvidoria.lib.schedule import local_crontab


@db_periodic_task(local_crontab(minute="*"))  # type: ignore[untyped-decorator]
def audit_seal_task() -> int:
    """Every minute, the new timeline events and reads of personal data onto the audit chain."""
    from ouvidoria.audit.services import chain_seal

    return chain_seal().records


@db_periodic_task(local_crontab(minute="15", hour="0"))  # type: ignore[untyped-decorator]
def audit_anchor_task() -> int:
    """Daily at 00:15, the chain's head to an anchor, e-mailed to the auditors."""
    from ouvidoria.audit.services import anchor_write

    anchor = anchor_write()
    return anchor.seq if anchor else 0
