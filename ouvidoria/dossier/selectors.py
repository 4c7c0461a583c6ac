"""What a dossier holds: the whole case as its viewer may read it (``accounts.disclosure.case_view``), the same
view the case page builds, so a dossier never shows a role more than the page does."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ouvidoria.accounts.access import manifestations_for
from ouvidoria.accounts.disclosure import CaseView, case_view
from ouvidoria.cases.models import Event, Manifestation
from ouvidoria.privacy.files import FileUnreadable
from ouvidoria.rules.disclosure import IDENTITY_LABELS
from ouvidoria.rules.identification import format_cnpj
from ouvidoria.rules.protocol import normalize_protocol
from ouvidoria.rules.workflow import MERITS_REASONS

CASE_RELATED = ("entity", "instance", "medium", "record_type", "subject", "policy", "requester", "assignee")


def dossier_case(user: Any, protocol: str) -> Manifestation | None:
    """The case behind ``protocol`` if ``user`` may reach it (the case page's door), else None."""
    found = manifestations_for(user).select_related(*CASE_RELATED).filter(protocol=normalize_protocol(protocol))
    return found.first()


def dossier_allowed(view: CaseView) -> bool:
    """Who may take the whole case away as a dossier: whoever reads the whole case on the page — its demand and
    every step of its timeline (attendants, analysts, the Ouvidor, managers and directors, auditors, the entity's
    own systems). An internal area reads only what was forwarded to it and an administrator only the workflow
    steps: a "dossier of the case" from either would be a part passed off as the whole, so they get none."""
    return view.disclosure.description and view.disclosure.event_scope == "all"


@dataclass(frozen=True)
class AttachmentRow:
    name: str
    size: int
    content_type: str
    sha256: str
    # The digest recorded at upload, when the stored file no longer matches it (or is missing).
    recorded_sha256: str
    uploaded_at: Any

    @property
    def matches(self) -> bool:
        return self.sha256 == self.recorded_sha256


def _file_sha256(attachment: Any) -> str:
    """The SHA-256 of the plaintext (the storage decrypts): what was recorded at upload and what a reader can check."""
    digest = hashlib.sha256()
    try:
        with attachment.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except (OSError, ValueError, FileUnreadable):  # missing, disposed of, or failing authentication
        return ""
    return digest.hexdigest()


def _event_details(e: Any) -> list[str]:
    """The parameters of an event that the timeline's readers need beside its text, in Portuguese."""
    p = e.params or {}
    out: list[str] = []
    if e.kind == "extension":
        out.append(f"+{p.get('days')} dias; prazo de {_iso(p.get('old_due'))} para {_iso(p.get('new_due'))}")
    elif e.kind == "complement_request":
        out.append("prazo suspenso" if p.get("clock_paused") else (p.get("reason") or "prazo não suspenso"))
    elif e.kind == "merits":
        reason = MERITS_REASONS.get(p.get("reason", ""), ("", p.get("reason", "")))[1]
        out.append(f"{_merits(p.get('merits', ''))}{' — ' + reason if reason else ''}")
    elif e.kind == "evaluation":
        if p.get("resolved") is not None:
            out.append("resolvida" if p["resolved"] else "não resolvida")
        if p.get("rating") is not None:
            out.append(f"nota {p['rating']}")
    elif e.kind == "deadline_recomputed" and p.get("new_due"):
        out.append(f"novo prazo {_iso(p.get('new_due'))}")
    return out


def _iso(value: Any) -> str:
    """An ISO date of a parameter as dd/mm/aaaa."""
    text = str(value or "")
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}" if len(text) >= 10 else text


def _merits(code: str) -> str:
    return str(dict(Manifestation.MERITS_CHOICES).get(code, code))


def dossier_content(view: CaseView, *, full: bool = False) -> dict[str, Any]:
    """The template context of the dossier of ``view.manifestation``, as ``view`` lets its viewer read it."""
    m = view.manifestation
    all_forwards = list(m.forwards.select_related("area"))
    events = view.events(list(m.events.select_related("actor").order_by("created_at", "id")), all_forwards)
    forwards = view.forwards(all_forwards)
    full = full and view.sees_identity
    requester = view.requester(full=full)
    labels = {**IDENTITY_LABELS, "civil_name": "nome civil", "name": "nome"}
    attachments = [
        AttachmentRow(
            name=a.original_name,
            size=a.size,
            content_type=a.content_type,
            sha256=_file_sha256(a),
            recorded_sha256=a.sha256,
            uploaded_at=a.uploaded_at,
        )
        for a in view.attachments(list(m.attachments.select_related("event").order_by("uploaded_at", "id")))
    ]
    timeline = [
        {
            "kind": str(Event.KIND_LABELS.get(e.kind, e.kind)),
            "code": e.kind,
            "at": timezone.localtime(e.created_at),
            "who": e.actor_label or "sistema",
            "body": e.body,
            "details": _event_details(e),
        }
        for e in events
    ]
    policy = m.policy
    return {
        "m": m,
        "entity": m.entity,
        "entity_cnpj": format_cnpj(m.entity.cnpj) if m.entity.cnpj else "",
        "requester": [(labels.get(k, k), v) for k, v in requester.items()],
        "requester_masked": view.sees_identity and not full,
        "description": view.description,
        "policy": policy,
        "policy_unit": policy.get_unit_display(),
        "timeline": timeline,
        "extensions": [t for t in timeline if t["code"] == "extension"],
        "pauses": [t for t in timeline if t["code"] in ("complement_request", "pause_end")],
        "answers": [t for t in timeline if t["code"] == "answer"],
        "merits_events": [t for t in timeline if t["code"] == "merits"],
        "evaluations": [t for t in timeline if t["code"] == "evaluation"],
        "forwards": forwards,
        "attachments": attachments,
        "attachments_shown": view.disclosure.attachments != "none",
        "merits_reason": MERITS_REASONS.get(m.merits_reason, ("", m.merits_reason))[1],
        "texts": [
            view.description or "",
            *(e.body for e in events),
            *(t for f in forwards for t in (f.question, f.reply)),
        ],
        "full": full,
    }


def dossier_view(user: Any, m: Manifestation) -> CaseView:
    return case_view(user, m)
