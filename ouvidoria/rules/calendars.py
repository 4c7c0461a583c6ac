"""Business-day calendars of Brazilian entities.

A calendar is: weekends + national public holidays + the holidays of the entity's state (and city, where the
``holidays`` library knows it) + for entities under the Banco Central the bank holidays + closures the entity
adds (DOMAIN.md "Counting conventions"; docs/regulation.md "Deadlines and calendars").
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

# Years whose holidays every calendar from `calendar_for` knows. Dates outside are refused rather than counted
# with weekends only, which would silently give wrong deadlines.
FIRST_YEAR = 1990
LAST_YEAR = 2100

# The `holidays` library's only Brazilian city: a pseudo-subdivision that includes the state of São Paulo
# (ENVIRONMENT.md "The holidays library for Brazil").
_SAO_PAULO_CAPITAL = "São Paulo Capital"

# Bank holidays: entities under the Banco Central close on Carnival Monday and Tuesday and on Corpus Christi,
# as the financial market does (DOMAIN.md "Counting conventions", for seed 001's "dias úteis"). The library
# keeps them in its `optional` category, next to Ash Wednesday, 28 October, 24 and 31 December, which are NOT
# bank holidays: select them by their pt-BR names.
_BANK_HOLIDAY_NAMES = frozenset({"Carnaval", "Corpus Christi"})
_BANK_HOLIDAYS_PER_YEAR = 3

_DEFAULT_CLOSURE_NAME = "Sem expediente na entidade"


def _brazil() -> Any:
    """The library's calendar class for Brazil, imported on first use: importing ``holidays`` loads every
    country it knows, about 0.14 s of the start-up of each process (command, web worker) that may never count a
    deadline."""
    from holidays.countries.brazil import Brazil

    return Brazil


class _States(Mapping[str, str]):
    """UF code -> state name, from the library's own subdivision aliases (its "São Paulo Capital"
    pseudo-subdivision has no alias, so it is not a state here); read on first use, like ``_brazil``."""

    _names: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._names is None:
            aliases = _brazil().subdivisions_aliases
            self._names = {code: name for name, code in sorted(aliases.items(), key=lambda item: item[1])}
        return self._names

    def __getitem__(self, code: str) -> str:
        return self._load()[code]

    def __contains__(self, code: object) -> bool:
        return code in self._load()

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


BRAZILIAN_STATES: Mapping[str, str] = _States()

# A window of precomputed business days: (first ordinal covered, last ordinal covered, sorted business-day
# ordinals, the same days as dates). The dates spare a date.fromordinal() on every call.
_Window = tuple[int, int, list[int], list[date]]
_EMPTY_WINDOW: _Window = (1, 0, [], [])
# Years added on each side when the window grows, so that neighbouring requests hit the fast path.
_WINDOW_MARGIN_YEARS = 8


def _is_weekday(ordinal: int) -> bool:
    # date.fromordinal(1) is a Monday, so (ordinal + 6) % 7 is date.weekday().
    return (ordinal + 6) % 7 < 5


class BusinessCalendar:
    """An immutable business-day calendar.

    Weekends (Saturday, Sunday) are never business days; ``non_business_days`` adds holidays and closures,
    and ``names`` gives their pt-BR names. Business days are kept as a sorted list of ordinals over a window
    of years that grows lazily, so each query is a bisect: O(log n).
    """

    __slots__ = ("_closed", "_first_ordinal", "_last_ordinal", "_named", "_named_ordinals", "_window")

    _closed: frozenset[int]
    _named: tuple[tuple[int, str], ...]
    _named_ordinals: tuple[int, ...]
    _first_ordinal: int
    _last_ordinal: int
    _window: _Window

    def __init__(
        self,
        non_business_days: frozenset[date] = frozenset(),
        names: Mapping[date, str] | None = None,
        *,
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
    ) -> None:
        if first_year > last_year:
            raise ValueError(f"Período do calendário inválido: {first_year} a {last_year}.")
        names = names or {}
        unknown = set(names) - set(non_business_days)
        if unknown:
            raise ValueError(
                "Há nomes para datas que não estão entre os dias sem expediente: "
                + ", ".join(d.isoformat() for d in sorted(unknown))
            )
        named = tuple(sorted((d.toordinal(), names.get(d, _DEFAULT_CLOSURE_NAME)) for d in non_business_days))
        init = object.__setattr__
        init(self, "_closed", frozenset(d.toordinal() for d in non_business_days))
        init(self, "_named", named)
        init(self, "_named_ordinals", tuple(ordinal for ordinal, _ in named))
        init(self, "_first_ordinal", date(first_year, 1, 1).toordinal())
        init(self, "_last_ordinal", date(last_year, 12, 31).toordinal())
        init(self, "_window", _EMPTY_WINDOW)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("BusinessCalendar é imutável.")

    def __repr__(self) -> str:
        return f"BusinessCalendar({len(self._closed)} dias sem expediente, {self.first_year}–{self.last_year})"

    @property
    def first_year(self) -> int:
        return date.fromordinal(self._first_ordinal).year

    @property
    def last_year(self) -> int:
        return date.fromordinal(self._last_ordinal).year

    @property
    def non_business_days(self) -> frozenset[date]:
        """Holidays and closures (weekends not included)."""
        return frozenset(date.fromordinal(ordinal) for ordinal in self._closed)

    # -- queries -------------------------------------------------------------------------------------------

    def is_business_day(self, d: date) -> bool:
        ordinal = d.toordinal()
        self._check_span(ordinal)
        return _is_weekday(ordinal) and ordinal not in self._closed

    def add_business_days(self, start: date, n: int) -> date:
        """The n-th business day after ``start`` (``start`` itself never counts); n < 0 counts backwards."""
        if n == 0:
            return start
        ordinal = start.toordinal()
        lo, hi, ordinals, days = self._window
        if lo <= ordinal <= hi:
            if n > 0:
                index = bisect_right(ordinals, ordinal) + n - 1
                if index < len(ordinals):
                    return days[index]
            else:
                index = bisect_left(ordinals, ordinal) + n
                if index >= 0:
                    return days[index]
        return self._add_slow(ordinal, n)

    def roll_forward(self, d: date) -> date:
        """``d`` if it is a business day, else the next business day."""
        ordinal = d.toordinal()
        lo, hi, ordinals, days = self._window
        if lo <= ordinal <= hi:
            index = bisect_left(ordinals, ordinal)
            if index < len(ordinals):
                return days[index]
        return self._add_slow(ordinal - 1, 1)

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in (start, end]; when end < start, minus the business days in (end, start]."""
        first, last = start.toordinal(), end.toordinal()
        lo, hi, ordinals, _ = self._window
        if not (lo <= first <= hi and lo <= last <= hi):
            lo, hi, ordinals, _ = self._extend(min(first, last), max(first, last))
        return bisect_right(ordinals, last) - bisect_right(ordinals, first)

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """Holidays and closures in [start, end], with their pt-BR names (weekends are not listed)."""
        left = bisect_left(self._named_ordinals, start.toordinal())
        right = bisect_right(self._named_ordinals, end.toordinal())
        return [(date.fromordinal(ordinal), name) for ordinal, name in self._named[left:right]]

    # -- the lazily grown window ---------------------------------------------------------------------------

    def _check_span(self, ordinal: int) -> None:
        if not self._first_ordinal <= ordinal <= self._last_ordinal:
            raise ValueError(
                f"A data {date.fromordinal(ordinal):%d/%m/%Y} está fora do período coberto pelo calendário "
                f"({self.first_year} a {self.last_year})."
            )

    def _extend(self, first: int, last: int) -> _Window:
        """Grow the window to cover [first, last] (plus a margin of whole years) and return it."""
        self._check_span(first)
        self._check_span(last)
        lo, hi, _, _ = self._window
        if lo <= first and last <= hi:
            return self._window
        if lo <= hi:
            first, last = min(first, lo), max(last, hi)
        first_year = date.fromordinal(first).year - _WINDOW_MARGIN_YEARS
        last_year = date.fromordinal(last).year + _WINDOW_MARGIN_YEARS
        new_lo = max(self._first_ordinal, date(max(first_year, 1), 1, 1).toordinal())
        new_hi = min(self._last_ordinal, date(min(last_year, 9999), 12, 31).toordinal())
        closed = self._closed
        ordinals = [o for o in range(new_lo, new_hi + 1) if _is_weekday(o) and o not in closed]
        window: _Window = (new_lo, new_hi, ordinals, [date.fromordinal(o) for o in ordinals])
        # One atomic attribute swap: a concurrent reader sees either the old or the new window, both correct.
        object.__setattr__(self, "_window", window)
        return window

    def _add_slow(self, ordinal: int, n: int) -> date:
        """The n-th business day after (n > 0) or before (n < 0) ``ordinal``, growing the window as needed."""
        # A year has at least ~240 business days; ask for twice the calendar span that n needs, plus a margin.
        reach = abs(n) * 2 + 31
        while True:
            if n > 0:
                lo, hi, ordinals, days = self._extend(ordinal, min(ordinal + reach, self._last_ordinal))
                index = bisect_right(ordinals, ordinal) + n - 1
                if index < len(ordinals):
                    return days[index]
                if hi >= self._last_ordinal:
                    self._check_span(self._last_ordinal + 1)
            else:
                lo, hi, ordinals, days = self._extend(max(ordinal - reach, self._first_ordinal), ordinal)
                index = bisect_left(ordinals, ordinal) + n
                if index >= 0:
                    return days[index]
                if lo <= self._first_ordinal:
                    self._check_span(self._first_ordinal - 1)
            reach *= 2


# -- calendars of entities ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Accent-, case- and spacing-insensitive form of a place name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def _normalize_state(state: str | None) -> str | None:
    if state is None or not state.strip():
        return None
    code = state.strip().upper()
    if code not in BRAZILIAN_STATES:
        raise ValueError(f"UF desconhecida: {state!r}. Use uma destas siglas: {', '.join(BRAZILIAN_STATES)}.")
    return code


def _normalize_closures(closures: Iterable[tuple[date, str]]) -> frozenset[tuple[date, str]]:
    normalized = set()
    for day, name in closures:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValueError(f"Data de fechamento inválida: {day!r}. Informe uma data (sem horário).")
        normalized.add((day, name.strip() or _DEFAULT_CLOSURE_NAME))
    return frozenset(normalized)


def _add_name(names: dict[date, str], day: date, name: str) -> None:
    current = names.get(day)
    if current is None:
        names[day] = name
    elif name not in current.split("; "):
        names[day] = f"{current}; {name}"


@lru_cache(maxsize=64)
def _library_holidays(subdivision: str | None, bank: bool) -> Mapping[date, str]:
    """Public holidays (national + state/city) and, for banks, the bank holidays, FIRST_YEAR..LAST_YEAR."""
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    names: dict[date, str] = {}
    # National and subdivision public holidays: holidays.Brazil, category "public" (ENVIRONMENT.md).
    brazil = _brazil()
    public = brazil(years=years, subdiv=subdivision, categories=("public",), language="pt_BR")
    for day, name in public.items():
        for part in name.split("; "):
            _add_name(names, day, part)
    if bank:
        optional = brazil(years=years, categories=("optional",), language="pt_BR")
        bank_days = sorted((d, n) for d, n in optional.items() if n in _BANK_HOLIDAY_NAMES)
        if len(bank_days) != _BANK_HOLIDAYS_PER_YEAR * len(years):
            # The library renamed or dropped one of them: refuse rather than open the banks on Carnival.
            raise RuntimeError(
                "A biblioteca holidays não devolveu Carnaval (segunda e terça) e Corpus Christi para todos os anos."
            )
        for day, name in bank_days:
            _add_name(names, day, name)
    return MappingProxyType(names)


@lru_cache(maxsize=512)
def _cached_calendar(subdivision: str | None, bank: bool, closures: frozenset[tuple[date, str]]) -> BusinessCalendar:
    names = dict(_library_holidays(subdivision, bank))
    for day, name in sorted(closures):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValueError(
                f"O fechamento de {day:%d/%m/%Y} está fora do período coberto pelo calendário "
                f"({FIRST_YEAR} a {LAST_YEAR})."
            )
        _add_name(names, day, name)
    return BusinessCalendar(frozenset(names), names, first_year=FIRST_YEAR, last_year=LAST_YEAR)


def calendar_for(
    state: str | None = None,
    city: str | None = None,
    *,
    bank: bool = False,
    closures: Iterable[tuple[date, str]] = (),
) -> BusinessCalendar:
    """The business calendar of an entity (cached: equal arguments give the same object).

    ``state`` is a UF code ("SP"); ``city`` matters only where the library knows the city's holidays, which
    is the city of São Paulo (with state "SP"); other cities' holidays are closures the entity adds. ``bank``
    adds the bank holidays (Carnival Monday and Tuesday, Corpus Christi) for entities under the Banco Central.
    """
    subdivision = _normalize_state(state)
    if subdivision == "SP" and city is not None and _fold(city) == _fold("São Paulo"):
        subdivision = _SAO_PAULO_CAPITAL
    return _cached_calendar(subdivision, bank, _normalize_closures(closures))
