"""RN 593 rules (seed 004), checked directly: each channel × proof, instalments, the 10 days, callers, attempts."""

from datetime import date

import pytest

from ouvidoria.rules import delinquency as d
from ouvidoria.rules.calendars import calendar_for
from ouvidoria.rules.errors import RuleViolation

NATIONAL = calendar_for()

VALID = {
    ("email", "smime_signature"),
    ("email", "read_confirmation"),
    ("sms", "beneficiary_reply"),
    ("messaging", "beneficiary_reply"),
    ("phone", "data_confirmed"),
    ("in_person", "data_confirmed"),
    ("ivr", "data_confirmed"),
}


@pytest.mark.parametrize("channel", sorted(d.CHANNELS))
@pytest.mark.parametrize("proof", sorted(d.PROOFS))
def test_each_channel_by_each_proof(channel: str, proof: str) -> None:
    result = d.notice_validity(channel, {proof}, recorded=True)
    assert result.valid is ((channel, proof) in VALID)
    assert (result.reason == "") is result.valid
    if not result.valid:
        assert result.reason.startswith("A notificação ainda não vale")


@pytest.mark.parametrize("channel", sorted(d.CHANNELS))
def test_no_proof_never_counts(channel: str) -> None:
    result = d.notice_validity(channel, set(), recorded=True)
    assert not result.valid


def test_why_not_names_the_missing_proof() -> None:
    assert "resposta do beneficiário" in d.notice_validity("sms", set()).reason
    assert "S/MIME" in d.notice_validity("email", {"beneficiary_reply"}).reason
    assert "confirmação de dados" in d.notice_validity("ivr", set(), recorded=True).reason


@pytest.mark.parametrize("channel", sorted(d.RECORDED_CHANNELS))
def test_calls_must_be_recorded(channel: str) -> None:
    result = d.notice_validity(channel, {"data_confirmed"}, recorded=False)
    assert not result.valid
    assert "gravad" in result.reason


def test_unknown_channel_and_proof_are_refused() -> None:
    with pytest.raises(RuleViolation) as e:
        d.notice_validity("fax", set())
    assert e.value.field == "channel"
    with pytest.raises(RuleViolation) as e:
        d.notice_validity("email", {"telepathy"})
    assert e.value.field == "proofs"


@pytest.mark.parametrize(
    ("today", "text"),
    [
        (date(2025, 3, 1), "0 dias de atraso"),
        (date(2025, 3, 2), "1 dia de atraso"),
        (date(2025, 3, 30), "29 dias de atraso"),
        (date(2025, 3, 31), "1 mensalidade"),
        (date(2025, 4, 30), "2 mensalidades"),
    ],
)
def test_instalments_or_days(today: date, text: str) -> None:
    assert d.overdue_text(date(2025, 3, 1), today) == text


def test_campaign_threshold_is_fifty_days() -> None:
    due = date(2025, 1, 10)
    assert not d.in_active_campaign(due, date(2025, 2, 28))  # 49 days
    assert d.in_active_campaign(due, date(2025, 3, 1))  # 50 days


def test_ten_calendar_days_from_the_notice() -> None:
    assert d.payment_due(date(2025, 5, 5), NATIONAL) == date(2025, 5, 15)  # Thursday
    # Ends on Saturday 2025-05-17 -> next business day (Código Civil art. 132 §1).
    assert d.payment_due(date(2025, 5, 7), NATIONAL) == date(2025, 5, 19)


def test_eligibility_for_cancellation() -> None:
    notice = date(2025, 5, 5)
    kwargs = {"calendar": NATIONAL, "paid": False, "negotiated": False}
    assert not d.may_be_cancelled(valid_notice_day=notice, today=date(2025, 5, 15), **kwargs)  # type: ignore[arg-type]
    assert d.may_be_cancelled(valid_notice_day=notice, today=date(2025, 5, 16), **kwargs)  # type: ignore[arg-type]
    assert not d.may_be_cancelled(valid_notice_day=None, today=date(2025, 9, 1), **kwargs)  # type: ignore[arg-type]
    for stop in ("paid", "negotiated"):
        args = {**kwargs, stop: True}
        assert not d.may_be_cancelled(valid_notice_day=notice, today=date(2025, 9, 1), **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("caller", "path"),
    [
        ("titular", "financial"),
        ("agregado_desmembrado", "financial"),
        ("responsavel_financeiro", "financial"),
        ("dependente", "administrative"),
        ("agregado_nao_desmembrado", "administrative"),
    ],
)
def test_who_is_calling(caller: str, path: str) -> None:
    assert d.caller_path(caller) == path


def test_administrative_script_never_says_financial() -> None:
    assert "pendências administrativas" in d.ADMINISTRATIVE_SCRIPT
    assert d.FORBIDDEN_TERM not in d.ADMINISTRATIVE_SCRIPT.lower()
    with pytest.raises(RuleViolation):
        d.caller_path("vizinho")


def test_attempts_first_to_fifth() -> None:
    for n in range(1, 6):
        d.check_attempt(n, "no_answer")
    for n in (0, 6):
        with pytest.raises(RuleViolation) as e:
            d.check_attempt(n, "no_answer")
        assert e.value.field == "attempt"
    with pytest.raises(RuleViolation):
        d.check_attempt(1, "maybe")
    assert not d.attempts_exhausted(4, "no_answer")
    assert d.attempts_exhausted(5, "no_answer")
    assert d.attempts_exhausted(1, "notified")
