"""Periodic schedules in the installation's local time (``TIME_ZONE``), whatever the clock huey keeps.

huey compares its crontabs with UTC (``HUEY["utc"]``): ``crontab(hour="8")`` ran at 05:00 in Brasília. Every
periodic job is declared with ``local_crontab`` instead, so the hour written is the hour it runs, in every process
and whatever the operating system's time zone.
"""

import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from huey import crontab

Schedule = Callable[[dt.datetime], bool]


def local_crontab(
    minute: str = "*", hour: str = "*", day: str = "*", month: str = "*", day_of_week: str = "*"
) -> Schedule:
    """A huey schedule whose fields are read in local time (``TIME_ZONE``; daylight saving time included)."""
    matches = crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, strict=True)

    def validate(timestamp: dt.datetime) -> bool:
        # huey passes a naive UTC timestamp (utc=True); an aware one is taken as it is.
        aware = timestamp if timestamp.tzinfo is not None else timestamp.replace(tzinfo=dt.UTC)
        return bool(matches(timezone.localtime(aware).replace(tzinfo=None)))

    validate.__doc__ = f"minute={minute} hour={hour} day={day} month={month} day_of_week={day_of_week} (local time)"
    return validate
