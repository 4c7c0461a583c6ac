"""The documents the person receives: the export (b)/(e), a ZIP with data.json, a readable PDF and the files; and
the declaration (j), a PDF. Both sealed with the installation's encryption keys while they wait to be downloaded."""

import hashlib
import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from ouvidoria.cases.models import Attachment, Event, Manifestation
from ouvidoria.privacy.downloads import stored_file_open
from ouvidoria.rights import selectors
from ouvidoria.rules import rights as rule
from ouvidoria.rules.identification import format_cnpj
from ouvidoria.rules.retention import case_anonymised_on

# Timeline entries that are the team's internal deliberation: listed with their date, their text withheld (LGPD
# art. 18 V and art. 19 §3 spare "segredos comercial e industrial"; docs/regulation.md "Direitos do titular").
INTERNAL_KINDS = frozenset({"internal_note", "answer_proposal", "answer_rejection", "eligibility_override"})
WITHHELD = "[registro interno da equipe: texto não incluído (segredo comercial, LGPD art. 19 §3)]"
REQUESTER_FIELDS = ("kind", "name", "social_name", "document", "email", "phone", "address", "gender", "state", "city")


def attachment_read(attachment: Attachment) -> bytes | None:
    """An attachment's plaintext, verified, or None when retention disposed of the file, it is missing or it fails
    authentication (``privacy.downloads.stored_file_open`` logs why, without personal data)."""
    if attachment.disposed_at is not None or not attachment.file:
        return None
    opened = stored_file_open(attachment.file, what=f"attachment {attachment.pk}")
    if isinstance(opened, str):
        return None
    reader, _length = opened
    with reader:
        return bytes(reader.read())


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return str(timezone.localtime(value).isoformat())
    return str(value.isoformat())


def _who(e: Event, requester_id: int | None) -> str:
    # Staff are named by their function, not their login: their own data is not the requester's.
    if e.actor_id is None:
        return "manifestante" if e.actor_label in {"manifestante", "portal"} else (e.actor_label or "sistema")
    return "equipe"


def _case(m: Manifestation, files: dict[int, str]) -> dict[str, Any]:
    events = []
    for e in m.events.all().order_by("created_at", "id"):
        events.append(
            {
                "kind": e.kind,
                "label": str(Event.KIND_LABELS.get(e.kind, e.kind)),
                "at": _iso(e.created_at),
                "by": _who(e, m.requester_id),
                "text": WITHHELD if e.kind in INTERNAL_KINDS and e.body else e.body,
            }
        )
    return {
        "protocol": m.formatted_protocol,
        "entity": m.entity.name,
        "entity_cnpj": format_cnpj(m.entity.cnpj) if m.entity.cnpj else "",
        "instance": m.instance.label,
        "record_type": m.record_type.label,
        "subject": m.subject.label if m.subject else "",
        "status": m.get_status_display(),
        "received_at": _iso(m.received_at),
        "due_on": _iso(m.due_on),
        "concluded_at": _iso(m.concluded_at),
        "description": m.description,
        "name_confidential": m.name_confidential,
        "kept_until": _iso(case_anonymised_on(m.received_on)),
        "timeline": events,
        "forwards": [
            {"area": f.area.name, "at": _iso(f.created_at), "replied_at": _iso(f.replied_at)}
            for f in m.forwards.select_related("area")
        ],
        "participants": [
            {"participant": h.participant.name, "at": _iso(h.handed_at), "replied_at": _iso(h.replied_at)}
            for h in m.handoffs.select_related("participant")
        ],
        "attachments": [
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "uploaded_at": _iso(a.uploaded_at),
                "file": files.get(a.pk),
                "disposed_at": _iso(a.disposed_at),
            }
            for a in m.attachments.all().order_by("uploaded_at", "id")
        ],
    }


def export_content(person: selectors.Person, cited_chats: list[str], files: dict[int, str]) -> dict[str, Any]:
    """Everything held about the person, as data.json carries it (and the PDF shows)."""
    return {
        "format": "ouvidoria-lgpd-export/1",
        "generated_at": _iso(timezone.now()),
        "request": person.request.formatted_protocol,
        "law": "Lei 13.709/2018 (LGPD) art. 18 II e V, art. 19",
        "requesters": [
            {f: str(getattr(found.requester, f) or "") for f in REQUESTER_FIELDS}
            | {"created_at": _iso(found.requester.created_at), "updated_at": _iso(found.requester.updated_at)}
            for found in person.requesters
        ],
        "cases": [_case(m, files) for m in person.cases],
        "chats": [
            {
                "protocol": c.formatted_protocol,
                "entity": c.entity.name if c.entity else "",
                "started_at": _iso(c.started_at),
                "messages": [
                    {
                        "by": "você" if msg.author == "user" else "assistente",
                        "at": _iso(msg.created_at),
                        "text": str(msg.text),
                    }
                    for msg in c.messages.all()
                ],
            }
            for c in selectors.chats_of(person, cited_chats)
        ],
        "emails": [
            {
                "to": str(e.recipient),
                "subject": e.subject,
                "body": str(e.body),
                "written_at": _iso(e.created_at),
                "sent_at": _iso(e.sent_at),
                "case": e.manifestation.formatted_protocol if e.manifestation else "",
            }
            for e in selectors.emails_of(person)
        ],
        "consents": [_consent(k) for k in selectors.consents_of(person, cited_chats)],
    }


def _consent(k: Any) -> dict[str, Any]:
    purpose = rule.PURPOSES_BY_CODE.get(k.purpose)
    return {
        "purpose": k.purpose,
        "label": purpose.label if purpose else k.purpose,
        "channel": k.channel,
        "text_version": k.text_version,
        "granted_at": _iso(k.granted_at),
        "revoked_at": _iso(k.revoked_at),
        "revoked_via": k.revoked_via,
        "conversation": k.conversation_protocol,
    }


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=render_to_string(template, context)).write_pdf())


def export_build(person: selectors.Person, cited_chats: list[str]) -> bytes:
    """The ZIP: data.json (machine-readable, for portability), dados.pdf (readable), anexos/ (the files)."""
    buffer = io.BytesIO()
    files: dict[int, str] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for m in person.cases:
            for a in m.attachments.all().order_by("uploaded_at", "id"):
                data = attachment_read(a)
                if data is None:
                    continue
                name = f"anexos/{m.protocol}/{a.pk}-{a.original_name}"
                archive.writestr(name, data)
                files[a.pk] = name
        content = export_content(person, cited_chats, files)
        archive.writestr("data.json", json.dumps(content, ensure_ascii=False, indent=2))
        archive.writestr("dados.pdf", _pdf("rights/pdf_export.html", {"d": content}))
    return buffer.getvalue()


def declaration_content(person: selectors.Person, cited_chats: list[str]) -> dict[str, Any]:
    """(j) Origin (channel and date) of each datum, purpose, legal basis, criteria, keeping, sharing, rights."""
    origins = [
        {
            "what": f"Manifestação {m.formatted_protocol} ({m.record_type.label}) em {m.entity.name}",
            "channel": f"{m.medium.label} — {m.instance.label}",
            "at": timezone.localtime(m.received_at),
            "kept_until": case_anonymised_on(m.received_on),
        }
        for m in person.cases
    ]
    chats = selectors.chats_of(person, cited_chats)
    origins += [
        {
            "what": f"Conversa com o assistente virtual {c.formatted_protocol}",
            "channel": "Portal — assistente virtual",
            "at": timezone.localtime(c.started_at),
            "kept_until": None,
        }
        for c in chats
    ]
    return {
        "request": person.request,
        "generated_at": timezone.localtime(),
        "entities": sorted({m.entity.name for m in person.cases}),
        "origins": origins,
        "nothing": not person.cases and not chats,
        "categories": rule.CATEGORIES,
        "sharing": selectors.sharing(person),
        "consents": [_consent(k) for k in selectors.consents_of(person, cited_chats)],
        "purposes": rule.PURPOSES,
        "rights": rule.RIGHTS,
        "criteria": (
            "Os dados são usados só para registrar, tratar e responder às suas manifestações e comprovar o "
            "atendimento ao regulador. Nenhuma decisão sobre você é tomada por meio automatizado: prazos são "
            "calculados pelo calendário e as respostas são escritas pela equipe."
        ),
    }


def declaration_build(person: selectors.Person, cited_chats: list[str]) -> bytes:
    return _pdf("rights/pdf_declaration.html", declaration_content(person, cited_chats))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
