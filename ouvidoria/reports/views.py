"""Reports in the workspace: open one for a period, write its qualitative sections, generate it, download it."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ouvidoria.accounts.access import access_for, restrict
from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.cases.selectors import accessible_entities
from ouvidoria.reports import publication, services
from ouvidoria.reports.models import Report
from ouvidoria.rules import reports as rules
from ouvidoria.rules.classification import level_of
from ouvidoria.rules.errors import RuleViolation


def _visible(request: HttpRequest) -> Any:
    access = access_for(request.user)
    if not access.can("reports"):
        raise Http404
    return restrict(Report.objects.select_related("entity"), access)


def _report(request: HttpRequest, pk: int) -> Report:
    report = _visible(request).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report  # type: ignore[no-any-return]


@workspace_view
def report_list(request: HttpRequest) -> HttpResponse:
    reports = _visible(request)[:200]
    entities = list(accessible_entities(request.user).filter(is_external=False, regime__in=["bcb", "ans"]))
    kinds = {e.pk: rules.kinds_for(e.regime) for e in entities}
    return render(
        request,
        "reports/list.html",
        {
            "nav": "reports",
            "reports": reports,
            "entities": entities,
            "kinds": [(e, kinds[e.pk]) for e in entities],
            "can_write": access_for(request.user).can("reports_write"),
            "today": timezone.localdate(),
            # What was chosen before a refusal: the form keeps it instead of starting over.
            "chosen_target": request.GET.get("target", ""),
            "chosen_period": request.GET.get("period", "")[:20],
        },
    )


@workspace_view
@require_POST
def report_new(request: HttpRequest) -> HttpResponse:
    if not access_for(request.user).can("reports_write"):
        raise Http404
    slug, _, kind = request.POST.get("target", "").partition("|")
    slug, kind = slug or request.POST.get("entity", ""), kind or request.POST.get("kind", "")
    back = (
        f"{reverse('reports:list')}?{urlencode({'target': f'{slug}|{kind}', 'period': request.POST.get('period', '')})}"
    )
    entity = accessible_entities(request.user).filter(slug=slug).first()
    if entity is None:
        messages.error(request, "Entidade: escolha uma entidade da lista.")
        return redirect(back)
    try:
        spec = rules.report_kind(kind)
        start, _ = rules.parse_period(spec, request.POST.get("period", ""))
        report = services.report_open(entity=entity, kind=kind, reference=start)
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    return redirect("reports:detail", pk=report.pk)


@workspace_view
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    access = access_for(request.user)
    can_write = access.can("reports_write")
    if request.method == "POST" and {"signoff", "publish", "sent"} & set(request.POST):
        return _after_generation(request, report)
    if request.method == "POST":
        if not can_write:
            raise Http404
        sections = {code: request.POST.get(code, "") for code, _ in rules.report_kind(report.kind).sections}
        try:
            report = services.report_sections_save(report, sections=sections)
            if "generate" in request.POST:
                report = services.report_generate(report, actor=request.user)  # type: ignore[arg-type]
                messages.success(request, "Relatório na fila de geração.")
            else:
                messages.success(request, "Texto salvo.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("reports:detail", pk=report.pk)
    return render(
        request,
        "reports/detail.html",
        {
            "nav": "reports",
            "report": report,
            "spec": rules.report_kind(report.kind),
            "period": rules.period_label(rules.report_kind(report.kind), report.period_start),
            "sections": services.report_sections_for_display(report),
            "can_write": can_write and not report.is_final and report.status not in {"queued", "running"},
            "can_sign_off": access.can("report_signoff") and report.is_final and report.signed_off_at is None,
            "can_publish": can_write and report.is_final,
            "public_url": reverse("portal:reports", args=[report.entity.slug]),
            "send_by": rules.send_by(rules.report_kind(report.kind), report.period_end),
            # The period's figures beside the text being written (the same the generated report prints).
            "kpis": [] if report.is_final else _period_figures(report),
        },
    )


def _period_figures(report: Report) -> list[tuple[str, str]]:
    from ouvidoria.cases.models import Manifestation
    from ouvidoria.indicators.selectors import indicators
    from ouvidoria.indicators.views import kpi_rows

    if not rules.report_kind(report.kind).sections:
        return []
    end = min(report.period_end, timezone.localdate())
    return kpi_rows(indicators(Manifestation.objects.all(), report.period_start, end, entity=report.entity))


def _after_generation(request: HttpRequest, report: Report) -> HttpResponse:
    """The Diretor's sign-off, the publication on the portal and the sending to the regulator."""
    access = access_for(request.user)
    user: Any = request.user
    try:
        if "signoff" in request.POST:
            if not access.can("report_signoff"):
                raise Http404
            publication.report_sign_off(report, actor=user)
            messages.success(request, "Relatório aprovado pelo Diretor responsável pela Ouvidoria.")
        elif not access.can("reports_write"):
            raise Http404
        elif "publish" in request.POST:
            publication.report_publish(report, actor=user)
            messages.success(request, "Relatório publicado no portal da entidade.")
        else:
            publication.report_mark_sent(report, actor=user, reference=request.POST.get("reference", ""))
            messages.success(request, "Envio ao regulador registrado.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:detail", pk=report.pk)


@workspace_view
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx every second while the report is generated."""
    report = _report(request, pk)
    return render(request, "reports/progress.html", {"report": report})


@workspace_view
def report_file(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    report = _report(request, pk)
    field = {"pdf": report.pdf, "xlsx": report.xlsx}.get(fmt)
    if not field or not report.is_final:
        raise Http404
    spec = rules.report_kind(report.kind)
    name = f"{report.kind}-{report.entity.slug}-{rules.period_label(spec, report.period_start)}-v{report.version}"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
    response = FileResponse(field.open("rb"), as_attachment=True, filename=f"{safe}.{fmt}")
    response["X-Classification"] = level_of("report").token  # rules/classification.FILES
    return response
