from datetime import date

import pytest

from ouvidoria.rules import reports
from ouvidoria.rules.errors import RuleViolation


def test_monthly_semiannual_and_yearly_periods():
    assert reports.report_period(reports.KINDS["bcb-monthly"], date(2026, 2, 14)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    assert reports.report_period(reports.KINDS["bcb-semiannual"], date(2026, 6, 30)) == (
        date(2026, 1, 1),
        date(2026, 6, 30),
    )
    assert reports.report_period(reports.KINDS["bcb-semiannual"], date(2026, 7, 1)) == (
        date(2026, 7, 1),
        date(2026, 12, 31),
    )
    assert reports.report_period(reports.KINDS["ans-yearly"], date(2025, 5, 5)) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
    )


def test_periods_are_parsed_with_a_clear_message():
    assert reports.parse_period(reports.KINDS["bcb-monthly"], "2026-03")[0] == date(2026, 3, 1)
    assert reports.parse_period(reports.KINDS["bcb-semiannual"], "2026s2")[0] == date(2026, 7, 1)
    assert reports.parse_period(reports.KINDS["ans-yearly"], "2025") == (date(2025, 1, 1), date(2025, 12, 31))
    with pytest.raises(RuleViolation, match="2026S1"):
        reports.parse_period(reports.KINDS["bcb-semiannual"], "2026-13")
    with pytest.raises(RuleViolation, match="2026-03"):
        reports.parse_period(reports.KINDS["bcb-monthly"], "março")
    # A year no report can have (the year 1 made the ANS report fail while drawing the year before).
    with pytest.raises(RuleViolation, match="Ano fora do intervalo aceito: 1 "):
        reports.parse_period(reports.KINDS["ans-yearly"], "1")
    with pytest.raises(RuleViolation, match="Ano fora do intervalo aceito: 9999 "):
        reports.parse_period(reports.KINDS["bcb-monthly"], "9999-12")


def test_reports_are_kept_five_years_even_from_a_leap_day():
    assert reports.keep_until(date(2026, 3, 10)) == date(2031, 3, 10)
    assert reports.keep_until(date(2028, 2, 29)) == date(2033, 2, 28)


def test_each_regime_gets_its_own_reports():
    assert {k.code for k in reports.kinds_for("bcb")} == {"bcb-monthly", "bcb-agreements", "bcb-semiannual"}
    assert [k.code for k in reports.kinds_for("ans")] == ["ans-yearly"]
    assert reports.kinds_for("susep") == []
