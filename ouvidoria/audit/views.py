"""The auditor's screen of personal-data reads (LGPD art. 37): list, filter, export for a period."""

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from ouvidoria.accounts.access import access_for
from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.accounts.disclosure import CHANNEL_LABELS
from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.audit.forms import ReadsFilterForm, default_period
from ouvidoria.audit.selectors import ReadsFilter, personal_data_reads
from ouvidoria.lib.exports import csv_response, xlsx_response
from ouvidoria.rules.disclosure import IDENTITY_LABELS
from ouvidoria.rules.protocol import format_protocol

PAGE_SIZE = 50
HEADER = ["Data e hora", "Quem", "Protocolo", "Entidade", "Campos lidos", "Por onde", "Endereço IP"]


def _allowed(request: HttpRequest) -> None:
    if not access_for(request.user).can("audit"):
        raise Http404


def fields_label(fields: list[str]) -> str:
    labels = []
    for field in fields or []:
        if field.startswith("attachment:"):
            labels.append(f"anexo #{field.partition(':')[2]}")
        else:
            labels.append(IDENTITY_LABELS.get(field, field))
    return ", ".join(labels)


def _row(r: PersonalDataView) -> list[str]:
    return [
        timezone.localtime(r.viewed_at).strftime("%d/%m/%Y %H:%M:%S"),
        r.actor_label or (r.user.get_username() if r.user else ""),
        format_protocol(r.manifestation.protocol),
        r.manifestation.entity.name,
        fields_label(r.fields),
        CHANNEL_LABELS.get(r.channel, r.channel),
        r.ip_address or "",
    ]


def _filter(request: HttpRequest) -> tuple[ReadsFilterForm, ReadsFilter | None]:
    start, end = default_period()
    data = request.GET if "date_from" in request.GET else None
    form = ReadsFilterForm(data, initial={"date_from": start, "date_to": end})
    if data is None:
        return form, ReadsFilter(date_from=start, date_to=end)
    if not form.is_valid():
        return form, None
    return form, ReadsFilter(**form.cleaned_data)


@workspace_view
def reads(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form, chosen = _filter(request)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows: list[PersonalDataView] = []
    if chosen is not None:
        start = (page - 1) * PAGE_SIZE
        rows = list(personal_data_reads(request.user, chosen)[start : start + PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/reads.html",
        {
            "nav": "audit",
            "form": form,
            "rows": [(r, _row(r)) for r in rows[:PAGE_SIZE]],
            "header": HEADER,
            "page": page,
            "has_next": len(rows) > PAGE_SIZE,
            "query": query.urlencode(),
        },
        status=200 if chosen is not None else 400,
    )


@workspace_view
def reads_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The period's reads as CSV (streamed, ";" as Excel in pt-BR expects) or XLSX."""
    _allowed(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, chosen = _filter(request)
    if chosen is None:
        return render(
            request, "audit/reads.html", {"nav": "audit", "form": form, "rows": [], "header": HEADER}, status=400
        )
    name = f"acessos-dados-pessoais-{chosen.date_from:%Y%m%d}-{chosen.date_to:%Y%m%d}.{fmt}"
    rows = (_row(r) for r in personal_data_reads(request.user, chosen).iterator(chunk_size=2000))
    if fmt == "csv":
        return csv_response(name, HEADER, rows)
    return xlsx_response(name, "Acessos", HEADER, rows)
