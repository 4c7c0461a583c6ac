"""Agreements the Ouvidoria makes with the requester (seed 001 "Obrigações legais" VII: the monthly spreadsheet of
the agreements; "Matriz de Responsabilidade": "Definições propostas de acordo — Ouvidor/Gerente Administrativo/
Diretor"): proposed by the team, decided by one of those three, the payment recorded when it is made."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ouvidoria.cases.models import Agreement, Manifestation
from ouvidoria.cases.services import Actor, _body, _invalid, _locked, _record, _transition


def _check_paid_on(paid_on: date | None, agreed_on: date) -> None:
    if paid_on is None:
        return
    if paid_on < agreed_on:
        raise _invalid("paid_on", "O pagamento não pode ser anterior ao acordo.")
    if paid_on > timezone.localdate():
        raise _invalid("paid_on", "A data do pagamento não pode estar no futuro.")


@transaction.atomic
def manifestation_agreement(
    manifestation: Manifestation,
    *,
    agreed_on: date,
    description: str,
    actor: Actor,
    amount: Decimal | None = None,
    paid_on: date | None = None,
    decided: bool = True,
    actor_label: str = "",
) -> Agreement:
    """Record an agreement with the requester. ``decided``: the actor may decide agreements (the Ouvidor, the
    Gerente Administrativo, the Diretor), so it is approved at once; otherwise it is proposed to them."""
    m = _locked(manifestation)
    _transition(m, "internal_note")
    if agreed_on > timezone.localdate():
        raise _invalid("agreed_on", "A data do acordo não pode estar no futuro.")
    if agreed_on < m.received_on:
        raise _invalid("agreed_on", "A data do acordo não pode ser anterior ao recebimento da manifestação.")
    if amount is not None and amount < 0:
        raise _invalid("amount", "O valor do acordo não pode ser negativo.")
    _check_paid_on(paid_on, agreed_on)
    if paid_on is not None and not decided:
        raise _invalid("paid_on", "O pagamento só é registrado depois que a proposta de acordo for aprovada.")
    now = timezone.now()
    actor_row = actor if actor is not None and actor.is_authenticated else None
    agreement = Agreement.objects.create(
        manifestation=m,
        agreed_on=agreed_on,
        description=_body(description, "description"),
        amount=amount,
        paid_on=paid_on,
        status="approved" if decided else "proposed",
        decided_by=actor_row if decided else None,
        decided_at=now if decided else None,
        created_by=actor_row,  # type: ignore[misc]
    )
    _record(
        m,
        "agreement",
        actor=actor,
        actor_label=actor_label,
        body=agreement.description,
        agreement=agreement.pk,
        agreed_on=agreed_on.isoformat(),
        amount=str(amount) if amount is not None else None,
        status=agreement.status,
    )
    m.save()
    return agreement


def _agreement(m: Manifestation, agreement_id: int) -> Agreement:
    found = Agreement.objects.select_for_update().filter(pk=agreement_id, manifestation=m).first()
    if found is None:
        raise _invalid("agreement", "Acordo não encontrado nesta manifestação.")
    return found


@transaction.atomic
def agreement_decide(
    manifestation: Manifestation,
    *,
    agreement_id: int,
    approve: bool,
    note: str = "",
    actor: Actor,
    actor_label: str = "",
) -> Agreement:
    """The Ouvidor, the Gerente Administrativo or the Diretor approves or refuses a proposal of agreement."""
    m = _locked(manifestation)
    _transition(m, "internal_note")
    agreement = _agreement(m, agreement_id)
    if agreement.status != "proposed":
        raise _invalid("agreement", "Esta proposta de acordo já foi decidida.")
    if not approve and not note.strip():
        raise _invalid("note", "Escreva o motivo da recusa da proposta de acordo.")
    agreement.status = "approved" if approve else "refused"
    agreement.decided_by = actor if actor is not None and actor.is_authenticated else None  # type: ignore[assignment]
    agreement.decided_at = timezone.now()
    agreement.decision_note = note.strip()
    agreement.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    _record(
        m,
        "agreement_decision",
        actor=actor,
        actor_label=actor_label,
        body=agreement.decision_note,
        agreement=agreement.pk,
        approved=approve,
    )
    m.save()
    return agreement


@transaction.atomic
def agreement_paid(
    manifestation: Manifestation, *, agreement_id: int, paid_on: date | None, actor: Actor, actor_label: str = ""
) -> Agreement:
    """The payment of an approved agreement, recorded when it is made (it goes into the monthly spreadsheet)."""
    m = _locked(manifestation)
    _transition(m, "internal_note")
    agreement = _agreement(m, agreement_id)
    if agreement.status != "approved":
        raise _invalid("agreement", "Só um acordo aprovado tem pagamento a registrar.")
    if paid_on is None:
        raise _invalid("paid_on", "Informe a data do pagamento.")
    _check_paid_on(paid_on, agreement.agreed_on)
    agreement.paid_on = paid_on
    agreement.save(update_fields=["paid_on"])
    _record(
        m,
        "agreement_payment",
        actor=actor,
        actor_label=actor_label,
        agreement=agreement.pk,
        paid_on=paid_on.isoformat(),
    )
    m.save()
    return agreement
