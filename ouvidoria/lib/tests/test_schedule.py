"""Every periodic job runs at the local (Brasília) time the README's table states (issue: the OPIN reminders ran at
05:00 while the docs said 08:00)."""

import datetime as dt

import pytest
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from ouvidoria.lib.schedule import local_crontab

BRASILIA = dt.timezone(dt.timedelta(hours=-3))

# job -> (local times it runs, local times it does not), as written in README.md "Background jobs".
STATED = {
    "outbox_requeue_task": (["00:00", "13:10", "23:50"], ["13:05"]),
    "ledger_compact_task": (["00:00", "13:10"], ["13:05"]),
    "deadline_warnings_task": (["07:05", "13:05", "20:05"], ["06:05", "21:05", "13:00", "04:05"]),
    "overdue_escalations_task": (["07:05", "20:05"], ["06:05", "21:05"]),
    "area_reminders_task": (["07:05", "20:05"], ["06:05", "21:05"]),
    "opin_reminders": (["08:00"], ["05:00", "11:00", "08:05"]),
    "report_reminders_task": (["08:00"], ["05:00", "11:00"]),
    "reports_purge_task": (["03:30"], ["00:30", "06:30"]),
    "retention_task": (["03:45"], ["00:45", "06:45"]),
    "rights_documents_purge_task": (["03:50"], ["00:50", "06:50", "03:45"]),
    "audit_seal_task": (["00:00", "13:07", "23:59"], []),
    "audit_anchor_task": (["00:15"], ["03:15", "00:00", "12:15"]),
    "backup_daily_task": (["02:15"], ["05:15", "23:15", "02:30"]),
}


def _periodic() -> dict[str, object]:
    autodiscover_modules("tasks")
    return {t.__name__: t() for t in HUEY._registry._periodic_tasks}


def _utc_naive(day: dt.date, hhmm: str) -> dt.datetime:
    """What huey passes to a schedule: the moment as a naive UTC datetime."""
    hour, minute = map(int, hhmm.split(":"))
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRASILIA)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def test_every_periodic_job_has_its_stated_local_time():
    assert set(_periodic()) == set(STATED)


@pytest.mark.parametrize("name", sorted(STATED))
def test_each_job_runs_at_the_local_time_its_docs_state(name):
    task = _periodic()[name]
    runs, skips = STATED[name]
    for day in (dt.date(2026, 6, 15), dt.date(2026, 12, 15)):
        for hhmm in runs:
            assert task.validate_datetime(_utc_naive(day, hhmm)), f"{name} should run at {hhmm}"
        for hhmm in skips:
            assert not task.validate_datetime(_utc_naive(day, hhmm)), f"{name} should not run at {hhmm}"


def test_the_opin_reminders_no_longer_run_at_five_in_the_morning():
    eight_utc = dt.datetime(2026, 12, 2, 8, 0)  # 05:00 in Brasília
    assert not _periodic()["opin_reminders"].validate_datetime(eight_utc)
    assert _periodic()["opin_reminders"].validate_datetime(dt.datetime(2026, 12, 2, 11, 0))


def test_a_local_schedule_follows_the_installations_time_zone(settings):
    settings.TIME_ZONE = "America/Manaus"  # UTC-4
    assert local_crontab(hour="8", minute="0")(dt.datetime(2026, 12, 2, 12, 0))
    assert not local_crontab(hour="8", minute="0")(dt.datetime(2026, 12, 2, 11, 0))
