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


@dataclass(frozen=True)
class ReportFigures:
    totals: dict[str, Any]
    previous_totals: dict[str, Any] | None
    months: list[dict[str, Any]]


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
        row = {
            "month": first,
            "label": month_label(first),
            "received": current["received"],
            "concluded": current["concluded"],
            "pending": current["pending"],
            "upheld_rate": current["upheld_rate"],
            "extension_rate": current["extension_rate"],
            "avg_response_days": current["avg_response_days"],
            "on_time_rate": current["on_time_rate"],
            "satisfaction_avg": current["satisfaction_avg"],
        }
        if compare_previous_year:
            before = _figures(entity, _year_before(first), _year_before(min(_month_end(first), end)))
            row |= {"received_previous": before["received"], "concluded_previous": before["concluded"]}
        rows.append(row)
    totals = _figures(entity, start, end)
    previous = _figures(entity, _year_before(start), _year_before(end)) if compare_previous_year else None
    return ReportFigures(totals, previous, rows)


def sheets(stats: ReportFigures, compare: bool) -> list[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]:
    header = ["Mês", "Recebidas", "Concluídas", "Pendentes ao fim", "Procedentes (%)", "Prazo médio (dias)",
              "No prazo (%)", "Satisfação (1-5)", "Prorrogadas (%)"]  # fmt: skip
    keys = ["received", "concluded", "pending", "upheld_rate", "avg_response_days", "on_time_rate",
            "satisfaction_avg", "extension_rate"]  # fmt: skip
    if compare:
        header += ["Recebidas (ano anterior)", "Concluídas (ano anterior)"]
        keys += ["received_previous", "concluded_previous"]
    monthly = [[m["label"]] + [_cell(m.get(k), k) for k in keys] for m in stats.months]
    breakdowns: list[Sequence[Any]] = []
    for title, key in (("Tipo", "by_type"), ("Instância", "by_instance"), ("Meio", "by_medium"),
                       ("Assunto", "by_subject"), ("UF", "by_state")):  # fmt: skip
        for row in stats.totals.get(key, []):
            breakdowns.append([title, row["label"], row["count"]])
    return [
        ("Mensal", header, monthly),
        ("Distribuição", ["Dimensão", "Valor", "Recebidas"], breakdowns),
    ]


def _cell(value: Any, key: str) -> Any:
    if value is None:
        return None
    if key.endswith("_rate"):
        return round(100 * float(value), 1)
    if isinstance(value, float):
        return round(value, 2)
    return value
