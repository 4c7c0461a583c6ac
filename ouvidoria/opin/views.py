"""The OPIN quarterly file in the workspace: the calendar of due dates, each quarter's generations, generating one in
the background with a progress bar, downloading the kept copy, marking it sent (seed 000 §8)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ouvidoria.accounts.access import access_for
from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.cases.selectors import accessible_entities
from ouvidoria.entities.models import Entity
from ouvidoria.opin.models import OpinTransmission
from ouvidoria.opin.progress import progress_get, progress_set
from ouvidoria.opin.services import OpinError, opin_mark_sent, opin_send_by
from ouvidoria.rules.classification import level_of
from ouvidoria.rules.opin import FIRST_QUARTER, Quarter, parse_quarter, quarter_being_reported

SHOWN_QUARTERS = 6


def _entities(request: HttpRequest) -> list[Entity]:
    if not access_for(request.user).can("reports"):
        raise Http404
    return list(accessible_entities(request.user).filter(opin_participant=True, active=True))


def _entity(request: HttpRequest, slug: str) -> Entity:
    entity = next((e for e in _entities(request) if e.slug == slug), None)
    if entity is None:
        raise Http404
    return entity


def _quarter(text: str) -> Quarter:
    try:
        return parse_quarter(text)
    except ValueError as exc:
        raise Http404 from exc


def _rows(entity: Entity, today: Any) -> list[dict[str, Any]]:
    generations: dict[str, list[OpinTransmission]] = {}
    for t in OpinTransmission.objects.filter(entity=entity).order_by("-generated_at", "-pk"):
        generations.setdefault(t.quarter, []).append(t)
    rows, quarter = [], Quarter.of(today)
    for _ in range(SHOWN_QUARTERS):
        if quarter < FIRST_QUARTER:
            break
        done = generations.get(str(quarter), [])
        send_by = opin_send_by(entity, quarter)
        sent = next((t for t in done if t.sent_at), None)
        rows.append(
            {
                "quarter": quarter,
                "send_by": send_by,
                "late": sent is None and today > send_by,
                "omitted": _omitted(done[0]) if done else [],
                "ended": quarter.last_day < today,
                "latest": done[0] if done else None,
                "sent": sent,
                "count": len(done),
                "progress": progress_get(entity.pk, str(quarter)),
            }
        )
        quarter = quarter.previous()
    return rows


def _omitted(transmission: OpinTransmission) -> list[tuple[str, str]]:
    """The cases a generation left out of the layout, and why: (protocol, problems), from its notes."""
    lines = transmission.notes.splitlines()[1:] if transmission.omitted_count else []
    out = []
    for line in lines:
        protocol, _, problems = line.partition(": ")
        if protocol.strip():
            out.append((protocol.strip(), problems.strip()))
    return out


@workspace_view
def calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "opin/calendar.html",
        {
            "nav": "reports",
            "entities": [(e, _rows(e, today)) for e in _entities(request)],
            "reported": quarter_being_reported(today),
            "can_write": access_for(request.user).can("reports_write"),
        },
    )


@workspace_view
@require_POST
def generate(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    if not access_for(request.user).can("reports_write"):
        raise Http404
    entity, period = _entity(request, slug), _quarter(quarter)
    if not period.is_over(timezone.localdate()):
        messages.error(request, f"O {period.label} ainda não terminou.")
        return redirect("opin:calendar")
    state = progress_get(entity.pk, str(period))
    if state is None or state.get("status") != "running":
        from ouvidoria.opin.tasks import opin_export_task

        progress_set(entity.pk, str(period), status="queued", done=0, total=0, message="")
        opin_export_task(entity.pk, str(period), request.user.get_username())
        messages.success(request, f"Arquivo do {period.label} de {entity.name} em geração.")
    return redirect("opin:calendar")


@workspace_view
def progress(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    entity, period = _entity(request, slug), _quarter(quarter)
    return render(
        request,
        "opin/progress.html",
        {"entity": entity, "quarter": period, "progress": progress_get(entity.pk, str(period))},
    )


@workspace_view
@require_POST
def mark_sent(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    if not access_for(request.user).can("reports_write"):
        raise Http404
    entity, period = _entity(request, slug), _quarter(quarter)
    try:
        opin_mark_sent(entity=entity, quarter=period, sent_by=request.user.get_username())
    except OpinError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Arquivo do {period.label} marcado como enviado.")
    return redirect("opin:calendar")


@workspace_view
def download(request: HttpRequest, pk: int) -> FileResponse:
    transmission = OpinTransmission.objects.filter(pk=pk, entity__in=_entities(request)).first()
    if transmission is None:
        raise Http404
    path = (Path(settings.VAR_DIR) / transmission.file).resolve()
    if not path.is_relative_to(Path(settings.VAR_DIR).resolve()) or not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response["X-Classification"] = level_of("opin").token  # rules/classification.FILES
    return response
