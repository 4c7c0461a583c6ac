"""Who may do what in the staff workspace.

Sources: seed 001 "Responsabilidades" (the Ouvidor decides the merits, signs the conclusive answer and asks for
extensions; the team analyses; internal areas answer what is forwarded to them), seed 000 §4.3 (front office
registers and answers first-instance contacts, back office analyses), seed 002 art. 6 (the ombudsman and a
substitute), LGPD art. 6 III and VII (necessity, security: personal data only to whom needs it). The choices the
seeds leave open are in docs/regulation.md, "Papéis".
"""

from ouvidoria.rules.workflow import OUVIDOR_DECIDES

ROLE_LABELS: dict[str, str] = {
    "attendant": "Atendente (primeira instância)",
    "analyst": "Analista da Ouvidoria",
    "ombudsman": "Ouvidor",
    "area": "Área interna",
    "manager": "Gestor",
    "director": "Diretor responsável pela Ouvidoria",
    "auditor": "Auditor",
    "admin": "Administrador",
}

# Actions on a manifestation, named as in rules.workflow.TRANSITIONS, plus the workspace's own.
_CASE_WORK = frozenset(
    {
        "register",
        "triage",
        "assignment",
        "message_in",
        "message_out",
        "internal_note",
        "forward",
        "participant_handoff",
        "participant_reply",
        "external_data",
        "external_answer_sent",
        "complement_request",
        "answer",
        "closure",
        "reopening",
        "link",
        "attachment",
        "evaluation",
    }
)

# What each role may *read* of a case (the requester's identity, the timeline, attachments) is
# ouvidoria.rules.disclosure; this table says what it may *do*.
PERMISSIONS: dict[str, frozenset[str]] = {
    # Front office: registers contacts and answers first-instance cases; the Ouvidoria's answers are the team's.
    "attendant": _CASE_WORK | {"view", "merits"},
    # Back office: analyses, forwards, drafts the Ouvidoria's answer for the Ouvidor to approve.
    # The data subject's rights (LGPD art. 18) are run by the Ouvidoria's back office and the Ouvidor, who answer
    # the request; not by the front office nor the areas (LGPD art. 6 III, necessity).
    "analyst": _CASE_WORK | {"view", "merits", "answer_propose", "agreement", "indicators", "data_subject_rights"},
    # Decides merits, approves final answers, grants extensions.
    "ombudsman": _CASE_WORK
    | {
        "view",
        "merits",
        "answer_propose",
        "answer_approve",
        "extension",
        "bulk_assign",
        "agreement",
        "agreement_decide",
        "indicators",
        "reports",
        "reports_write",
        "retention",
        "legal_hold",
        "data_subject_rights",
    },
    # Sees only what was forwarded to its area and answers it.
    "area": frozenset({"view", "area_reply", "internal_note", "attachment"}),
    # Indicators and queues, read only, without personal data; as the "Gerente Administrativo" of seed 001's
    # "Matriz de Responsabilidade", also decides the agreements proposed ("Definições propostas de acordo").
    "manager": frozenset({"view", "indicators", "reports", "agreement_decide"}),
    # Seed 001 "Obrigações legais" VIII and "Matriz de Responsabilidade": the director responsible for the Ouvidoria
    # answers for the semiannual report (signs it off) and decides agreements; no case work, no personal data.
    "director": frozenset({"view", "indicators", "reports", "agreement_decide", "report_signoff"}),
    # Reads everything, changes nothing; each view of personal data is recorded like anyone's.
    "auditor": frozenset({"view", "indicators", "reports", "audit", "retention"}),
    # Configuration (entities, users, subjects, calendars, templates), not case work.
    # Retention and legal holds (issue 19): the Ouvidor and the administrator place holds; the auditor sees the plan.
    "admin": frozenset({"view", "indicators", "configure", "retention", "legal_hold"}),
}
# The entity's own systems through the API (tokens bound to entities) and Django superusers act with every
# right: they are trusted by configuration, not by role. Not assignable to a person in the workspace.
FULL_ACCESS = "integration"
PERMISSIONS[FULL_ACCESS] = frozenset().union(*PERMISSIONS.values()) | {"area_reply"}
_SIGNERS = frozenset({"ombudsman", FULL_ACCESS})

# Seed 001 puts the Ouvidor's signature on what leaves the Ouvidoria; administrators hold every key.
TOTP_REQUIRED: frozenset[str] = frozenset({"ombudsman", "director", "admin"})

# The actions on a case that leave an Ouvidoria manifestation only through the Ouvidor: merits and extensions
# (seed 001 "Responsabilidades"). First-instance cases are the front office's to classify.
_OMBUDSMAN_ONLY_AT_OUVIDORIA = frozenset({"merits", "extension"})


def can(role: str, action: str, *, instance_kind: str = "") -> bool:
    """May a user with ``role`` do ``action`` on a case of an instance of ``instance_kind``?"""
    allowed = PERMISSIONS.get(role, frozenset())
    if action not in allowed:
        # Extensions at first instance are part of the front office's case work.
        return action == "extension" and instance_kind not in OUVIDOR_DECIDES and role in {"attendant", "analyst"}
    if action in _OMBUDSMAN_ONLY_AT_OUVIDORIA and instance_kind in OUVIDOR_DECIDES:
        return role in _SIGNERS
    if action == "answer" and instance_kind in OUVIDOR_DECIDES:
        # The Ouvidoria's conclusive answer goes out only with the Ouvidor's approval (seed 001).
        return role in _SIGNERS
    return True


def needs_approval(role: str, instance_kind: str) -> bool:
    """Does a conclusive answer written by ``role`` wait for the Ouvidor before it goes out?"""
    return instance_kind in OUVIDOR_DECIDES and role not in _SIGNERS
