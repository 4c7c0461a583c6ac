"""The indicators dashboard: the figures of ``manage.py indicators`` for the user's entities, with charts."""

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from ouvidoria.accounts.access import Access, access_for
from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.accounts.exports import classified_export
from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.selectors import accessible_entities
from ouvidoria.indicators.forms import IndicatorsFilterForm
from ouvidoria.indicators.selectors import BREAKDOWNS, default_period, indicators

CHART_TITLES = {
    "by_type": "Recebidas por tipo",
    "by_instance": "Recebidas por instância",
    "by_medium": "Recebidas por meio de contato",
    "by_subject": "Principais assuntos",
    "by_state": "Recebidas por UF",
}
# Bars per chart; the table under each chart lists every row.
CHART_ROWS = 12


# Each table's name in its export's address and file name (Portuguese, as the users read it).
EXPORT_TABLES = {
    "tipo": "by_type",
    "instancia": "by_instance",
    "meio-de-contato": "by_medium",
    "assunto": "by_subject",
    "uf": "by_state",
}
_EXPORT_OF = {key: name for name, key in EXPORT_TABLES.items()}
# Each column with the field it carries (rules/classification.FIELDS): counts, no case.
EXPORT_COLUMNS = [("Categoria", "indicators.DailyFigure.value"), ("Quantidade", "indicators.DailyFigure.n_received")]
EXPORT_HEADER = tuple(header for header, _ in EXPORT_COLUMNS)


def _allowed(request: HttpRequest) -> Access:
    access = access_for(request.user)
    if not access.can("indicators"):
        raise PermissionDenied
    return access


def _figures(request: HttpRequest, access: Access) -> tuple[IndicatorsFilterForm, dict[str, Any] | None]:
    """The filter form and the figures it asks for (None when the filters are refused): the dashboard's and each
    export's, so that a file holds what the screen shows."""
    entities = list(accessible_entities(request.user).order_by("name"))
    start, end = default_period()
    data = request.GET if "date_from" in request.GET else None
    form = IndicatorsFilterForm(data, entities=entities, initial={"date_from": start, "date_to": end})
    if data is not None and not form.is_valid():
        return form, None
    chosen: dict[str, Any] = form.cleaned_data if data is not None else {"date_from": start, "date_to": end}
    by_slug = {e.slug: e for e in entities}
    figures = indicators(
        Manifestation.objects.all(),
        chosen["date_from"],
        chosen["date_to"],
        entity=by_slug.get(chosen.get("entity") or ""),
        instance=chosen.get("instance") or None,
        within=access.entity_ids,  # what the user may see, as ``restrict`` gives it
    )
    return form, figures


def _render(request: HttpRequest, form: IndicatorsFilterForm, figures: dict[str, Any] | None) -> HttpResponse:
    charts = []
    if figures is not None:
        for key, _column in BREAKDOWNS:
            charts.append({"key": key, "title": CHART_TITLES[key], "rows": figures[key], "export": _EXPORT_OF[key]})
    chart_data = {
        c["key"]: {
            "title": c["title"],
            "labels": [r["label"] for r in c["rows"][:CHART_ROWS]],
            "counts": [r["count"] for r in c["rows"][:CHART_ROWS]],
        }
        for c in charts
    }
    return render(
        request,
        "indicators/dashboard.html",
        {
            "nav": "indicators",
            "form": form,
            "f": figures,
            "charts": charts,
            "chart_data": chart_data,
            "kpis": kpi_rows(figures) if figures is not None else [],
            "period_from": date.fromisoformat(figures["period"]["from"]) if figures else None,
            "period_to": date.fromisoformat(figures["period"]["to"]) if figures else None,
            "export_query": _export_query(figures) if figures else "",
        },
        status=200 if figures is not None else 400,
    )


def _export_query(figures: dict[str, Any]) -> str:
    """The filters the figures were computed with, spelled out (the default period too), for the export links."""
    period = figures["period"]
    return urlencode(
        {
            "date_from": period["from"],
            "date_to": period["to"],
            "entity": figures["entity"] or "",
            "instance": figures["instance"] or "",
        }
    )


@workspace_view
def dashboard(request: HttpRequest) -> HttpResponse:
    form, figures = _figures(request, _allowed(request))
    return _render(request, form, figures)


@workspace_view
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    """One table of the dashboard, for the dashboard's filters, as CSV (streamed) or XLSX: aggregate counts only."""
    access = _allowed(request)
    key = EXPORT_TABLES.get(table)
    if key is None or fmt not in ("csv", "xlsx"):
        raise Http404
    form, figures = _figures(request, access)
    if figures is None:
        return _render(request, form, figures)
    name = export_filename(table, figures, fmt)
    rows = ((r["label"], r["count"]) for r in figures[key])
    return classified_export(request.user, fmt, name, CHART_TITLES[key], EXPORT_COLUMNS, rows)


def export_filename(table: str, figures: dict[str, Any], fmt: str) -> str:
    """``indicadores-assunto-20261001-20261031[-entidade][-instancia].csv``: the table, the period, the filters."""
    period = figures["period"]
    parts = [
        "indicadores",
        table,
        date.fromisoformat(period["from"]).strftime("%Y%m%d"),
        date.fromisoformat(period["to"]).strftime("%Y%m%d"),
    ]
    parts += [value for value in (figures["entity"], figures["instance"]) if value]
    return "-".join(parts) + f".{fmt}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def _num(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",") + unit


def kpi_rows(f: dict[str, Any]) -> list[tuple[str, str]]:
    """The headline figures, formatted the Brazilian way (decimal comma)."""
    return [
        ("Recebidas", str(f["received"])),
        ("Concluídas no período", str(f["concluded"])),
        ("Pendentes ao fim do período", str(f["pending"])),
        ("Tempo médio de resposta", _num(f["avg_response_days"], " dias")),
        ("Respondidas no prazo", _pct(f["on_time_rate"])),
        ("Procedentes", _pct(f["upheld_rate"])),
        ("Resolvidas (avaliação do manifestante)", _pct(f["resolved_rate"])),
        ("Satisfação média (1 a 5)", _num(f["satisfaction_avg"])),
        ("Prorrogadas", _pct(f["extension_rate"])),
    ]


# Each headline figure and how it is computed, in the users' words (docs/indicators.md has the SQL-level detail).
FORMULAS: tuple[tuple[str, str, str], ...] = (
    ("Recebidas", "Manifestações com data de recebimento no período.", "Manual da Ouvidoria: recebidas"),
    (
        "Concluídas no período",
        "Manifestações cuja resposta conclusiva saiu no período, qualquer que seja a data em que foram recebidas.",
        "Manual da Ouvidoria: encerradas",
    ),
    (
        "Pendentes ao fim do período",
        "Recebidas até o fim do período e ainda sem resposta conclusiva nem arquivamento nessa data.",
        "Manual da Ouvidoria: em análise; Manual OPIN §8.4 b",
    ),
    (
        "Tempo médio de resposta",
        "Média, em dias corridos, do recebimento à resposta conclusiva, entre as recebidas no período já respondidas.",
        "Manual da Ouvidoria: tempo médio; Manual OPIN §8.5",
    ),
    (
        "Respondidas no prazo",
        "Das recebidas no período e respondidas, a parte respondida até o prazo (com prorrogações).",
        "Manual da Ouvidoria: cumprimento do prazo",
    ),
    (
        "Procedentes",
        "Procedentes ÷ (procedentes + improcedentes), entre as recebidas no período com mérito classificado.",
        "Manual da Ouvidoria: procedentes e improcedentes",
    ),
    (
        "Resolvidas (avaliação do manifestante)",
        "Das avaliadas, a parte que o manifestante disse resolvida; as não avaliadas ficam de fora.",
        "Manual da Ouvidoria: satisfação; consumidor.gov.br",
    ),
    ("Satisfação média (1 a 5)", "Média das notas dadas pelos manifestantes que avaliaram.", "Manual da Ouvidoria"),
    (
        "Prorrogadas",
        "Das recebidas no período, a parte com o prazo prorrogado ao menos uma vez (o Banco Central limita a 10 % "
        "das demandas do mês).",
        "Manual da Ouvidoria: prazo para resposta",
    ),
)


@workspace_view
def formulas(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    return render(request, "indicators/formulas.html", {"nav": "indicators", "formulas": FORMULAS})
