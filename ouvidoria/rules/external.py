"""Cases that external bodies send (PROCON, BACEN RDR, ANS NIP, SUSEP, consumidor.gov.br, Reclame Aqui, the press):
the answer goes back to the body that sent it, by its own rules.

Sources: seed 001 "Manifestações Provenientes de Outros Órgãos" ("as respostas … são enviadas para o mesmo órgão que a
originou, respeitando as regras para resposta de cada um deles"); seed 000 §1.2 (Circular SUSEP 643/2021:
consumidor.gov.br, 10 days to answer; the consumer then has 20 days to rate it, "resolvida / não resolvida" and a
score from 1 to 5).
"""

from datetime import date, timedelta

from ouvidoria.rules.errors import RuleViolation

# How an answer reaches the body.
VIAS: dict[str, str] = {
    "platform": "Plataforma ou sistema do órgão",
    "email": "E-mail ao órgão",
    "letter": "Ofício ou carta",
    "in-person": "Entrega presencial",
}


def check_via(via: str) -> None:
    if via not in VIAS:
        raise RuleViolation("via", "Meio de envio: escolha como a resposta chegou ao órgão.")


def effective_due(policy_due: date, body_due: date | None) -> date:
    """The date the case must be answered by: the policy's, or the body's own when that comes first."""
    return min(policy_due, body_due) if body_due is not None else policy_due


def check_body_due(body_due: date, received_on: date) -> None:
    if body_due < received_on:
        raise RuleViolation("body_due_on", "Prazo do órgão: a data é anterior ao recebimento da manifestação.")


def rating_until(sent_on: date, rating_days: int | None) -> date | None:
    """Until when the requester may rate the answer on the body's platform (consumidor.gov.br: 20 days)."""
    return sent_on + timedelta(days=rating_days) if rating_days else None
