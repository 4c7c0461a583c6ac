"""Which backups a retention policy keeps (no Django): the newest of each of the last N days, weeks and months.

The policy of docs/security.md, "Cópias de segurança": 7 daily, 4 weekly, 12 monthly. As restic's ``forget``
counts it: walking from the newest backup back, each policy keeps a backup whose day (ISO week, month) differs from
the last one that policy kept, until it has kept its N; a backup is deleted only when no policy keeps it. The newest
backup is always kept.
"""

import datetime as dt
from collections.abc import Callable, Iterable

Bucket = Callable[[dt.datetime], tuple[int, ...]]

BUCKETS: dict[str, Bucket] = {
    "daily": lambda t: (t.year, t.month, t.day),
    "weekly": lambda t: tuple(t.isocalendar()[:2]),
    "monthly": lambda t: (t.year, t.month),
}


def backups_to_keep(taken_at: Iterable[dt.datetime], *, daily: int, weekly: int, monthly: int) -> set[dt.datetime]:
    ordered = sorted(set(taken_at), reverse=True)
    keep = set(ordered[:1])
    for name, count in (("daily", daily), ("weekly", weekly), ("monthly", monthly)):
        bucket = BUCKETS[name]
        last: tuple[int, ...] | None = None
        kept = 0
        for moment in ordered:
            if kept >= count:
                break
            if bucket(moment) != last:
                keep.add(moment)
                last = bucket(moment)
                kept += 1
    return keep
