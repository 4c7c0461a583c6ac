"""What each report contains, built from the database: figures, charts, tables, the Ouvidor's sections."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from ouvidoria.cases.models import Agreement
from ouvidoria.reports import figures, render
from ouvidoria.reports.models import Report
from ouvidoria.rules import reports as rules
from ouvidoria.rules.disclosure import IDENTITY_FIELDS, redact_identity
from ouvidoria.rules.identification import format_cnpj


def build(report: Report, *, progress: Callable[[int], None]) -> tuple[bytes, bytes]:
    spec = rules.report_kind(report.kind)
    context: dict[str, Any] = {
        "report": report,
        "spec": spec,
        "period": rules.period_label(spec, report.period_start),
        "entity": report.entity,
        "entity_cnpj": format_cnpj(report.entity.cnpj) if report.entity.cnpj else "",
        "generated_at": timezone.localtime(),
        "sections": [{"label": label, "text": report.sections.get(code, "")} for code, label in spec.sections],
    }
    if report.kind == "bcb-agreements":
        rows = agreement_rows(report)
        progress(60)
        context["rows"] = rows
        context["total"] = sum((r[5] or 0) for r in rows)
        pdf = render.pdf_bytes("reports/pdf/agreements.html", context)
        progress(85)
        xlsx = render.xlsx_bytes([("Acordos", AGREEMENT_HEADER, rows)])
        return pdf, xlsx

    stats = figures.report_figures(report.entity, report.period_start, report.period_end, spec.compare_previous_year)
    progress(50)
    labels = [m["label"] for m in stats.months]
    charts = [
        render.bar_chart_svg(
            "Manifestações recebidas por mês",
            labels,
            {"Período": [m["received"] for m in stats.months]}
            | ({"Ano anterior": [m["received_previous"] for m in stats.months]} if spec.compare_previous_year else {}),
        ),
        render.bar_chart_svg(
            "Respondidas no prazo e procedentes por mês (%)",
            labels,
            {
                "No prazo": [_percent(m["on_time_rate"]) for m in stats.months],
                "Procedentes": [_percent(m["upheld_rate"]) for m in stats.months],
            },
            counts=False,
        ),
    ]
    progress(70)
    context.update(
        {
            "stats": stats,
            "charts": charts,
            "top_subjects": _ranked(stats.totals["by_subject"])[:10],
            "by_type": _ranked(stats.totals["by_type"]),
            "by_instance": _ranked(stats.totals["by_instance"]),
            "by_medium": _ranked(stats.totals["by_medium"]),
            "comparison": [
                {
                    "label": r["label"],
                    "now": _shown(r["now"], r["unit"]),
                    "before": _shown(r["before"], r["unit"]),
                    "change": figures.change_text(r),
                }
                for r in stats.comparison()
            ],
        }
    )
    pdf = render.pdf_bytes("reports/pdf/statistics.html", context)
    progress(85)
    xlsx = render.xlsx_bytes(figures.sheets(stats, spec.compare_previous_year))
    return pdf, xlsx


AGREEMENT_HEADER = ("Protocolo", "Data do acordo", "Tipo", "Assunto", "Termos do acordo", "Valor (R$)", "Pago em")


def agreement_rows(report: Report) -> list[tuple[Any, ...]]:
    agreements = (
        # The payment date as recorded so far (rules.reports.AGREEMENTS_OF_INSTANCE_KINDS says which agreements).
        Agreement.objects.filter(
            manifestation__entity=report.entity,
            manifestation__instance__kind__in=sorted(rules.AGREEMENTS_OF_INSTANCE_KINDS),
            status=rules.AGREEMENTS_LISTED_STATUS,
            agreed_on__gte=report.period_start,
            agreed_on__lte=report.period_end,
        )
        .select_related("manifestation__record_type", "manifestation__subject", "manifestation__requester")
        .order_by("agreed_on", "id")
    )
    return [
        (
            a.manifestation.formatted_protocol,
            a.agreed_on,
            a.manifestation.record_type.label,
            a.manifestation.subject.label if a.manifestation.subject else "",
            # Reports carry no personal data (docs/regulation.md "Papéis"): the terms without the requester's.
            _without_identity(a.description, a.manifestation.requester),
            a.amount,
            a.paid_on,
        )
        for a in agreements
    ]


def _ranked(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return sorted(((row["label"], row["count"]) for row in rows), key=lambda item: (-item[1], item[0]))


def _shown(value: Any, unit: str) -> str:
    """A figure as the report prints it: counts as they are, rates in per cent, means with one decimal (comma)."""
    if value is None:
        return "—"
    if unit == "rate":
        return f"{100 * float(value):.1f} %".replace(".", ",")
    if unit in {"days", "score"}:
        return f"{float(value):.1f}".replace(".", ",")
    return str(value)


def _percent(rate: float | None) -> float:
    return 0.0 if rate is None else round(100 * rate, 1)


def _without_identity(text: str, requester: Any) -> str:
    if requester is None:
        return text
    return redact_identity(text, {f: str(getattr(requester, f, "") or "") for f in IDENTITY_FIELDS})
