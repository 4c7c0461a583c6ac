"""The years a period (an OPIN quarter, a report's month, semester or year, the indicators' dates) may have.

Not a regulator's rule: a bound of ours, far wider than any real case, narrow enough that every date computed from
a period (its next quarter, the same months a year before) exists. Protocol numbers keep their own, narrower range
(``protocol.py``).
"""

from datetime import date

MIN_YEAR = 1900
MAX_YEAR = 2999
EARLIEST = date(MIN_YEAR, 1, 1)
LATEST = date(MAX_YEAR, 12, 31)


def year_problem(year: int) -> str | None:
    """What is wrong with ``year`` as a period's (pt-BR), or None."""
    if MIN_YEAR <= year <= MAX_YEAR:
        return None
    return f"Ano fora do intervalo aceito: {year} (use {MIN_YEAR} a {MAX_YEAR})."
