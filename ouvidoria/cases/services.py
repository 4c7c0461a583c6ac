"""Every change to a manifestation: one function per action, atomic, writing its timeline event.

Views, API endpoints, commands and importers call these; none of them writes a Manifestation or an Event directly.
Bad input raises ``django.core.exceptions.ValidationError`` with a Portuguese message keyed by the field.
"""

import hashlib
import json
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from ouvidoria.cases import catalogue_cache
from ouvidoria.cases.models import (
    AnswerDraft,
    Attachment,
    Event,
    Forward,
    Manifestation,
    Requester,
    RequesterToken,
)
from ouvidoria.cases.protocols import protocol_issue
from ouvidoria.cases.selectors import extension_month_counts
from ouvidoria.catalogue.selectors import catalogues_label, entity_catalogues
from ouvidoria.entities.models import Area, Entity
from ouvidoria.entities.services import entity_calendar
from ouvidoria.inbox import services as inbox
from ouvidoria.lib.prepared import PreparedInsert, PreparedSelect
from ouvidoria.notify.requester import requester_notify
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.privacy.tokens import requester_digests
from ouvidoria.rules import deadlines, workflow
from ouvidoria.rules.answers import check_filled
from ouvidoria.rules.attachments import check_attachment
from ouvidoria.rules.calendars import BRAZILIAN_STATES, FIRST_YEAR
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.identification import check_identification, clean_document, clean_phone
from ouvidoria.rules.policies import default_policy_code, get_policy
from ouvidoria.rules.protocol import normalize_protocol

Actor = AbstractBaseUser | None
# Clocks of phones and integrations drift; a receipt a little ahead of ours is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)


@contextmanager
def rule_errors(prefix: str = "") -> Iterator[None]:
    """Turn a rule violation into the ValidationError every entry point knows how to show."""
    try:
        yield
    except RuleViolation as exc:
        raise ValidationError({prefix + exc.field: [exc.message]}) from exc


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


# --- Requesters -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequesterData:
    document: str = ""
    name: str = ""
    social_name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    gender: str = ""
    state: str = ""
    city: str = ""

    def cleaned(self) -> tuple[str, dict[str, str]]:
        """Validate and normalize; returns ``(kind, fields)`` or raises with ``requester.<field>`` keys."""
        errors: dict[str, list[str]] = {}
        fields = {k: str(getattr(self, k) or "").strip() for k in self.__dataclass_fields__}
        kind = "person"
        if fields["document"]:
            try:
                kind, fields["document"] = clean_document(fields["document"])
            except RuleViolation as exc:
                errors["requester.document"] = [exc.message]
        if fields["email"]:
            fields["email"] = fields["email"].lower()
            try:
                validate_email(fields["email"])
            except ValidationError:
                errors["requester.email"] = [f"E-mail inválido: {fields['email']}."]
        if fields["phone"]:
            try:
                fields["phone"] = clean_phone(fields["phone"])
            except RuleViolation as exc:
                errors["requester.phone"] = [exc.message]
        if fields["state"]:
            fields["state"] = fields["state"].upper()
            if fields["state"] not in BRAZILIAN_STATES:
                errors["requester.state"] = [f"UF inexistente: {fields['state']}."]
        if fields["gender"]:
            genders = {"f": "F", "m": "M", "nb": "NB", "outro": "Outro"}
            if fields["gender"].lower() not in genders:
                errors["requester.gender"] = ["Gênero deve ser F, M, NB ou Outro."]
            else:
                fields["gender"] = genders[fields["gender"].lower()]
        if kind == "company" and fields["gender"]:
            errors["requester.gender"] = ["Gênero não se aplica a pessoa jurídica; deixe em branco."]
        for field, limit in (("name", 200), ("social_name", 200), ("address", 300), ("city", 120)):
            if len(fields[field]) > limit:
                errors[f"requester.{field}"] = [f"Máximo de {limit} caracteres."]
        if errors:
            raise ValidationError(errors)
        return kind, fields


def requester_find_or_create(data: RequesterData) -> Requester:
    """Find the requester by CPF/CNPJ, else by e-mail (blind indexes), else create one.

    Contact data given now replaces what was on file: the requester's latest word is the one to answer to.
    """
    return _requester_upsert(*data.cleaned())


def _requester_upsert(kind: str, fields: dict[str, str]) -> Requester:
    """``requester_find_or_create`` on data already cleaned: one look-up query, one write when something changed."""
    document_hash = blind_index(fields["document"]) if fields["document"] else ""
    email_hash = blind_index(fields["email"]) if fields["email"] else ""
    if document_hash and email_hash:
        candidates = _requesters_by_both.fetch(document_hash=document_hash, email_hash=email_hash)
    elif document_hash:
        candidates = _requesters_by_document.fetch(document_hash=document_hash)
    elif email_hash:
        candidates = _requesters_by_email.fetch(email_hash=email_hash)
    else:
        candidates = []
    by_document = [r for r in candidates if document_hash and r.document_hash == document_hash]
    requester = (by_document or candidates or [Requester(kind=kind)])[0]
    changed = requester.pk is None
    found_by = {f: getattr(requester, f) for f in TOKEN_FIELDS}
    for field, value in fields.items():
        if value and getattr(requester, field) != value:
            setattr(requester, field, value)
            changed = True
    if changed:
        if fields["document"]:
            requester.kind, requester.document_hash = kind, document_hash
        if fields["email"]:
            requester.email_hash = email_hash
        if requester.pk is None:
            _requester_insert.insert(requester)
            requester_tokens_write(requester, new=True)
        else:
            requester.save()
            if any(getattr(requester, f) != found_by[f] for f in TOKEN_FIELDS):
                requester_tokens_write(requester)
    return requester


TOKEN_FIELDS = ("name", "social_name", "phone")


def requester_tokens_write(requester: Requester, *, new: bool = False) -> None:
    """Rewrite the keyed hashes the requester is found by (name words, phone forms: ``privacy.tokens``)."""
    digests = requester_digests(
        name=str(requester.name or ""), social_name=str(requester.social_name or ""), phone=str(requester.phone or "")
    )
    if not new:
        RequesterToken.objects.filter(requester=requester).delete()
    RequesterToken.objects.bulk_create([RequesterToken(requester=requester, digest=d) for d in sorted(digests)])


# The registration's look-ups and inserts, compiled once (ouvidoria.lib.prepared): on the API's hottest path the
# ORM's compilation was most of each query's CPU. By e-mail, only a requester without a document, or with this same
# one, is the same person.
_requesters_by_document = PreparedSelect(
    lambda document_hash: Requester.objects.filter(document_hash=document_hash).order_by("pk")[:5], "document_hash"
)
_requesters_by_email = PreparedSelect(
    lambda email_hash: Requester.objects.filter(email_hash=email_hash, document_hash="").order_by("pk")[:5],
    "email_hash",
)
_requesters_by_both = PreparedSelect(
    lambda document_hash, email_hash: Requester.objects.filter(
        Q(document_hash=document_hash) | Q(email_hash=email_hash, document_hash__in=["", document_hash])
    ).order_by("pk")[:5],
    "document_hash",
    "email_hash",
)


def _all_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if not f.primary_key]


_requester_insert = PreparedInsert(Requester, _all_fields(Requester))
_manifestation_insert = PreparedInsert(Manifestation, _all_fields(Manifestation))
_event_insert = PreparedInsert(Event, _all_fields(Event))


# --- Timeline ---------------------------------------------------------------------------------------------


def _actor_fields(actor: Actor, actor_label: str) -> dict[str, Any]:
    if actor is not None and actor.is_authenticated:
        return {"actor": actor, "actor_label": actor_label or actor.get_username()}
    return {"actor": None, "actor_label": actor_label or "sistema"}


def _record(
    manifestation: Manifestation,
    kind: str,
    *,
    actor: Actor,
    actor_label: str = "",
    body: str = "",
    at: datetime | None = None,
    **params: Any,
) -> Event:
    """Append one event; the requester's own contacts also count as interactions (seed 000 §8.5)."""
    event = Event.objects.create(
        manifestation=manifestation,
        kind=kind,
        created_at=at or timezone.now(),
        body=body,
        params=params,
        **_actor_fields(actor, actor_label),
    )
    if kind in Event.REQUESTER_CONTACTS:
        manifestation.interaction_count += 1
    return event


def _locked(manifestation: Manifestation) -> Manifestation:
    """Re-read the row under a lock so two people acting at once cannot both win."""
    return Manifestation.objects.select_for_update().select_related("entity", "instance").get(pk=manifestation.pk)


def _transition(manifestation: Manifestation, action: str) -> str:
    with rule_errors():
        return workflow.check_transition(action, manifestation.status)


def _outgoing(value: str, field: str = "body") -> str:
    """Text that reaches the requester: required, and with every template fill-in completed."""
    text = _body(value, field)
    with rule_errors():
        check_filled(text, field)
    return text


def _body(value: str, field: str = "body", *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(field, "Escreva o texto.")
    return value


# --- Registration -----------------------------------------------------------------------------------------


def manifestation_register(
    *,
    entity: Entity,
    instance: str,
    medium: str,
    record_type: str,
    description: str,
    subject: str | None = None,
    requester: RequesterData | None = None,
    anonymous: bool = False,
    name_confidential: bool = False,
    received_at: datetime | None = None,
    policy: str | None = None,
    earlier_protocols: Sequence[str] = (),
    earlier_reference: str = "",
    external_reference: str = "",
    state: str = "",
    city: str = "",
    actor: Actor = None,
    actor_label: str = "",
    protocol: str | None = None,
) -> Manifestation:
    """Register a manifestation from any channel and give it its protocol and deadline at once."""
    now = timezone.now()
    errors: dict[str, list[str]] = {}

    def check(field: str, ok: bool, message: str) -> None:
        if not ok:
            errors.setdefault(field, []).append(message)

    check("entity", entity.active, f"A entidade {entity.name} está inativa.")
    instance_row = catalogue_cache.instance(instance)
    check("instance", instance_row is not None, f"Instância desconhecida: {instance}.")
    check("medium", catalogue_cache.medium(medium) is not None, f"Meio de contato desconhecido: {medium}.")
    check(
        "record_type",
        catalogue_cache.record_type(record_type) is not None,
        f"Tipo desconhecido: {record_type}.",
    )
    subject_row = None
    if subject:
        subject_row = catalogue_cache.subject(subject)
        if subject_row is None:
            check("subject", False, f"Assunto desconhecido: {subject}.")
        else:
            problem = _subject_problem(entity, subject_row, record_type)
            check("subject", not problem, problem)
    description = (description or "").strip()
    check("description", bool(description), "Descreva a manifestação.")
    received_at = received_at or now
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    check("received_at", received_at <= now + CLOCK_SKEW, "A data de recebimento não pode estar no futuro.")
    check(
        "received_at",
        received_at.year >= FIRST_YEAR,
        f"A data de recebimento deve ser de {FIRST_YEAR} em diante (período dos calendários de feriados).",
    )
    policy_code = policy
    if instance_row is not None and not policy_code:
        with rule_errors("policy."):
            policy_code = default_policy_code(instance, entity.regime)
    if policy_code:
        try:
            get_policy(policy_code)
        except ValueError as exc:
            check("policy", False, str(exc))
    state = state.strip().upper()
    check("state", not state or state in BRAZILIAN_STATES, f"UF inexistente: {state}.")
    if errors:
        raise ValidationError(errors)
    assert instance_row is not None
    assert policy_code is not None

    requester_kind, requester_fields = requester.cleaned() if requester is not None else ("", {})
    with rule_errors():
        check_identification(
            instance_kind=instance_row.kind,
            record_type=record_type,
            anonymous=anonymous,
            has_requester=requester is not None and any(requester_fields.values()),
            has_document=bool(requester_fields.get("document")),
            has_name=bool(requester_fields.get("name")),
            has_contact=bool(requester_fields.get("email") or requester_fields.get("phone")),
        )
    return _register(
        entity=entity,
        instance=instance,
        medium=medium,
        record_type=record_type,
        subject_id=subject_row.pk if subject_row else None,
        description=description,
        requester=(requester_kind, requester_fields) if requester is not None and not anonymous else None,
        anonymous=anonymous,
        name_confidential=name_confidential,
        received_at=received_at,
        policy_code=policy_code,
        earlier_protocols=earlier_protocols,
        earlier_reference=earlier_reference.strip()[:100],
        external_reference=external_reference.strip()[:100],
        state=state or requester_fields.get("state", "") or entity.state,
        city=city.strip() or requester_fields.get("city", "") or entity.city,
        actor=actor,
        actor_label=actor_label,
        protocol=protocol,
    )


def _subject_problem(entity: Entity, row: catalogue_cache.SubjectRow, record_type: str) -> str:
    """What keeps ``row`` from being the subject of a case of ``entity`` and ``record_type`` ('' when nothing): its
    record types, and the entity's subject catalogues (issue 14, rules/subjects.py)."""
    if row.record_types and record_type not in row.record_types:
        return f"O assunto “{row.label}” não se aplica ao tipo {record_type}."
    offered = entity_catalogues(entity)
    if not row.catalogues.intersection(offered):
        return f"Assunto: “{row.label}” não faz parte dos assuntos de {entity.name} ({catalogues_label(offered)})."
    return ""


@transaction.atomic
def _register(
    *,
    entity: Entity,
    instance: str,
    medium: str,
    record_type: str,
    subject_id: int | None,
    description: str,
    requester: tuple[str, dict[str, str]] | None,
    anonymous: bool,
    name_confidential: bool,
    received_at: datetime,
    policy_code: str,
    earlier_protocols: Sequence[str],
    earlier_reference: str,
    external_reference: str,
    state: str,
    city: str,
    actor: Actor,
    actor_label: str,
    protocol: str | None,
) -> Manifestation:
    earlier = []
    for number in earlier_protocols:
        found = Manifestation.objects.filter(protocol=normalize_protocol(number), entity=entity).first()
        if found is None:
            raise _invalid("earlier_protocols", f"Protocolo anterior não encontrado nesta entidade: {number}.")
        earlier.append(found)
    received_on = timezone.localtime(received_at).date()
    policy = get_policy(policy_code)
    manifestation = Manifestation(
        protocol=protocol or protocol_issue(),
        entity=entity,
        instance_id=instance,
        medium_id=medium,
        record_type_id=record_type,
        subject_id=subject_id,
        policy_id=policy_code,
        requester=_requester_upsert(*requester) if requester is not None else None,
        anonymous=anonymous,
        name_confidential=name_confidential,
        description=description,
        state=state,
        city=city[:120],
        received_at=received_at,
        received_on=received_on,
        due_on=deadlines.due_date(policy, received_on, entity_calendar(entity)),
        earlier_reference=earlier_reference,
        external_reference=external_reference,
        # The registration is the requester's first contact (see _record); counted here to save an UPDATE.
        interaction_count=1,
    )
    _manifestation_insert.insert(manifestation)
    _event_insert.insert(
        Event(
            manifestation=manifestation,
            kind="registration",
            created_at=received_at,
            params={"due": manifestation.due_on.isoformat(), "policy": policy_code},
            **_actor_fields(actor, actor_label),
        )
    )
    if earlier:
        manifestation.earlier.add(*earlier)
    return manifestation


# --- Actions on the timeline ------------------------------------------------------------------------------


@transaction.atomic
def manifestation_triage(
    manifestation: Manifestation,
    *,
    actor: Actor,
    record_type: str | None = None,
    subject: str | None = None,
    note: str = "",
    actor_label: str = "",
) -> Manifestation:
    """Confirm competence and classification; the case goes into analysis (seed 001 "triagem")."""
    m = _locked(manifestation)
    m.status = _transition(m, "triage")
    changes: dict[str, Any] = {}
    if record_type and record_type != m.record_type_id:
        if catalogue_cache.record_type(record_type) is None:
            raise _invalid("record_type", f"Tipo desconhecido: {record_type}.")
        changes["record_type"] = [m.record_type_id, record_type]
        m.record_type_id = record_type
    if subject:
        row = catalogue_cache.subject(subject)
        if row is None:
            raise _invalid("subject", f"Assunto desconhecido: {subject}.")
        if problem := _subject_problem(m.entity, row, m.record_type_id):
            raise _invalid("subject", problem)
        if row.pk != m.subject_id:
            changes["subject"] = [m.subject_id, row.pk]
            m.subject_id = row.pk
    _record(m, "triage", actor=actor, actor_label=actor_label, body=note.strip(), changes=changes)
    m.save()
    return m


@transaction.atomic
def manifestation_assign(
    manifestation: Manifestation, *, assignee: AbstractBaseUser | None, actor: Actor, actor_label: str = ""
) -> Manifestation:
    m = _locked(manifestation)
    _transition(m, "assignment")
    m.assignee = assignee  # type: ignore[assignment]
    _record(
        m,
        "assignment",
        actor=actor,
        actor_label=actor_label,
        assignee=assignee.get_username() if assignee is not None else None,
        # Who, as people call them: the timeline says to whom it was assigned.
        assignee_name=(assignee.get_full_name() or assignee.get_username()) if assignee is not None else None,  # type: ignore[attr-defined]
    )
    m.save()
    inbox.assignment_told(m, assignee=assignee, actor=actor)
    return m


def _resume(m: Manifestation, today: date, *, actor: Actor, actor_label: str) -> None:
    """End a pause: the deadline moves by the paused days (only policies that allow pauses ever pause)."""
    if m.paused_since is None:
        return
    policy = get_policy(m.policy_id)
    calendar = entity_calendar(m.entity)
    with rule_errors():
        added = deadlines.paused_days(policy, start=m.paused_since, end=today, calendar=calendar)
    old_due = m.due_on
    m.extra_days += added
    m.due_on = deadlines.due_date(policy, m.received_on, calendar, extra_days=m.extra_days)
    _record(
        m,
        "pause_end",
        actor=actor,
        actor_label=actor_label,
        paused_since=m.paused_since.isoformat(),
        days_added=added,
        old_due=old_due.isoformat(),
        new_due=m.due_on.isoformat(),
        reason="Prazo suspenso enquanto se aguardava o complemento do manifestante.",
    )
    m.paused_since = None


@transaction.atomic
def manifestation_message_in(
    manifestation: Manifestation, *, body: str, actor: Actor, actor_label: str = "", medium: str = ""
) -> Manifestation:
    """A message from the requester; if it answers a request for complement, the clock runs again."""
    m = _locked(manifestation)
    _transition(m, "message_in")
    if medium and catalogue_cache.medium(medium) is None:
        raise _invalid("medium", f"Meio de contato desconhecido: {medium}.")
    _record(m, "message_in", actor=actor, actor_label=actor_label, body=_body(body), medium=medium or None)
    if m.status == "waiting_requester":
        _resume(m, timezone.localdate(), actor=actor, actor_label=actor_label)
        m.status = "in_analysis"
    m.save()
    return m


@transaction.atomic
def manifestation_message_out(
    manifestation: Manifestation, *, body: str, actor: Actor, actor_label: str = ""
) -> Manifestation:
    """Keep the requester informed (seed 001: "manter o solicitante informado sobre toda a tramitação")."""
    m = _locked(manifestation)
    _transition(m, "message_out")
    event = _record(m, "message_out", actor=actor, actor_label=actor_label, body=_outgoing(body))
    requester_notify(m, event=event, notice="message_out")
    m.save()
    return m


@transaction.atomic
def manifestation_note(
    manifestation: Manifestation, *, body: str, actor: Actor, actor_label: str = ""
) -> Manifestation:
    m = _locked(manifestation)
    _transition(m, "internal_note")
    _record(m, "internal_note", actor=actor, actor_label=actor_label, body=_body(body))
    m.save()
    return m


@transaction.atomic
def manifestation_forward(
    manifestation: Manifestation,
    *,
    area: Area,
    question: str,
    actor: Actor,
    due_on: date | None = None,
    actor_label: str = "",
) -> Forward:
    """Ask an internal area, with a due date of its own that leaves time to answer the requester."""
    m = _locked(manifestation)
    m.status = _transition(m, "forward")
    if area.entity_id != m.entity_id:
        raise _invalid("area", "A área não pertence à entidade da manifestação.")
    calendar = entity_calendar(m.entity)
    today = timezone.localdate()
    if due_on is None:
        # Two business days before the case's own deadline, never before the next business day.
        due_on = max(deadlines.warning_date(m.due_on, calendar, 2), calendar.add_business_days(today, 1))
        due_on = min(due_on, max(m.due_on, calendar.add_business_days(today, 1)))
    elif due_on < today:
        raise _invalid("due_on", "O prazo da área não pode estar no passado.")
    elif due_on > m.due_on:
        raise _invalid("due_on", f"O prazo da área não pode passar do prazo da manifestação ({m.due_on:%d/%m/%Y}).")
    forward = Forward.objects.create(manifestation=m, area=area, question=_body(question, "question"), due_on=due_on)
    _record(
        m,
        "forward",
        actor=actor,
        actor_label=actor_label,
        body=forward.question,
        forward=forward.pk,
        area=area.name,
        area_due=due_on.isoformat(),
    )
    m.save()
    inbox.forward_told(m, forward=forward, actor=actor)
    return forward


@transaction.atomic
def manifestation_area_reply(
    manifestation: Manifestation, *, forward_id: int, reply: str, actor: Actor, actor_label: str = ""
) -> Manifestation:
    """The area's answer comes back onto the timeline; with nothing else pending the analysis resumes."""
    m = _locked(manifestation)
    _transition(m, "area_reply")
    forward = Forward.objects.select_related("area").filter(pk=forward_id, manifestation=m).first()
    if forward is None:
        raise _invalid("forward", "Encaminhamento não encontrado nesta manifestação.")
    if forward.replied_at is not None:
        raise _invalid("forward", "Este encaminhamento já foi respondido.")
    forward.reply, forward.replied_at = _body(reply, "reply"), timezone.now()
    forward.save(update_fields=["reply", "replied_at"])
    _record(
        m,
        "area_reply",
        actor=actor,
        actor_label=actor_label,
        body=forward.reply,
        forward=forward.pk,
        area=forward.area.name,
        on_time=timezone.localdate() <= forward.due_on,
    )
    if not m.forwards.filter(replied_at__isnull=True).exists():
        m.status = "in_analysis"
    m.save()
    inbox.area_reply_told(m, forward=forward, actor=actor)
    return m


@transaction.atomic
def manifestation_request_complement(
    manifestation: Manifestation, *, body: str, actor: Actor, actor_label: str = ""
) -> Manifestation:
    """Ask the requester for more (seed 001: "novo contato com o solicitante"); pauses where the policy allows."""
    m = _locked(manifestation)
    m.status = _transition(m, "complement_request")
    policy = get_policy(m.policy_id)
    paused = policy.pause_allowed and m.paused_since is None
    if paused:
        m.paused_since = timezone.localdate()
    event = _record(
        m,
        "complement_request",
        actor=actor,
        actor_label=actor_label,
        body=_outgoing(body),
        clock_paused=paused,
        reason=None if paused else "A política de prazo não admite suspensão; o prazo continua correndo.",
    )
    requester_notify(m, event=event, notice="complement_request")
    m.save()
    return m


@transaction.atomic
def deadline_extend(
    manifestation: Manifestation,
    *,
    justification: str,
    actor: Actor,
    days: int | None = None,
    agreed_with_requester: bool = False,
    actor_label: str = "",
) -> Manifestation:
    """Extend the deadline within the policy's limits, and tell the requester why (seed 001, seed 002 art. 3 VI)."""
    m = _locked(manifestation)
    _transition(m, "extension")
    policy = get_policy(m.policy_id)
    month_extensions, month_total = extension_month_counts(m)
    with rule_errors():
        added = deadlines.extension_days(
            policy,
            current_extra_days=m.extra_days,
            extensions_so_far=m.extension_count,
            requested_days=days,
            justification=justification,
            agreed_with_requester=agreed_with_requester,
            month_extensions=month_extensions,
            month_total=month_total,
        )
    old_due = m.due_on
    m.extra_days += added
    m.extension_count += 1
    m.due_on = deadlines.due_date(policy, m.received_on, entity_calendar(m.entity), extra_days=m.extra_days)
    justification = justification.strip()
    if justification:
        with rule_errors():
            check_filled(justification, "justification")  # the requester is told the reason
    _record(
        m,
        "extension",
        actor=actor,
        actor_label=actor_label,
        body=justification,
        days=added,
        old_due=old_due.isoformat(),
        new_due=m.due_on.isoformat(),
        agreed_with_requester=agreed_with_requester,
        month_extensions=month_extensions + 1,
        month_total=month_total,
    )
    if policy.extension is not None and policy.extension.requester_must_be_told:
        told = _record(
            m,
            "message_out",
            actor=actor,
            actor_label=actor_label,
            body=f"O prazo para a resposta da sua manifestação foi prorrogado até {m.due_on:%d/%m/%Y}. "
            f"Motivo: {justification}",
            notice="extension",
        )
        requester_notify(m, event=told, notice="extension")
    m.save()
    return m


@transaction.atomic
def manifestation_set_merits(
    manifestation: Manifestation, *, reason: str, actor: Actor, note: str = "", actor_label: str = ""
) -> Manifestation:
    """Procedente or improcedente, from the reason (seed 001 "Critérios de Qualificação das Reclamações")."""
    m = _locked(manifestation)
    _transition(m, "merits")
    with rule_errors():
        merits = workflow.merits_for(m.record_type_id, reason)
    m.merits, m.merits_reason = merits, reason
    _record(m, "merits", actor=actor, actor_label=actor_label, body=note.strip(), merits=merits, reason=reason)
    m.save()
    return m


@transaction.atomic
def manifestation_answer(
    manifestation: Manifestation, *, body: str, actor: Actor, actor_label: str = ""
) -> Manifestation:
    """The conclusive answer: it concludes the manifestation and is measured against the deadline."""
    m = _locked(manifestation)
    m.status = _transition(m, "answer")
    with rule_errors():
        workflow.check_answer(instance_kind=m.instance.kind, record_type=m.record_type_id, merits=m.merits)
    now = timezone.now()
    m.concluded_at = now
    m.paused_since = None
    event = _record(
        m,
        "answer",
        actor=actor,
        actor_label=actor_label,
        body=_outgoing(body),
        at=now,
        on_time=timezone.localtime(now).date() <= m.due_on,
        due=m.due_on.isoformat(),
        to_external_body=m.instance.kind == "external",
    )
    # Not for an external body's case: the answer goes back to that body (to_external_body above).
    requester_notify(m, event=event, notice="answer")
    m.save()
    return m


@transaction.atomic
def manifestation_close(
    manifestation: Manifestation, *, actor: Actor, note: str = "", actor_label: str = ""
) -> Manifestation:
    """Archive an answered manifestation."""
    m = _locked(manifestation)
    m.status = _transition(m, "closure")
    m.closed_at = timezone.now()
    _record(m, "closure", actor=actor, actor_label=actor_label, body=note.strip())
    m.save()
    return m


@transaction.atomic
def manifestation_reopen(
    manifestation: Manifestation, *, reason: str, actor: Actor, actor_label: str = ""
) -> Manifestation:
    """Back to analysis; the original deadline stands (the case was not concluded after all)."""
    m = _locked(manifestation)
    m.status = _transition(m, "reopening")
    previous = m.concluded_at
    m.concluded_at = m.closed_at = None
    _record(
        m,
        "reopening",
        actor=actor,
        actor_label=actor_label,
        body=_body(reason, "reason"),
        previously_concluded=previous.isoformat() if previous else None,
    )
    m.save()
    return m


@transaction.atomic
def manifestation_evaluate(
    manifestation: Manifestation,
    *,
    resolved: bool | None,
    rating: int | None,
    comment: str = "",
    actor: Actor = None,
    actor_label: str = "manifestante",
) -> Manifestation:
    """The requester's evaluation: resolved or not, and a score from 1 to 5 (seed 000 §1.2)."""
    m = _locked(manifestation)
    _transition(m, "evaluation")
    if resolved is None and rating is None:
        raise _invalid("resolved", "Informe se a manifestação foi resolvida ou dê uma nota de 1 a 5.")
    if rating is not None and not 1 <= rating <= 5:
        raise _invalid("rating", "A nota deve ser um número de 1 a 5.")
    m.resolved, m.rating = resolved, rating
    _record(
        m,
        "evaluation",
        actor=actor,
        actor_label=actor_label,
        body=comment.strip(),
        resolved=resolved,
        rating=rating,
    )
    m.save()
    return m


@transaction.atomic
def manifestation_link(
    manifestation: Manifestation, *, other_protocol: str, actor: Actor, actor_label: str = ""
) -> Manifestation:
    """Link an earlier protocol (first instance → Ouvidoria → external body)."""
    m = _locked(manifestation)
    _transition(m, "link")
    other = Manifestation.objects.filter(protocol=normalize_protocol(other_protocol), entity=m.entity).first()
    if other is None:
        raise _invalid("protocol", f"Protocolo não encontrado nesta entidade: {other_protocol}.")
    if other.pk == m.pk:
        raise _invalid("protocol", "Uma manifestação não pode ser vinculada a si mesma.")
    if m.earlier.filter(pk=other.pk).exists():
        raise _invalid("protocol", "Os protocolos já estão vinculados.")
    m.earlier.add(other)
    _record(m, "link", actor=actor, actor_label=actor_label, protocol=other.protocol)
    m.save()
    return m


# --- Deadlines in bulk ------------------------------------------------------------------------------------


def deadlines_recompute(*, entity: Entity, reason: str, day: date | None = None) -> int:
    """Recompute every open deadline of an entity in one pass; returns how many moved.

    ``day``: the one day whose status changed (a closure added or removed). Only deadlines whose counting window
    (receipt, due] holds that day can move, so the others are not even read.

    Deadlines depend only on (policy, date of receipt, extra days) and the calendar, so each distinct triple is
    computed once and the rows sharing it are updated with one statement, with their timeline events written by
    the database (INSERT … SELECT) rather than row by row in Python.
    """
    calendar = entity_calendar(entity)
    open_cases = Manifestation.objects.filter(entity=entity, status__in=workflow.OPEN_STATUSES, paused_since=None)
    if day is not None:
        open_cases = open_cases.filter(received_on__lt=day, due_on__gte=day)
    groups = open_cases.values_list("policy_id", "received_on", "extra_days", "due_on").distinct()
    moved = 0
    now = timezone.now()
    is_pg = connection.vendor == "postgresql"
    # Only table names are interpolated (from model metadata); every value is a bound parameter.
    event_sql = (
        f"INSERT INTO {Event._meta.db_table} (manifestation_id, kind, created_at, actor_label, body, params) "  # noqa: S608
        f"SELECT id, 'deadline_recomputed', %s, 'sistema', '', {'%s::jsonb' if is_pg else '%s'} "
        f"FROM {Manifestation._meta.db_table} "
        "WHERE entity_id = %s AND policy_id = %s AND received_on = %s AND extra_days = %s AND due_on = %s "
        "AND paused_since IS NULL AND status IN ({})".format(", ".join(["%s"] * len(workflow.OPEN_STATUSES)))
    )
    with transaction.atomic():
        for policy_code, received_on, extra_days, due_on in list(groups.iterator()):
            new_due = deadlines.due_date(get_policy(policy_code), received_on, calendar, extra_days=extra_days)
            if new_due == due_on:
                continue
            params = json.dumps({"old_due": due_on.isoformat(), "new_due": new_due.isoformat(), "reason": reason})
            with connection.cursor() as cursor:
                cursor.execute(
                    event_sql,
                    [
                        now,
                        params,
                        entity.pk,
                        policy_code,
                        received_on,
                        extra_days,
                        due_on,
                        *workflow.OPEN_STATUSES,
                    ],
                )
            moved += open_cases.filter(
                policy_id=policy_code, received_on=received_on, extra_days=extra_days, due_on=due_on
            ).update(due_on=new_due)
    return moved


# --- Attachments ------------------------------------------------------------------------------------------


@transaction.atomic
def manifestation_attach(
    manifestation: Manifestation, *, upload: UploadedFile[bytes], actor: Actor, actor_label: str = ""
) -> Attachment:
    """Keep a document with the case, checked on its content; stored outside the web root under a random name."""
    m = _locked(manifestation)
    _transition(m, "attachment")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    with rule_errors():
        content_type = check_attachment(head=head, size=upload.size or 0, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = get_valid_filename(os.path.basename(upload.name or "")) or "arquivo"
    event = _record(
        m, "attachment", actor=actor, actor_label=actor_label, name=name[:200], size=upload.size, type=content_type
    )
    attachment = Attachment(
        manifestation=m,
        event=event,
        token=secrets.token_hex(16),
        original_name=name[:200],
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
    )
    attachment.file.save(attachment.token, File(upload), save=False)
    attachment.save()
    m.save()
    return attachment


# --- The Ouvidor's approval of the Ouvidoria's answers (seed 001 "Responsabilidades") --------------------------


@transaction.atomic
def answer_propose(
    manifestation: Manifestation, *, body: str, merits_reason: str = "", actor: Actor, actor_label: str = ""
) -> AnswerDraft:
    """The team drafts the conclusive answer (and the merits it proposes); it waits for the Ouvidor."""
    m = _locked(manifestation)
    _transition(m, "answer")
    if m.answer_drafts.filter(decided_at__isnull=True).exists():
        raise _invalid("body", "Já há uma resposta aguardando a aprovação do Ouvidor.")
    if merits_reason:
        with rule_errors("merits_reason."):
            workflow.merits_for(m.record_type_id, merits_reason)
    elif (
        m.record_type_id in workflow.TYPES_WITH_MERITS and not m.merits and m.instance.kind in workflow.OUVIDOR_DECIDES
    ):
        raise _invalid("merits_reason", "Proponha a classificação (procedente ou improcedente) com o motivo.")
    draft = AnswerDraft.objects.create(
        manifestation=m,
        body=_outgoing(body),
        merits_reason=merits_reason,
        proposed_by=actor,  # type: ignore[misc]
    )
    _record(
        m,
        "answer_proposal",
        actor=actor,
        actor_label=actor_label,
        body=draft.body,
        draft=draft.pk,
        merits_reason=merits_reason,
    )
    m.save()
    inbox.approval_requested(m, draft=draft, actor=actor)
    return draft


def _pending_draft(m: Manifestation, draft_id: int) -> AnswerDraft:
    draft = m.answer_drafts.select_for_update().filter(pk=draft_id, decided_at__isnull=True).first()
    if draft is None:
        raise _invalid("draft", "Esta resposta não está mais aguardando aprovação.")
    return draft


@transaction.atomic
def answer_approve(
    manifestation: Manifestation, *, draft_id: int, actor: Actor, body: str = "", actor_label: str = ""
) -> Manifestation:
    """The Ouvidor approves (possibly editing) the draft: merits recorded, answer sent, case concluded."""
    m = _locked(manifestation)
    draft = _pending_draft(m, draft_id)
    final_body = body.strip() or draft.body
    if draft.merits_reason:
        m = manifestation_set_merits(m, reason=draft.merits_reason, actor=actor, actor_label=actor_label)
    m = manifestation_answer(m, body=final_body, actor=actor, actor_label=actor_label)
    draft.decided_by, draft.decided_at, draft.approved = actor, timezone.now(), True  # type: ignore[assignment]
    draft.save(update_fields=["decided_by", "decided_at", "approved"])
    inbox.draft_decided(m, draft=draft, approved=True, actor=actor)
    return m


@transaction.atomic
def answer_return(
    manifestation: Manifestation, *, draft_id: int, note: str, actor: Actor, actor_label: str = ""
) -> Manifestation:
    """The Ouvidor sends the draft back to the team with what to change."""
    m = _locked(manifestation)
    draft = _pending_draft(m, draft_id)
    draft.decided_by, draft.decided_at, draft.approved = actor, timezone.now(), False  # type: ignore[assignment]
    draft.decision_note = _body(note, "note")
    draft.save(update_fields=["decided_by", "decided_at", "approved", "decision_note"])
    _record(m, "answer_rejection", actor=actor, actor_label=actor_label, body=draft.decision_note, draft=draft.pk)
    m.save()
    inbox.draft_decided(m, draft=draft, approved=False, actor=actor)
    return m


@transaction.atomic
def eligibility_override(
    manifestation: Manifestation, *, reason: str, assessment: Sequence[str], actor: Actor, actor_label: str = ""
) -> Manifestation:
    """Admit at the Ouvidoria a demand the eligibility rules would not yet admit, with the analyst's written reason
    (seed 001 "Para ser elegível": "excepcionalmente, demandas que não passaram pela primeira instância")."""
    m = _locked(manifestation)
    reason = reason.strip()
    if len(reason) < 10:
        raise _invalid("eligibility_override", "Escreva o motivo da admissão excepcional (ao menos 10 caracteres).")
    _record(m, "eligibility_override", actor=actor, actor_label=actor_label, body=reason, assessment=list(assessment))
    m.save()
    return m
