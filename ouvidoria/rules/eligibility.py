"""May this demand go to the Ouvidoria (the last internal instance)? Answered in plain words.

Sources: seed 001 "Para ser elegível" (Banco Central: a first-instance protocol open and unsolved for 3 business
days or more on the same subject; or solved with an answer the requester finds unsatisfactory; or an Ouvidoria case
open or closed in the last 30 days; or a case at an external body; exceptionally, a demand that never went through the
first instance; anything sent by the Banco Central or another body); seed 002 art. 1 §2–3 (ANS: the Ouvidoria may ask
for the earlier protocol, but its absence never blocks access); seed 000 §4.3.1 (Open Insurance: the Ouvidoria is
for clients who already have a protocol). Choices for the other regimes: docs/regulation.md, "Elegibilidade".
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from ouvidoria.rules.calendars import BusinessCalendar

# Seed 001: "aberto e não solucionado há 3 dias úteis ou mais".
UNSOLVED_BUSINESS_DAYS = 3
# Seed 001: "manifestação na Ouvidoria aberta ou encerrada nos últimos 30 dias".
RECENT_OMBUDSMAN_DAYS = 30


@dataclass(frozen=True)
class EarlierCase:
    protocol: str
    instance_kind: str  # first_instance, opin, ombudsman, external
    received_on: date
    subject: str = ""
    open: bool = True
    concluded_on: date | None = None
    # The requester's evaluation: True resolved, False not resolved, None not rated.
    resolved: bool | None = None


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    # Refused without a written override (BCB and Open Insurance); elsewhere only advice.
    blocking: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def summary(self) -> str:
        return " ".join(self.reasons)


def cited_by_the_requester(case: EarlierCase) -> EarlierCase:
    """An earlier case as the requester's own citation of it reads: citing an answered case to take the demand to
    the Ouvidoria says its answer did not satisfy them (seed 001 "Para ser elegível": "solucionado com resposta que o
    requerente considere insatisfatória"), whatever they rated it before. Their word now counts
    (docs/regulation.md, "Portal")."""
    return replace(case, resolved=None)


def earlier_protocol_required(regime: str, opin_participant: bool) -> bool:
    """Banco Central entities (seed 001) and Open Insurance participants (seed 000 §4.3.1) admit at the Ouvidoria only
    demands that went through the first instance; ANS operators never require it (seed 002 art. 1 §3)."""
    return regime == "bcb" or opin_participant


def check_eligibility(
    *,
    regime: str,
    opin_participant: bool,
    subject: str,
    earlier: Sequence[EarlierCase],
    today: date,
    calendar: BusinessCalendar,
    sent_by_external_body: bool = False,
) -> Eligibility:
    if sent_by_external_body:
        return Eligibility(True, False, ("Demanda enviada por órgão externo: a Ouvidoria a atende diretamente.",))
    if regime == "ans":
        if earlier:
            return Eligibility(True, False, ("Protocolo anterior informado.",))
        return Eligibility(
            True,
            False,
            (
                "Operadora de plano de saúde (ANS): a Ouvidoria pode pedir o protocolo anterior, "
                "mas a falta dele nunca impede o atendimento.",
            ),
        )
    reasons = [reason for case in earlier if (reason := _qualifies(case, subject, today, calendar))]
    if reasons:
        return Eligibility(True, False, tuple(reasons))
    blocking = earlier_protocol_required(regime, opin_participant)
    if not earlier:
        why = (
            "A Ouvidoria é a última instância interna: o manifestante deve antes procurar o SAC ou a central de "
            "atendimento e informar aqui o protocolo desse atendimento."
        )
    else:
        why = (
            "Os protocolos informados não permitem ainda ir à Ouvidoria: o atendimento de primeira instância está "
            f"aberto há menos de {UNSOLVED_BUSINESS_DAYS} dias úteis, ou é de outro assunto, ou foi resolvido."
        )
    if blocking:
        why += " Excepcionalmente, o analista pode admitir a demanda registrando o motivo."
    return Eligibility(False, blocking, (why,))


def _qualifies(case: EarlierCase, subject: str, today: date, calendar: BusinessCalendar) -> str:
    if case.instance_kind == "external":
        return f"Há demanda em órgão externo (protocolo {case.protocol})."
    if case.instance_kind == "ombudsman":
        last = case.concluded_on if not case.open and case.concluded_on else today
        if case.open or (today - last).days <= RECENT_OMBUDSMAN_DAYS:
            return (
                f"Há manifestação na Ouvidoria aberta ou encerrada nos últimos {RECENT_OMBUDSMAN_DAYS} dias "
                f"({case.protocol})."
            )
        return ""
    same_subject = not subject or not case.subject or case.subject == subject
    if case.open:
        waited = calendar.business_days_between(case.received_on, today)
        if same_subject and waited >= UNSOLVED_BUSINESS_DAYS:
            return (
                f"O protocolo {case.protocol} está aberto e sem solução há {waited} dias úteis "
                f"(mínimo {UNSOLVED_BUSINESS_DAYS})."
            )
        return ""
    if case.resolved is True:
        return ""
    return f"O protocolo {case.protocol} foi respondido e o manifestante não ficou satisfeito com a solução."
