"""How long each kind of record is kept, and when it is disposed of. No Django.

Sources:
- seed 001 ("Arquivo"): the Ouvidoria's records kept for at least 5 years from the protocol; phone service recorded
  ("Deve ser gravado, quando realizado por telefone") and the recordings kept 90 days;
- seed 002 (RN ANS 323/2013) art. 4 §1 and art. 7: the record of the demands, with the identification data kept
  confidential, for 5 years;
- seed 000 §9.2: retention periods and secure disposal; LGPD (Lei 13.709/2018) art. 15 and 16: data is disposed of
  once its purpose ends, kept only to comply with a legal obligation (art. 16 I) or for the exercise of rights in
  lawsuits (art. 7 VI), which is what a legal hold stands for.

The choices the seeds leave open are written in docs/regulation.md ("Retenção"):
- a manifestation is **anonymised**, not deleted, 5 years after the protocol date: its statistics (dates, type,
  subject, instance, deadlines, merits, evaluation) stay, every figure of the indicators and regulatory files with
  them; what identifies a person goes;
- a chat conversation that did not become a manifestation: 1 year after it started (the FAQ's quality is measured
  over the last year; after that it serves no purpose); one that became a manifestation follows the manifestation;
- an e-mail kept in the outbox: with its manifestation; one of no manifestation (staff notifications, reminders),
  1 year after it was written;
- a generated report (PDF, spreadsheet): 5 years after its period ends, like the records it summarises;
- a legal hold (litigation, a regulator's request) on a case, a requester or an entity stops all of it until it is
  released or its date passes.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

CASE_YEARS = 5
RECORDING_DAYS = 90
CHAT_DAYS = 365
EMAIL_DAYS = 365
REPORT_YEARS = 5
# The dry-run screen shows what falls due within this many days.
HORIZON_DAYS = 30


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def case_anonymised_on(protocol_day: date) -> date:
    """Seed 001 / seed 002 art. 4 §1: five years from the protocol, then anonymised."""
    return years_after(protocol_day, CASE_YEARS)


def last_protocol_day_anonymised(day: date) -> date:
    """The latest protocol day whose five years are over on ``day`` (the inverse of ``case_anonymised_on``): a
    protocol of 29 February is anonymised on 28 February, so on a 28 February the day before five years earlier
    counts when it was a 29th."""
    try:
        last = day.replace(year=day.year - CASE_YEARS)
    except ValueError:  # 29 February five years after a common year
        last = day.replace(year=day.year - CASE_YEARS, day=28)
    if last.month == 2 and last.day == 28 and calendar.isleap(last.year):
        last = last.replace(day=29)
    return last


def recording_deleted_on(recorded_day: date) -> date:
    """Seed 001: phone recordings kept 90 days."""
    return recorded_day + timedelta(days=RECORDING_DAYS)


def chat_deleted_on(started_day: date) -> date:
    return started_day + timedelta(days=CHAT_DAYS)


def email_deleted_on(written_day: date) -> date:
    return written_day + timedelta(days=EMAIL_DAYS)


def report_deleted_on(period_end: date) -> date:
    return years_after(period_end, REPORT_YEARS)


@dataclass(frozen=True)
class Hold:
    """A legal hold: until ``until`` (None: until released), or released on ``released_on``."""

    placed_on: date
    until: date | None = None
    released_on: date | None = None

    def active_on(self, day: date) -> bool:
        if self.placed_on > day or (self.released_on is not None and self.released_on <= day):
            return False
        return self.until is None or self.until >= day


def cutoff(today: date, *, horizon_days: int = 0) -> date:
    """The last due date that is disposed of on ``today`` (plus the horizon, for the dry run)."""
    return today + timedelta(days=horizon_days)
