from datetime import date

from ouvidoria.rules.calendars import calendar_for
from ouvidoria.rules.eligibility import EarlierCase, check_eligibility

CAL = calendar_for("SP", "São Paulo", bank=True)
MONDAY = date(2026, 3, 9)


def check(regime="bcb", earlier=(), subject="cobranca", opin=False, **kw):
    return check_eligibility(
        regime=regime, opin_participant=opin, subject=subject, earlier=earlier, today=MONDAY, calendar=CAL, **kw
    )


def sac(received, **kw):
    return EarlierCase(protocol="202600000017", instance_kind="first_instance", received_on=received, **kw)


def test_bcb_without_an_earlier_protocol_is_refused_but_may_be_overridden():
    result = check()
    assert not result.eligible
    assert result.blocking
    assert "última instância interna" in result.summary
    assert "excepcionalmente" in result.summary.lower()


def test_bcb_first_instance_open_three_business_days_on_the_same_subject_is_eligible():
    # Wednesday 4 March → Monday 9 March: 3 business days.
    assert check(earlier=[sac(date(2026, 3, 4), subject="cobranca")]).eligible


def test_bcb_first_instance_open_only_two_business_days_is_not_yet_eligible():
    result = check(earlier=[sac(date(2026, 3, 5), subject="cobranca")])
    assert not result.eligible
    assert "menos de 3 dias úteis" in result.summary


def test_bcb_first_instance_on_another_subject_does_not_count():
    assert not check(earlier=[sac(date(2026, 2, 2), subject="cartao")]).eligible


def test_answered_first_instance_that_did_not_satisfy_is_eligible_and_a_resolved_one_is_not():
    unsatisfied = sac(date(2026, 3, 6), open=False, concluded_on=date(2026, 3, 6), resolved=False)
    resolved = sac(date(2026, 3, 6), open=False, concluded_on=date(2026, 3, 6), resolved=True)
    assert check(earlier=[unsatisfied]).eligible
    assert not check(earlier=[resolved]).eligible


def test_ombudsman_case_closed_within_thirty_days_of_any_subject_is_eligible():
    recent = EarlierCase(
        "202600000025", "ombudsman", date(2026, 1, 5), "outro", open=False, concluded_on=date(2026, 2, 10)
    )
    old = EarlierCase(
        "202600000033", "ombudsman", date(2025, 11, 5), "outro", open=False, concluded_on=date(2026, 1, 20)
    )
    assert check(earlier=[recent]).eligible
    assert not check(earlier=[old]).eligible


def test_external_body_cases_and_demands_sent_by_a_body_are_eligible():
    assert check(earlier=[EarlierCase("X1", "external", date(2026, 3, 9))]).eligible
    assert check(sent_by_external_body=True).eligible


def test_ans_never_blocks_for_a_missing_earlier_protocol():
    result = check(regime="ans")
    assert result.eligible
    assert not result.blocking
    assert "nunca impede" in result.summary


def test_open_insurance_participants_block_without_a_protocol_and_others_only_advise():
    assert check(regime="susep", opin=True).blocking
    advice = check(regime="susep")
    assert not advice.eligible
    assert not advice.blocking


def test_who_requires_the_earlier_protocol_and_where_the_web_form_registers():
    from ouvidoria.rules.eligibility import earlier_protocol_required
    from ouvidoria.rules.policies import web_contact_instance

    assert earlier_protocol_required("bcb", False)
    assert earlier_protocol_required("susep", True)
    assert not earlier_protocol_required("ans", False)
    assert web_contact_instance(opin_structure=True) == "opin-service-desk"
    assert web_contact_instance(opin_structure=False) == "fale-conosco"


def test_a_case_cited_at_the_ouvidoria_counts_as_unsatisfying_whatever_it_was_rated():
    from datetime import date

    from ouvidoria.rules.eligibility import EarlierCase, cited_by_the_requester

    rated = EarlierCase("2026-0000001-2", "first_instance", date(2026, 3, 2), open=False, resolved=True)
    assert cited_by_the_requester(rated).resolved is None
    assert cited_by_the_requester(rated).protocol == rated.protocol
