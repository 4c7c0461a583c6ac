"""The citizen's request form and document downloads (portal), and the analyst's panel on a request (workspace)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.accounts.disclosure import client_ip
from ouvidoria.cases.models import Manifestation, Requester
from ouvidoria.portal import ratelimit
from ouvidoria.portal.views import FORM_LIMIT, SESSION_CASES, _entity, _form_errors, _remember
from ouvidoria.rights import selectors, services
from ouvidoria.rights.forms import CorrectionForm, IdentityForm, RightsRequestForm
from ouvidoria.rights.models import RightsDocument
from ouvidoria.rules import rights as rule
from ouvidoria.rules.classification import level_of
from ouvidoria.rules.policies import get_policy
from ouvidoria.workspace.forms import IDENTITY_CHECKS
from ouvidoria.workspace.views import _case

# --- Portal ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest, slug: str) -> HttpResponse:
    entity = _entity(slug)
    policy = get_policy(rule.POLICY)
    context: dict[str, Any] = {"entity": entity, "days": policy.days}
    if request.method != "POST":
        return render(request, "rights/request_form.html", context | {"form": RightsRequestForm()})
    if request.POST.get("website"):
        return redirect("portal:received", slug=entity.slug)
    email = request.POST.get("email", "")[:254]
    wait = ratelimit.attempt(request, "form", limit=FORM_LIMIT[0], window_seconds=FORM_LIMIT[1], also=email)
    if wait:
        return render(request, "portal/too_many.html", {**context, "minutes": max(1, -(-wait // 60))}, status=429)
    form = RightsRequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                m = services.rights_request_register(
                    entity=entity,
                    name=data["name"],
                    document=data["document"],
                    email=data["email"],
                    rights=data["rights"],
                    details=data["details"],
                    chat_protocols=data["chat_protocols"],
                )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            _remember(request, m)
            request.session["portal_received"] = m.protocol
            return redirect("portal:received", slug=entity.slug)
    return render(request, "rights/request_form.html", context | {"form": form}, status=400)


def portal_document(request: HttpRequest, protocol: str, pk: int) -> HttpResponse:
    """Only from the look-up of the request's own protocol (the session holds it after the e-mail or CPF check)."""
    if protocol not in request.session.get(SESSION_CASES, []):
        raise Http404
    m = Manifestation.objects.filter(protocol=protocol).first()
    doc = next((d for d in selectors.documents_for_citizen(m) if d.pk == pk), None) if m else None
    if doc is None:
        raise Http404
    data = services.document_download(doc, ip_address=client_ip(request))
    response = HttpResponse(data, content_type=doc.content_type)
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["X-Classification"] = level_of(f"rights.{doc.kind}").token  # rules/classification.FILES
    return response


# --- Workspace: the analyst's panel ---------------------------------------------------------------------------


def _request_case(request: HttpRequest, protocol: str) -> Manifestation:
    m = _case(request, protocol)
    if not selectors.may_run_rights(request.user, m):
        raise Http404
    return m


def _panel_context(request: HttpRequest, m: Manifestation, **extra: Any) -> dict[str, Any]:
    rr = selectors.rights_request_of(m)
    person = selectors.person_find(request.user, m, ip_address=client_ip(request))
    return {
        "m": m,
        "rr": rr,
        "asked": [rule.RIGHTS_BY_CODE[c] for c in rr.rights],
        "rights": rule.RIGHTS,
        "person": person,
        "identity_pending": services.identity_pending(person, rr),
        "identity_form": IdentityForm(choices=IDENTITY_CHECKS),
        "holdings": selectors.holdings(person, rr.chat_protocols),
        "sharing": selectors.sharing(person),
        "consents": selectors.consents_of(person, rr.chat_protocols),
        "processing_block": selectors.active_block(person.requester_ids),
        "documents": list(m.rights_documents.all()),
        "purposes": rule.PURPOSES,
        "summary": services.answer_summary(m),
        "correction_forms": [CorrectionForm(initial={"requester": f.requester.pk}) for f in person.requesters],
        **extra,
    }


@workspace_view
def panel(request: HttpRequest, protocol: str) -> HttpResponse:
    m = _request_case(request, protocol)
    return render(request, "rights/panel.html", _panel_context(request, m))


def _do(request: HttpRequest, m: Manifestation, action: str) -> str:
    user: Any = request.user
    rr = selectors.rights_request_of(m)
    if action == "identidade":
        services.identity_confirm(m, checks=request.POST.getlist("checks"), actor=user)
        return "Identidade confirmada."
    if action == "informar-consentimento":
        services.consent_information_record(m, actor=user)
        return "Informação sobre o consentimento registrada."
    # Every action reads the person's data again (the export all of it): recorded like the panel's reads.
    person = selectors.person_find(user, m, ip_address=client_ip(request))
    if action == "confirmar":
        services.confirmation_record(person, rr, actor=user)
        return "Confirmação registrada no histórico."
    if action == "compartilhamento":
        services.sharing_record(person, rr, actor=user)
        return "Uso compartilhado registrado no histórico."
    if action == "corrigir":
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            raise ValidationError({"correction": ["Correção: dados inválidos."]})
        requester_id = form.cleaned_data["requester"]
        if requester_id not in person.requester_ids:
            raise Http404
        services.requester_correct(
            Requester.objects.get(pk=requester_id),
            changes={k: v for k, v in form.cleaned_data.items() if k != "requester"},
            request=m,
            actor=user,
        )
        return "Dados corrigidos; o valor anterior ficou no histórico."
    if action in {"eliminar", "eliminar-consentidos"}:
        out = services.erasure_run(person, rr, actor=user, right="d" if action == "eliminar" else "f")
        return f"Eliminados: {len(out.deleted)}; mantidos com justificativa: {len(out.kept)}."
    if action == "bloquear":
        services.block_place(person, rr, actor=user)
        return "Tratamento não essencial bloqueado."
    if action == "revogar":
        consent = next((k for k in selectors.consents_of(person, rr.chat_protocols)
                        if str(k.pk) == request.POST.get("consent", "")), None)  # fmt: skip
        if consent is None:
            raise Http404
        services.consent_revoke(consent, person=person, rr=rr, actor=user)
        return "Consentimento revogado."
    if action in {"exportar", "declaracao"}:
        kind = "export" if action == "exportar" else "declaration"
        services.document_generate(person, rr, kind=kind, actor=user)
        return "Documento gerado; libere-o para o titular baixar."
    if action == "liberar":
        doc = RightsDocument.objects.filter(request=m, pk=request.POST.get("document") or 0).first()
        if doc is None:
            raise Http404
        services.document_release(doc, actor=user)
        return "Documento liberado na página de acompanhamento do protocolo."
    raise Http404


@workspace_view
@require_POST
def action(request: HttpRequest, protocol: str, action: str) -> HttpResponse:
    m = _request_case(request, protocol)
    try:
        with transaction.atomic():
            done = _do(request, m, action)
    except ValidationError as exc:
        errors = (
            [msg for msgs in exc.message_dict.values() for msg in msgs] if hasattr(exc, "error_dict") else exc.messages
        )
        return render(request, "rights/panel.html", _panel_context(request, m, errors=errors), status=400)
    messages.success(request, done)
    return redirect(reverse("rights:panel", args=[m.protocol]))
