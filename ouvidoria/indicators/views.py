"""The indicators dashboard: the figures of ``manage.py indicators`` for the user's entities, with charts."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ouvidoria.accounts.access import access_for
from ouvidoria.accounts.decorators import workspace_view
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


@workspace_view
def dashboard(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not access.can("indicators"):
        raise PermissionDenied
    entities = list(accessible_entities(request.user).order_by("name"))
    start, end = default_period()
    data = request.GET if "date_from" in request.GET else None
    form = IndicatorsFilterForm(data, entities=entities, initial={"date_from": start, "date_to": end})
    figures: dict[str, Any] | None = None
    if data is None or form.is_valid():
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
    charts = []
    if figures is not None:
        for key, _column in BREAKDOWNS:
            charts.append({"key": key, "title": CHART_TITLES[key], "rows": figures[key]})
    chart_data = {
        c["key"]: {
            "title": c["title"],
            "labels": [r["label"] for r in c["rows"][:CHART_ROWS]],
            "counts": [r["count"] for r in c["rows"][:CHART_ROWS]],
        }
        for c in charts
    }
    kpis = kpi_rows(figures) if figures is not None else []
    status = 200 if figures is not None else 400
    return render(
        request,
        "indicators/dashboard.html",
        {
            "nav": "indicators",
            "form": form,
            "f": figures,
            "charts": charts,
            "chart_data": chart_data,
            "kpis": kpis,
            "period_from": date.fromisoformat(figures["period"]["from"]) if figures else None,
            "period_to": date.fromisoformat(figures["period"]["to"]) if figures else None,
        },
        status=status,
    )


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
    if not access_for(request.user).can("indicators"):
        raise PermissionDenied
    return render(request, "indicators/formulas.html", {"nav": "indicators", "formulas": FORMULAS})
