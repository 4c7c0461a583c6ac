"""Who may read which part of a case: the one table every page, endpoint, export and e-mail asks.

Sources:
- LGPD (Lei 13.709/2018) art. 6 III (necessity: the minimum data for the purpose) and VII (security), art. 37
  (records of processing): each role reads only what its work needs, and each read of personal data is recorded.
- Seed 000 §9.2: "Somente indivíduos autorizados, com necessidade específica, têm permissão de acesso".
- Seed 002 art. 3 §4 and seed 001 "Responsabilidades": the ombudsman keeps the requester's identity confidential;
  "manter sigilo sobre o nome do reclamante (a pedido)" — a confidential name is shown only to whoever must answer
  the case.
- Seed 001 "Encaminhamento às áreas": the internal areas answer the question sent to them; they need the demand, not
  the requester.

The choices the seeds leave open are written in docs/regulation.md, "Papéis" (the table below, in Portuguese).
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ouvidoria.rules import classification, roles
from ouvidoria.rules.classification import PERSONAL, REQUESTER

# The requester's identity: the personal fields of cases.Requester in the classification table (not the keyed
# hashes beside them), encrypted at rest, shown in clear only to the roles below and each read recorded.
IDENTITY_FIELDS: tuple[str, ...] = classification.personal_fields("cases.Requester")
IDENTITY_LABELS: dict[str, str] = {
    "name": "nome",
    "social_name": "nome social",
    "document": "CPF/CNPJ",
    "email": "e-mail",
    "phone": "telefone",
    "address": "endereço",
    "gender": "gênero",
}
assert set(IDENTITY_LABELS) == set(IDENTITY_FIELDS), "each identity field of the classification needs its label"
# The name fields that the requester may ask to keep confidential (seed 001).
NAME_FIELDS = frozenset({"name", "social_name"})

CONFIDENTIAL_NAME = "Nome sob sigilo"
RESTRICTED = "Dados pessoais restritos"
REDACTED = "[dado pessoal omitido]"

# Timeline events by what they carry.
CONVERSATION = frozenset(
    {"registration", "message_in", "message_out", "complement_request", "answer", "evaluation", "pause_end"}
)
INTERNAL = frozenset(
    {
        "internal_note",
        "answer_proposal",
        "answer_rejection",
        "eligibility_override",
        "agreement",
        "agreement_decision",
        "agreement_payment",
    }
)
WORKFLOW = frozenset(
    {
        "triage",
        "assignment",
        "extension",
        "deadline_recomputed",
        "merits",
        "closure",
        "reopening",
        "link",
        "escalation",
        "external_data",
        "external_answer_sent",
        # Who took the signed dossier away (ouvidoria/dossier): a staff name and a digest, nothing of the requester.
        "dossier",
    }
)
FORWARDING = frozenset({"forward", "area_reply"})
# Another Open Insurance participant asked and its answer (seed 000 §5): the team's, not an internal area's.
PARTICIPANTS = frozenset({"participant_handoff", "participant_reply"})
FILES = frozenset({"attachment"})
EVERY_EVENT = CONVERSATION | INTERNAL | WORKFLOW | FORWARDING | PARTICIPANTS | FILES
# The data subject's rights carried out and the corrections of a requester's data (LGPD art. 18): they name the
# person's data (a correction keeps the old and new values), so only whoever reads the identity reads them.
RIGHTS = frozenset({"data_subject_right", "requester_correction"})

# "own": only the area's own forwards, the events about them and what the area's people wrote or attached.
Scope = str  # "all" | "own" | "none"


@dataclass(frozen=True)
class Disclosure:
    """What one role may read of one case."""

    identity: frozenset[str]
    description: bool
    events: frozenset[str]
    event_scope: Scope
    forwards: Scope
    attachments: Scope
    drafts: bool

    @property
    def redacts_free_text(self) -> bool:
        """Free text (description, messages, forwards) is written by people and may carry the requester's name,
        CPF or e-mail: for a reader who may not see them, they are taken out of it."""
        return not self.identity >= NAME_FIELDS

    def sees(self, field: str) -> bool:
        return field in self.identity


_ALL_IDENTITY = frozenset(IDENTITY_FIELDS)
_CASE_WORKER = Disclosure(
    identity=_ALL_IDENTITY,
    description=True,
    events=EVERY_EVENT | RIGHTS,
    event_scope="all",
    forwards="all",
    attachments="all",
    drafts=True,
)
NOTHING = Disclosure(
    identity=frozenset(),
    description=False,
    events=frozenset(),
    event_scope="none",
    forwards="none",
    attachments="none",
    drafts=False,
)

TABLE: dict[str, Disclosure] = {
    # Front office, back office and the Ouvidor: they talk to the requester and answer the case.
    "attendant": _CASE_WORKER,
    "analyst": _CASE_WORKER,
    "ombudsman": _CASE_WORKER,
    # The question forwarded and its own answer; never the requester (seed 001, LGPD art. 6 III).
    "area": Disclosure(
        identity=frozenset(),
        description=True,
        events=frozenset({"registration"}) | FORWARDING | FILES | {"internal_note"},
        event_scope="own",
        forwards="own",
        attachments="own",
        drafts=False,
    ),
    # Supervises queues, deadlines and the quality of answers: the case and its conversation, no identity, no
    # documents (attachments are where identity documents and receipts are).
    "manager": Disclosure(
        identity=frozenset(),
        description=True,
        events=EVERY_EVENT - FILES,
        event_scope="all",
        forwards="all",
        attachments="none",
        drafts=True,
    ),
    # Reads everything to check the work; each read of personal data recorded like anyone's.
    "auditor": _CASE_WORKER,
    # Configures the installation; does no case work: the case's facts and its workflow steps, not the demand, the
    # conversation, the forwards nor the documents.
    "admin": Disclosure(
        identity=frozenset(),
        description=False,
        events=WORKFLOW,
        event_scope="all",
        forwards="none",
        attachments="none",
        drafts=False,
    ),
    # The entity's own systems (API tokens bound to it) and Django superusers: trusted by configuration.
    roles.FULL_ACCESS: _CASE_WORKER,
}
# Answers for the semiannual report and decides agreements: reads what the manager reads.
TABLE["director"] = TABLE["manager"]


# The requester's personal data outside cases.Requester, by the part of the case that carries it: who reads that
# part reads them (the classification table says which fields are personal; this says which part they belong to).
_CASE_PARTS: dict[str, Callable[[Disclosure], bool]] = {
    "cases.Manifestation.description": lambda d: d.description,
    "cases.Event.body": lambda d: bool(d.events),
    "cases.Event.params": lambda d: bool(d.events),
    "cases.Forward.question": lambda d: d.forwards != "none",
    "cases.Forward.reply": lambda d: d.forwards != "none",
    "cases.ParticipantHandoff.question": lambda d: bool(d.events & PARTICIPANTS),
    "cases.ParticipantHandoff.reply": lambda d: bool(d.events & PARTICIPANTS),
    "cases.Attachment.file": lambda d: d.attachments != "none",
    "cases.Attachment.original_name": lambda d: d.attachments != "none",
    "cases.AnswerDraft.body": lambda d: d.drafts,
    "cases.AnswerDraft.decision_note": lambda d: d.drafts,
    "cases.Agreement.description": lambda d: d.drafts,
    "cases.Agreement.decision_note": lambda d: d.drafts,
    "portal.ChatMessage.text": lambda d: d.event_scope == "all" and "message_in" in d.events,
    "portal.ChatConversation.suggestion": lambda d: d.event_scope == "all" and "message_in" in d.events,
    "attachment.document": lambda d: d.attachments != "none",
    "attachment.recording": lambda d: d.attachments != "none",
}


def sees_field(disclosure: Disclosure, key: str) -> bool:
    """May a reader with ``disclosure`` read the classified field or file ``key`` ("app.Model.field") in clear?

    Public and internal information: yes (whoever reached the page or export). The requester's identity: the fields
    the role reads (``Disclosure.identity``); the rest of their data: who reads the part of the case that carries it;
    their data anywhere else, and anything derived (keyed hashes): only who reads the whole identity, and derived
    fields no one. Staff members' and the entities' contacts' data: every role reaching it, as work data (LGPD art.
    7 V and IX) — never someone signed out (``NOTHING``).
    """
    entry = classification.entry(key)
    if entry.level < PERSONAL:
        return True
    if entry.derived:
        return False
    if entry.subject != REQUESTER:
        return disclosure is not NOTHING
    model, _, name = key.rpartition(".")
    if model == "cases.Requester":
        return disclosure.sees(name)
    part = _CASE_PARTS.get(key)
    if part is not None:
        return part(disclosure)
    return disclosure.identity >= _ALL_IDENTITY


def role_sees_field(role: str, key: str) -> bool:
    """``sees_field`` for ``role`` on a case whose requester asked no confidentiality (exports of many cases)."""
    return sees_field(TABLE.get(role, NOTHING), key)


def reads_transcripts(role: str) -> bool:
    """May ``role`` read the assistant's transcripts (already without CPF, cards, health data or contacts)? Those
    who read a case's conversation with the requester."""
    return sees_field(TABLE.get(role, NOTHING), "portal.ChatMessage.text")


def answers_case(role: str, instance_kind: str) -> bool:
    """Must ``role`` answer a case of this instance? (Those see a confidential name: seed 001.)"""
    return roles.can(role, "answer", instance_kind=instance_kind) or roles.can(
        role, "answer_propose", instance_kind=instance_kind
    )


def disclosure_for(role: str, *, instance_kind: str, name_confidential: bool = False) -> Disclosure:
    """What ``role`` may read of a case of ``instance_kind``.

    A confidential name hides the whole identity from whoever does not answer the case: a CPF, an e-mail address or
    a phone number names the person as surely as the name does (docs/regulation.md, "Papéis").
    """
    base = TABLE.get(role, NOTHING)
    if name_confidential and base.identity and not answers_case(role, instance_kind):
        return replace(base, identity=frozenset())
    return base


# --- Taking the requester's identity out of free text --------------------------------------------------------

_NAME_PARTICLES = frozenset({"da", "de", "do", "das", "dos", "e", "di", "du", "del", "van", "von"})
# Between the digits of a CPF or phone number as people type them: spaces, dots, dashes, slashes, commas, underscores.
_SEPARATORS = r"[\s.,_\-/()]{0,3}"


def _fold_char(ch: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).lower()
    return folded if len(folded) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


def _fold(text: str) -> str:
    """Accent- and case-folded text of the same length as ``text``, so positions map back one to one."""
    return "".join(_fold_char(ch) for ch in text)


def _name_tokens(names: Iterable[str]) -> set[str]:
    tokens = set()
    for name in names:
        for token in re.findall(r"\w+", _fold(unicodedata.normalize("NFKC", name))):
            if len(token) >= 3 and token not in _NAME_PARTICLES and not token.isdigit():
                tokens.add(token)
    return tokens


def _digits_pattern(value: str) -> re.Pattern[str] | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 8:
        return None
    return re.compile(r"(?<!\d)" + _SEPARATORS.join(digits) + r"(?!\d)")


def _with_local_numbers(numbers: Iterable[str]) -> list[str]:
    """Each number, and a phone number also without its area code (as people often write it)."""
    out = []
    for number in numbers:
        digits = re.sub(r"\D", "", number)
        out.append(digits)
        if len(digits) in (10, 11):
            out.append(digits[2:])
    return out


def redact(text: str, *, names: Iterable[str] = (), numbers: Iterable[str] = (), exact: Iterable[str] = ()) -> str:
    """``text`` without the requester's identity: each word of their names (accents and case ignored), their CPF,
    CNPJ or phone number with or without punctuation, and their e-mail address or street address as written."""
    if not text:
        return text
    # Compatibility forms first: full-width digits, decomposed accents and the like read as what they look like.
    original, text = text, unicodedata.normalize("NFKC", text)
    spans: list[tuple[int, int]] = []
    folded = _fold(text)
    for value in exact:
        needle = _fold(value.strip())
        if len(needle) < 4:
            continue
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    for number in _with_local_numbers(numbers):
        pattern = _digits_pattern(number)
        if pattern is not None:
            spans += [m.span() for m in pattern.finditer(text)]
    tokens = _name_tokens(names)
    if tokens:
        for match in re.finditer(r"\w+", folded):
            if match.group() in tokens:
                spans.append(match.span())
    if not spans:
        return original
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], REDACTED]
        last = end
    out.append(text[last:])
    return "".join(out)


def redact_identity(text: str, values: dict[str, str]) -> str:
    """``text`` without the requester's identity given as field → value (``IDENTITY_FIELDS``)."""
    return redact(
        text,
        names=[values.get("name", ""), values.get("social_name", "")],
        numbers=[values.get("document", ""), values.get("phone", "")],
        exact=[values.get("email", ""), values.get("address", ""), values.get("document", "")],
    )


def fields_in(text: str, values: dict[str, str]) -> list[str]:
    """The identity fields (of ``values``, field → value) that ``text`` spells out: what reading it in clear reads."""
    found = []
    for field, value in values.items():
        if not value or field == "gender":
            continue
        if field in NAME_FIELDS:
            hit = redact(text, names=[value]) != text
        elif field in ("document", "phone"):
            hit = redact(text, numbers=[value], exact=[value]) != text
        else:
            hit = redact(text, exact=[value]) != text
        if hit:
            found.append(field)
    return found


def mask(value: str, keep_start: int = 3, keep_end: int = 2) -> str:
    """A value shown in part (the workspace shows identity masked until someone asks for it in full)."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "•" * len(value)
    return value[:keep_start] + "•" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{mask(local, 1, 0)}@{domain}" if value else ""
