"""Demands that involve another Open Insurance participant: the hand-off to its key contacts and its own deadline.

Sources: seed 000 §4.3.1 "Fale conosco (Service Desk)" ("cada participante envolvida na resposta terá um prazo de 7
dias corridos após o recebimento do chamado ... o prazo para a resposta ao cliente se mantém preservado") and §5
"Contatos-Chave" ("Os profissionais-chave das participantes serão acionados por telefone e/ou e-mail, quando a demanda
do cliente envolver outra(s) participante(s) em seu tratamento").
"""

from datetime import date

from ouvidoria.rules.calendars import BusinessCalendar
from ouvidoria.rules.deadlines import due_date
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.policies import get_policy

PARTICIPANT_POLICY = "opin-participant"
# How the key contact was reached (§5: "por telefone e/ou e-mail").
CHANNELS: dict[str, str] = {"phone": "telefone", "email": "e-mail"}


def handoff_due(*, handed_on: date, case_due: date, calendar: BusinessCalendar) -> date:
    """The participant's own due date: 7 calendar days from receiving the hand-off, never past the case's own (the
    requester's deadline is preserved whatever the hand-offs)."""
    own = due_date(get_policy(PARTICIPANT_POLICY), handed_on, calendar)
    return min(own, max(case_due, handed_on))


def check_channel(channel: str, *, phone: str, email: str) -> None:
    if channel not in CHANNELS:
        raise RuleViolation("channel", "Meio do acionamento: escolha telefone ou e-mail.")
    if channel == "phone" and not phone:
        raise RuleViolation("channel", "Este contato-chave não tem telefone: acione por e-mail.")
    if channel == "email" and not email:
        raise RuleViolation("channel", "Este contato-chave não tem e-mail: acione por telefone.")
