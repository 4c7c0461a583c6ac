"""What the signed-in user (or API token) may read of one case, applied: every page, endpoint and export that shows a
case builds a ``CaseView`` and shows only what it lets through; every read of the requester's identity in clear is
recorded (``personal_data_record``).

The table itself is ``ouvidoria.rules.disclosure`` (plain Python, with its sources); this module reads the case's
rows through it.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils import timezone

from ouvidoria.accounts.access import Access, access_for
from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.rules import disclosure as rule
from ouvidoria.rules.catalogue import GENDERS
from ouvidoria.rules.disclosure import CONFIDENTIAL_NAME, RESTRICTED, Disclosure

# Where a read came from, as the auditor's screen names it.
CHANNEL_LABELS: dict[str, str] = {
    "workspace": "Página da manifestação",
    "workspace_full": "Dados completos (a pedido)",
    "workspace_attachment": "Download de anexo",
    "workspace_search": "Busca de pessoa",
    "email_preview": "Prévia de e-mail",
    "api_session": "API (sessão)",
    "api_token": "API (token)",
    "api_attachment": "API — download de anexo",
    "export": "Exportação",
    "dossier": "Dossiê assinado",
    "rights": "Direitos do titular (LGPD)",
}


@dataclass
class CaseView:
    """One viewer's view of one manifestation."""

    access: Access
    manifestation: Any
    disclosure: Disclosure
    # Users whose writing an internal area may read (the members of its areas), for "own" scopes.
    area_members: frozenset[int] = field(default_factory=frozenset)

    # --- the requester ---

    @cached_property
    def _requester(self) -> Any:
        m = self.manifestation
        return None if m.anonymous else m.requester

    def identity_values(self) -> dict[str, str]:
        """The requester's identity fields that hold a value, in clear (for this module's use only)."""
        r = self._requester
        if r is None:
            return {}
        return {f: str(getattr(r, f, "") or "") for f in rule.IDENTITY_FIELDS if getattr(r, f, "")}

    @property
    def has_identity(self) -> bool:
        return bool(self.identity_values())

    @property
    def sees_identity(self) -> bool:
        return bool(self.disclosure.identity) and self.has_identity

    def name_label(self) -> str:
        """How the requester is named to this viewer: their name, "Nome sob sigilo", or why nothing is shown."""
        m = self.manifestation
        if m.anonymous:
            return "Anônimo"
        values = self.identity_values()
        if not values:
            return "Não identificado"
        if self.disclosure.sees("name") and (values.get("social_name") or values.get("name")):
            return values.get("social_name") or values["name"]
        if m.name_confidential:
            return CONFIDENTIAL_NAME
        return RESTRICTED

    def requester(self, *, full: bool) -> dict[str, str]:
        """The identity as shown: the name (or why it is not shown), the rest masked unless ``full``.

        Only fields the role may read appear at all; the caller records what ``shown_in_clear`` lists.
        """
        values = self.identity_values()
        shown: dict[str, str] = {"name": self.name_label()}
        if not self.sees_identity:
            return shown
        if full:
            shown.update({f: v for f, v in values.items() if self.disclosure.sees(f) and f != "name"})
            if "gender" in shown:
                shown["gender"] = dict(GENDERS).get(shown["gender"], shown["gender"])
            if "social_name" in shown and values.get("name"):
                shown["civil_name"] = values["name"]
            shown.pop("social_name", None)
            return shown
        masked = {
            "document": rule.mask(values.get("document", ""), 3, 2),
            "email": rule.mask_email(values.get("email", "")),
            "phone": rule.mask(values.get("phone", ""), 2, 2),
        }
        shown.update({f: v for f, v in masked.items() if v and self.disclosure.sees(f)})
        return shown

    def shown_in_clear(self, *, full: bool) -> list[str]:
        """The identity fields ``requester(full=full)`` gives in clear: what a read of them records."""
        if not self.sees_identity:
            return []
        values = self.identity_values()
        if full:
            return [f for f in rule.IDENTITY_FIELDS if f in values and self.disclosure.sees(f)]
        return [f for f in ("name", "social_name") if f in values and self.disclosure.sees(f)]

    def read_in_clear(self, *, full: bool, texts: Sequence[str] = ()) -> list[str]:
        """What a page or answer showing ``requester(full=full)`` and the free ``texts`` reads of the identity: the
        fields shown, and those the free text spells out (a CPF written in the description is read too)."""
        if not self.sees_identity:
            return []
        shown = self.shown_in_clear(full=full)
        joined = "\n".join(t for t in texts if t)
        spelled = rule.fields_in(joined, self.identity_values()) if joined else []
        return [f for f in rule.IDENTITY_FIELDS if f in shown or f in spelled]

    # --- free text ---

    def text(self, value: str) -> str:
        """Free text as this viewer may read it: without the requester's identity where the role may not see it."""
        if not value or not self.disclosure.redacts_free_text:
            return value
        values = self.identity_values()
        if not values:
            return value
        return rule.redact_identity(value, values)

    @property
    def description(self) -> str | None:
        return self.text(self.manifestation.description) if self.disclosure.description else None

    # --- the parts of the case ---

    def _own_forward_ids(self, forwards: Iterable[Any]) -> set[int]:
        areas = self.access.area_ids or frozenset()
        return {f.pk for f in forwards if f.area_id in areas}

    def forwards(self, forwards: Sequence[Any]) -> list[Any]:
        scope = self.disclosure.forwards
        if scope == "none":
            return []
        shown = list(forwards) if scope == "all" else [f for f in forwards if f.pk in self._own_forward_ids(forwards)]
        for f in shown:
            f.question, f.reply = self.text(f.question), self.text(f.reply)
        return shown

    def events(self, events: Sequence[Any], forwards: Sequence[Any] = ()) -> list[Any]:
        """The timeline as this viewer may read it (bodies and text parameters redacted where needed)."""
        kinds = self.disclosure.events
        shown = [e for e in events if e.kind in kinds]
        if self.disclosure.event_scope == "own":
            own = self._own_forward_ids(forwards)
            shown = [
                e
                for e in shown
                if e.kind == "registration"
                or (e.kind in rule.FORWARDING and e.params.get("forward") in own)
                or (e.kind not in rule.FORWARDING and e.actor_id in self.area_members)
            ]
        for e in shown:
            e.body = self.text(e.body)
            e.params = {k: self.text(v) if isinstance(v, str) else v for k, v in (e.params or {}).items()}
        return shown

    def attachments(self, attachments: Sequence[Any]) -> list[Any]:
        scope = self.disclosure.attachments
        if scope == "none":
            return []
        if scope == "own":
            attachments = [a for a in attachments if a.event is not None and a.event.actor_id in self.area_members]
        shown = list(attachments)
        for a in shown:
            a.original_name = self.text(a.original_name)
        return shown

    def may_download(self, attachment: Any) -> bool:
        return bool(self.attachments([attachment]))

    def agreements(self, agreements: Sequence[Any]) -> list[Any]:
        """Agreements go with the drafts: who may read the answers in preparation reads the terms agreed."""
        if not self.disclosure.drafts:
            return []
        for a in agreements:
            a.description, a.decision_note = self.text(a.description), self.text(a.decision_note)
        return list(agreements)

    def drafts(self, drafts: Sequence[Any]) -> list[Any]:
        if not self.disclosure.drafts:
            return []
        for d in drafts:
            d.body, d.decision_note = self.text(d.body), self.text(d.decision_note)
        return list(drafts)


def linked_visible(role: str, case: Any, linked: Sequence[Any]) -> list[Any]:
    """The cases linked to ``case`` that a ``role`` may be shown from it.

    A requester who asked for a confidential name is often the same person (the same requester row) as on the
    earlier, ordinary case the Ouvidoria case cites: a link between the two would name them to whoever reads the
    ordinary one. So a role that may not identify the requester on a confidential case sees no link from it or to
    it, although it may see each case on its own.
    """
    base = rule.TABLE.get(role, rule.NOTHING)
    if not base.identity:
        return list(linked)  # reads no identity anywhere: a link reveals nothing

    def hides(m: Any) -> bool:
        if not m.name_confidential:
            return False
        return not rule.disclosure_for(role, instance_kind=m.instance.kind, name_confidential=True).identity

    if hides(case):
        return []
    return [m for m in linked if not hides(m)]


def _area_members(access: Access) -> frozenset[int]:
    if not access.area_ids:
        return frozenset()
    from ouvidoria.accounts.models import StaffProfile

    # People of the role "area" only: an analyst whose profile was also given an area writes for the Ouvidoria.
    return frozenset(
        StaffProfile.objects.filter(role="area", areas__in=access.area_ids).values_list("user_id", flat=True).distinct()
    )


def case_view(user: Any, manifestation: Any) -> CaseView:
    """What ``user`` may read of ``manifestation`` (already fetched through ``manifestations_for``)."""
    access = access_for(user)
    kind = manifestation.instance.kind
    disclosed = rule.disclosure_for(access.role, instance_kind=kind, name_confidential=manifestation.name_confidential)
    members = _area_members(access) if disclosed.event_scope == "own" or disclosed.attachments == "own" else frozenset()
    return CaseView(access=access, manifestation=manifestation, disclosure=disclosed, area_members=members)


def search_visible(user: Any, rows: Sequence[Any], text: str) -> list[Any]:
    """The queue's search results ``user`` may see as matches.

    The search runs over the description and messages as written; a role that reads them redacted (or not at all)
    must not learn which cases mention a person by finding them through words it cannot read: a case that matched
    only through the requester's own name, CPF, e-mail, phone or address is left out for it, and a role that reads
    no description finds cases by protocol only.
    """
    from ouvidoria.cases.models import Requester
    from ouvidoria.cases.search import is_protocol_search
    from ouvidoria.privacy.tokens import fold

    if not text.strip() or is_protocol_search(text):
        return list(rows)
    words = fold(text).split()
    requesters = Requester.objects.in_bulk([m.requester_id for m in rows if m.requester_id])
    access = access_for(user)
    shown = []
    for m in rows:
        kind = m.instance.kind
        disclosed = rule.disclosure_for(access.role, instance_kind=kind, name_confidential=m.name_confidential)
        if not disclosed.description:
            continue
        requester = requesters.get(m.requester_id) if not m.anonymous else None
        if disclosed.redacts_free_text and requester is not None:
            values = {f: str(getattr(requester, f, "") or "") for f in rule.IDENTITY_FIELDS}
            numbers = "|".join(re.sub(r"\D", "", values[f]) for f in ("document", "phone"))
            if any(rule.fields_in(word, values) for word in words) or any(
                len(digits := re.sub(r"\D", "", word)) >= 4 and digits in numbers for word in words
            ):
                continue
        shown.append(m)
    return shown


# --- The record of reads (LGPD art. 37) ----------------------------------------------------------------------


def _viewer(user: Any) -> tuple[Any, Any, str]:
    """(user row, API token, label) for whoever is reading."""
    token = getattr(user, "token", None)
    if token is not None:
        return None, token, user.get_username()
    return user, None, user.get_username()


def personal_data_record(
    *,
    user: Any,
    reads: Iterable[tuple[Any, Sequence[str]]],
    channel: str,
    ip_address: str | None = None,
) -> int:
    """Record that ``user`` read, in clear, the listed identity fields of each manifestation; returns how many."""
    who, token, label = _viewer(user)
    now = timezone.now()
    rows = [
        PersonalDataView(
            user=who,
            token=token,
            actor_label=label[:150],
            manifestation=m,
            fields=list(fields),
            channel=channel,
            ip_address=ip_address or None,
            viewed_at=now,
        )
        for m, fields in reads
        if fields
    ]
    PersonalDataView.objects.bulk_create(rows)
    return len(rows)


def client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") or None
