"""The preview of the e-mail the requester will receive, for whoever sends an answer or a message and for the
Ouvidor who approves one (issue: a draft holding "[confirmar data com o Financeiro]" reached a citizen verbatim).

The preview is the e-mail itself (``notify.requester.requester_email``, the function the sending uses), with the
fill-ins still open named as the sending would refuse them. It greets the requester by name and shows their address:
a read of their data, recorded like any other (channel "Prévia de e-mail").
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from ouvidoria.accounts.access import access_for
from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.accounts.disclosure import case_view, client_ip, personal_data_record
from ouvidoria.notify.requester import RequesterNotice, requester_email
from ouvidoria.rules.answers import check_filled
from ouvidoria.rules.disclosure import redact_identity
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.policies import get_policy
from ouvidoria.workspace.views import _case, _case_context, _htmx

# The form whose text is previewed → the permission it needs and the e-mail it sends.
PREVIEWS: dict[str, tuple[str, RequesterNotice]] = {
    "mensagem": ("message_out", "message_out"),
    "complemento": ("complement_request", "complement_request"),
    "responder": ("answer", "answer"),
    "propor-resposta": ("answer_propose", "answer"),
    "aprovar-resposta": ("answer_approve", "answer"),
}


def email_preview(request: HttpRequest, m: Any, action: str, text: str) -> dict[str, Any]:
    """What the preview shows: the e-mail (or why none goes), and the fill-ins that would stop the sending."""
    _, notice = PREVIEWS[action]
    problems: list[str] = []
    try:
        check_filled(text, "body")
    except RuleViolation as exc:
        problems.append(exc.message)
    if not text.strip():
        problems.append("Escreva o texto para ver o e-mail.")
    if m.instance.kind == "external":
        return {"action": action, "email": None, "why": "external", "problems": problems}
    # As the sending decides it (cases.services.manifestation_request_complement).
    paused = get_policy(m.policy_id).pause_allowed and m.paused_since is None
    email = requester_email(m, notice=notice, text=text, clock_paused=paused)
    if email is None:
        return {"action": action, "email": None, "why": "no_address", "problems": problems}
    view = case_view(request.user, m)
    if view.sees_identity:
        personal_data_record(
            user=request.user, reads=[(m, ["name", "email"])], channel="email_preview", ip_address=client_ip(request)
        )
        shown = {"to": email.to, "subject": email.subject, "body": email.body}
    else:
        values = view.identity_values()
        shown = {"to": "[dado pessoal omitido]", "subject": email.subject, "body": redact_identity(email.body, values)}
    return {"action": action, "email": shown, "why": "", "problems": problems}


@workspace_view
@require_POST
def case_email_preview(request: HttpRequest, protocol: str, action: str) -> HttpResponse:
    if action not in PREVIEWS:
        raise Http404
    m = _case(request, protocol)
    permission, _ = PREVIEWS[action]
    if not access_for(request.user).can(permission, m.instance.kind):
        raise Http404
    preview = email_preview(request, m, action, request.POST.get("body", ""))
    if _htmx(request):
        return render(request, "workspace/partials/email_preview.html", {"preview": preview})
    context = _case_context(request, m, posted=request.POST, open_action=action, email_preview=preview)
    return render(request, "workspace/case.html", context)
