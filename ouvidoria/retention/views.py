"""The retention page: what will be disposed of in the next 30 days (dry run) and the legal holds."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ouvidoria.accounts.access import access_for, manifestations_for, restrict
from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.entities.models import Entity
from ouvidoria.retention.forms import HoldForm
from ouvidoria.retention.models import LegalHold
from ouvidoria.retention.selectors import active_holds, disposal_plan
from ouvidoria.retention.services import legal_hold_place, legal_hold_release
from ouvidoria.rules import retention as rules


def _form(request: HttpRequest, data: object = None) -> HoldForm:
    entities = restrict(Entity.objects.filter(is_external=False), access_for(request.user), "id")
    return HoldForm(data, manifestations=manifestations_for(request.user), entities=entities)


def _page(request: HttpRequest, form: HoldForm, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    held = active_holds(today).select_related("manifestation", "entity", "placed_by")
    return render(
        request,
        "retention/plan.html",
        {
            "nav": "retention",
            "today": today,
            "horizon": rules.HORIZON_DAYS,
            "plan": disposal_plan(today),
            "holds": held,
            "form": form,
            "can_hold": access_for(request.user).can("legal_hold"),
            "case_years": rules.CASE_YEARS,
        },
        status=status,
    )


@workspace_view
def plan(request: HttpRequest) -> HttpResponse:
    if not access_for(request.user).can("retention"):
        raise Http404
    return _page(request, _form(request))


@workspace_view
@require_POST
def hold_place(request: HttpRequest) -> HttpResponse:
    if not access_for(request.user).can("legal_hold"):
        raise Http404
    form = _form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            legal_hold_place(
                user=request.user,
                reason=data["reason"],
                manifestation=data["protocol"],
                requester=data["document"],
                entity=data["entity"],
                until=data["until"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Bloqueio legal registrado: nada do que ele cobre será anonimizado ou apagado.")
            return redirect("retention:plan")
    return _page(request, form, status=400)


@workspace_view
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    if not access_for(request.user).can("legal_hold"):
        raise Http404
    hold = get_object_or_404(LegalHold, pk=pk)
    visible = manifestations_for(request.user)
    if hold.manifestation_id and not visible.filter(pk=hold.manifestation_id).exists():
        raise Http404
    if (
        hold.entity_id
        and not restrict(Entity.objects.filter(pk=hold.entity_id), access_for(request.user), "id").exists()
    ):
        raise Http404
    if hold.requester_id and not visible.filter(requester_id=hold.requester_id).exists():
        raise Http404
    legal_hold_release(hold, user=request.user)
    messages.success(request, "Bloqueio retirado: a retenção volta a valer no próximo ciclo.")
    return redirect("retention:plan")
