"""The figures of a statistical report: the indicators of the period (the same formulas as the dashboard, see
docs/indicators.md), month by month, and compared with the same months of the year before when the regulator asks
(ANS art. 4 VI a)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ouvidoria.cases.models import Manifestation
from ouvidoria.entities.models import Entity
from ouvidoria.indicators.selectors import indicators
from ouvidoria.rules.reports import months

MONTHS_PT = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")


def month_label(day: date) -> str:
    return f"{MONTHS_PT[day.month - 1]}/{day:%y}"


# The figures of a month and of the period, in the order the report prints them: key, label, unit.
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("received", "Recebidas", ""),
    ("concluded", "Concluídas", ""),
    ("pending", "Pendentes ao fim", ""),
    ("avg_response_days", "Prazo médio até a resposta (dias)", "days"),
    ("on_time_rate", "Respondidas no prazo", "rate"),
    ("upheld_rate", "Procedentes", "rate"),
    ("resolved_rate", "Resolvidas na avaliação do manifestante", "rate"),
    ("satisfaction_avg", "Satisfação média (1 a 5)", "score"),
    ("extension_rate", "Prorrogadas", "rate"),
)


@dataclass(frozen=True)
class ReportFigures:
    totals: dict[str, Any]
    previous_totals: dict[str, Any] | None
    months: list[dict[str, Any]]

    def comparison(self) -> list[dict[str, Any]]:
        """Each figure of the period beside the same period of the year before (ANS art. 4 VI a), with the change:
        in per cent for counts and means, in percentage points for rates; empty without the year before."""
        if self.previous_totals is None:
            return []
        rows = []
        for key, label, unit in FIGURES:
            now, before = self.totals.get(key), self.previous_totals.get(key)
            change: float | None = None
            if now is not None and before is not None:
                if unit == "rate":
                    change = round(100 * (float(now) - float(before)), 1)  # percentage points
                elif before:
                    change = round(100 * (float(now) - float(before)) / float(before), 1)
            rows.append({"key": key, "label": label, "unit": unit, "now": now, "before": before, "change": change})
        return rows


def _month_end(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _figures(entity: Entity, start: date, end: date) -> dict[str, Any]:
    return indicators(Manifestation.objects.all(), start, end, entity=entity)


def report_figures(entity: Entity, start: date, end: date, compare_previous_year: bool) -> ReportFigures:
    rows = []
    for first in months(start, end):
        current = _figures(entity, first, min(_month_end(first), end))
        row = {"month": first, "label": month_label(first)} | {key: current[key] for key, _, _ in FIGURES}
        if compare_previous_year:
            before = _figures(entity, _year_before(first), _year_before(min(_month_end(first), end)))
            row |= {f"{key}_previous": before[key] for key, _, _ in FIGURES}
        rows.append(row)
    totals = _figures(entity, start, end)
    previous = _figures(entity, _year_before(start), _year_before(end)) if compare_previous_year else None
    return ReportFigures(totals, previous, rows)


def sheets(stats: ReportFigures, compare: bool) -> list[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]:
    header = ["Mês"]
    keys: list[str] = []
    for key, label, unit in FIGURES:
        title = label + (" (%)" if unit == "rate" else "")
        header.append(title)
        keys.append(key)
        if compare:
            header.append(f"{title} — ano anterior")
            keys.append(f"{key}_previous")
    monthly = [[m["label"]] + [_cell(m.get(k), k) for k in keys] for m in stats.months]
    # The period as a whole, computed over it (not the sum of its months: a case pending in two months counts once).
    previous = stats.previous_totals or {}
    monthly.append(
        ["Período"]
        + [
            _cell(previous.get(k.removesuffix("_previous")) if k.endswith("_previous") else stats.totals.get(k), k)
            for k in keys
        ]
    )
    breakdowns: list[Sequence[Any]] = []
    for title, key in (("Tipo", "by_type"), ("Instância", "by_instance"), ("Meio", "by_medium"),
                       ("Assunto", "by_subject"), ("UF", "by_state")):  # fmt: skip
        for row in stats.totals.get(key, []):
            breakdowns.append([title, row["label"], row["count"]])
    result: list[tuple[str, Sequence[str], Sequence[Sequence[Any]]]] = [
        ("Mensal", header, monthly),
        ("Distribuição", ["Dimensão", "Valor", "Recebidas"], breakdowns),
    ]
    if compare:
        result.append(
            (
                "Comparação anual",
                ["Indicador", "Período", "Mesmo período do ano anterior", "Variação"],
                [
                    [r["label"], _cell(r["now"], r["key"]), _cell(r["before"], r["key"]), change_text(r)]
                    for r in stats.comparison()
                ],
            )
        )
    return result


def change_text(row: dict[str, Any]) -> str | None:
    """The change of a ``ReportFigures.comparison`` row as printed: "+12,5 %", "-3,0 p.p."."""
    if row["change"] is None:
        return None
    sign = "+" if row["change"] > 0 else ""
    unit = " p.p." if row["unit"] == "rate" else " %"
    return f"{sign}{row['change']:.1f}{unit}".replace(".", ",", 1)


def _cell(value: Any, key: str) -> Any:
    if value is None:
        return None
    if key.removesuffix("_previous").endswith("_rate"):
        return round(100 * float(value), 1)
    if isinstance(value, float):
        return round(value, 2)
    return value
