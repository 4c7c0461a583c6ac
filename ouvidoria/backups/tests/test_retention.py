import datetime as dt

from ouvidoria.backups.retention import backups_to_keep


def nightly(days: int) -> list[dt.datetime]:
    last = dt.datetime(2026, 12, 2, 5, 15, tzinfo=dt.UTC)
    return [last - dt.timedelta(days=n) for n in range(days)]


def test_a_year_of_nightly_backups_keeps_seven_days_four_weeks_twelve_months():
    taken = nightly(400)
    keep = backups_to_keep(taken, daily=7, weekly=4, monthly=12)
    assert set(taken[:7]) <= keep
    months = {(t.year, t.month) for t in keep}
    assert len(months) == 12
    # 7 days (back to Thursday 26 November), plus the Sundays 22 and 15 November, plus the last day of the 10 months
    # before November (December and November already have one).
    assert len(keep) == 7 + 2 + 10


def test_the_newest_backup_is_kept_whatever_the_policy():
    taken = nightly(3)
    assert backups_to_keep(taken, daily=0, weekly=0, monthly=0) == {taken[0]}


def test_two_backups_on_one_day_count_once():
    taken = nightly(2)
    extra = taken[0] - dt.timedelta(hours=1)
    assert backups_to_keep([*taken, extra], daily=2, weekly=0, monthly=0) == set(taken)
