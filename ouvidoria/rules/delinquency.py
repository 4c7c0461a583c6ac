"""RN ANS 593/2023 delinquency notification: valid notices, instalments, the 10 days, who may hear what.

Source: seed 004 "1.20.07 - Notificação de Inadimplência" (RN 593/2023 as amended from 01/02/2025; the operator's
"Atendimento Receptivo" and "Atendimento Ativo" procedure). Choices where the seed is silent: docs/regulation.md
"RN 593 — notificação por inadimplência".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ouvidoria.rules.calendars import BusinessCalendar
from ouvidoria.rules.deadlines import due_date
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.policies import get_policy

PAYMENT_POLICY = "rn593-pagamento"

# Seed 004, the 2025 amendment: each channel and the proofs that make a notice through it count.
# "E-mail, desde que o e-mail possua certificado digital ou haja a confirmação de leitura";
# "SMS ou via aplicativo de mensagens com criptografia de ponta a ponta, desde que o beneficiário responda";
# "Ligação telefônica gravada, de forma pessoal ou pelo sistema URA, desde que haja a confirmação de dados".
CHANNELS: dict[str, str] = {
    "email": "E-mail",
    "sms": "SMS",
    "messaging": "Aplicativo de mensagens com criptografia de ponta a ponta",
    "phone": "Ligação telefônica gravada (atendente)",
    "in_person": "Atendimento pessoal gravado",
    "ivr": "Ligação pela URA (Unidade de Resposta Audível)",
}
PROOFS: dict[str, str] = {
    "smime_signature": "assinatura com certificado digital (S/MIME)",
    "read_confirmation": "confirmação de leitura",
    "beneficiary_reply": "resposta do beneficiário",
    "data_confirmed": "confirmação de dados pelo beneficiário",
}
VALID_PROOFS: dict[str, frozenset[str]] = {
    "email": frozenset({"smime_signature", "read_confirmation"}),
    "sms": frozenset({"beneficiary_reply"}),
    "messaging": frozenset({"beneficiary_reply"}),
    "phone": frozenset({"data_confirmed"}),
    "in_person": frozenset({"data_confirmed"}),
    "ivr": frozenset({"data_confirmed"}),
}
RECORDED_CHANNELS = frozenset({"phone", "in_person", "ivr"})

_MISSING_PROOF = {
    "email": "o e-mail precisa de assinatura com certificado digital (S/MIME) ou de confirmação de leitura",
    "sms": "o SMS só vale com a resposta do beneficiário",
    "messaging": "a mensagem só vale com a resposta do beneficiário",
    "phone": "a ligação gravada só vale com a confirmação de dados pelo beneficiário",
    "in_person": "o atendimento pessoal só vale gravado e com a confirmação de dados pelo beneficiário",
    "ivr": "a ligação pela URA só vale com a confirmação de dados pelo beneficiário",
}


@dataclass(frozen=True)
class NoticeValidity:
    valid: bool
    reason: str  # why not, in Portuguese; empty when valid


def notice_validity(channel: str, proofs: set[str] | frozenset[str], *, recorded: bool = False) -> NoticeValidity:
    """Whether a notice through ``channel`` with ``proofs`` counts (seed 004, the 2025 amendment)."""
    if channel not in CHANNELS:
        raise RuleViolation("channel", "Canal de notificação desconhecido.")
    unknown = set(proofs) - set(PROOFS)
    if unknown:
        raise RuleViolation("proofs", "Comprovação de notificação desconhecida.")
    if channel in RECORDED_CHANNELS and not recorded:
        return NoticeValidity(False, "A notificação ainda não vale: a ligação ou o atendimento precisa estar gravado.")
    if not VALID_PROOFS[channel] & set(proofs):
        return NoticeValidity(False, f"A notificação ainda não vale: {_MISSING_PROOF[channel]}.")
    return NoticeValidity(True, "")


# Seed 004: "A Notificação deverá ser por mensalidades (30 dias) = 01 mensalidade e dias de atraso no caso período
# inferior a 30 dias."
DAYS_PER_INSTALMENT = 30


def days_overdue(due: date, today: date) -> int:
    return max(0, (today - due).days)


def overdue_text(due: date, today: date) -> str:
    """How the notice states the delay: in instalments from 30 days, in days below."""
    days = days_overdue(due, today)
    if days >= DAYS_PER_INSTALMENT:
        n = days // DAYS_PER_INSTALMENT
        return f"{n} mensalidade" if n == 1 else f"{n} mensalidades"
    return f"{days} dia de atraso" if days == 1 else f"{days} dias de atraso"


# Seed 004 "Atendimento Ativo": "beneficiários inadimplentes (com o prazo de 50 dias e/ou mais de inadimplência)".
CAMPAIGN_MIN_DAYS_OVERDUE = 50


def in_active_campaign(oldest_due: date, today: date) -> bool:
    return days_overdue(oldest_due, today) >= CAMPAIGN_MIN_DAYS_OVERDUE


def payment_due(notice_day: date, calendar: BusinessCalendar) -> date:
    """Seed 004: "prazo de 10 dias a contar da data da notificação" — policy rn593-pagamento (calendar days)."""
    return due_date(get_policy(PAYMENT_POLICY), notice_day, calendar)


def may_be_cancelled(
    *,
    valid_notice_day: date | None,
    today: date,
    calendar: BusinessCalendar,
    paid: bool,
    negotiated: bool,
) -> bool:
    """Eligible for cancellation: a valid notice, its 10 days passed, nothing paid or negotiated.

    The product only shows it to finance ("pode ser cancelado por inadimplência"); it never cancels by itself.
    """
    if valid_notice_day is None or paid or negotiated:
        return False
    return today > payment_due(valid_notice_day, calendar)


# Seed 004 "Atendimento Receptivo": who is calling decides what may be said.
CALLERS: dict[str, str] = {
    "titular": "Titular",
    "agregado_desmembrado": "Agregado desmembrado",
    "responsavel_financeiro": "Responsável financeiro",
    "dependente": "Dependente",
    "agregado_nao_desmembrado": "Agregado não desmembrado",
}
FINANCIAL_CALLERS = frozenset({"titular", "agregado_desmembrado", "responsavel_financeiro"})
# "Orientar que o titular entre em contato para tratar sobre pendências administrativas. Não verbalizar o termo
# 'pendências financeiras'."
ADMINISTRATIVE_SCRIPT = (
    "Existem pendências administrativas relacionadas ao plano. Por gentileza, oriente o titular a entrar em contato "
    "com a Central para tratar do assunto."
)
FORBIDDEN_TERM = "pendências financeiras"


def caller_path(caller: str) -> str:
    """``"financial"`` (titles and the 10-day warning) or ``"administrative"`` (no financial detail)."""
    if caller not in CALLERS:
        raise RuleViolation("caller", "Informe quem está ligando: titular, agregado, responsável ou dependente.")
    return "financial" if caller in FINANCIAL_CALLERS else "administrative"


# Seed 004 "Terceiro passo": "Tentativas - da 1ª (primeira) a 5ª (quinta)".
MAX_ATTEMPTS = 5
OUTCOMES: dict[str, str] = {
    "no_answer": "Não atende",
    "refused": "Recusou a ligação",
    "wrong_number": "Número errado",
    "notified": "Notificado",
    "already_paid": "Já pagou (comprovante solicitado)",
    "negotiating": "Negociação",
}
FINAL_OUTCOMES = frozenset({"notified", "already_paid", "negotiating", "wrong_number"})


def check_attempt(number: int, outcome: str) -> None:
    if not 1 <= number <= MAX_ATTEMPTS:
        raise RuleViolation("attempt", f"As tentativas vão da 1ª à {MAX_ATTEMPTS}ª.")
    if outcome not in OUTCOMES:
        raise RuleViolation("outcome", "Resultado da tentativa desconhecido.")


def attempts_exhausted(attempts_so_far: int, last_outcome: str | None) -> bool:
    """No further call: five attempts made, or an outcome that ends the campaign for this beneficiary."""
    return attempts_so_far >= MAX_ATTEMPTS or (last_outcome in FINAL_OUTCOMES)
