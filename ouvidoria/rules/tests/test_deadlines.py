"""The deadline engine, with worked dates checked by hand against a printed calendar.

Reference days (weekday in brackets): Carnival 2025-03-03/04, 2026-02-16/17, 2027-02-08/09 (Mon/Tue); Good Friday
2025-04-18, 2026-04-03; Tiradentes 2025-04-21 (Mon); Labour Day 2025-05-01 (Thu), 2026-05-01 (Fri); Corpus
Christi 2026-06-04 (Thu); 20 November 2025 (Thu), 2026 (Fri); Christmas 2025 (Thu), 2026 (Fri); New Year
2026-01-01 (Thu); SP 2026-07-09 (Thu); RJ 2026-04-23 (Thu); BA 2027-07-02 (Fri); São Paulo city 2027-01-25 (Mon).
"""

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ouvidoria.rules.calendars import calendar_for
from ouvidoria.rules.deadlines import (
    business_days_left,
    deadline_status,
    due_date,
    extension_days,
    paused_days,
    rating_due,
    warning_date,
)
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.policies import POLICIES, get_policy

BCB = get_policy("bcb-ouvidoria")
ANS = get_policy("ans-ouvidoria")
SUSEP = get_policy("susep-ouvidoria")
SAC = get_policy("sac")

NATIONAL = calendar_for()
BANK = calendar_for(bank=True)

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _extension(policy, **overrides):
    arguments = {
        "current_extra_days": 0,
        "extensions_so_far": 0,
        "requested_days": None,
        "justification": "Aguardando laudo técnico da área de sinistros.",
        "agreed_with_requester": True,
        "month_extensions": 0,
        "month_total": 100,
    }
    arguments.update(overrides)
    return extension_days(policy, **arguments)


# -- BCB ombudsman: 10 business days, bank calendar ----------------------------------------------------------


def test_bcb_deadline_skips_carnival():
    # Received Fri 2026-02-13; Mon 16 and Tue 17 closed. Wed 18 (1), 19 (2), 20 (3), 23 (4), 24 (5), 25 (6),
    # 26 (7), Fri 27 (8), Mon Mar 2 (9), Tue Mar 3 (10).
    assert due_date(BCB, date(2026, 2, 13), BANK) == date(2026, 3, 3)


def test_bcb_deadline_skips_carnival_2025_and_2027():
    # Received Fri 2025-02-28; Mar 3/4 closed: Mar 5 (1), 6, 7, 10, 11, 12, 13, 14, 17 (9), Tue Mar 18 (10).
    assert due_date(BCB, date(2025, 2, 28), BANK) == date(2025, 3, 18)
    # Received Fri 2027-02-05; Feb 8/9 closed: Feb 10 (1), 11, 12, 15, 16, 17, 18, 19, 22 (9), Tue Feb 23 (10).
    assert due_date(BCB, date(2027, 2, 5), BANK) == date(2027, 2, 23)


def test_ans_deadline_counts_carnival_as_business_days():
    # Received Fri 2026-02-13, ANS entity open on Carnival: Feb 16 (1), 17 (2), 18 (3), 19 (4), 20 (5),
    # Mon 23 (6), Tue 24 (7).
    assert due_date(ANS, date(2026, 2, 13), NATIONAL) == date(2026, 2, 24)
    # 2025: received Fri Feb 28: Mar 3 (1), 4 (2), 5 (3), 6 (4), 7 (5), 10 (6), Tue Mar 11 (7).
    assert due_date(ANS, date(2025, 2, 28), NATIONAL) == date(2025, 3, 11)
    # 2027: received Fri Feb 5: Feb 8 (1), 9 (2), 10 (3), 11 (4), 12 (5), 15 (6), Tue Feb 16 (7).
    assert due_date(ANS, date(2027, 2, 5), NATIONAL) == date(2027, 2, 16)


def test_bcb_deadline_skips_good_friday_tiradentes_and_labour_day():
    # Received Thu 2025-04-17: Fri 18 Good Friday, Mon 21 Tiradentes closed. Apr 22 (1), 23 (2), 24 (3),
    # 25 (4), 28 (5), 29 (6), 30 (7), May 1 closed, Fri May 2 (8), Mon 5 (9), Tue May 6 (10).
    assert due_date(BCB, date(2025, 4, 17), BANK) == date(2025, 5, 6)


def test_ans_deadline_skips_good_friday():
    # Received Wed 2026-04-01: Thu 2 (1), Fri 3 Good Friday closed, Apr 6 (2), 7 (3), 8 (4), 9 (5), 10 (6),
    # Mon Apr 13 (7).
    assert due_date(ANS, date(2026, 4, 1), NATIONAL) == date(2026, 4, 13)


def test_corpus_christi_closes_banks_only():
    # Received Mon 2026-06-01. Bank: Jun 2 (1), 3 (2), Thu 4 closed, 5 (3), 8 (4), 9 (5), 10 (6), 11 (7),
    # 12 (8), 15 (9), Tue Jun 16 (10). Same 10 business days without the bank calendar: Jun 2 ... Jun 15.
    assert due_date(BCB, date(2026, 6, 1), BANK) == date(2026, 6, 16)
    assert due_date(BCB, date(2026, 6, 1), NATIONAL) == date(2026, 6, 15)
    # ANS: Jun 2 (1), 3 (2), 4 (3), 5 (4), 8 (5), 9 (6), Wed Jun 10 (7).
    assert due_date(ANS, date(2026, 6, 1), NATIONAL) == date(2026, 6, 10)


def test_twentieth_of_november_moves_business_deadlines():
    # Received Tue 2025-11-18: Wed 19 (1), Thu 20 closed, Fri 21 (2), 24 (3), 25 (4), 26 (5), 27 (6), Fri 28 (7).
    assert due_date(ANS, date(2025, 11, 18), NATIONAL) == date(2025, 11, 28)


def test_bcb_deadline_over_christmas_and_new_year():
    # Received Mon 2025-12-22: Dec 23 (1), Wed 24 (2, open), Thu 25 closed, Fri 26 (3), 29 (4), 30 (5),
    # Wed 31 (6, open), Jan 1 closed, Fri Jan 2 (7), Mon 5 (8), Tue 6 (9), Wed Jan 7 (10).
    assert due_date(BCB, date(2025, 12, 22), BANK) == date(2026, 1, 7)


def test_state_holiday_sao_paulo_ninth_of_july():
    # Received Wed 2026-07-08. SP: Thu 9 closed, Fri 10 (1), 13 (2), 14 (3), 15 (4), 16 (5), 17 (6), Mon 20 (7).
    # RJ: Jul 9 (1), 10 (2), 13 (3), 14 (4), 15 (5), 16 (6), Fri 17 (7).
    assert due_date(ANS, date(2026, 7, 8), calendar_for("SP")) == date(2026, 7, 20)
    assert due_date(ANS, date(2026, 7, 8), calendar_for("RJ")) == date(2026, 7, 17)


def test_state_holiday_rio_twenty_third_of_april():
    # Received Wed 2026-04-22, bank calendar. RJ: Thu 23 closed, Fri 24 (1), 27 (2), 28 (3), 29 (4), 30 (5),
    # Fri May 1 closed, May 4 (6), 5 (7), 6 (8), 7 (9), Fri May 8 (10). Without RJ, Apr 23 counts: Thu May 7.
    assert due_date(BCB, date(2026, 4, 22), calendar_for("RJ", bank=True)) == date(2026, 5, 8)
    assert due_date(BCB, date(2026, 4, 22), BANK) == date(2026, 5, 7)


def test_state_holiday_bahia_second_of_july_moves_a_calendar_deadline():
    # consumidor.gov.br, received Tue 2027-06-22 + 10 = Fri 2027-07-02: a holiday in BA, so Mon Jul 5.
    consumidor_gov = get_policy("consumidor-gov")
    assert due_date(consumidor_gov, date(2027, 6, 22), calendar_for("BA")) == date(2027, 7, 5)
    assert due_date(consumidor_gov, date(2027, 6, 22), calendar_for("SP")) == date(2027, 7, 2)


def test_sao_paulo_city_anniversary_versus_state():
    # Received Fri 2027-01-22. City: Mon 25 closed, 26 (1), 27 (2), 28 (3), 29 (4), Feb 1 (5), 2 (6), Wed 3 (7).
    # State only: Jan 25 (1) ... Tue Feb 2 (7).
    assert due_date(ANS, date(2027, 1, 22), calendar_for("SP", "São Paulo")) == date(2027, 2, 3)
    assert due_date(ANS, date(2027, 1, 22), calendar_for("SP")) == date(2027, 2, 2)


# -- calendar-day policies -----------------------------------------------------------------------------------


def test_susep_deadline_on_new_year_rolls_to_next_business_day():
    # Received Wed 2025-12-17 + 15 = Thu 2026-01-01 (holiday): Fri Jan 2.
    assert due_date(SUSEP, date(2025, 12, 17), NATIONAL) == date(2026, 1, 2)
    # Received Mon 2026-03-02 + 15 = Tue Mar 17, a business day: unchanged.
    assert due_date(SUSEP, date(2026, 3, 2), NATIONAL) == date(2026, 3, 17)


def test_sac_deadline_on_christmas_rolls_past_the_weekend():
    # Received Fri 2026-12-18 + 7 = Fri Dec 25 (Christmas), Sat 26, Sun 27: Mon Dec 28.
    assert due_date(SAC, date(2026, 12, 18), NATIONAL) == date(2026, 12, 28)


def test_opin_service_desk_deadline_on_saturday_rolls_to_monday():
    # Received Fri 2026-03-06 + 15 = Sat Mar 21: Mon Mar 23.
    assert due_date(get_policy("opin-service-desk"), date(2026, 3, 6), NATIONAL) == date(2026, 3, 23)


def test_opin_participant_has_seven_calendar_days_from_receipt():
    # Ticket received Sat 2026-03-07 + 7 = Sat Mar 14: Mon Mar 16.
    assert due_date(get_policy("opin-participant"), date(2026, 3, 7), NATIONAL) == date(2026, 3, 16)
    # Received Tue 2026-03-10 + 7 = Tue Mar 17.
    assert due_date(get_policy("opin-participant"), date(2026, 3, 10), NATIONAL) == date(2026, 3, 17)


def test_lgpd_request_deadline_on_good_friday_rolls_to_monday():
    # Received Thu 2026-03-19 + 15 = Fri Apr 3 (Good Friday), Sat 4, Sun 5: Mon Apr 6.
    assert due_date(get_policy("lgpd-titular"), date(2026, 3, 19), NATIONAL) == date(2026, 4, 6)


def test_rn593_payment_deadline_on_twentieth_of_november():
    # Notified Tue 2026-11-10 + 10 = Fri Nov 20 (holiday): Mon Nov 23.
    assert due_date(get_policy("rn593-pagamento"), date(2026, 11, 10), NATIONAL) == date(2026, 11, 23)


def test_consumidor_gov_answer_and_rating_deadlines():
    policy = get_policy("consumidor-gov")
    # Received Mon 2026-03-02 + 10 = Thu Mar 12.
    assert due_date(policy, date(2026, 3, 2), NATIONAL) == date(2026, 3, 12)
    # Answered Tue 2026-03-10 + 20 = Mon Mar 30.
    assert rating_due(policy, date(2026, 3, 10)) == date(2026, 3, 30)
    # Answered Mon 2026-03-16 + 20 = Sun Apr 5: the consumer's window is not moved.
    assert rating_due(policy, date(2026, 3, 16)) == date(2026, 4, 5)


def test_rating_due_is_none_without_rating():
    assert rating_due(SAC, date(2026, 3, 10)) is None


def test_entity_closure_moves_a_deadline():
    closed = calendar_for(closures=[(date(2026, 3, 20), "Aniversário da cidade")])
    # ANS, received Fri 2026-03-13: Mar 16 (1), 17 (2), 18 (3), 19 (4), Fri 20 closed, 23 (5), 24 (6), Wed 25 (7).
    assert due_date(ANS, date(2026, 3, 13), closed) == date(2026, 3, 25)
    assert due_date(ANS, date(2026, 3, 13), NATIONAL) == date(2026, 3, 24)
    # SAC, received Fri 2026-03-13 + 7 = Fri Mar 20, closed: Mon Mar 23.
    assert due_date(SAC, date(2026, 3, 13), closed) == date(2026, 3, 23)


def test_negative_extra_days_are_refused():
    with pytest.raises(ValueError, match="negativos"):
        due_date(SAC, date(2026, 3, 2), NATIONAL, extra_days=-1)


# -- pauses --------------------------------------------------------------------------------------------------


def test_a_calendar_pause_adds_calendar_days():
    # A calendar-day policy that allowed pauses (none of today's norms does: docs/regulation.md "Pauses").
    # Received Mon 2026-03-02, due Mon Mar 9; paused Tue Mar 3 -> Fri Mar 6 = 3 days: due Thu Mar 12.
    pausable = dataclasses.replace(SAC, pause_allowed=True)
    paused = paused_days(pausable, start=date(2026, 3, 3), end=date(2026, 3, 6), calendar=NATIONAL)
    assert paused == 3
    assert due_date(pausable, date(2026, 3, 2), NATIONAL, extra_days=paused) == date(2026, 3, 12)


def test_business_pause_counts_business_days():
    # A business-day policy that allowed pauses: (Fri 2026-02-13, Wed Feb 18] holds only Wed 18 for a bank,
    # Mon 16, Tue 17 and Wed 18 otherwise.
    pausable = dataclasses.replace(ANS, pause_allowed=True)
    assert paused_days(pausable, start=date(2026, 2, 13), end=date(2026, 2, 18), calendar=BANK) == 1
    assert paused_days(pausable, start=date(2026, 2, 13), end=date(2026, 2, 18), calendar=NATIONAL) == 3


def test_pause_ending_before_it_starts_adds_nothing():
    pausable = dataclasses.replace(SAC, pause_allowed=True)
    assert paused_days(pausable, start=date(2026, 3, 6), end=date(2026, 3, 6), calendar=NATIONAL) == 0
    assert paused_days(pausable, start=date(2026, 3, 6), end=date(2026, 3, 3), calendar=NATIONAL) == 0


@pytest.mark.parametrize(
    "code",
    [
        "bcb-ouvidoria", "ans-ouvidoria", "susep-ouvidoria", "lgpd-titular", "rn593-pagamento",
        # Decreto 11.034/2022 counts the SAC's days from the demand; seed 000 §4.3.1 gives "até 15 dias corridos"
        # overall and 7 per participant; consumidor.gov.br keeps its own clock.
        "sac", "opin-service-desk", "opin-participant", "consumidor-gov",
    ],
)  # fmt: skip
def test_no_deadline_of_todays_norms_pauses_while_waiting_for_the_requester(code):
    with pytest.raises(RuleViolation) as error:
        paused_days(get_policy(code), start=date(2026, 3, 3), end=date(2026, 3, 6), calendar=NATIONAL)
    assert error.value.field == "policy"
    assert "sem pausa" in error.value.message


# -- extensions ----------------------------------------------------------------------------------------------


def test_bcb_extension_is_an_equal_period_of_ten_business_days():
    assert _extension(BCB) == 10
    assert _extension(BCB, requested_days=10) == 10
    # Received Fri 2026-02-13, due Tue Mar 3; ten more business days: Mar 4 ... Tue Mar 17.
    assert due_date(BCB, date(2026, 2, 13), BANK, extra_days=10) == date(2026, 3, 17)


def test_bcb_extension_of_another_length_is_refused():
    with pytest.raises(RuleViolation) as error:
        _extension(BCB, requested_days=5)
    assert error.value.field == "days"
    assert "igual período: 10 dias úteis" in error.value.message


def test_extension_refused_the_second_time():
    with pytest.raises(RuleViolation) as error:
        _extension(BCB, extensions_so_far=1, current_extra_days=10)
    assert error.value.field == "policy"
    assert error.value.message == ("A prorrogação já foi concedida uma vez; o prazo não pode ser prorrogado novamente.")


@pytest.mark.parametrize("justification", ["", "   ", "curta", "  123456789  "])
def test_extension_requires_a_justification(justification):
    with pytest.raises(RuleViolation) as error:
        _extension(BCB, justification=justification)
    assert error.value.field == "justification"


def test_extension_refused_past_ten_percent():
    # 10% of 10 manifestations = 1 extension in the month; the one being extended counts in the total.
    assert _extension(BCB, month_extensions=0, month_total=10) == 10
    with pytest.raises(RuleViolation) as error:
        _extension(BCB, month_extensions=1, month_total=10)
    assert error.value.field == "monthly_cap"
    assert error.value.message.startswith(
        "Limite mensal de prorrogações atingido: 1 de 10 manifestações do mês (máximo 10%)."
    )


def test_extension_refused_with_fewer_than_ten_manifestations_in_the_month():
    with pytest.raises(RuleViolation) as error:
        _extension(BCB, month_extensions=0, month_total=9)
    assert error.value.field == "monthly_cap"


def test_monthly_cap_is_exactly_one_tenth_rounded_down():
    for month_total in range(1, 1000):
        cap = month_total // 10
        if cap:
            assert _extension(BCB, month_extensions=cap - 1, month_total=month_total) == 10
        with pytest.raises(RuleViolation):
            _extension(BCB, month_extensions=cap, month_total=month_total)


def test_ans_extension_up_to_thirty_business_days_in_all():
    # 7 + 23 = 30 business days. Received Mon 2026-06-01 (Corpus Christi open for ANS): June 2-5 (4), 8-12 (9),
    # 15-19 (14), 22-26 (19), 29-30 (21), Jul 1-3 (24), 6-10 (29), Mon Jul 13 (30).
    days = _extension(ANS, requested_days=23)
    assert days == 23
    assert due_date(ANS, date(2026, 6, 1), NATIONAL, extra_days=days) == date(2026, 7, 13)


def test_ans_extension_past_thirty_business_days_is_refused():
    with pytest.raises(RuleViolation) as error:
        _extension(ANS, requested_days=24)
    assert error.value.field == "days"
    assert "30 dias úteis" in error.value.message
    assert "no máximo 23 dias úteis" in error.value.message


def test_ans_extension_needs_the_number_of_days():
    for requested in (None, 0, -3):
        with pytest.raises(RuleViolation) as error:
            _extension(ANS, requested_days=requested)
        assert error.value.field == "days"


def test_ans_extension_needs_the_beneficiary_agreement():
    with pytest.raises(RuleViolation) as error:
        _extension(ANS, requested_days=10, agreed_with_requester=False)
    assert error.value.field == "agreement"


def test_ans_extension_has_no_monthly_cap():
    assert _extension(ANS, requested_days=5, month_extensions=50, month_total=1) == 5


@pytest.mark.parametrize(
    "code",
    ["susep-ouvidoria", "sac", "opin-service-desk", "opin-participant", "consumidor-gov", "lgpd-titular"],
)
def test_policies_without_extension_refuse_it(code):
    with pytest.raises(RuleViolation) as error:
        _extension(get_policy(code), requested_days=5)
    assert error.value.field == "policy"
    assert "não pode ser prorrogado" in error.value.message


# -- warnings, days left and status --------------------------------------------------------------------------


def test_warning_date_counts_business_days_back_from_due():
    # Due Tue 2026-03-03: Mon Mar 2 (1), Fri Feb 27 (2).
    assert warning_date(date(2026, 3, 3), BANK, 2) == date(2026, 2, 27)
    # Due Thu 2026-02-19 on the bank calendar: Wed 18 (1), Fri 13 (2, Carnival skipped), Thu 12 (3).
    assert warning_date(date(2026, 2, 19), BANK, 3) == date(2026, 2, 12)
    assert warning_date(date(2026, 3, 3), BANK, 0) == date(2026, 3, 3)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 2, 26), "on_time"),
        (date(2026, 2, 27), "at_risk"),
        (date(2026, 2, 28), "at_risk"),  # Saturday inside the warning window
        (date(2026, 3, 2), "at_risk"),
        (date(2026, 3, 3), "due_today"),
        (date(2026, 3, 4), "overdue"),
    ],
)
def test_deadline_status_around_a_due_date(today, status):
    assert deadline_status(today, date(2026, 3, 3), BANK, 2) == status


def test_deadline_status_without_warning_window():
    assert deadline_status(date(2026, 3, 2), date(2026, 3, 3), BANK, 0) == "on_time"


@pytest.mark.parametrize(
    ("today", "left"),
    [
        (date(2026, 2, 26), 3),  # Fri 27, Mon 2, Tue 3
        (date(2026, 2, 28), 2),  # Saturday: Mon 2, Tue 3
        (date(2026, 3, 3), 0),
        (date(2026, 3, 4), -1),
        (date(2026, 3, 9), -4),  # Wed 4, Thu 5, Fri 6, Mon 9 since the due day
    ],
)
def test_business_days_left(today, left):
    assert business_days_left(today, date(2026, 3, 3), BANK) == left


def test_business_days_left_skips_carnival_for_banks():
    # From Fri 2026-02-13 to Thu Feb 19: Wed 18 and Thu 19 for a bank, plus Mon 16 and Tue 17 otherwise.
    assert business_days_left(date(2026, 2, 13), date(2026, 2, 19), BANK) == 2
    assert business_days_left(date(2026, 2, 13), date(2026, 2, 19), NATIONAL) == 4


# -- properties ----------------------------------------------------------------------------------------------

RECEIPTS = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
CALENDARS = st.sampled_from([NATIONAL, BANK, calendar_for("SP", "São Paulo"), calendar_for("RJ", bank=True)])
POLICY_CODES = st.sampled_from(sorted(POLICIES))


@PROPERTY_SETTINGS
@given(code=POLICY_CODES, received=RECEIPTS, extra=st.integers(0, 40), calendar=CALENDARS)
def test_deadline_is_a_business_day_after_receipt(code, received, extra, calendar):
    due = due_date(get_policy(code), received, calendar, extra_days=extra)
    assert calendar.is_business_day(due)
    assert due > received


@PROPERTY_SETTINGS
@given(code=POLICY_CODES, received=RECEIPTS, extra=st.integers(0, 40), calendar=CALENDARS)
def test_deadline_is_monotone_in_days_and_receipt(code, received, extra, calendar):
    policy = get_policy(code)
    due = due_date(policy, received, calendar, extra_days=extra)
    assert due_date(policy, received, calendar, extra_days=extra + 1) >= due
    assert due_date(policy, received + timedelta(days=1), calendar, extra_days=extra) >= due


def test_time_left_is_said_in_the_policys_own_unit_and_lateness_as_days_late():
    """The first week: "15 dias corridos" on the entity page, "11 dias úteis" on the look-up, and "-218 dias úteis
    restantes" for a late case."""
    from ouvidoria.rules.deadlines import time_left

    sac, bcb = get_policy("sac"), get_policy("bcb-ouvidoria")
    assert time_left(sac, date(2026, 3, 2), date(2026, 3, 9), NATIONAL) == "7 dias corridos restantes"
    assert time_left(sac, date(2026, 3, 8), date(2026, 3, 9), NATIONAL) == "1 dia corrido restante"
    assert time_left(bcb, date(2026, 3, 2), date(2026, 3, 6), BANK) == "4 dias úteis restantes"
    assert time_left(bcb, date(2026, 3, 6), date(2026, 3, 6), BANK) == "vence hoje"
    assert time_left(sac, date(2026, 3, 12), date(2026, 3, 9), NATIONAL) == "atrasada há 3 dias corridos"
    assert time_left(bcb, date(2026, 3, 10), date(2026, 3, 9), BANK) == "atrasada há 1 dia útil"
