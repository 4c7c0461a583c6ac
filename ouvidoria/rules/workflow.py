"""Which action may happen in which status, and where it leads.

Sources: seed 001 "Atendimento das Solicitações, Reclamações e Denúncias" (triage, protocol, analysis, forwarding,
answer, closure), "Critérios de Qualificação" (merits), "Parecer e Respostas" (a conclusive answer states the merits);
seed 000 §4.3 (front and back office). The timeline records every action; this module only decides legality.
"""

from dataclasses import dataclass
from typing import Literal

from ouvidoria.rules.errors import RuleViolation

Status = Literal["new", "in_analysis", "waiting_area", "waiting_requester", "answered", "closed"]

STATUS_LABELS: dict[str, str] = {
    "new": "Registrada",
    "in_analysis": "Em análise",
    "waiting_area": "Aguardando área interna",
    "waiting_requester": "Aguardando complemento do manifestante",
    "answered": "Respondida",
    "closed": "Encerrada",
}

OPEN_STATUSES: frozenset[str] = frozenset({"new", "in_analysis", "waiting_area", "waiting_requester"})
ALL = frozenset(STATUS_LABELS)


@dataclass(frozen=True)
class Transition:
    label: str
    allowed_from: frozenset[str]
    # None keeps the current status.
    to: str | None


TRANSITIONS: dict[str, Transition] = {
    "triage": Transition("triagem", frozenset({"new"}), "in_analysis"),
    "assignment": Transition("atribuição", OPEN_STATUSES | {"answered"}, None),
    "message_in": Transition("mensagem do manifestante", OPEN_STATUSES | {"answered"}, None),
    "message_out": Transition("mensagem ao manifestante", OPEN_STATUSES | {"answered"}, None),
    "internal_note": Transition("nota interna", ALL, None),
    "forward": Transition("encaminhamento à área", frozenset({"new", "in_analysis", "waiting_area"}), "waiting_area"),
    "area_reply": Transition("resposta da área", frozenset({"waiting_area"}), None),
    "complement_request": Transition(
        "pedido de complemento", frozenset({"new", "in_analysis", "waiting_area"}), "waiting_requester"
    ),
    "extension": Transition("prorrogação", OPEN_STATUSES, None),
    "answer": Transition("resposta conclusiva", frozenset({"new", "in_analysis", "waiting_area"}), "answered"),
    "merits": Transition("classificação de mérito", OPEN_STATUSES | {"answered"}, None),
    "closure": Transition("encerramento", frozenset({"answered"}), "closed"),
    "reopening": Transition("reabertura", frozenset({"answered", "closed"}), "in_analysis"),
    "evaluation": Transition("avaliação do manifestante", frozenset({"answered", "closed"}), None),
    # Seed 000 §4.3.1 and §5: another participant is asked; the case stays in analysis meanwhile.
    "participant_handoff": Transition(
        "acionamento de outra participante", frozenset({"new", "in_analysis", "waiting_area"}), None
    ),
    "participant_reply": Transition("resposta da participante", OPEN_STATUSES, None),
    # Seed 001 "Manifestações Provenientes de Outros Órgãos": the body's reference and deadline, and the answer sent
    # back to it.
    "external_data": Transition("dados do órgão externo", OPEN_STATUSES | {"answered"}, None),
    "external_answer_sent": Transition("envio da resposta ao órgão externo", frozenset({"answered", "closed"}), None),
    "link": Transition("vínculo a outro protocolo", ALL, None),
    "attachment": Transition("anexo", ALL, None),
}


def check_transition(action: str, status: str) -> str:
    """Return the status after ``action``; raise RuleViolation when it is not allowed in ``status``."""
    transition = TRANSITIONS[action]
    if status not in transition.allowed_from:
        raise RuleViolation(
            "status",
            f"Ação não permitida: {transition.label} não é possível quando a manifestação está "
            f"“{STATUS_LABELS.get(status, status)}”.",
        )
    return transition.to or status


# Seed 001 "Critérios de Qualificação das Reclamações": procedente when a norm, the consumer code, a regulator's
# rule or a contract clause was breached; also when the facts cannot be verified or an internal process failure
# was found; otherwise improcedente.
MERITS_REASONS: dict[str, tuple[str, str]] = {
    "norm_breach": ("upheld", "Descumprimento de norma jurídica"),
    "consumer_code_breach": ("upheld", "Descumprimento do Código de Defesa do Consumidor"),
    "regulator_rule_breach": ("upheld", "Descumprimento de norma de órgão regulador"),
    "contract_breach": ("upheld", "Descumprimento de cláusula contratual"),
    "unverifiable_facts": ("upheld", "Não foi possível verificar a veracidade das informações"),
    "internal_process_failure": ("upheld", "Falha em processo interno"),
    "no_breach": ("not_upheld", "Sem descumprimento constatado"),
}
MERITS_LABELS = {"upheld": "Procedente", "not_upheld": "Improcedente"}
# The instances whose cases the Ouvidoria handles and the Ouvidor decides: its own, and those external bodies send
# (PROCON, BACEN RDR, ANS NIP, consumidor.gov.br…), which get "o mesmo tratamento", and where "cabe ao Ouvidor nomeado
# a decisão final quanto à procedência" (seed 001 "Manifestações Provenientes de Outros Órgãos", "Conclusão").
OUVIDOR_DECIDES: frozenset[str] = frozenset({"ombudsman", "external"})
# Merits apply to complaints and denunciations (seed 001 "Critérios de Qualificação das Reclamações").
TYPES_WITH_MERITS = frozenset({"reclamacao", "denuncia"})


def merits_for(record_type: str, reason: str) -> str:
    """Return ``upheld`` or ``not_upheld`` for a reason code, refusing types that take no merits."""
    if record_type not in TYPES_WITH_MERITS:
        raise RuleViolation("merits", "Somente reclamações e denúncias recebem classificação de mérito.")
    if reason not in MERITS_REASONS:
        raise RuleViolation("reason", f"Motivo de mérito desconhecido: {reason}.")
    return MERITS_REASONS[reason][0]


def check_answer(*, instance_kind: str, record_type: str, merits: str) -> None:
    """A conclusive ombudsman answer to a complaint states its merits (seed 001 "Parecer e Respostas"), and so does
    the answer to a complaint an external body sent ("o mesmo tratamento"; "cabe ao Ouvidor nomeado a decisão final
    quanto à procedência", seed 001 "Manifestações Provenientes de Outros Órgãos")."""
    if instance_kind in OUVIDOR_DECIDES and record_type in TYPES_WITH_MERITS and not merits:
        raise RuleViolation(
            "merits",
            "Classifique a reclamação como procedente ou improcedente antes da resposta conclusiva da Ouvidoria.",
        )
