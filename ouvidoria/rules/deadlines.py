"""The deadline engine: due dates, extensions, pauses, warnings and status.

Counting conventions (DOMAIN.md "Counting conventions"; docs/regulation.md "Deadlines and calendars"):
the day of receipt is never counted; business-day rules end on the N-th business day after receipt;
calendar-day rules end on receipt + N days, moved to the next business day when that is not one (Código Civil
art. 132 §1).
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from math import floor
from typing import Literal

from ouvidoria.rules.calendars import BusinessCalendar
from ouvidoria.rules.errors import RuleViolation
from ouvidoria.rules.policies import DeadlinePolicy

DeadlineStatus = Literal["on_time", "at_risk", "due_today", "overdue"]

# A justification shorter than this says nothing (seed 001 'Prazo para Resposta da Demanda': the requester
# must be told the reasons; seed 002 art. 3 VI: "devidamente justificados").
MIN_JUSTIFICATION_LENGTH = 10

# (singular, plural) of each unit, for messages.
_UNIT_NAMES = {"business": ("dia útil", "dias úteis"), "calendar": ("dia corrido", "dias corridos")}


def _days_text(policy: DeadlinePolicy, days: int) -> str:
    singular, plural = _UNIT_NAMES[policy.unit]
    return f"{days} {singular if days == 1 else plural}"


def due_date(policy: DeadlinePolicy, received: date, calendar: BusinessCalendar, *, extra_days: int = 0) -> date:
    """The last day to answer a manifestation received on ``received``.

    ``extra_days`` (granted extensions + paused days, in the policy's unit) are added to the policy's days.
    """
    if extra_days < 0:
        raise ValueError("Os dias adicionais (prorrogação e pausas) não podem ser negativos.")
    n = policy.days + extra_days
    if policy.unit == "business":
        return calendar.add_business_days(received, n)
    # Código Civil art. 132 §1: a deadline falling on a non-business day moves to the next business day.
    return calendar.roll_forward(received + timedelta(days=n))


def extension_days(
    policy: DeadlinePolicy,
    *,
    current_extra_days: int,
    extensions_so_far: int,
    requested_days: int | None,
    justification: str,
    agreed_with_requester: bool,
    month_extensions: int,
    month_total: int,
) -> int:
    """Validate an extension (prorrogação) and return the days to add to the deadline, in the policy's unit.

    ``month_extensions`` counts the extensions already granted in the calendar month of the manifestation's
    receipt; ``month_total`` counts that month's manifestations, including this one.
    """
    if min(current_extra_days, extensions_so_far, month_extensions, month_total) < 0:
        raise ValueError("Contagens de dias, prorrogações e manifestações não podem ser negativas.")
    rule = policy.extension
    if rule is None:
        raise RuleViolation("policy", f"O prazo desta política ({policy.label}) não pode ser prorrogado.")

    # seed 001 'Prazo para Resposta da Demanda': "excepcionalmente uma única vez"; seed 002 art. 3 VI.
    if extensions_so_far >= rule.max_count:
        if rule.max_count == 1:
            message = "A prorrogação já foi concedida uma vez; o prazo não pode ser prorrogado novamente."
        else:
            message = f"O prazo já foi prorrogado {extensions_so_far} vezes, o máximo permitido."
        raise RuleViolation("policy", message)

    if rule.requires_justification and len(justification.strip()) < MIN_JUSTIFICATION_LENGTH:
        raise RuleViolation(
            "justification",
            f"Informe a justificativa da prorrogação (pelo menos {MIN_JUSTIFICATION_LENGTH} caracteres); "
            "ela será comunicada ao demandante.",
        )

    if rule.days is not None:
        # seed 001: "por igual período" -- the length is fixed.
        if requested_days is not None and requested_days != rule.days:
            raise RuleViolation(
                "days",
                f"A prorrogação é por igual período: {_days_text(policy, rule.days)}, "
                f"não {_days_text(policy, requested_days)}.",
            )
        days = rule.days
    else:
        # seed 002 art. 3 VI: a longer deadline, "não superior a 30 dias úteis" in all.
        if requested_days is None:
            raise RuleViolation("days", "Informe por quantos dias o prazo será prorrogado.")
        if requested_days < 1:
            raise RuleViolation("days", f"A prorrogação deve ser de pelo menos {_days_text(policy, 1)}.")
        if rule.max_total_days is not None:
            current = policy.days + current_extra_days
            available = max(rule.max_total_days - current, 0)
            if requested_days > available:
                raise RuleViolation(
                    "days",
                    f"O prazo total não pode passar de {_days_text(policy, rule.max_total_days)}. "
                    f"O prazo atual é de {_days_text(policy, current)}; a prorrogação pode ser de no máximo "
                    f"{_days_text(policy, available)}.",
                )
        days = requested_days

    # seed 002 art. 3 VI: "pactuação junto ao beneficiário".
    if rule.requires_agreement and not agreed_with_requester:
        raise RuleViolation(
            "agreement", "A prorrogação precisa ser combinada com o demandante: registre a concordância dele."
        )

    # seed 001 'Prazo para Resposta da Demanda': "limitado o número de prorrogações a 10% do total de demandas
    # no mês". Fraction avoids 0.1 * n landing just under an integer.
    if rule.monthly_cap_ratio is not None:
        ratio = Fraction(str(rule.monthly_cap_ratio))
        cap = floor(ratio * month_total)
        if month_extensions + 1 > cap:
            raise RuleViolation(
                "monthly_cap",
                f"Limite mensal de prorrogações atingido: {month_extensions} de {month_total} manifestações "
                f"do mês (máximo {float(ratio * 100):g}%). Com esta seriam {month_extensions + 1}, "
                f"e o máximo do mês é {cap}.",
            )
    return days


def paused_days(policy: DeadlinePolicy, *, start: date, end: date, calendar: BusinessCalendar) -> int:
    """Days to add to the deadline after the clock stopped from ``start`` to ``end``.

    The clock stops while the case waits for the requester's complement, where the policy allows it.
    """
    if not policy.pause_allowed:
        raise RuleViolation(
            "policy",
            f"O prazo desta política ({policy.label}) corre sem pausa, mesmo aguardando o demandante.",
        )
    if end <= start:
        return 0
    if policy.unit == "business":
        return calendar.business_days_between(start, end)
    return (end - start).days


def warning_date(due: date, calendar: BusinessCalendar, warn_business_days: int) -> date:
    """The day from which a case is "at risk": ``warn_business_days`` business days before ``due``."""
    if warn_business_days < 0:
        raise ValueError("A antecedência do alerta não pode ser negativa.")
    return calendar.add_business_days(due, -warn_business_days)


def business_days_left(today: date, due: date, calendar: BusinessCalendar) -> int:
    """Business days from today to ``due``: 0 on the due day, minus the business days since when overdue."""
    return calendar.business_days_between(today, due)


def time_left(
    policy: DeadlinePolicy, today: date, due: date, calendar: BusinessCalendar, *, short: bool = False
) -> str:
    """What is left of a deadline, in the policy's own unit ("15 dias corridos" stays calendar days everywhere), or
    how late it is ("atrasada há 3 dias úteis"), in Portuguese."""
    if policy.unit == "business":
        n = abs(calendar.business_days_between(today, due))
        unit = "dia útil" if n == 1 else "dias úteis"
    else:
        n = abs((due - today).days)
        unit = "dia corrido" if n == 1 else "dias corridos"
    if today > due:
        return f"atrasada há {n} {unit}"
    if today == due:
        return "vence hoje"
    if short:
        return f"{n} {unit}"
    return f"{n} {unit} restante" + ("" if n == 1 else "s")


def deadline_status(today: date, due: date, calendar: BusinessCalendar, warn_business_days: int) -> DeadlineStatus:
    if today > due:
        return "overdue"
    if today == due:
        return "due_today"
    if today >= warning_date(due, calendar, warn_business_days):
        return "at_risk"
    return "on_time"


def rating_due(policy: DeadlinePolicy, answered: date) -> date | None:
    """Last day for the requester to rate the answer (consumidor.gov.br: 20 days, seed 000 §1.2).

    Plain calendar days, not moved: the rating window is the consumer's, run by the platform, not a deadline
    of the entity, so the entity's calendar does not apply.
    """
    if policy.rating_days is None:
        return None
    return answered + timedelta(days=policy.rating_days)


# The requester may evaluate the answer within 20 days of it (the window of consumidor.gov.br, seed 000 §1.2, applied
# to every channel of the portal: docs/regulation.md, "Portal").
EVALUATION_WINDOW_DAYS = 20


def evaluation_open(answered: date, today: date) -> bool:
    return answered <= today <= answered + timedelta(days=EVALUATION_WINDOW_DAYS)
