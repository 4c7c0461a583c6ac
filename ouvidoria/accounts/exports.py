"""Downloads of many rows through the access rule and the classification table.

Each export declares its columns as (header, classified field): a column whose field is personal or sensitive is
written in clear only when the access rule lets the viewer's role read that field (``rules.disclosure.sees_field``),
and otherwise each of its cells says "Dados pessoais restritos", as the pages do; the file states the highest level
among the columns it holds in clear (``ouvidoria.lib.exports``: header, file name, document properties).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import StreamingHttpResponse

from ouvidoria.accounts.access import access_for
from ouvidoria.lib.exports import csv_response, xlsx_response
from ouvidoria.rules import classification
from ouvidoria.rules import disclosure as rule
from ouvidoria.rules.classification import Level

# (header, "app.Model.field" as in rules/classification.FIELDS)
Columns = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class ExportPlan:
    header: list[str]
    shown: list[bool]
    level: Level

    def row(self, values: Sequence[Any]) -> list[Any]:
        return [v if shown or v in (None, "") else rule.RESTRICTED for v, shown in zip(values, self.shown, strict=True)]


def export_plan(role: str, columns: Columns) -> ExportPlan:
    """What a ``role`` gets of ``columns``: which in clear, and the level of the whole."""
    shown = [rule.role_sees_field(role, field) for _, field in columns]
    level = classification.highest(field for (_, field), clear in zip(columns, shown, strict=True) if clear)
    return ExportPlan(header=[h for h, _ in columns], shown=shown, level=level)


def classified_export(
    user: Any, fmt: str, filename: str, sheet: str, columns: Columns, rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """``rows`` (one value per column) as CSV or XLSX, as ``user``'s role may read them, labelled with their level."""
    plan = export_plan(access_for(user).role, columns)
    cells = (plan.row(r) for r in rows)
    if fmt == "csv":
        return csv_response(filename, plan.header, cells, classification=plan.level)
    return xlsx_response(filename, sheet, plan.header, cells, classification=plan.level)
