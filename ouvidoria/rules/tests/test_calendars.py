"""Business calendars: DOMAIN.md "Counting conventions", ENVIRONMENT.md "The holidays library for Brazil".

Dates were checked by hand against a printed calendar: 2026-02-16/17 Carnival (Mon/Tue), 2026-04-03 Good Friday,
2026-06-04 Corpus Christi (Thu), 2026-07-09 Thu, 2026-04-23 Thu, 2027-07-02 Fri, 2027-01-25 Mon.
"""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ouvidoria.rules.calendars import BRAZILIAN_STATES, BusinessCalendar, calendar_for

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

NATIONAL = calendar_for()
BANK = calendar_for(bank=True)


def test_weekends_are_never_business_days():
    assert not NATIONAL.is_business_day(date(2026, 3, 7))  # Saturday
    assert not NATIONAL.is_business_day(date(2026, 3, 8))  # Sunday
    assert NATIONAL.is_business_day(date(2026, 3, 9))  # Monday


def test_national_holidays_close_every_calendar():
    for day in (date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 21), date(2026, 12, 25)):
        assert not NATIONAL.is_business_day(day)
        assert not BANK.is_business_day(day)


def test_bank_calendar_closes_carnival_and_corpus_christi():
    for day in (date(2025, 3, 3), date(2025, 3, 4), date(2026, 2, 16), date(2026, 2, 17), date(2027, 2, 8)):
        assert not BANK.is_business_day(day)
        assert NATIONAL.is_business_day(day)
    for corpus_christi in (date(2025, 6, 19), date(2026, 6, 4), date(2027, 5, 27)):
        assert not BANK.is_business_day(corpus_christi)
        assert NATIONAL.is_business_day(corpus_christi)


def test_bank_calendar_keeps_the_other_optional_days_open():
    # The library's `optional` category also has Ash Wednesday, 28 Oct, 24 and 31 Dec: not bank holidays.
    for day in (date(2026, 2, 18), date(2026, 10, 28), date(2026, 12, 24), date(2026, 12, 31)):
        assert BANK.is_business_day(day), day


def test_twentieth_of_november_is_national_since_2024():
    # Lei 14.759/2023: 2024-11-20 (Wed) closed; 2023-11-20 (Mon) was not a national holiday.
    assert not NATIONAL.is_business_day(date(2024, 11, 20))
    assert not NATIONAL.is_business_day(date(2025, 11, 20))
    assert NATIONAL.is_business_day(date(2023, 11, 20))


def test_state_holidays_apply_only_in_their_state():
    assert not calendar_for("SP").is_business_day(date(2026, 7, 9))  # Revolução Constitucionalista
    assert calendar_for("RJ").is_business_day(date(2026, 7, 9))
    assert not calendar_for("RJ").is_business_day(date(2026, 4, 23))  # São Jorge
    assert calendar_for("SP").is_business_day(date(2026, 4, 23))
    assert not calendar_for("BA").is_business_day(date(2027, 7, 2))  # Independência da Bahia
    assert NATIONAL.is_business_day(date(2027, 7, 2))


def test_rio_de_janeiro_closes_carnival_tuesday_even_without_bank_calendar():
    assert calendar_for("RJ").holidays_between(date(2026, 2, 14), date(2026, 2, 18)) == [
        (date(2026, 2, 17), "Carnaval")
    ]


def test_sao_paulo_city_adds_its_anniversary_to_the_state():
    city = calendar_for("SP", "São Paulo")
    assert not city.is_business_day(date(2027, 1, 25))  # Monday, Aniversário da Cidade de São Paulo
    assert calendar_for("SP").is_business_day(date(2027, 1, 25))
    assert not city.is_business_day(date(2026, 7, 9))  # the city keeps the state's holidays
    # The city's own law makes Corpus Christi a holiday: closed even without the bank calendar.
    assert not city.is_business_day(date(2026, 6, 4))


def test_sao_paulo_city_is_matched_without_accents_or_case():
    assert calendar_for(" sp ", "SAO  PAULO") is calendar_for("SP", "São Paulo")
    # Without the state, or in another state, "São Paulo" is not the capital of SP.
    assert calendar_for("RJ", "São Paulo").is_business_day(date(2027, 1, 25))
    assert calendar_for(None, "São Paulo").is_business_day(date(2027, 1, 25))
    # Cities the library does not know add nothing (their holidays are closures).
    assert calendar_for("SP", "Campinas") is calendar_for("SP")


def test_unknown_state_is_refused_in_portuguese():
    with pytest.raises(ValueError, match="UF desconhecida"):
        calendar_for("XX")


def test_blank_state_means_national_calendar():
    assert calendar_for("") is NATIONAL
    assert calendar_for("  ") is NATIONAL


def test_brazilian_states_come_from_the_library():
    assert len(BRAZILIAN_STATES) == 27
    assert BRAZILIAN_STATES["SP"] == "São Paulo"
    assert BRAZILIAN_STATES["DF"] == "Distrito Federal"
    assert "São Paulo Capital" not in BRAZILIAN_STATES.values()


def test_holidays_between_gives_portuguese_names_and_closures():
    calendar = calendar_for("SP", bank=True, closures=[(date(2026, 2, 18), "Recesso de Cinzas")])
    assert calendar.holidays_between(date(2026, 2, 14), date(2026, 2, 21)) == [
        (date(2026, 2, 16), "Carnaval"),
        (date(2026, 2, 17), "Carnaval"),
        (date(2026, 2, 18), "Recesso de Cinzas"),
    ]
    assert calendar.holidays_between(date(2026, 7, 9), date(2026, 7, 9)) == [
        (date(2026, 7, 9), "Revolução Constitucionalista")
    ]
    assert NATIONAL.holidays_between(date(2026, 3, 1), date(2026, 3, 31)) == []


def test_closure_on_a_holiday_keeps_both_names():
    calendar = calendar_for(closures=[(date(2026, 12, 25), "Recesso de fim de ano")])
    assert calendar.holidays_between(date(2026, 12, 25), date(2026, 12, 25)) == [
        (date(2026, 12, 25), "Natal; Recesso de fim de ano")
    ]


def test_closures_are_cached_whatever_their_container():
    closures = [(date(2026, 3, 20), "Aniversário da cidade")]
    assert calendar_for("MG", closures=closures) is calendar_for("MG", closures=frozenset(closures))
    assert calendar_for("MG", closures=closures) is not calendar_for("MG")
    assert not calendar_for("MG", closures=closures).is_business_day(date(2026, 3, 20))


def test_closure_with_a_time_is_refused():
    with pytest.raises(ValueError, match="sem horário"):
        calendar_for(closures=[(datetime(2026, 3, 20, 9, 0), "x")])


def test_add_business_days_skips_carnival_for_banks():
    # From Friday 2026-02-13: Mon 16 and Tue 17 closed, so Wed 18 is the 1st business day after.
    assert BANK.add_business_days(date(2026, 2, 13), 1) == date(2026, 2, 18)
    assert NATIONAL.add_business_days(date(2026, 2, 13), 1) == date(2026, 2, 16)


def test_add_business_days_zero_returns_start_unchanged():
    saturday = date(2026, 3, 7)
    assert NATIONAL.add_business_days(saturday, 0) == saturday


def test_add_business_days_backwards():
    # Two business days before Wednesday 2026-02-18 on the bank calendar: Fri 13 (1), Thu 12 (2).
    assert BANK.add_business_days(date(2026, 2, 18), -1) == date(2026, 2, 13)
    assert BANK.add_business_days(date(2026, 2, 18), -2) == date(2026, 2, 12)


def test_roll_forward():
    assert BANK.roll_forward(date(2026, 2, 14)) == date(2026, 2, 18)  # Sat -> past Carnival -> Wed
    assert NATIONAL.roll_forward(date(2026, 2, 14)) == date(2026, 2, 16)
    assert NATIONAL.roll_forward(date(2026, 3, 10)) == date(2026, 3, 10)


def test_business_days_between_is_half_open_and_signed():
    # (Fri 13, Wed 18] on the bank calendar: only Wed 18.
    assert BANK.business_days_between(date(2026, 2, 13), date(2026, 2, 18)) == 1
    assert NATIONAL.business_days_between(date(2026, 2, 13), date(2026, 2, 18)) == 3
    assert NATIONAL.business_days_between(date(2026, 2, 18), date(2026, 2, 13)) == -3
    assert NATIONAL.business_days_between(date(2026, 2, 13), date(2026, 2, 13)) == 0


def test_supports_1990_to_2100():
    # 1990-04-13 was Good Friday; 2100-12-24 is a Friday, 25 a Saturday.
    assert not NATIONAL.is_business_day(date(1990, 4, 13))
    assert NATIONAL.add_business_days(date(2100, 12, 23), 1) == date(2100, 12, 24)
    assert NATIONAL.add_business_days(date(1990, 1, 2), 1) == date(1990, 1, 3)
    with pytest.raises(ValueError, match="fora do período"):
        NATIONAL.add_business_days(date(2100, 12, 30), 5)
    with pytest.raises(ValueError, match="fora do período"):
        NATIONAL.is_business_day(date(1989, 12, 29))


def test_long_jumps_grow_the_window():
    calendar = BusinessCalendar(frozenset({date(2030, 1, 1)}))
    start = date(2026, 1, 2)
    day, counted = start, 0
    while counted < 3000:
        day += timedelta(days=1)
        counted += calendar.is_business_day(day)
    assert calendar.add_business_days(start, 3000) == day
    assert calendar.add_business_days(day, -3000) == start


def test_calendar_is_immutable():
    with pytest.raises(AttributeError):
        NATIONAL._closed = frozenset()


def test_names_must_belong_to_non_business_days():
    with pytest.raises(ValueError, match="nomes"):
        BusinessCalendar(frozenset(), {date(2026, 1, 1): "Confraternização Universal"})


def _brute_force_add(calendar: BusinessCalendar, start: date, n: int) -> date:
    day, step, left = start, (1 if n > 0 else -1), abs(n)
    while left:
        day += timedelta(days=step)
        left -= calendar.is_business_day(day)
    return day


@PROPERTY_SETTINGS
@given(
    start=st.dates(min_value=date(1991, 1, 1), max_value=date(2099, 6, 30)),
    n=st.integers(min_value=-60, max_value=60),
    bank=st.booleans(),
)
def test_add_business_days_matches_day_by_day_count(start, n, bank):
    calendar = calendar_for("SP", "São Paulo", bank=bank)
    expected = start if n == 0 else _brute_force_add(calendar, start, n)
    assert calendar.add_business_days(start, n) == expected
    # Counting forwards from start lands on the n-th business day; backwards the half-open interval
    # (expected, start] also counts start, so the identity holds only when start is itself a business day.
    if n > 0 or (n < 0 and calendar.is_business_day(start)):
        assert calendar.business_days_between(start, expected) == n


@PROPERTY_SETTINGS
@given(start=st.dates(min_value=date(1991, 1, 1), max_value=date(2099, 6, 30)))
def test_roll_forward_is_the_first_business_day_on_or_after(start):
    rolled = BANK.roll_forward(start)
    assert BANK.is_business_day(rolled)
    assert rolled >= start
    assert all(not BANK.is_business_day(start + timedelta(days=i)) for i in range((rolled - start).days))
