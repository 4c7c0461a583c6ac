"""The staff workspace: queue, registration of a contact, the case page and its actions.

Views translate HTTP into selector and service calls. Every case is fetched through ``manifestations_for``: a case
outside the user's grants answers "not found", whatever the URL.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ouvidoria.accounts.access import Access, access_for, denial_message, manifestations_for, staff_for_entity
from ouvidoria.accounts.decorators import workspace_view
from ouvidoria.accounts.disclosure import (
    case_view,
    client_ip,
    linked_visible,
    personal_data_record,
    search_visible,
)
from ouvidoria.accounts.exports import classified_export
from ouvidoria.cases import agreements, services
from ouvidoria.cases.external import external_answer_send, external_body_record
from ouvidoria.cases.models import Attachment, Manifestation
from ouvidoria.cases.participants import involves_participants, participant_handoff, participant_reply, participants_for
from ouvidoria.cases.protocols import protocol_issue
from ouvidoria.cases.search import is_protocol_search, named_among, person_in, search_filter
from ouvidoria.cases.selectors import accessible_entities, deadline_view, extension_month_counts
from ouvidoria.dossier.selectors import dossier_allowed
from ouvidoria.entities.models import Area, Entity, KeyContact
from ouvidoria.entities.services import entity_calendar
from ouvidoria.inbox.services import notifications_read
from ouvidoria.notify.selectors import reply_templates_for
from ouvidoria.notify.services import reply_template_render
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.privacy.downloads import stored_file_response
from ouvidoria.rights.selectors import may_run_rights
from ouvidoria.rights.services import processing_blocked, rights_request_attach
from ouvidoria.rules import deadlines
from ouvidoria.rules.disclosure import reads_transcripts
from ouvidoria.rules.eligibility import EarlierCase, check_eligibility
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.external import VIAS
from ouvidoria.rules.identification import clean_document
from ouvidoria.rules.policies import get_policy
from ouvidoria.rules.protocol import format_protocol, normalize_protocol
from ouvidoria.rules.rights import POLICY as RIGHTS_POLICY
from ouvidoria.rules.roles import PERMISSIONS
from ouvidoria.rules.workflow import OPEN_STATUSES, TRANSITIONS
from ouvidoria.workspace import selectors
from ouvidoria.workspace.forms import IDENTITY_CHECKS, MERITS_CHOICES, QueueFilterForm, RegistrationForm
from ouvidoria.workspace.models import SavedFilter

# Roles that take cases: offered as assignees.
CASE_WORKERS = frozenset({"attendant", "analyst", "ombudsman"})
PROTOCOL_SALT = "workspace.registration.protocol"


def _me(request: HttpRequest) -> Any:
    """The signed-in user (workspace views are never reached anonymously)."""
    return request.user


def _today() -> date:
    return timezone.localdate()


def _case(request: HttpRequest, protocol: str) -> Manifestation:
    m = (
        manifestations_for(request.user)
        .select_related("entity", "instance", "medium", "record_type", "subject", "policy", "requester", "assignee")
        .filter(protocol=normalize_protocol(protocol))
        .first()
    )
    if m is None:
        raise Http404
    return cast(Manifestation, m)


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- Queue --------------------------------------------------------------------------------------------------


def _queue_filters(request: HttpRequest) -> tuple[QueueFilterForm, dict[str, str], selectors.QueueFilters]:
    """The filter form, the user's tabs and the filters asked: the same for the queue's page and its export."""
    entities = list(accessible_entities(request.user).filter(is_external=False).only("slug", "name"))
    # With several entities an area's name repeats ("Análise de Crédito" four times): say whose it is.
    several = len(entities) > 1
    areas = [
        (pk, f"{name} — {entity_name}" if several else name)
        for pk, name, entity_name in Area.objects.filter(entity__in=[e.pk for e in entities])
        .values_list("pk", "name", "entity__name")
        .order_by("name", "entity__name")
    ]
    form = QueueFilterForm(request.GET or None, entities=entities, areas=areas)
    cleaned = form.cleaned_data if form.is_valid() else {}
    tabs = selectors.tabs_for(request.user)
    tab = request.GET.get("tab", "open")
    if tab not in tabs:
        tab = "open"
    filters = selectors.QueueFilters(tab=tab, **{k: v for k, v in cleaned.items() if v not in (None, "")})
    return form, tabs, filters


@workspace_view
def queue(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    form, tabs, filters = _queue_filters(request)
    tab = filters.tab
    today = _today()
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    start = (page - 1) * selectors.PAGE_SIZE
    rows = selectors.queue_page(request.user, filters, today, start, selectors.PAGE_SIZE + 1)
    has_next = len(rows) > selectors.PAGE_SIZE
    # Pages are windows of the matches; within one, what the role may not find through a person's data is left out.
    rows = search_visible(request.user, rows[: selectors.PAGE_SIZE], filters.q)
    _record_person_search(request, rows, filters.q)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "queue",
        "form": form,
        "tab": tab,
        "tabs": tabs,
        "counts": selectors.tab_counts(request.user, today),
        "rows": [(m, deadline_view(m, today)) for m in rows],
        "page": page,
        "has_next": has_next,
        "query": query.urlencode(),
        "tab_query": _without(query, "tab"),
        "saved_filters": SavedFilter.objects.filter(user=_me(request)),
        "can_bulk_assign": access.can("bulk_assign"),
        "assignees": _assignees(access) if access.can("bulk_assign") else [],
    }
    # The assistant's conversations have protocols from the same sequence: a protocol searched finds them too.
    context["conversations"] = conversations_by_protocol(request.user, filters.q) if filters.q else []
    template = "workspace/partials/queue_results.html" if _htmx(request) else "workspace/queue.html"
    return render(request, template, context)


def conversations_by_protocol(user: Any, text: str) -> list[Any]:
    from ouvidoria.portal.models import ChatConversation

    access = access_for(user)
    if not is_protocol_search(text) or not reads_transcripts(access.role):
        return []
    qs = ChatConversation.objects.filter(protocol=normalize_protocol(text))
    if access.entity_ids is not None:
        qs = qs.filter(Q(entity_id__in=access.entity_ids) | Q(entity__isnull=True))
    return list(qs.select_related("entity")[:1])


@workspace_view
def conversation(request: HttpRequest, protocol: str) -> HttpResponse:
    """One conversation of the virtual assistant, read only (the transcript is kept without sensitive data)."""
    found = conversations_by_protocol(request.user, protocol)
    if not found:
        raise Http404
    return render(
        request,
        "workspace/conversation.html",
        {"nav": "queue", "c": found[0], "chat_messages": list(found[0].messages.all())},
    )


def _without(query: QueryDict, key: str) -> str:
    copy = query.copy()
    copy.pop(key, None)
    return copy.urlencode()


def _assignees(access: Access) -> list[Any]:
    users = get_user_model().objects.filter(is_active=True, staff_profile__role__in=CASE_WORKERS)
    if access.entity_ids is not None:
        users = users.filter(staff_profile__entities__in=access.entity_ids)
    return list(users.distinct().order_by("username"))


def _may_work_on(user: Any, m: Manifestation) -> bool:
    granted = access_for(user)
    return granted.role in CASE_WORKERS | {"integration"} and (
        granted.entity_ids is None or m.entity_id in granted.entity_ids
    )


# Each column with the field it carries (rules/classification.FIELDS): the export's level and what a role reads.
QUEUE_EXPORT_COLUMNS = [
    ("Protocolo", "cases.Manifestation.protocol"),
    ("Entidade", "entities.Entity.name"),
    ("Instância", "catalogue.Instance.label"),
    ("Meio", "catalogue.Medium.label"),
    ("Tipo", "catalogue.RecordType.label"),
    ("Assunto", "catalogue.Subject.label"),
    ("Situação", "cases.Manifestation.status"),
    ("Recebida em", "cases.Manifestation.received_at"),
    ("Prazo", "cases.Manifestation.due_on"),
    ("Concluída em", "cases.Manifestation.concluded_at"),
    ("Responsável", "cases.Manifestation.assignee"),
]
QUEUE_EXPORT_HEADER = [header for header, _ in QUEUE_EXPORT_COLUMNS]


@workspace_view
def queue_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The queue as it is filtered (tab, filters, search), as CSV streamed or XLSX; nothing of the requester in it
    (the staff member assigned is the one personal column: the file is labelled "pessoal")."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _, _, filters = _queue_filters(request)
    qs = selectors.queue(request.user, filters, _today()).select_related("medium", "policy")
    if filters.q:
        qs = search_filter(qs, filters.q)

    def rows() -> Any:
        batch: list[Manifestation] = []
        for m in qs.iterator(chunk_size=2000):
            batch.append(m)
            if len(batch) == 2000:
                yield from _export_batch(batch)
                batch = []
        yield from _export_batch(batch)

    def _export_batch(batch: list[Manifestation]) -> Any:
        shown = search_visible(request.user, batch, filters.q)
        _record_person_search(request, shown, filters.q)
        return (_export_row(m) for m in shown)

    return classified_export(request.user, fmt, f"fila-{_today():%Y%m%d}.{fmt}", "Fila", QUEUE_EXPORT_COLUMNS, rows())


def _record_person_search(request: HttpRequest, rows: Sequence[Manifestation], text: str) -> None:
    """Finding someone's cases by their CPF, e-mail, phone or name reads it: each case found so is recorded."""
    if not text or not rows or is_protocol_search(text):
        return
    person = person_in(text)
    if person is not None:
        reads = [(m, list(person.fields)) for m in rows]
    else:
        by_name = named_among(text, [m.requester_id for m in rows if m.requester_id])
        reads = [(m, ["name"]) for m in rows if m.requester_id in by_name]
    if reads:
        personal_data_record(user=request.user, reads=reads, channel="workspace_search", ip_address=client_ip(request))


def _export_row(m: Manifestation) -> list[Any]:
    assignee = (m.assignee.get_full_name() or m.assignee.get_username()) if m.assignee else ""
    return [
        m.formatted_protocol,
        m.entity.name,
        m.instance.label,
        m.medium.label,
        m.record_type.label,
        m.subject.label if m.subject else "",
        m.get_status_display(),
        timezone.localtime(m.received_at).strftime("%d/%m/%Y %H:%M"),
        m.due_on.strftime("%d/%m/%Y"),
        timezone.localtime(m.concluded_at).strftime("%d/%m/%Y %H:%M") if m.concluded_at else "",
        assignee,
    ]


@workspace_view
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not access.can("bulk_assign"):
        raise Http404
    assignee = get_user_model().objects.filter(username=request.POST.get("assignee", ""), is_active=True).first()
    protocols = request.POST.getlist("protocols")
    back = redirect(f"{_url('workspace:queue')}?{request.POST.get('query', '')}")
    if assignee is None:
        messages.error(request, "Responsável: escolha um usuário da equipe.")
        return back
    if not protocols:
        messages.error(request, "Selecione ao menos uma manifestação na lista.")
        return back
    cases = list(manifestations_for(request.user).filter(protocol__in=protocols[:500]))
    refused = [m.formatted_protocol for m in cases if not _may_work_on(assignee, m)]
    if refused:
        messages.error(
            request,
            f"Responsável: {assignee.get_username()} não tem acesso à entidade de {', '.join(refused[:5])}.",
        )
        return back
    with transaction.atomic():
        for m in cases:
            services.manifestation_assign(m, assignee=assignee, actor=_me(request))
    messages.success(request, f"{len(cases)} manifestação(ões) atribuída(s) a {assignee.get_username()}.")
    return back


@workspace_view
@require_POST
def filter_save(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:80]
    query = request.POST.get("query", "")[:1000]
    if not name:
        messages.error(request, "Nome do filtro: informe um nome para salvar os filtros atuais.")
    else:
        SavedFilter.objects.update_or_create(user=_me(request), name=name, defaults={"query": query})
        messages.success(request, f"Filtro “{name}” salvo.")
    return redirect(f"{_url('workspace:queue')}?{query}")


@workspace_view
@require_POST
def filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    SavedFilter.objects.filter(user=_me(request), pk=pk).delete()
    return redirect("workspace:queue")


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# --- Registration of a contact --------------------------------------------------------------------------------


def _earlier_cases(entity: Entity, protocols: list[str]) -> tuple[list[EarlierCase], list[str]]:
    found = {
        m.protocol: m
        for m in Manifestation.objects.filter(
            entity=entity, protocol__in=[normalize_protocol(p) for p in protocols]
        ).select_related("instance", "subject")
    }
    missing = [p for p in protocols if normalize_protocol(p) not in found]
    earlier = [
        EarlierCase(
            protocol=format_protocol(m.protocol),
            instance_kind=m.instance.kind,
            received_on=m.received_on,
            subject=m.subject.code if m.subject else "",
            open=m.status in OPEN_STATUSES,
            concluded_on=timezone.localtime(m.concluded_at).date() if m.concluded_at else None,
            resolved=m.resolved,
        )
        for m in found.values()
    ]
    return earlier, missing


@dataclass(frozen=True)
class EligibilityView:
    eligible: bool
    blocking: bool
    reasons: tuple[str, ...]
    missing: tuple[str, ...]


def _eligibility(entity: Entity, instance: str, subject: str, protocols: list[str]) -> EligibilityView | None:
    if instance != "ouvidoria":
        return None
    earlier, missing = _earlier_cases(entity, protocols)
    result = check_eligibility(
        regime=entity.regime,
        opin_participant=entity.opin_participant,
        subject=subject,
        earlier=earlier,
        today=_today(),
        calendar=entity_calendar(entity),
    )
    return EligibilityView(result.eligible, result.blocking, result.reasons, tuple(missing))


@workspace_view
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not access.can("register"):
        raise Http404
    entities = list(accessible_entities(request.user).filter(active=True, is_external=False))
    if request.method == "GET":
        # Seed 004: "Fornecer de imediato o número do protocolo" — issued as the form opens, before anything else.
        protocol = protocol_issue()
        form = RegistrationForm(
            entities=entities, initial={"protocol_token": signing.dumps(protocol, salt=PROTOCOL_SALT)}
        )
        return _register_page(request, form, protocol)
    posted = request.POST.copy()
    try:
        protocol = signing.loads(posted.get("protocol_token", ""), salt=PROTOCOL_SALT, max_age=86400)
    except signing.BadSignature:
        # A tampered or day-old token: a fresh protocol, shown again before saving.
        protocol = protocol_issue()
        posted["protocol_token"] = signing.dumps(protocol, salt=PROTOCOL_SALT)
    form = RegistrationForm(posted, entities=entities)
    if not form.is_valid():
        return _register_page(request, form, protocol, status=400)
    data = form.cleaned_data
    entity = next(e for e in entities if e.slug == data["entity"])
    eligibility = _eligibility(entity, data["instance"], data["subject"], form.earlier_list)
    override = data["eligibility_override"].strip()
    if eligibility is not None and eligibility.missing:
        form.add_error(
            "earlier_protocols", f"Protocolo não encontrado nesta entidade: {', '.join(eligibility.missing)}."
        )
    elif eligibility is not None and eligibility.blocking and not eligibility.eligible and len(override) < 10:
        form.add_error(
            "eligibility_override",
            "Esta demanda ainda não pode ir à Ouvidoria. Para admiti-la excepcionalmente, escreva o motivo "
            "(ao menos 10 caracteres).",
        )
    if form.errors:
        return _register_page(request, form, protocol, eligibility, status=400)
    requester = None
    if not data["anonymous"]:
        requester = services.RequesterData(
            **{
                k: data[k]
                for k in ("document", "name", "social_name", "email", "phone", "address", "gender", "state", "city")
            }
        )
    try:
        with transaction.atomic():
            m = services.manifestation_register(
                entity=entity,
                instance=data["instance"],
                medium=data["medium"],
                record_type=data["record_type"],
                subject=data["subject"] or None,
                description=data["description"],
                requester=requester,
                anonymous=data["anonymous"],
                name_confidential=data["name_confidential"],
                earlier_protocols=form.earlier_list,
                actor=_me(request),
                protocol=protocol,
                policy=RIGHTS_POLICY if data["lgpd_request"] else None,
            )
            if data["lgpd_request"]:
                rights_request_attach(m, rights=data["lgpd_rights"], identity_checks=data["identity_checks"],
                                      actor=_me(request))  # fmt: skip
            checks = dict(IDENTITY_CHECKS)
            if data["identity_checks"]:
                confirmed = ", ".join(str(checks[c]) for c in data["identity_checks"])
                services.manifestation_note(m, body=f"Identidade confirmada com: {confirmed}.", actor=_me(request))
            if eligibility is not None and not eligibility.eligible and override:
                services.eligibility_override(m, reason=override, assessment=eligibility.reasons, actor=_me(request))
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = field.removeprefix("requester.")
            form.add_error(target if target in form.fields else None, errors)
        return _register_page(request, form, protocol, eligibility, status=400)
    messages.success(request, f"Manifestação registrada com o protocolo {m.formatted_protocol}.")
    return redirect("workspace:case", protocol=m.protocol)


def _register_page(
    request: HttpRequest,
    form: RegistrationForm,
    protocol: str,
    eligibility: EligibilityView | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "workspace/register.html",
        {"nav": "register", "form": form, "protocol": format_protocol(protocol), "eligibility": eligibility},
        status=status,
    )


@workspace_view
def subject_options(request: HttpRequest) -> HttpResponse:
    """The registration screen's subject field for the entity chosen (htmx): that entity's catalogue (issue 14)."""
    if not access_for(request.user).can("register"):
        raise Http404
    entities = list(accessible_entities(request.user).filter(active=True, is_external=False))
    form = RegistrationForm(initial={"entity": request.GET.get("entity", "")}, entities=entities)
    return render(request, "workspace/partials/field.html", {"field": form["subject"]})


@workspace_view
def eligibility_check(request: HttpRequest) -> HttpResponse:
    """The eligibility panel of the registration screen, refreshed (htmx) as the analyst types."""
    entity = accessible_entities(request.user).filter(slug=request.GET.get("entity", "")).first()
    eligibility = None
    if entity is not None:
        protocols = [p for p in request.GET.get("earlier_protocols", "").replace(",", " ").split() if p][:20]
        eligibility = _eligibility(entity, request.GET.get("instance", ""), request.GET.get("subject", ""), protocols)
    return render(request, "workspace/partials/eligibility.html", {"eligibility": eligibility})


@workspace_view
@require_POST
def requester_history(request: HttpRequest) -> HttpResponse:
    """As the attendant types the CPF/CNPJ or e-mail: the requester's earlier protocols (blind-index look-up), to
    link them and to see the history before answering (seed 001 "Análise da Demanda": relationship history).

    POST, so that a CPF or an e-mail never travels in a URL (server and proxy logs, browser history)."""
    access = access_for(request.user)
    cases: list[Manifestation] = []
    document, email = request.POST.get("document", "").strip(), request.POST.get("email", "").strip().lower()
    hashes = Q(pk__in=[])
    if document:
        try:
            _, normalized = clean_document(document)
            hashes |= Q(requester__document_hash=blind_index(normalized))
        except RuleViolation:
            pass
    if "@" in email:
        hashes |= Q(requester__email_hash=blind_index(email))
    if access.can("register") and (document or email):
        found = (
            manifestations_for(request.user)
            .filter(hashes)
            .select_related("entity", "instance", "record_type")
            .order_by("-received_at")[:10]
        )
        # A confidential case the role may not identify the requester on is not found by the requester's data.
        cases = [c for c in found if case_view(request.user, c).disclosure.identity]
        # Finding someone's cases by their CPF or e-mail reads their data: each case listed is recorded.
        searched = [f for f, given in (("document", document), ("email", email)) if given]
        personal_data_record(
            user=request.user,
            reads=[(m, searched) for m in cases],
            channel="workspace_search",
            ip_address=client_ip(request),
        )
    return render(request, "workspace/partials/requester_history.html", {"cases": cases})


# --- The case page --------------------------------------------------------------------------------------------

PERSONAL = "personal"


def _case_context(
    request: HttpRequest, m: Manifestation, *, show_personal: bool = False, **extra: Any
) -> dict[str, Any]:
    """The case page, as the viewer's role may read it (``accounts.disclosure``); the identity read in clear is
    recorded here, once per page shown."""
    access = access_for(request.user)
    view = case_view(request.user, m)
    kind = m.instance.kind
    today = _today()
    all_forwards = list(m.forwards.select_related("area"))
    events = view.events(list(m.events.select_related("actor").order_by("created_at", "id")), all_forwards)
    forwards = view.forwards(all_forwards)
    drafts = view.drafts([d for d in m.answer_drafts.select_related("proposed_by") if d.decided_at is None])
    pending_draft = drafts[0] if drafts else None
    # The BCB monthly cap is counted only where the policy has one (two counts over the month's cases).
    has_cap = (rule := get_policy(m.policy_id).extension) is not None and rule.monthly_cap_ratio is not None
    month_extensions, month_total = extension_month_counts(m) if has_cap else (0, 0)
    links = list(
        Manifestation.earlier.through.objects.filter(Q(from_manifestation=m) | Q(to_manifestation=m)).select_related(
            "from_manifestation__instance", "to_manifestation__instance"
        )
    )
    allowed = {
        action
        for action in PERMISSIONS.get(access.role, frozenset()) | {"extension", "answer"}
        if access.can(action, kind)
    }
    # What the status allows, on top of what the role allows: no button for an action the case refuses anyway.
    legal = {a for a, t in TRANSITIONS.items() if m.status in t.allowed_from}
    # An action named after another's transition follows that transition (a proposal is an answer to be).
    follows = {"answer_propose": "answer"}
    actions = {a for a in allowed if follows.get(a, a) not in TRANSITIONS or follows.get(a, a) in legal}
    if "answer_propose" in allowed and "answer" in legal and not access.can("answer", kind):
        actions.add("answer_propose")
    if "answer" in actions and access.can("answer", kind):
        actions.discard("answer_propose")  # who answers does not propose to themselves
    actions &= {permission for permission, _ in ACTIONS.values()}
    # Shown inside their cards (forwards, hand-offs, agreements), not in the "Ações" panel.
    panel_actions = actions - {"area_reply", "participant_reply", "agreement_decide"}
    full = show_personal and view.sees_identity
    texts = [
        view.description or "",
        *(e.body for e in events),
        *(t for f in forwards for t in (f.question, f.reply)),
        *(d.body for d in drafts),
    ]
    personal_data_record(
        user=request.user,
        reads=[(m, view.read_in_clear(full=full, texts=texts))],
        channel="workspace_full" if full else "workspace",
        ip_address=client_ip(request),
    )
    return {
        "nav": "queue",
        "m": m,
        "access": access,
        "deadline": deadline_view(m, today),
        "description": view.description,
        "events": events,
        "forwards": forwards,
        "attachments": view.attachments(list(m.attachments.select_related("event"))),
        "agreements": view.agreements(list(m.agreements.select_related("decided_by"))),
        "earlier": linked_visible(
            access.role, m, [link.to_manifestation for link in links if link.from_manifestation_id == m.pk]
        ),
        "later": linked_visible(
            access.role, m, [link.from_manifestation for link in links if link.to_manifestation_id == m.pk]
        ),
        "pending_draft": pending_draft,
        # Whether asking for a complement now would pause the clock, as the service decides it.
        "complement_pauses": get_policy(m.policy_id).pause_allowed and m.paused_since is None,
        # Seed 001: the answer comes after the areas' subsidies; a forward still unanswered is said before it goes.
        "unanswered_forwards": [f for f in forwards if f.replied_at is None],
        "actions": actions,
        "panel_actions": panel_actions,
        "can_approve": access.can("answer_approve", kind) and pending_draft is not None,
        "quota": selectors.extension_quota(m, month_extensions, month_total),
        "merits_choices": MERITS_CHOICES,
        "areas": list(Area.objects.filter(entity_id=m.entity_id)) if "forward" in actions else [],
        **_participants_context(view, m, actions),
        "external_sent": [e for e in events if e.kind == "external_answer_sent"],
        "vias": VIAS,
        "assignees": list(staff_for_entity(m.entity, CASE_WORKERS)),
        "shown": view.requester(full=full),
        "show_personal": full,
        "can_see_personal": view.sees_identity and not full,
        "can_dossier": dossier_allowed(view),
        # The data subject's rights (ouvidoria/rights): the panel of a request, and a block on the requester.
        "can_rights": may_run_rights(request.user, m),
        "processing_blocked": view.sees_identity and processing_blocked(m.requester_id),
        "dossier_full_allowed": view.sees_identity,
        "business_days_left": selectors.business_days_left(m, today) if m.is_open else None,
        "time_left": deadlines.time_left(get_policy(m.policy_id), today, m.due_on, entity_calendar(m.entity))
        if m.is_open
        else "",
        "external": kind == "external",
        "templates": list(reply_templates_for(m)) if access.can("message_out", kind) else [],
        **extra,
    }


def _participants_context(view: Any, m: Manifestation, actions: set[str]) -> dict[str, Any]:
    """Seed 000 §5: the other participants' key contacts, on a case of a participant (or of the OPIN structure), and
    the hand-offs made, as the viewer may read them."""
    if not involves_participants(m) or view.disclosure.forwards == "none" or view.disclosure.event_scope == "own":
        return {"handoffs": [], "key_contacts": []}
    handoffs = list(m.handoffs.select_related("participant"))
    for h in handoffs:
        h.question, h.reply = view.text(h.question), view.text(h.reply)
    contacts = []
    if "participant_handoff" in actions:
        contacts = list(
            KeyContact.objects.filter(entity__in=participants_for(m))
            .select_related("entity")
            .order_by("entity__name", "name")
        )
    return {"handoffs": handoffs, "key_contacts": contacts, "involves_participants": True}


# The actions whose text may start from a reply template or standard answer (seed 001: answers to recurring demands).
TEMPLATE_ACTIONS = {"mensagem", "responder", "propor-resposta", "complemento"}


@workspace_view
def case(request: HttpRequest, protocol: str) -> HttpResponse:
    m = _case(request, protocol)
    # Whoever looks at the case has seen what they were told of it.
    notifications_read(request.user, manifestation_id=m.pk)
    extra: dict[str, Any] = {}
    action = request.GET.get("acao", "")
    chosen = request.GET.get("modelo", "")
    if action in TEMPLATE_ACTIONS and chosen.isdigit():
        template = reply_templates_for(m).filter(pk=int(chosen)).first()
        if template is not None:
            try:
                reveal = case_view(request.user, m).disclosure.sees("name")
                text = reply_template_render(template=template, manifestation=m, reveal_name=reveal)
            except ValidationError as exc:
                extra["action_errors"] = {action: exc.messages}
                text = template.body
            extra.update(open_action=action, posted={"body": text})
    return render(request, "workspace/case.html", _case_context(request, m, **extra))


@workspace_view
@require_POST
def case_personal_data(request: HttpRequest, protocol: str) -> HttpResponse:
    """Full personal data, to roles that need it; each view recorded (LGPD art. 37)."""
    m = _case(request, protocol)
    if not case_view(request.user, m).sees_identity:
        raise Http404
    context = _case_context(request, m, show_personal=True)
    if _htmx(request):
        return render(request, "workspace/partials/requester.html", context)
    return render(request, "workspace/case.html", context)


@workspace_view
def case_attachment(request: HttpRequest, protocol: str, pk: int) -> HttpResponse | FileResponse:
    m = _case(request, protocol)
    found = Attachment.objects.filter(manifestation=m, pk=pk).select_related("event").first()
    view = case_view(request.user, m)
    if found is None or not view.may_download(found):
        raise Http404
    # A document of the case may carry the requester's identity (an ID card, a receipt): its download is a read.
    personal_data_record(
        user=request.user,
        reads=[(m, [f"attachment:{found.pk}"])],
        channel="workspace_attachment",
        ip_address=client_ip(request),
    )
    response = stored_file_response(
        request,
        found.file,
        what=f"attachment {found.pk}",
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Actions: each one a service call; errors come back on the page, next to the action, in Portuguese ---------


def _text(post: QueryDict, key: str) -> str:
    return post.get(key, "").strip()


def _do_assign(request: HttpRequest, m: Manifestation) -> str:
    username = _text(request.POST, "assignee")
    assignee = None
    if username:
        assignee = get_user_model().objects.filter(username=username, is_active=True).first()
        if assignee is None or not _may_work_on(assignee, m):
            raise ValidationError({"assignee": ["Responsável: escolha alguém da equipe com acesso a esta entidade."]})
    services.manifestation_assign(m, assignee=assignee, actor=_me(request))
    return f"Responsável: {username}." if username else "Manifestação sem responsável."


def _do_triage(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_triage(m, note=_text(request.POST, "note"), actor=_me(request))
    return "Triagem registrada; a manifestação está em análise."


def _do_message_in(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_message_in(
        m, body=_text(request.POST, "body"), medium=_text(request.POST, "medium"), actor=_me(request)
    )
    return "Contato do manifestante registrado."


def _do_message_out(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_message_out(m, body=_text(request.POST, "body"), actor=_me(request))
    return "Mensagem enviada ao manifestante."


def _do_note(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_note(m, body=_text(request.POST, "body"), actor=_me(request))
    return "Nota interna registrada."


def _do_forward(request: HttpRequest, m: Manifestation) -> str:
    area = Area.objects.filter(entity_id=m.entity_id, pk=_int(request.POST, "area") or 0).first()
    if area is None:
        raise ValidationError({"area": ["Área: escolha uma área desta entidade."]})
    due = _date(request.POST, "due_on")
    services.manifestation_forward(
        m, area=area, question=_text(request.POST, "question"), due_on=due, actor=_me(request)
    )
    return f"Encaminhada à área {area.name}."


def _do_area_reply(request: HttpRequest, m: Manifestation) -> str:
    forward_id = _int(request.POST, "forward")
    areas = access_for(request.user).area_ids
    if areas is not None and not m.forwards.filter(pk=forward_id or 0, area_id__in=areas).exists():
        raise ValidationError({"forward": ["Este encaminhamento não é de uma área sua."]})
    services.manifestation_area_reply(
        m, forward_id=forward_id or 0, reply=_text(request.POST, "reply"), actor=_me(request)
    )
    return "Resposta da área registrada."


def _do_participant_handoff(request: HttpRequest, m: Manifestation) -> str:
    contact = (
        KeyContact.objects.filter(pk=_int(request.POST, "contact") or 0, entity__in=participants_for(m))
        .select_related("entity")
        .first()
    )
    if contact is None:
        raise ValidationError({"contact": ["Contato-chave: escolha o contato de outra participante."]})
    handoff = participant_handoff(
        m, contact=contact, channel=_text(request.POST, "channel"), question=_text(request.POST, "question"),
        actor=_me(request),
    )  # fmt: skip
    return (
        f"{contact.entity.name} acionada por {handoff.get_channel_display().lower()}; prazo {handoff.due_on:%d/%m/%Y}."
    )


def _do_participant_reply(request: HttpRequest, m: Manifestation) -> str:
    participant_reply(
        m, handoff_id=_int(request.POST, "handoff") or 0, reply=_text(request.POST, "reply"), actor=_me(request)
    )
    return "Resposta da participante registrada."


def _do_complement(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_request_complement(m, body=_text(request.POST, "body"), actor=_me(request))
    return "Pedido de complemento enviado ao manifestante."


def _do_extension(request: HttpRequest, m: Manifestation) -> str:
    m = services.deadline_extend(
        m,
        justification=_text(request.POST, "justification"),
        days=_int(request.POST, "days"),
        agreed_with_requester=request.POST.get("agreed") == "on",
        actor=_me(request),
    )
    return f"Prazo prorrogado até {m.due_on:%d/%m/%Y}."


def _do_merits(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_set_merits(
        m, reason=_text(request.POST, "reason"), note=_text(request.POST, "note"), actor=_me(request)
    )
    return "Classificação de mérito registrada."


def _do_answer(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_answer(m, body=_text(request.POST, "body"), actor=_me(request))
    return "Resposta conclusiva enviada."


def _do_answer_propose(request: HttpRequest, m: Manifestation) -> str:
    services.answer_propose(
        m, body=_text(request.POST, "body"), merits_reason=_text(request.POST, "merits_reason"), actor=_me(request)
    )
    return "Resposta enviada para a aprovação do Ouvidor."


def _do_answer_approve(request: HttpRequest, m: Manifestation) -> str:
    services.answer_approve(
        m, draft_id=_int(request.POST, "draft") or 0, body=_text(request.POST, "body"), actor=_me(request)
    )
    return "Resposta aprovada e enviada ao manifestante."


def _do_answer_return(request: HttpRequest, m: Manifestation) -> str:
    services.answer_return(
        m, draft_id=_int(request.POST, "draft") or 0, note=_text(request.POST, "note"), actor=_me(request)
    )
    return "Resposta devolvida à equipe."


def _do_close(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_close(m, note=_text(request.POST, "note"), actor=_me(request))
    return "Manifestação encerrada."


def _do_reopen(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_reopen(m, reason=_text(request.POST, "reason"), actor=_me(request))
    return "Manifestação reaberta."


def _do_link(request: HttpRequest, m: Manifestation) -> str:
    services.manifestation_link(m, other_protocol=_text(request.POST, "protocol"), actor=_me(request))
    return "Protocolos vinculados."


def _do_attach(request: HttpRequest, m: Manifestation) -> str:
    upload = request.FILES.get("file")
    if upload is None:
        raise ValidationError({"file": ["Arquivo: escolha um arquivo para anexar."]})
    services.manifestation_attach(m, upload=upload, actor=_me(request))
    return "Anexo incluído."


def _do_evaluation(request: HttpRequest, m: Manifestation) -> str:
    resolved = {"yes": True, "no": False}.get(request.POST.get("resolved", ""))
    services.manifestation_evaluate(
        m,
        resolved=resolved,
        rating=_int(request.POST, "rating"),
        comment=_text(request.POST, "comment"),
        actor=_me(request),
        actor_label="manifestante (registrada pela equipe)",
    )
    return "Avaliação do manifestante registrada."


def _do_agreement(request: HttpRequest, m: Manifestation) -> str:
    decided = access_for(request.user).can("agreement_decide", m.instance.kind)
    agreements.manifestation_agreement(
        m,
        agreed_on=_date(request.POST, "agreed_on") or _today(),
        description=_text(request.POST, "description"),
        amount=_money(request.POST, "amount"),
        paid_on=_date(request.POST, "paid_on"),
        decided=decided,
        actor=_me(request),
    )
    if decided:
        return "Acordo registrado."
    return "Proposta de acordo registrada: aguarda a decisão do Ouvidor, do Gerente Administrativo ou do Diretor."


def _do_agreement_decide(request: HttpRequest, m: Manifestation) -> str:
    approve = request.POST.get("decision") == "approve"
    agreements.agreement_decide(
        m,
        agreement_id=_int(request.POST, "agreement") or 0,
        approve=approve,
        note=_text(request.POST, "note"),
        actor=_me(request),
    )
    return "Proposta de acordo aprovada." if approve else "Proposta de acordo recusada."


def _do_agreement_paid(request: HttpRequest, m: Manifestation) -> str:
    agreements.agreement_paid(
        m, agreement_id=_int(request.POST, "agreement") or 0, paid_on=_date(request.POST, "paid_on"), actor=_me(request)
    )
    return "Pagamento do acordo registrado."


def _money(post: QueryDict, key: str) -> Decimal | None:
    """Reais as typed in Brazil ("1.234,56") or plainly ("1234.56")."""
    raw = post.get(key, "").strip().removeprefix("R$").strip()
    if not raw:
        return None
    normalized = raw.replace(".", "").replace(",", ".") if "," in raw else raw
    try:
        return Decimal(normalized)
    except InvalidOperation as exc:
        raise ValidationError({key: [f"Valor inválido: {raw}. Use, por exemplo, 1.234,56."]}) from exc


def _int(post: QueryDict, key: str) -> int | None:
    raw = post.get(key, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError({key: [f"{key}: informe um número inteiro."]})
    return int(raw)


def _date(post: QueryDict, key: str) -> date | None:
    raw = post.get(key, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({key: ["Data inválida: use o seletor de data (dd/mm/aaaa)."]}) from exc


def _do_external_data(request: HttpRequest, m: Manifestation) -> str:
    m = external_body_record(
        m,
        reference=_text(request.POST, "reference"),
        body_due_on=_date(request.POST, "body_due_on"),
        actor=_me(request),
    )
    return f"Dados do órgão registrados; prazo da manifestação {m.due_on:%d/%m/%Y}."


def _do_external_answer_sent(request: HttpRequest, m: Manifestation) -> str:
    day = _date(request.POST, "sent_on")
    sent_at = None
    if day is not None:
        sent_at = timezone.now() if day == _today() else timezone.make_aware(datetime.combine(day, time(12)))
    external_answer_send(
        m,
        via=_text(request.POST, "via"),
        sent_at=sent_at,
        reference=_text(request.POST, "reference"),
        note=_text(request.POST, "note"),
        actor=_me(request),
    )
    return "Envio da resposta ao órgão registrado."


# action slug → (permission, handler)
ACTIONS: dict[str, tuple[str, Callable[[HttpRequest, Manifestation], str]]] = {
    "atribuir": ("assignment", _do_assign),
    "triagem": ("triage", _do_triage),
    "contato-recebido": ("message_in", _do_message_in),
    "mensagem": ("message_out", _do_message_out),
    "nota": ("internal_note", _do_note),
    "encaminhar": ("forward", _do_forward),
    "acionar-participante": ("participant_handoff", _do_participant_handoff),
    "dados-orgao": ("external_data", _do_external_data),
    "envio-orgao": ("external_answer_sent", _do_external_answer_sent),
    "resposta-participante": ("participant_reply", _do_participant_reply),
    "resposta-area": ("area_reply", _do_area_reply),
    "complemento": ("complement_request", _do_complement),
    "prorrogar": ("extension", _do_extension),
    "merito": ("merits", _do_merits),
    "responder": ("answer", _do_answer),
    "propor-resposta": ("answer_propose", _do_answer_propose),
    "aprovar-resposta": ("answer_approve", _do_answer_approve),
    "devolver-resposta": ("answer_approve", _do_answer_return),
    "encerrar": ("closure", _do_close),
    "reabrir": ("reopening", _do_reopen),
    "vincular": ("link", _do_link),
    "anexar": ("attachment", _do_attach),
    "avaliacao": ("evaluation", _do_evaluation),
    "acordo": ("agreement", _do_agreement),
    "decidir-acordo": ("agreement_decide", _do_agreement_decide),
    "pagamento-acordo": ("agreement", _do_agreement_paid),
}


@workspace_view
@require_POST
def case_action(request: HttpRequest, protocol: str, action: str) -> HttpResponse:
    m = _case(request, protocol)
    if action not in ACTIONS:
        raise Http404
    permission, handler = ACTIONS[action]
    access = access_for(request.user)
    if not access.can(permission, m.instance.kind):
        messages.error(request, denial_message(permission, m.instance.kind))
        return render(request, "workspace/case.html", _case_context(request, m), status=403)
    try:
        with transaction.atomic():
            done = handler(request, m)
    except ValidationError as exc:
        errors = (
            [f"{msg}" for msgs in exc.message_dict.values() for msg in msgs]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        m = _case(request, protocol)
        context = _case_context(request, m, action_errors={action: errors}, posted=request.POST, open_action=action)
        return render(request, "workspace/case.html", context, status=400)
    messages.success(request, done)
    return redirect("workspace:case", protocol=m.protocol)
