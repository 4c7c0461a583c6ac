"""Reads for the data subject's rights: the person found by the request's CPF/CNPJ and e-mail (blind indexes), what
is held about them and with whom it was shared."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ouvidoria.accounts.access import access_for, manifestations_for
from ouvidoria.accounts.disclosure import personal_data_record
from ouvidoria.cases.models import Manifestation, ParticipantHandoff, Requester
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.portal.models import ChatConversation
from ouvidoria.rights.models import Consent, ProcessingBlock, RightsDocument, RightsRequest
from ouvidoria.rules.rights import POLICY

CHANNEL = "rights"
# The permission (rules/roles.py) to run the rights on a request.
PERMISSION = "data_subject_rights"


def is_rights_request(m: Manifestation) -> bool:
    return m.policy_id == POLICY


def may_run_rights(user: Any, m: Manifestation) -> bool:
    access = access_for(user)
    return is_rights_request(m) and access.can(PERMISSION, m.instance.kind)


def rights_request_of(m: Manifestation) -> RightsRequest:
    rr = RightsRequest.objects.filter(manifestation=m).first()
    # A request registered by staff (or before this app) gets its row on first use: every right may be asked.
    return rr or RightsRequest.objects.create(manifestation=m, rights=[])


@dataclass
class FoundRequester:
    requester: Requester
    matched_document: bool
    matched_email: bool
    cases: list[Manifestation] = field(default_factory=list)


@dataclass
class Person:
    """The person of a request as found in the installation, limited to the cases the analyst may reach."""

    request: Manifestation
    requesters: list[FoundRequester]
    # Cases of the same requesters in entities outside the analyst's grants: counted, never shown.
    elsewhere: int

    @property
    def cases(self) -> list[Manifestation]:
        seen: dict[int, Manifestation] = {}
        for f in self.requesters:
            for m in f.cases:
                seen.setdefault(m.pk, m)
        return sorted(seen.values(), key=lambda m: m.received_at)

    @property
    def case_protocols(self) -> list[str]:
        return [m.protocol for m in self.cases]

    @property
    def requester_ids(self) -> list[int]:
        return [f.requester.pk for f in self.requesters]

    @property
    def emails(self) -> list[str]:
        return sorted({str(f.requester.email).lower() for f in self.requesters if f.requester.email})


def person_find(user: Any, request: Manifestation, *, record: bool = True, ip_address: str | None = None) -> Person:
    """The requesters with the request's CPF/CNPJ or e-mail (keyed hashes: nobody is decrypted to be found), and
    their cases in every entity the analyst reaches; each case read is recorded (PersonalDataView)."""
    source = request.requester
    document_hash = source.document_hash if source else ""
    email_hash = source.email_hash if source else ""
    if not (document_hash or email_hash):
        return Person(request=request, requesters=[], elsewhere=0)
    by = Q(pk__in=[])
    if document_hash:
        by |= Q(document_hash=document_hash)
    if email_hash:
        by |= Q(email_hash=email_hash)
    requesters = list(Requester.objects.filter(by).order_by("pk"))
    reachable = manifestations_for(user).filter(requester__in=requesters, anonymous=False)
    cases = list(
        reachable.select_related("entity", "instance", "record_type", "subject", "policy").order_by("received_at")
    )
    elsewhere = (
        Manifestation.objects.filter(requester__in=requesters, anonymous=False).exclude(pk__in=[m.pk for m in cases])
    ).count()
    found = []
    for r in requesters:
        f = FoundRequester(
            requester=r,
            matched_document=bool(document_hash) and r.document_hash == document_hash,
            matched_email=bool(email_hash) and r.email_hash == email_hash,
            cases=[m for m in cases if m.requester_id == r.pk],
        )
        found.append(f)
    if record and cases:
        fields = ["name", "social_name", "document", "email", "phone", "address"]
        personal_data_record(user=user, reads=[(m, fields) for m in cases], channel=CHANNEL, ip_address=ip_address)
    return Person(request=request, requesters=found, elsewhere=elsewhere)


# --- What is held -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    entity: str
    category: str
    count: int
    since: datetime | None


def chats_of(person: Person, cited: list[str]) -> list[ChatConversation]:
    """The assistant's conversations of the person: those that became one of their cases (same protocol) and those
    the request cites by protocol (a chat carries no identity: nobody else can say it is theirs)."""
    protocols = set(person.case_protocols) | set(cited)
    return list(ChatConversation.objects.filter(protocol__in=protocols).select_related("entity").order_by("started_at"))


def emails_of(person: Person) -> list[OutboundEmail]:
    """E-mails kept for the person: those of their cases, and those of no case sent to their address (the
    recipient is encrypted with no hash beside it: those are decrypted one by one, a year's worth at most, as
    retention deletes them after one)."""
    of_cases = list(OutboundEmail.objects.filter(manifestation__in=person.cases).order_by("created_at"))
    wanted = set(person.emails)
    loose = [
        e
        for e in OutboundEmail.objects.filter(manifestation__isnull=True).order_by("created_at").iterator()
        if wanted and str(e.recipient).strip().lower() in wanted
    ]
    return of_cases + loose


def consents_of(person: Person, cited_chats: list[str]) -> list[Consent]:
    from ouvidoria.privacy.crypto import blind_index

    hashes = set()
    for f in person.requesters:
        hashes |= {h for h in (f.requester.document_hash, f.requester.email_hash) if h}
    for email in person.emails:
        hashes.add(blind_index(email))
    protocols = set(person.case_protocols) | set(cited_chats)
    return list(
        Consent.objects.filter(
            Q(requester_id__in=person.requester_ids)
            | Q(subject_hash__in=hashes)
            | Q(conversation_protocol__in=protocols)
        ).order_by("granted_at", "id")
    )


def holdings(person: Person, cited_chats: list[str]) -> list[Holding]:
    """(a) Where the person's data is held: per entity and category, how many and since when."""
    rows: dict[tuple[str, str], list[Any]] = {}

    def add(entity: str, category: str, when: datetime | None) -> None:
        row = rows.setdefault((entity, category), [0, None])
        row[0] += 1
        if when is not None and (row[1] is None or when < row[1]):
            row[1] = when

    for m in person.cases:
        add(m.entity.name, "Manifestações (identificação, descrição, histórico)", m.received_at)
        for a in m.attachments.all():
            add(m.entity.name, "Anexos", a.uploaded_at)
    for c in chats_of(person, cited_chats):
        add(c.entity.name if c.entity else "Portal", "Conversas com o assistente virtual", c.started_at)
    for e in emails_of(person):
        name = e.manifestation.entity.name if e.manifestation else "Portal"
        add(name, "E-mails enviados", e.created_at)
    for k in consents_of(person, cited_chats):
        add("Portal", "Registros de consentimento", k.granted_at)
    return [Holding(e, c, n, since) for (e, c), (n, since) in sorted(rows.items())]


@dataclass(frozen=True)
class Sharing:
    protocol: str
    recipient: str
    kind: str
    at: datetime
    note: str = ""


def sharing(person: Person) -> list[Sharing]:
    """(g) Who the data was shared with: other Open Insurance participants handed the case, external bodies (the
    case's reference there), the OPIN quarterly file (which carries no identity: said, with its dates)."""
    rows: list[Sharing] = []
    handoffs = ParticipantHandoff.objects.filter(manifestation__in=person.cases).select_related(
        "participant", "manifestation"
    )
    for h in handoffs:
        rows.append(Sharing(h.manifestation.formatted_protocol, h.participant.name, "Outra participante", h.handed_at))
    for m in person.cases:
        if m.instance.kind == "external" or m.external_reference:
            rows.append(
                Sharing(
                    m.formatted_protocol,
                    m.instance.label,
                    "Órgão externo (a demanda veio dele, que recebe a resposta)",
                    m.received_at,
                    f"referência {m.external_reference}" if m.external_reference else "",
                )
            )
    from ouvidoria.opin.models import OpinTransmission

    first: dict[int, datetime] = {}
    for m in person.cases:
        if m.entity.opin_participant or m.entity.opin_structure:
            first[m.entity_id] = min(first.get(m.entity_id, m.received_at), m.received_at)
    for t in OpinTransmission.objects.filter(entity_id__in=first).select_related("entity").order_by("generated_at"):
        if t.generated_at >= first[t.entity_id]:
            rows.append(
                Sharing(
                    "",
                    "Gestão OPIN (Open Insurance)",
                    "Arquivo trimestral, sem nome, CPF nem contato: só dados estatísticos",
                    t.generated_at,
                    f"{t.entity.name}, trimestre {t.quarter}",
                )
            )
    return sorted(rows, key=lambda s: s.at)


def active_block(requester_ids: list[int]) -> ProcessingBlock | None:
    return ProcessingBlock.objects.filter(requester_id__in=requester_ids, lifted_at__isnull=True).order_by("pk").first()


def documents_for_citizen(m: Manifestation) -> list[RightsDocument]:
    """The documents the citizen may download from the request's look-up page: released and not expired."""
    today = timezone.localdate()
    return list(
        RightsDocument.objects.filter(
            request=m, released_at__isnull=False, deleted_at__isnull=True, expires_on__gte=today
        ).order_by("-released_at")
    )
