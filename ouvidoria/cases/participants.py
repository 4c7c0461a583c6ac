"""Demands that involve another Open Insurance participant (seed 000 §4.3.1 and §5): the hand-off to one of its key
contacts, by phone or e-mail, with the participant's own 7-day due date, and its answer coming back.

The rules (due date, channels) are ``ouvidoria.rules.participants``; this module writes them, one function per
action as ``cases.services`` does.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ouvidoria.cases.models import Manifestation, ParticipantHandoff
from ouvidoria.cases.services import Actor, _body, _invalid, _locked, _record, _transition, rule_errors
from ouvidoria.entities.models import Entity, KeyContact
from ouvidoria.entities.services import entity_calendar
from ouvidoria.notify.outbox import email_queue
from ouvidoria.rules import participants as rule
from ouvidoria.rules.protocol import format_protocol


def participants_for(m: Manifestation) -> QuerySet[Entity]:
    """The other participants a case of ``m``'s entity may be handed to."""
    return Entity.objects.filter(opin_participant=True, active=True).exclude(pk=m.entity_id).order_by("name")


def involves_participants(m: Manifestation) -> bool:
    """Does the case's entity work with other participants (an OPIN participant, or the OPIN structure itself)?"""
    return bool(m.entity.opin_participant or m.entity.opin_structure)


@transaction.atomic
def participant_handoff(
    manifestation: Manifestation,
    *,
    contact: KeyContact,
    channel: str,
    question: str,
    actor: Actor,
    actor_label: str = "",
) -> ParticipantHandoff:
    """Reach another participant's key contact (§5) and give it its own due date (§4.3.1); the case's stays."""
    m = _locked(manifestation)
    _transition(m, "participant_handoff")
    participant = contact.entity
    if not participant.opin_participant or participant.pk == m.entity_id:
        raise _invalid("contact", "Contato-chave: escolha o contato de outra participante do Open Insurance.")
    with rule_errors():
        rule.check_channel(channel, phone=contact.phone, email=contact.email)
    text = _body(question, "question")
    now = timezone.now()
    due_on = rule.handoff_due(
        handed_on=timezone.localdate(now), case_due=m.due_on, calendar=entity_calendar(participant)
    )
    reached_at = contact.phone if channel == "phone" else contact.email
    handoff = ParticipantHandoff.objects.create(
        manifestation=m,
        participant=participant,
        contact=contact,
        contact_name=contact.name,
        channel=channel,
        reached_at=reached_at,
        question=text,
        handed_at=now,
        due_on=due_on,
        handed_by=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
    )
    _record(
        m,
        "participant_handoff",
        actor=actor,
        actor_label=actor_label,
        body=text,
        handoff=handoff.pk,
        participant=participant.name,
        contact=contact.name,
        channel=rule.CHANNELS[channel],
        participant_due=due_on.isoformat(),
    )
    if channel == "email":
        protocol = format_protocol(m.protocol)
        email_queue(
            key=f"participant-handoff:{handoff.pk}",
            to=contact.email,
            subject=f"Demanda do Open Insurance para {participant.name} — protocolo {protocol}",
            body=(
                f"Olá, {contact.name}.\n\n{m.entity.name} aciona {participant.name} sobre a demanda de protocolo "
                f"{protocol}, que envolve a sua participante (Manual de Atendimento do Open Insurance, §5):\n\n"
                f"{text}\n\nO prazo de resposta da participante vai até {due_on:%d/%m/%Y} (7 dias corridos do "
                f"recebimento, §4.3.1). Responda a este e-mail citando o protocolo.\n\nAtenciosamente,\n"
                f"{m.instance.label} — {m.entity.name}\n"
            ),
            manifestation=m,
        )
    m.save()
    return handoff


@transaction.atomic
def participant_reply(
    manifestation: Manifestation, *, handoff_id: int, reply: str, actor: Actor, actor_label: str = ""
) -> ParticipantHandoff:
    """The participant's answer comes back onto the timeline."""
    m = _locked(manifestation)
    _transition(m, "participant_reply")
    handoff = ParticipantHandoff.objects.filter(pk=handoff_id, manifestation=m).select_related("participant").first()
    if handoff is None:
        raise _invalid("handoff", "Acionamento não encontrado nesta manifestação.")
    if handoff.replied_at is not None:
        raise _invalid("handoff", "A resposta desta participante já foi registrada.")
    handoff.reply, handoff.replied_at = _body(reply, "reply"), timezone.now()
    handoff.save(update_fields=["reply", "replied_at"])
    _record(
        m,
        "participant_reply",
        actor=actor,
        actor_label=actor_label,
        body=handoff.reply,
        handoff=handoff.pk,
        participant=handoff.participant.name,
        on_time=timezone.localdate() <= handoff.due_on,
    )
    m.save()
    return handoff
