"""The reports the ombudsman signs: which exist, which period each covers, and how long they are kept.

Sources: seed 001 "Obrigações legais" VII (monthly quantitative and qualitative report to the director, and the monthly
spreadsheet of agreements made by the Ouvidoria), VIII (semiannual report, base dates 30 June and 31 December),
IX (kept 5 years for the regulators); seed 001 "Relatório Semestral"; seed 002 art. 4 VI (ANS yearly statistical
and analytical report: monthly and yearly figures compared with the same period of the year before, actions taken,
recommendations) and §1 (sent at the end of each calendar year, kept 5 years).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.periods import year_problem
from ouvidoria.rules.workflow import OUVIDOR_DECIDES

RETENTION_YEARS = 5


@dataclass(frozen=True)
class ReportKind:
    code: str
    label: str
    regimes: frozenset[str]
    span: str  # month, semester, year
    # Qualitative sections the Ouvidor writes in the product, in the order they are printed.
    sections: tuple[tuple[str, str], ...]
    # The rule that asks for it, as printed on the report ("Fonte normativa").
    source: str
    # Compare each month with the same month of the year before (ANS art. 4 VI a).
    compare_previous_year: bool = False
    # The Diretor responsável signs it off (seed 001 "Obrigações legais" VIII), and it is then published on the
    # entity's site, the portal (seed 001 "Relatório Semestral": "divulgar semestralmente, nos respectivos sítios").
    director_signs: bool = False
    published: bool = False
    # Sent to a regulator, by a due date (RN 323 art. 4 §1: "encaminhar à Ouvidoria da ANS … ao final de cada ano
    # civil").
    sent_to: str = ""


_QUALITATIVE = (("analysis", "Análise qualitativa"),)
_ACTIONS = (
    ("analysis", "Análise qualitativa"),
    ("actions", "Ações desenvolvidas pela Ouvidoria"),
    ("recommendations", "Recomendações de medidas corretivas e de melhoria"),
)

KINDS: dict[str, ReportKind] = {
    k.code: k
    for k in (
        ReportKind(
            "bcb-monthly",
            "Relatório mensal ao Diretor (quantitativo e qualitativo)",
            frozenset({"bcb"}),
            "month",
            _ACTIONS,
            "Res. CMN nº 4.860/2020 e Res. BCB nº 28/2020 (manual da Ouvidoria, obrigações legais VII)",  # seed 001
        ),
        ReportKind(
            "bcb-agreements",
            "Planilha mensal de controle dos acordos realizados pela Ouvidoria",
            frozenset({"bcb"}),
            "month",
            (),
            "Res. CMN nº 4.860/2020 e Res. BCB nº 28/2020 (manual da Ouvidoria, obrigações legais VII)",  # seed 001
        ),
        ReportKind(
            "bcb-semiannual",
            "Relatório semestral da Ouvidoria (datas-base 30/6 e 31/12)",
            frozenset({"bcb"}),
            "semester",
            _ACTIONS,
            # seed 001
            "Res. CMN nº 4.860/2020 e Res. BCB nº 28/2020 (manual da Ouvidoria, relatório semestral e obrigações "
            "legais VIII)",
            director_signs=True,
            published=True,
        ),
        ReportKind(
            "ans-yearly",
            "Relatório estatístico e analítico anual (ANS)",
            frozenset({"ans"}),
            "year",
            _ACTIONS,
            "RN ANS nº 323/2013, art. 4º, VI e §1º",  # seed 002
            compare_previous_year=True,
            sent_to="Ouvidoria da ANS",
        ),
    )
}


def report_kind(code: str) -> ReportKind:
    try:
        return KINDS[code]
    except KeyError:
        raise RuleViolation("kind", f"Relatório desconhecido: {code}. Use um de: {', '.join(KINDS)}.") from None


def kinds_for(regime: str) -> list[ReportKind]:
    return [k for k in KINDS.values() if regime in k.regimes]


def report_period(kind: ReportKind, reference: date) -> tuple[date, date]:
    """The period a report covers, from any day inside it."""
    if kind.span == "month":
        start = reference.replace(day=1)
        return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if kind.span == "semester":
        if reference.month <= 6:
            return date(reference.year, 1, 1), date(reference.year, 6, 30)
        return date(reference.year, 7, 1), date(reference.year, 12, 31)
    return date(reference.year, 1, 1), date(reference.year, 12, 31)


def parse_period(kind: ReportKind, text: str) -> tuple[date, date]:
    """``2026-03`` for monthly reports, ``2026S1`` or ``2026S2`` for semiannual ones, ``2026`` for yearly ones."""
    text = text.strip().upper()
    try:
        if kind.span == "month":
            year, month = text.split("-")
            return report_period(kind, date(_year(year), int(month), 1))
        if kind.span == "semester":
            year, half = text.split("S")
            if half not in {"1", "2"}:
                raise ValueError
            return report_period(kind, date(_year(year), 1 if half == "1" else 7, 1))
        return report_period(kind, date(_year(text), 1, 1))
    except ValueError:
        example = {"month": "2026-03", "semester": "2026S1", "year": "2026"}[kind.span]
        raise RuleViolation("period", f"Período inválido: “{text}”. Use o formato {example}.") from None


def _year(text: str) -> int:
    year = int(text)
    if problem := year_problem(year):
        raise RuleViolation("period", problem)
    return year


def period_label(kind: ReportKind, start: date) -> str:
    if kind.span == "month":
        return f"{start:%m/%Y}"
    if kind.span == "semester":
        return f"{1 if start.month == 1 else 2}º semestre de {start.year}"
    return str(start.year)


def keep_until(generated_on: date) -> date:
    """Reports stay available to the regulators for five years (seed 001 IX; seed 002 art. 4 §1)."""
    try:
        return generated_on.replace(year=generated_on.year + RETENTION_YEARS)
    except ValueError:  # 29 February
        return generated_on.replace(year=generated_on.year + RETENTION_YEARS, day=28)


def months(start: date, end: date) -> list[date]:
    """First day of every month between start and end."""
    out, current = [], start.replace(day=1)
    while current <= end:
        out.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return out


# Seed 001 "Obrigações legais" VII, "Planilha Mensal de Controle dos Acordos Realizados pela Ouvidoria": the
# Ouvidoria's agreements, those of the cases it handles (its own and those external bodies send it), once approved.
AGREEMENTS_OF_INSTANCE_KINDS: frozenset[str] = OUVIDOR_DECIDES
AGREEMENTS_LISTED_STATUS = "approved"

# Reminders to the Ouvidor before a report is due to its regulator, in calendar days left (and on the day, or late).
REMINDER_DAYS: tuple[int, ...] = (20, 10, 5, 1, 0)


def send_by(kind: ReportKind, period_end: date) -> date | None:
    """When the report of a period must reach its regulator, for the kinds that are sent.

    RN 323 art. 4 §1 says "ao final de cada ano civil" without a day, and a report of the calendar year is complete
    only once the year is over (reports are generated after their period: docs/regulation.md). **Choice**: by the
    last day of January of the following year.
    """
    if not kind.sent_to:
        return None
    return date(period_end.year + 1, 1, 31)


def reminder_level(days_left: int) -> int | None:
    """The reminder due with ``days_left`` calendar days to the due date (negative: late), or None."""
    reached = [level for level in REMINDER_DAYS if days_left <= level]
    return min(reached) if reached else None
