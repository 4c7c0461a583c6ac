"""The auditor's screen of personal-data reads (LGPD art. 37): list, filter, export for a period."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from ouvidoria.accounts.access import access_for
from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.accounts.disclosure import CHANNEL_LABELS
from ouvidoria.accounts.exports import classified_export
from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.audit.forms import PeriodForm, ReadsFilterForm, default_period
from ouvidoria.audit.models import SOURCE_LABELS, Anchor, ChainRecord, Verification
from ouvidoria.audit.selectors import Period, ReadsFilter, chain_records, personal_data_reads
from ouvidoria.rules.disclosure import IDENTITY_LABELS
from ouvidoria.rules.protocol import format_protocol

PAGE_SIZE = 50
# Each column with the field it carries (rules/classification.FIELDS).
COLUMNS = [
    ("Data e hora", "accounts.PersonalDataView.viewed_at"),
    ("Quem", "accounts.PersonalDataView.actor_label"),
    ("Protocolo", "cases.Manifestation.protocol"),
    ("Entidade", "entities.Entity.name"),
    ("Campos lidos", "accounts.PersonalDataView.fields"),
    ("Por onde", "accounts.PersonalDataView.channel"),
    ("Endereço IP", "accounts.PersonalDataView.ip_address"),
]
HEADER = [header for header, _ in COLUMNS]


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


def _chosen(request: HttpRequest, form_class: type[PeriodForm], make: Callable[..., Any]) -> tuple[PeriodForm, Any]:
    """The filter form, and what it chose (the last 30 days when nothing was asked; None when invalid)."""
    start, end = default_period()
    data = request.GET if "date_from" in request.GET else None
    form = form_class(data, initial={"date_from": start, "date_to": end})
    if data is None:
        return form, make(date_from=start, date_to=end)
    if not form.is_valid():
        return form, None
    return form, make(**form.cleaned_data)


def _listing(
    request: HttpRequest,
    template: str,
    form: PeriodForm,
    rows: QuerySet[Any] | None,
    cells: Callable[[Any], Any],
    **extra: Any,
) -> HttpResponse:
    """One page of ``rows`` (None: the filter was invalid) under the filter form."""
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    found = [] if rows is None else list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "audit",
        "form": form,
        "rows": [cells(r) for r in found[:PAGE_SIZE]],
        "page": page,
        "has_next": len(found) > PAGE_SIZE,
        "query": query.urlencode(),
        **extra,
    }
    return render(request, template, context, status=200 if rows is not None else 400)


def _export(
    request: HttpRequest,
    fmt: str,
    name: str,
    sheet: str,
    columns: list[tuple[str, str]],
    rows: QuerySet[Any],
    cells: Callable[[Any], list[str]],
) -> StreamingHttpResponse | FileResponse:
    chunks = (cells(r) for r in rows.iterator(chunk_size=2000))
    return classified_export(request.user, fmt, f"{name}.{fmt}", sheet, columns, chunks)


@workspace_view
def reads(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form, chosen = _chosen(request, ReadsFilterForm, ReadsFilter)
    rows = personal_data_reads(request.user, chosen) if chosen is not None else None
    return _listing(request, "audit/reads.html", form, rows, lambda r: (r, _row(r)), header=HEADER)


@workspace_view
def reads_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The period's reads as CSV (streamed, ";" as Excel in pt-BR expects) or XLSX."""
    _allowed(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, chosen = _chosen(request, ReadsFilterForm, ReadsFilter)
    if chosen is None:
        return _listing(request, "audit/reads.html", form, None, _row, header=HEADER)
    name = f"acessos-dados-pessoais-{chosen.date_from:%Y%m%d}-{chosen.date_to:%Y%m%d}"
    return _export(request, fmt, name, "Acessos", COLUMNS, personal_data_reads(request.user, chosen), _row)


CHAIN_COLUMNS = [
    ("Sequência", "audit.ChainRecord.seq"),
    ("Selado em", "audit.ChainRecord.sealed_at"),
    ("Origem", "audit.ChainRecord.source"),
    ("Id na origem", "audit.ChainRecord.source_id"),
    ("Resumo do conteúdo", "audit.ChainRecord.digest"),
    ("Hash anterior", "audit.ChainRecord.prev_hash"),
    ("Hash", "audit.ChainRecord.hash"),
]
CHAIN_HEADER = [header for header, _ in CHAIN_COLUMNS]


def _chain_row(r: ChainRecord) -> list[str]:
    return [
        str(r.seq),
        timezone.localtime(r.sealed_at).strftime("%d/%m/%Y %H:%M:%S"),
        str(SOURCE_LABELS.get(r.source, r.source)),
        str(r.source_id),
        r.digest,
        r.prev_hash,
        r.hash,
    ]


@workspace_view
def chain(request: HttpRequest) -> HttpResponse:
    """The tamper-evident log: its records in the period, the last verification and the anchors."""
    _allowed(request)
    form, chosen = _chosen(request, PeriodForm, Period)
    rows = chain_records(chosen) if chosen is not None else None
    return _listing(
        request,
        "audit/chain.html",
        form,
        rows,
        _chain_row,
        header=CHAIN_HEADER,
        verification=Verification.objects.first(),
        anchors=list(Anchor.objects.all()[:10]),
    )


@workspace_view
def chain_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse | FileResponse:
    """The period's chain records as CSV or XLSX: ids and digests, no personal data."""
    _allowed(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, chosen = _chosen(request, PeriodForm, Period)
    if chosen is None:
        return _listing(request, "audit/chain.html", form, None, _chain_row, header=CHAIN_HEADER)
    name = f"cadeia-auditoria-{chosen.date_from:%Y%m%d}-{chosen.date_to:%Y%m%d}"
    return _export(request, fmt, name, "Cadeia", CHAIN_COLUMNS, chain_records(chosen), _chain_row)
