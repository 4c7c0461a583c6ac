"""The citizen portal (no login): each entity's channels, the Fale Conosco and Ouvidoria forms, protocol look-up with
complement and evaluation.

Sources: seed 000 §4 (funnel, channels, the Fale Conosco form, the final e-mail), seed 001 (eligibility, keeping the
requester informed), seed 002 art. 1 §3 and art. 2 (ANS: the earlier protocol is asked, never required; contacts,
hours and deadlines published).
"""

import hmac
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ouvidoria.cases import services
from ouvidoria.cases.models import Manifestation
from ouvidoria.entities.models import Entity
from ouvidoria.entities.services import entity_calendar
from ouvidoria.faq.selectors import faq_articles, faq_search, faq_snippet
from ouvidoria.notify.requester import requester_acknowledge
from ouvidoria.portal import ratelimit
from ouvidoria.portal.forms import ComplementForm, ContactForm, EvaluationForm, LookupForm, OmbudsmanForm
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.rights.selectors import documents_for_citizen
from ouvidoria.rules import deadlines
from ouvidoria.rules.classification import level_of
from ouvidoria.rules.eligibility import (
    EarlierCase,
    check_eligibility,
    cited_by_the_requester,
    earlier_protocol_required,
)
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.identification import clean_document
from ouvidoria.rules.policies import default_policy_code, get_policy, web_contact_instance
from ouvidoria.rules.protocol import format_protocol, looks_like_protocol, normalize_protocol

SESSION_CASES = "portal_cases"
# Timeline entries the requester sees: never internal notes, forwards, drafts or staff-only decisions.
PUBLIC_EVENTS = frozenset(
    {
        "registration",
        "message_in",
        "message_out",
        "complement_request",
        "pause_end",
        "extension",
        "deadline_recomputed",
        "answer",
        "closure",
        "reopening",
        "evaluation",
    }
)
FORM_LIMIT = (5, 600)  # submissions per address and e-mail per 10 minutes
FORM_ADDRESS_LIMIT = (40, 600)  # submissions per address per 10 minutes, whatever the e-mails
LOOKUP_LIMIT = (10, 600)  # look-up attempts per address per 10 minutes


def _entity(slug: str) -> Entity:
    entity = Entity.objects.filter(slug=slug, active=True, is_external=False).first()
    if entity is None:
        raise Http404
    return entity


def _policy_summary(entity: Entity, instance: str) -> dict[str, Any]:
    policy = get_policy(default_policy_code(instance, entity.regime))
    unit = "dias úteis" if policy.unit == "business" else "dias corridos"
    return {"label": policy.label, "days": policy.days, "unit": unit}


def portal_home(request: HttpRequest) -> HttpResponse:
    entities = list(Entity.objects.filter(active=True, is_external=False).order_by("name"))
    if len(entities) == 1:
        return redirect("portal:entity", slug=entities[0].slug)
    return render(request, "portal/home.html", {"entities": entities})


def entity_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The funnel of seed 000 §4: FAQ and chatbot, then SAC and central, the Ouvidoria last, consumidor.gov.br."""
    entity = _entity(slug)
    return render(
        request,
        "portal/entity.html",
        {
            "entity": entity,
            "sac_deadline": _policy_summary(entity, _first_instance(entity)),
            "ombudsman_deadline": _policy_summary(entity, "ouvidoria"),
            "earlier_required": _earlier_required(entity),
        },
    )


def _first_instance(entity: Entity) -> str:
    return web_contact_instance(opin_structure=entity.opin_structure)


def _earlier_required(entity: Entity) -> bool:
    return earlier_protocol_required(entity.regime, entity.opin_participant)


def _form_errors(form: Any, exc: ValidationError) -> None:
    mapping = {"requester.name": "name", "requester.email": "email", "requester.document": "document",
               "requester.social_name": "social_name", "requester.phone": "phone", "requester.address": "address",
               "file": "attachments"}  # fmt: skip
    for field, messages in exc.message_dict.items():
        target = mapping.get(field, field)
        form.add_error(target if target in form.fields else None, messages)


def _register(request: HttpRequest, entity: Entity, form: Any, instance: str) -> Manifestation | None:
    data = form.cleaned_data
    earlier = data["earlier_protocol"].strip()
    known = (
        Manifestation.objects.filter(entity=entity, protocol=normalize_protocol(earlier)).first() if earlier else None
    )
    if earlier and known is None and looks_like_protocol(earlier):
        # Our own format, but no such case here (or a mistyped check digit): a typo, not another system's reference.
        form.add_error(
            "earlier_protocol",
            f"Não encontramos o protocolo {earlier} em {entity.name}. Confira o número (está no e-mail que você "
            "recebeu) ou deixe em branco.",
        )
        return None
    if form.ombudsman and known is not None:
        verdict = _eligibility(entity, known, data["subject"])
        if verdict:
            form.add_error("earlier_protocol", verdict)
            return None
    try:
        with transaction.atomic():
            m = services.manifestation_register(
                entity=entity,
                instance=instance,
                medium="web-form",
                record_type=data["record_type"],
                subject=data["subject"] or None,
                description=data["description"],
                requester=services.RequesterData(
                    name=data["name"],
                    social_name=data["social_name"],
                    email=data["email"],
                    document=data["document"],
                    phone=data["phone"],
                    address=data["address"],
                ),
                name_confidential=data["name_confidential"],
                earlier_protocols=[known.protocol] if known else [],
                earlier_reference="" if known else earlier,
                actor=None,
                actor_label="portal",
            )
            for upload in data["attachments"]:
                services.manifestation_attach(m, upload=upload, actor=None, actor_label="manifestante")
            requester_acknowledge(m)
    except ValidationError as exc:
        _form_errors(form, exc)
        return None
    return m


def _eligibility(entity: Entity, earlier: Manifestation, subject: str) -> str:
    """A plain-words refusal when the earlier protocol does not yet open the Ouvidoria, or "".

    The one question the Ouvidoria form and the look-up page ask alike, of the case as the requester cites it
    (``rules.eligibility.cited_by_the_requester``)."""
    result = check_eligibility(
        regime=entity.regime,
        opin_participant=entity.opin_participant,
        subject=subject,
        earlier=[
            cited_by_the_requester(
                EarlierCase(
                    protocol=earlier.formatted_protocol,
                    instance_kind=earlier.instance.kind,
                    received_on=earlier.received_on,
                    subject=earlier.subject.code if earlier.subject else "",
                    open=earlier.is_open,
                    concluded_on=timezone.localtime(earlier.concluded_at).date() if earlier.concluded_at else None,
                    resolved=earlier.resolved,
                )
            )
        ],
        today=timezone.localdate(),
        calendar=entity_calendar(entity),
    )
    if result.eligible or not result.blocking:
        return ""
    return (
        "Ainda não é possível abrir na Ouvidoria: o atendimento do protocolo informado precisa estar sem solução há "
        "3 dias úteis, ou ter sido respondido sem resolver o seu caso. Se precisar, fale antes com o SAC."
    )


def _form_view(request: HttpRequest, slug: str, *, ombudsman: bool) -> HttpResponse:
    entity = _entity(slug)
    instance = "ouvidoria" if ombudsman else _first_instance(entity)
    form_class: Any = OmbudsmanForm if ombudsman else ContactForm
    extra: dict[str, Any] = {"entity": entity} | ({"earlier_required": _earlier_required(entity)} if ombudsman else {})
    initial = {"earlier_protocol": request.GET.get("protocolo", "")[:40]}
    context = {
        "entity": entity,
        "ombudsman": ombudsman,
        "deadline": _policy_summary(entity, instance),
        "earlier_required": _earlier_required(entity),
    }
    if request.method != "POST":
        return render(request, "portal/form.html", context | {"form": form_class(initial=initial, **extra)})
    if request.POST.get("website"):
        # A bot filled the hidden field: answer as if it worked, register nothing.
        return redirect("portal:received", slug=entity.slug)
    # Per address and e-mail together, so that an office behind one address is not blocked by its colleagues; and a
    # wider cap per address alone, so that a flood with made-up e-mails stops too.
    email = request.POST.get("email", "")[:254]
    wait = ratelimit.attempt(request, "form", limit=FORM_LIMIT[0], window_seconds=FORM_LIMIT[1], also=email) or (
        ratelimit.attempt(request, "form-address", limit=FORM_ADDRESS_LIMIT[0], window_seconds=FORM_ADDRESS_LIMIT[1])
    )
    if wait:
        return render(request, "portal/too_many.html", {**context, "minutes": max(1, -(-wait // 60))}, status=429)
    form = form_class(request.POST, request.FILES, **extra)
    if form.is_valid():
        m = _register(request, entity, form, instance)
        if m is not None:
            _remember(request, m)
            request.session["portal_received"] = m.protocol
            return redirect("portal:received", slug=entity.slug)
    return render(request, "portal/form.html", context | {"form": form}, status=400)


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, slug: str) -> HttpResponse:
    return _form_view(request, slug, ombudsman=False)


@require_http_methods(["GET", "POST"])
def ombudsman(request: HttpRequest, slug: str) -> HttpResponse:
    return _form_view(request, slug, ombudsman=True)


def received(request: HttpRequest, slug: str) -> HttpResponse:
    entity = _entity(slug)
    protocol = request.session.get("portal_received", "")
    m = Manifestation.objects.filter(protocol=protocol, entity=entity).select_related("policy").first()
    return render(request, "portal/received.html", {"entity": entity, "m": m})


def _remember(request: HttpRequest, m: Manifestation) -> None:
    cases = [p for p in request.session.get(SESSION_CASES, []) if p != m.protocol][-19:]
    request.session[SESSION_CASES] = [*cases, m.protocol]


def _matches(m: Manifestation, contact: str) -> bool:
    r = m.requester
    if r is None:
        return False
    contact = contact.strip()
    candidates = []
    if "@" in contact:
        candidates.append((blind_index(contact.lower()), r.email_hash))
    else:
        try:
            _, document = clean_document(contact)
        except RuleViolation:
            return False
        candidates.append((blind_index(document), r.document_hash))
    return any(given and stored and hmac.compare_digest(given, stored) for given, stored in candidates)


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None, initial={"protocol": request.GET.get("protocolo", "")})
    if request.method == "POST":
        if not ratelimit.allow(request, "lookup", limit=LOOKUP_LIMIT[0], window_seconds=LOOKUP_LIMIT[1]):
            return render(request, "portal/too_many.html", {}, status=429)
        if form.is_valid():
            m = (
                Manifestation.objects.filter(protocol=normalize_protocol(form.cleaned_data["protocol"]))
                .select_related("requester")
                .first()
            )
            if m is not None and _matches(m, form.cleaned_data["contact"]):
                _remember(request, m)
                return redirect("portal:case", protocol=m.protocol)
            # The same words whether the protocol exists or not: nothing is revealed.
            form.add_error(None, "Não encontramos uma manifestação com esse protocolo e esse e-mail ou CPF.")
        return render(request, "portal/lookup.html", {"form": form}, status=400)
    return render(request, "portal/lookup.html", {"form": form})


def _own_case(request: HttpRequest, protocol: str) -> Manifestation:
    if protocol not in request.session.get(SESSION_CASES, []):
        raise Http404
    m = (
        Manifestation.objects.filter(protocol=protocol)
        .select_related("entity", "instance", "record_type", "subject", "policy", "requester")
        .first()
    )
    if m is None:
        raise Http404
    return m


def _case_context(request: HttpRequest, m: Manifestation, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    answered_on = timezone.localtime(m.concluded_at).date() if m.concluded_at else None
    can_evaluate = (
        m.status in {"answered", "closed"}
        and answered_on is not None
        and m.rating is None
        and deadlines.evaluation_open(answered_on, today)
    )
    events = [e for e in m.events.all() if e.kind in PUBLIC_EVENTS]
    return {
        "m": m,
        "entity": m.entity,
        "events": events,
        "protocol": format_protocol(m.protocol),
        "name": "" if m.requester is None else m.requester.display_name,
        "can_complement": (m.is_open or m.status == "answered") and m.anonymised_at is None,
        "can_evaluate": can_evaluate,
        "evaluation_until": answered_on + timedelta(days=deadlines.EVALUATION_WINDOW_DAYS) if answered_on else None,
        "complement_form": extra.pop("complement_form", None) or ComplementForm(),
        "evaluation_form": extra.pop("evaluation_form", None) or EvaluationForm(),
        "next_instance_url": _next_instance_url(m),
        # A data subject's request (LGPD): the export and the declaration, downloadable only here.
        "rights_documents": documents_for_citizen(m),
        # In the policy's own unit, as the entity's page states it ("15 dias corridos"), or how late it is.
        "time_left": deadlines.time_left(get_policy(m.policy_id), today, m.due_on, entity_calendar(m.entity))
        if m.is_open
        else "",
        **extra,
    }


def _next_instance_url(m: Manifestation) -> str:
    """Where an unsatisfied requester goes next, citing this protocol: the Ouvidoria after the first instance, when
    the Ouvidoria's own rule admits it (the same question its form asks), else a new contact."""
    to_ombudsman = m.instance.kind in {"first_instance", "opin"} and not _eligibility(m.entity, m, "")
    target = "portal:ombudsman" if to_ombudsman else "portal:contact"
    return f"{reverse(target, args=[m.entity.slug])}?protocolo={m.protocol}"


def case(request: HttpRequest, protocol: str) -> HttpResponse:
    if protocol not in request.session.get(SESSION_CASES, []):
        # A saved link, another device, a session gone: to the look-up with the protocol filled in, asking the
        # e-mail or CPF again. Whether the protocol exists is not said.
        return redirect(f"{reverse('portal:lookup')}?{urlencode({'protocolo': format_protocol(protocol)[:40]})}")
    m = _own_case(request, protocol)
    return render(request, "portal/case.html", _case_context(request, m))


@require_POST
def complement(request: HttpRequest, protocol: str) -> HttpResponse:
    m = _own_case(request, protocol)
    form = ComplementForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.manifestation_message_in(
                    m, body=form.cleaned_data["body"], medium="web-form", actor=None, actor_label="manifestante"
                )
                for upload in form.cleaned_data["attachments"]:
                    services.manifestation_attach(m, upload=upload, actor=None, actor_label="manifestante")
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect(f"{reverse('portal:case', args=[m.protocol])}?enviado=complemento")
    m.refresh_from_db()
    return render(request, "portal/case.html", _case_context(request, m, complement_form=form), status=400)


@require_POST
def evaluate(request: HttpRequest, protocol: str) -> HttpResponse:
    m = _own_case(request, protocol)
    form = EvaluationForm(request.POST)
    context = _case_context(request, m)
    if not context["can_evaluate"]:
        form.is_valid()
        form.add_error(None, "A avaliação fica aberta por 20 dias depois da resposta, uma vez por manifestação.")
    elif form.is_valid():
        try:
            services.manifestation_evaluate(
                m,
                resolved=form.cleaned_data["resolved"],
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                actor=None,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect(f"{reverse('portal:case', args=[m.protocol])}?enviado=avaliacao")
    return render(request, "portal/case.html", _case_context(request, m, evaluation_form=form), status=400)


# --- FAQ ---------------------------------------------------------------------------------------------------


def _faq_entity(request: HttpRequest) -> Entity | None:
    slug = request.GET.get("entidade", "")
    return Entity.objects.filter(slug=slug, active=True, is_external=False).first() if slug else None


def faq(request: HttpRequest) -> HttpResponse:
    """Every published article the entity's public sees, by category, with a search box. Results are the articles
    above the relevance threshold the assistant uses too, each with the passage that matched; with none, "no article
    answers". Every search ends with "Não encontrou? Registre uma manifestação" (issue 14)."""
    entity = _faq_entity(request)
    query = request.GET.get("q", "").strip()[:300]
    results = faq_search(query, entity=entity, limit=8) if query else []
    return render(
        request,
        "portal/faq.html",
        {
            "entity": entity,
            "query": query,
            "results": [a for a, _ in results],
            "found": [(a, faq_snippet(query, a)) for a, _ in results],
            "articles": faq_articles(entity),
            "register_url": reverse("portal:contact", args=[entity.slug]) if entity else reverse("portal:home"),
        },
    )


def faq_article(request: HttpRequest, slug: str) -> HttpResponse:
    entity = _faq_entity(request)
    # Only an article the entity's public sees (its own version first: faq_articles replaces the shared one).
    article = next((a for a in faq_articles(entity) if a.slug == slug), None)
    if article is None:
        raise Http404
    return render(request, "portal/faq_article.html", {"entity": entity, "article": article})


def reports(request: HttpRequest, slug: str) -> HttpResponse:
    """The Ouvidoria's semiannual reports the entity published (seed 001 "Relatório Semestral": "divulgar
    semestralmente, nos respectivos sítios eletrônicos na internet, informações relativas às atividades")."""
    from ouvidoria.reports.publication import published_reports
    from ouvidoria.rules.reports import period_label, report_kind

    entity = _entity(slug)
    rows = [(r, period_label(report_kind(r.kind), r.period_start)) for r in published_reports(entity)]
    return render(request, "portal/reports.html", {"entity": entity, "rows": rows})


def report_pdf(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    from ouvidoria.reports.publication import published_reports

    report = published_reports(_entity(slug)).filter(pk=pk).first()
    if report is None or not report.pdf:
        raise Http404
    name = f"relatorio-ouvidoria-{slug}-{report.period_start:%Y-%m}.pdf"
    response = FileResponse(report.pdf.open("rb"), as_attachment=False, filename=name, content_type="application/pdf")
    response["X-Classification"] = level_of("report.published").token  # rules/classification.FILES
    return response
