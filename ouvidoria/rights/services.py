"""The data subject's rights carried out (LGPD art. 18; seed 000 §4.3.2 item 2): the request registered through the
one registration service, each right run from the request's case page and written on its timeline."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ouvidoria.cases import services as cases
from ouvidoria.cases.models import Manifestation, Requester
from ouvidoria.entities.models import Entity
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.notify.outbox import email_queue
from ouvidoria.notify.requester import requester_acknowledge, requester_address
from ouvidoria.portal.models import ChatConversation
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.retention.selectors import active_holds
from ouvidoria.rights import documents, selectors
from ouvidoria.rights.models import Consent, ProcessingBlock, RightsDocument, RightsDownload, RightsRequest
from ouvidoria.rules import rights as rule
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.identification import check_identity_confirmed, clean_document
from ouvidoria.rules.policies import web_contact_instance
from ouvidoria.rules.protocol import normalize_protocol

# A signed-in user (a model instance) or None for the citizen and the system.
Actor = Any


def _event(request: Manifestation, right: str, *, actor: Actor, body: str = "", **params: Any) -> None:
    """One "data_subject_right" entry on the request's timeline: what was done, in counts and protocols, never the
    person's data."""
    cases._record(request, "data_subject_right", actor=actor, body=body, right=right, **params)


# --- The request --------------------------------------------------------------------------------------------


def _rights_asked(rights: list[str]) -> list[str]:
    asked = [r for r in rule.RIGHT_CODES if r in set(rights)]
    if not asked:
        raise ValidationError({"rights": ["Direitos: escolha ao menos um."]})
    return asked


def _chat_protocols(text: str) -> list[str]:
    return sorted({normalize_protocol(p) for p in text.replace(",", " ").split() if p.strip()})[:10]


@transaction.atomic
def rights_request_register(
    *,
    entity: Entity,
    name: str,
    document: str,
    email: str,
    rights: list[str],
    details: str = "",
    chat_protocols: str = "",
    medium: str = "web-form",
    instance: str | None = None,
    actor: Actor = None,
    actor_label: str = "portal",
    protocol: str | None = None,
) -> Manifestation:
    """A manifestation with the policy ``lgpd-titular`` (15 days, LGPD art. 19 II), registered by the same service as
    every other; the CPF/CNPJ is required (the identity check: the person is found by it)."""
    asked = _rights_asked(rights)
    if not document.strip():
        raise ValidationError({"requester.document": ["Informe seu CPF: é por ele que encontramos os seus dados."]})
    labels = "; ".join(f"({c}) {rule.RIGHTS_BY_CODE[c].label}" for c in asked)
    description = f"Pedido do titular de dados (LGPD art. 18): {labels}."
    if details.strip():
        description += f"\n\n{details.strip()}"
    m = cases.manifestation_register(
        entity=entity,
        instance=instance or web_contact_instance(opin_structure=entity.opin_structure),
        medium=medium,
        record_type="solicitacao",
        description=description,
        requester=cases.RequesterData(name=name, document=document, email=email),
        policy=rule.POLICY,
        actor=actor,
        actor_label=actor_label,
        protocol=protocol,
    )
    RightsRequest.objects.create(manifestation=m, rights=asked, chat_protocols=_chat_protocols(chat_protocols))
    requester_acknowledge(m)
    return m


def rights_request_attach(
    m: Manifestation, *, rights: list[str], identity_checks: list[str], actor: Actor
) -> RightsRequest:
    """A request registered by staff (the registration screen's "Pedido do titular"): the rights asked, and the
    identity already confirmed at registration when the three data were (seed 004)."""
    rr = RightsRequest.objects.create(manifestation=m, rights=_rights_asked(rights))
    try:
        check_identity_confirmed(set(identity_checks))
    except RuleViolation:
        return rr
    rr.identity_confirmed_at, rr.identity_confirmed_by = timezone.now(), actor
    rr.identity_checks = sorted(identity_checks)
    rr.save(update_fields=["identity_confirmed_at", "identity_confirmed_by", "identity_checks"])
    return rr


@transaction.atomic
def identity_confirm(request: Manifestation, *, checks: list[str], actor: Actor) -> RightsRequest:
    rr = selectors.rights_request_of(request)
    with cases.rule_errors():
        check_identity_confirmed(set(checks))
    rr.identity_confirmed_at, rr.identity_confirmed_by, rr.identity_checks = timezone.now(), actor, sorted(checks)
    rr.save(update_fields=["identity_confirmed_at", "identity_confirmed_by", "identity_checks"])
    _event(request, "identity", actor=actor, body="Identidade do titular confirmada.", checks=sorted(checks))
    return rr


def identity_pending(person: selectors.Person, rr: RightsRequest) -> bool:
    if rr.identity_confirmed_at is not None:
        return False
    return any(
        rule.identity_check_needed(matched_document=f.matched_document, matched_email=f.matched_email)
        for f in person.requesters
    )


def _ready(person: selectors.Person, rr: RightsRequest) -> None:
    if identity_pending(person, rr):
        raise ValidationError(
            {"identity": ["Confirme antes a identidade do titular: três dados cadastrais, sendo o CPF obrigatório."]}
        )


# --- (a) confirmation and (g) sharing: facts, written on the timeline ---------------------------------------


def confirmation_record(person: selectors.Person, rr: RightsRequest, *, actor: Actor) -> list[selectors.Holding]:
    _ready(person, rr)
    rows = selectors.holdings(person, rr.chat_protocols)
    _event(
        person.request,
        "a",
        actor=actor,
        body="Confirmação da existência de tratamento: "
        + ("; ".join(f"{h.entity} — {h.category}: {h.count}" for h in rows) or "nenhum dado encontrado")
        + ".",
        entities=sorted({h.entity for h in rows}),
        categories=len(rows),
        cases=person.case_protocols,
    )
    return rows


def sharing_record(person: selectors.Person, rr: RightsRequest, *, actor: Actor) -> list[selectors.Sharing]:
    _ready(person, rr)
    rows = selectors.sharing(person)
    _event(
        person.request,
        "g",
        actor=actor,
        body="Uso compartilhado: "
        + ("; ".join(f"{s.recipient} ({s.kind}) em {timezone.localtime(s.at):%d/%m/%Y}" for s in rows) or "nenhum")
        + ".",
        recipients=sorted({s.recipient for s in rows}),
    )
    return rows


# --- (c) correction ------------------------------------------------------------------------------------------

CORRECTABLE = ("name", "social_name", "email", "phone", "address", "document")


@transaction.atomic
def requester_correct(
    requester: Requester, *, changes: dict[str, str], request: Manifestation, actor: Actor
) -> dict[str, tuple[str, str]]:
    """Apply the person's corrected data; a "requester_correction" event with the old and new values goes on each of
    the requester's cases and on the request (the timeline keeps what the record said before). The blind indexes
    and the name/phone tokens are computed again."""
    wanted = {k: v.strip() for k, v in changes.items() if k in CORRECTABLE and v is not None and v.strip()}
    if not wanted:
        raise ValidationError({"correction": ["Correção: informe ao menos um dado novo."]})
    try:
        kind, cleaned = cases.RequesterData(**wanted).cleaned()
    except ValidationError as exc:
        raise ValidationError({k.removeprefix("requester."): v for k, v in exc.message_dict.items()}) from exc
    requester = Requester.objects.select_for_update().get(pk=requester.pk)
    diff = {
        f: (str(getattr(requester, f) or ""), cleaned[f])
        for f in wanted
        if cleaned.get(f) and str(getattr(requester, f) or "") != cleaned[f]
    }
    if not diff:
        raise ValidationError({"correction": ["Correção: os dados informados já são os registrados."]})
    for f, (_old, new) in diff.items():
        setattr(requester, f, new)
    if "document" in diff:
        requester.kind, requester.document_hash = kind, blind_index(cleaned["document"])
    if "email" in diff:
        requester.email_hash = blind_index(cleaned["email"])
    requester.save()
    if any(f in diff for f in cases.TOKEN_FIELDS):
        cases.requester_tokens_write(requester)
    params = {f: {"old": old, "new": new} for f, (old, new) in diff.items()}
    affected = list(Manifestation.objects.filter(requester=requester).order_by("pk"))
    for m in affected:
        cases._record(m, "requester_correction", actor=actor, fields=params, request=request.protocol)
    if request.pk not in {m.pk for m in affected}:
        cases._record(request, "requester_correction", actor=actor, fields=params, request=request.protocol)
    _event(
        request, "c", actor=actor, body=f"Correção de {len(diff)} dado(s) em {len(affected)} manifestação(ões).",
        fields=sorted(diff), cases=[m.protocol for m in affected],
    )  # fmt: skip
    return diff


# --- (d)/(f) deletion, anonymisation, block --------------------------------------------------------------------


@dataclass
class ErasureItem:
    what: str
    decision: rule.Decision


@dataclass
class ErasureOutcome:
    items: list[ErasureItem] = field(default_factory=list)

    @property
    def deleted(self) -> list[ErasureItem]:
        return [i for i in self.items if i.decision.action == "delete"]

    @property
    def kept(self) -> list[ErasureItem]:
        return [i for i in self.items if i.decision.action == "keep"]

    @property
    def anonymised(self) -> list[ErasureItem]:
        return [i for i in self.items if i.decision.action == "anonymise"]


def _holds_over(m: Manifestation, today: date) -> tuple[rule.HoldFact, ...]:
    holds = active_holds(today).filter(Q(manifestation=m) | Q(requester_id=m.requester_id) | Q(entity_id=m.entity_id))
    return tuple(rule.HoldFact(h.reason, h.until) for h in holds)


def _anonymise_now(m: Manifestation, *, actor: Actor, today: date) -> None:
    """A case already past its retention date, anonymised at the person's request instead of waiting for the daily
    job (the same service: ``retention.anonymise.anonymise_case``)."""
    from ouvidoria.retention.anonymise import anonymise_case

    label = actor.get_username() if hasattr(actor, "get_username") else str(actor)
    anonymise_case(m, actor_label=label, reason="pedido do titular (LGPD art. 18 IV)", today=today)


@transaction.atomic
def erasure_run(person: selectors.Person, rr: RightsRequest, *, actor: Actor, right: str = "d") -> ErasureOutcome:
    """(d)/(f): per item found, what rules.rights decides. Chats and e-mails of no case and data resting on consent
    go now; cases within their 5 years or under a legal hold stay, with the reason and the date."""
    _ready(person, rr)
    today = timezone.localdate()
    out = ErasureOutcome()
    for m in person.cases:
        if m.pk == person.request.pk:
            continue
        decision = rule.decide_case(m.received_on, today=today, holds=_holds_over(m, today))
        if decision.action == "anonymise":
            _anonymise_now(m, actor=actor, today=today)
        out.items.append(ErasureItem(f"Manifestação {m.formatted_protocol} ({m.entity.name})", decision))
    became_case = set(Manifestation.objects.filter(protocol__in=rr.chat_protocols).values_list("protocol", flat=True))
    for c in ChatConversation.objects.filter(protocol__in=rr.chat_protocols).exclude(protocol__in=became_case):
        out.items.append(ErasureItem(f"Conversa do assistente {c.formatted_protocol}", rule.decide_consented("chat")))
        c.delete()
    loose = [e for e in selectors.emails_of(person) if e.manifestation_id is None]
    for e in loose:
        out.items.append(
            ErasureItem(f"E-mail sem manifestação de {e.created_at:%d/%m/%Y}", rule.decide_consented("email"))
        )
    OutboundEmail.objects.filter(pk__in=[e.pk for e in loose]).delete()
    now = timezone.now()
    for k in selectors.consents_of(person, rr.chat_protocols):
        if k.revoked_at is None and k.purpose in rule.NON_ESSENTIAL:
            k.revoked_at, k.revoked_via = now, f"pedido LGPD {person.request.protocol}"
            k.save(update_fields=["revoked_at", "revoked_via"])
            out.items.append(ErasureItem(f"Consentimento: {k.get_purpose_display()}", rule.decide_consented(k.purpose)))
    _event(
        person.request,
        right,
        actor=actor,
        body=erasure_summary(out),
        deleted=len(out.deleted),
        kept=[{"item": i.what, "until": i.decision.keep_until.isoformat() if i.decision.keep_until else None,
               "source": i.decision.source} for i in out.kept],
        anonymised=len(out.anonymised),
    )  # fmt: skip
    return out


def erasure_summary(out: ErasureOutcome) -> str:
    lines = [f"Eliminados: {len(out.deleted)} item(ns)."]
    for i in out.kept:
        until = f" até {i.decision.keep_until:%d/%m/%Y}" if i.decision.keep_until else " até a retirada do bloqueio"
        lines.append(f"Mantido{until}: {i.what} — {i.decision.reason} ({i.decision.source}).")
    for i in out.anonymised:
        lines.append(f"Anonimização: {i.what} — {i.decision.reason}")
    return "\n".join(lines)


@transaction.atomic
def block_place(person: selectors.Person, rr: RightsRequest, *, actor: Actor) -> list[ProcessingBlock]:
    """Bloqueio: non-essential processing suspended for every requester found (no marketing, no message no rule
    requires); shown on their cases."""
    _ready(person, rr)
    placed = []
    for f in person.requesters:
        if not ProcessingBlock.objects.filter(requester=f.requester, lifted_at__isnull=True).exists():
            placed.append(
                ProcessingBlock.objects.create(requester=f.requester, request=person.request, placed_by=actor)
            )
    _event(person.request, "d", actor=actor, body="Bloqueio do tratamento não essencial.", action="block",
           requesters=len(placed))  # fmt: skip
    return placed


def processing_blocked(requester_id: int | None) -> bool:
    """Whether a non-essential message to this requester must not go (a block of art. 18 IV is active)."""
    return requester_id is not None and selectors.active_block([requester_id]) is not None


# --- (h)/(i) consent -------------------------------------------------------------------------------------------


def consent_record(
    *,
    purpose: str,
    channel: str,
    conversation_protocol: str = "",
    requester: Requester | None = None,
    subject: str = "",
) -> Consent:
    """A consent given now, with the version of the text shown (rules.rights.PURPOSES)."""
    p = rule.PURPOSES_BY_CODE[purpose]
    return Consent.objects.create(
        requester=requester,
        subject_hash=_subject_hash(subject),
        conversation_protocol=conversation_protocol,
        purpose=purpose,
        channel=channel,
        text_version=p.text_version,
        granted_at=timezone.now(),
    )


def _subject_hash(subject: str) -> str:
    """The blind index a requester is found by: of the lower-case e-mail, or of the CPF/CNPJ's digits."""
    subject = subject.strip()
    if not subject:
        return ""
    if "@" in subject:
        return blind_index(subject.lower())
    with cases.rule_errors("subject."):
        return blind_index(clean_document(subject)[1])


@transaction.atomic
def consent_revoke(
    consent: Consent, *, person: selectors.Person, rr: RightsRequest, actor: Actor
) -> tuple[Consent, int]:
    """(i) Revoke; revoking the chat transcript's consent deletes the conversations that became no case."""
    _ready(person, rr)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    deleted = 0
    if consent.revoked_at is None:
        consent.revoked_at, consent.revoked_via = timezone.now(), f"pedido LGPD {person.request.protocol}"
        consent.save(update_fields=["revoked_at", "revoked_via"])
    protocol = consent.conversation_protocol
    if (
        consent.purpose == "chat_transcript"
        and protocol
        and not Manifestation.objects.filter(protocol=protocol).exists()
    ):
        deleted, _ = ChatConversation.objects.filter(protocol=protocol).delete()
    _event(
        person.request, "i", actor=actor, body=f"Consentimento revogado: {consent.get_purpose_display()}.",
        purpose=consent.purpose, deleted=deleted,
    )  # fmt: skip
    return consent, deleted


def consent_information_record(request: Manifestation, *, actor: Actor) -> list[rule.Purpose]:
    """(h) What refusing consent means, per purpose: written on the timeline, quoted in the answer."""
    _event(request, "h", actor=actor, body=consent_information_text())
    return list(rule.PURPOSES)


def consent_information_text() -> str:
    return "\n".join(f"{p.label}: {p.refusal_consequence}" for p in rule.PURPOSES)


# --- (b)/(e) export and (j) declaration ------------------------------------------------------------------------


@transaction.atomic
def document_generate(person: selectors.Person, rr: RightsRequest, *, kind: str, actor: Actor) -> RightsDocument:
    _ready(person, rr)
    if kind == "export":
        data = documents.export_build(person, rr.chat_protocols)
        name, content_type, right = f"dados-{person.request.protocol}.zip", "application/zip", "b"
    elif kind == "declaration":
        data = documents.declaration_build(person, rr.chat_protocols)
        name, content_type, right = f"declaracao-{person.request.protocol}.pdf", "application/pdf", "j"
    else:
        raise ValidationError({"kind": [f"Documento desconhecido: {kind}."]})
    doc = RightsDocument.objects.create(
        request=person.request,
        kind=kind,
        sealed=data,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=documents.digest(data),
        created_by=actor,
    )
    _event(person.request, right, actor=actor, body=f"{doc.get_kind_display()} gerado(a), aguardando liberação.",
           document=doc.pk, sha256=doc.sha256, cases=len(person.cases))  # fmt: skip
    return doc


@transaction.atomic
def document_release(doc: RightsDocument, *, actor: Actor) -> RightsDocument:
    """The analyst releases it to the look-up page; the e-mail says only that it is there (never a link)."""
    doc = RightsDocument.objects.select_for_update().select_related("request").get(pk=doc.pk)
    if doc.deleted_at is not None:
        raise ValidationError({"document": ["Este documento expirou; gere outro."]})
    if doc.released_at is None:
        doc.released_at, doc.released_by = timezone.now(), actor
        doc.expires_on = rule.document_expires_on(timezone.localdate())
        doc.save(update_fields=["released_at", "released_by", "expires_on"])
        m = doc.request
        until = f"{doc.expires_on:%d/%m/%Y}"
        body = f"{doc.get_kind_display()} liberado(a) na página de acompanhamento até {until}."
        _event(m, "b" if doc.kind == "export" else "j", actor=actor, body=body, document=doc.pk, action="release")
        to = requester_address(m)
        if to:
            email_queue(
                key=f"rights:document:{doc.pk}",
                to=to,
                subject=f"Seu pedido sobre dados pessoais — protocolo {m.formatted_protocol}",
                body=(
                    f"Olá.\n\nO documento “{doc.get_kind_display()}” do seu pedido {m.formatted_protocol} está "
                    f"disponível até {doc.expires_on:%d/%m/%Y}.\n\nPor segurança, ele não vai por e-mail: baixe-o na "
                    "página “Acompanhar manifestação” do portal, informando o protocolo e o seu e-mail ou CPF.\n\n"
                    f"Atenciosamente,\n{m.entity.name}\n"
                ),
                manifestation=m,
            )
    return doc


@transaction.atomic
def document_download(doc: RightsDocument, *, ip_address: str | None) -> bytes:
    """The citizen's download (through the look-up only): recorded, each time."""
    RightsDownload.objects.create(document=doc, ip_address=ip_address)
    _event(doc.request, "b" if doc.kind == "export" else "j", actor=None, actor_label="manifestante",
           body=f"{doc.get_kind_display()} baixado(a) pelo titular.", document=doc.pk, action="download")  # fmt: skip
    return bytes(doc.sealed)


def documents_purge(*, today: date | None = None) -> int:
    """Expired documents: their sealed bytes removed, the row (with its checksum) kept. Idempotent."""
    today = today or timezone.localdate()
    due = RightsDocument.objects.filter(deleted_at__isnull=True).filter(expires_on__lt=today)
    return due.update(sealed=b"", deleted_at=timezone.now())


def answer_summary(request: Manifestation) -> str:
    """What was done, from the request's own timeline, to quote in the conclusive answer."""
    lines = []
    for e in request.events.filter(kind__in=["data_subject_right", "requester_correction"]).order_by("created_at"):
        right = e.params.get("right", "c")
        label = rule.RIGHTS_BY_CODE[right].label if right in rule.RIGHTS_BY_CODE else "Identidade"
        if e.kind == "requester_correction":
            continue
        lines.append(f"- {label} ({timezone.localtime(e.created_at):%d/%m/%Y}): {e.body}")
    return "\n".join(lines)
