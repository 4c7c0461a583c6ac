"""Cases an external body sent: its reference and its own deadline, and the answer sent back to it by its rules
(``ouvidoria.rules.external``; seed 001 "Manifestações Provenientes de Outros Órgãos")."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from ouvidoria.cases.models import Event, Manifestation
from ouvidoria.cases.services import Actor, _invalid, _locked, _record, _transition, rule_errors
from ouvidoria.rules import external as rule
from ouvidoria.rules.policies import get_policy


def _external(m: Manifestation) -> None:
    if m.instance.kind != "external":
        raise _invalid("instance", "Esta manifestação não veio de um órgão externo.")


@transaction.atomic
def external_body_record(
    manifestation: Manifestation,
    *,
    reference: str,
    body_due_on: date | None,
    actor: Actor,
    actor_label: str = "",
) -> Manifestation:
    """The body's own reference (its protocol) and deadline; an earlier deadline than the policy's becomes the
    case's, since the body's is the one the entity answers to."""
    m = _locked(manifestation)
    _transition(m, "external_data")
    _external(m)
    reference = reference.strip()[:100]
    if not reference and body_due_on is None:
        raise _invalid("reference", "Informe o número no órgão externo ou o prazo que ele deu.")
    if body_due_on is not None:
        with rule_errors():
            rule.check_body_due(body_due_on, m.received_on)
    old_due = m.due_on
    if reference:
        m.external_reference = reference
    if body_due_on is not None:
        m.external_due_on = body_due_on
        if m.is_open:
            m.due_on = rule.effective_due(m.due_on, body_due_on)
    _record(
        m,
        "external_data",
        actor=actor,
        actor_label=actor_label,
        reference=m.external_reference,
        body_due=body_due_on.isoformat() if body_due_on else None,
        old_due=old_due.isoformat(),
        new_due=m.due_on.isoformat(),
    )
    m.save()
    return m


@transaction.atomic
def external_answer_send(
    manifestation: Manifestation,
    *,
    via: str,
    sent_at: datetime | None = None,
    reference: str = "",
    note: str = "",
    actor: Actor,
    actor_label: str = "",
) -> Event:
    """Record how, when and by whom the conclusive answer went back to the body; on consumidor.gov.br, the days the
    requester then has to rate it."""
    m = _locked(manifestation)
    _transition(m, "external_answer_sent")
    _external(m)
    with rule_errors():
        rule.check_via(via)
    sent_at = sent_at or timezone.now()
    if sent_at > timezone.now():
        raise _invalid("sent_at", "Data do envio: não pode estar no futuro.")
    if m.concluded_at is not None and sent_at < m.concluded_at:
        raise _invalid("sent_at", "Data do envio: é anterior à resposta conclusiva.")
    sent_on = timezone.localtime(sent_at).date()
    until = rule.rating_until(sent_on, get_policy(m.policy_id).rating_days)
    if reference.strip():
        m.external_reference = reference.strip()[:100]
    event = _record(
        m,
        "external_answer_sent",
        actor=actor,
        actor_label=actor_label,
        body=note.strip(),
        at=sent_at,
        via=rule.VIAS[via],
        reference=m.external_reference,
        rating_until=until.isoformat() if until else None,
    )
    m.save()
    return event
