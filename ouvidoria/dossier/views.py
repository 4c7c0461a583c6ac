"""The dossier's two screens: the signed PDF of a case, and the verification of one handed back."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.accounts.disclosure import client_ip
from ouvidoria.dossier import selectors, services
from ouvidoria.dossier.forms import VerifyForm
from ouvidoria.rules.classification import level_of


@workspace_view
@require_POST
def dossier_download(request: HttpRequest, protocol: str) -> HttpResponse:
    """POST: generating it writes (the timeline, the record of reads), so no link prefetch may do it."""
    m = selectors.dossier_case(request.user, protocol)
    if m is None:
        raise Http404
    view = selectors.dossier_view(request.user, m)
    if not selectors.dossier_allowed(view):
        raise Http404
    try:
        dossier = services.dossier_generate(
            view=view, user=request.user, full=request.POST.get("completo") == "1", ip_address=client_ip(request)
        )
    except services.DossierRefused as exc:
        messages.error(request, str(exc))
        return redirect("workspace:case", protocol=m.protocol)
    response = HttpResponse(dossier.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Classification"] = level_of("dossier").token  # rules/classification.FILES
    return response


@workspace_view
def dossier_verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    context: dict[str, Any] = {"nav": "dossier", "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context["result"] = services.dossier_verify(form.cleaned_data["file"])
            context["filename"] = getattr(request.FILES.get("file"), "name", "")
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "dossier/verify.html", context, status=status)
