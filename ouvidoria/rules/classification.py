"""The classification of the information: every field of every model and every kind of file, in one table.

Four levels, from least to most protected (seed 000 §9.2, "classificação e rotulagem da informação" and access
control; LGPD, Lei 13.709/2018, art. 5 I and II):

- PUBLIC ("Pública"): published, or meant to be: the catalogues, the entities' public channels, the FAQ, a report
  once published. Anyone may read it.
- INTERNAL ("Interna"): the institution's working information that names no person: protocols, dates, statuses,
  deadlines, subjects, configuration, digests. Staff read it for their work; it does not leave the institution.
- PERSONAL ("Dado pessoal"): information about an identified or identifiable natural person (LGPD art. 5 I): the
  requester's identity, the name of the staff member who handled a case, an IP address, a keyed hash of a CPF
  (pseudonymised data is still personal data while the controller holds the key, art. 12 §3 and art. 13 §4).
- SENSITIVE ("Dado pessoal sensível"): personal data on racial or ethnic origin, religious conviction, political
  opinion, trade-union or religious, philosophical or political membership, health or sex life, genetic or biometric
  data (LGPD art. 5 II, processed only under art. 11). A field is classified by the most it may carry: a health
  plan's manifestation tells of an illness, a recorded call carries the voice and what was said, so the free text
  of a case and its documents are sensitive whatever one of them happens to hold.

Who reads the table: the access rule (``ouvidoria.rules.disclosure``: the requester's identity fields are this table's
personal fields of ``cases.Requester``; ``sees_field`` says whether a role may read a classified field), the exports
(``ouvidoria.lib.exports``: each states its highest level; a personal column is masked for a role that may not read
it), the logs (``ouvidoria.lib.logfilter``: values of personal fields are redacted) and the pages (the "Dado
pessoal" badges). ``ouvidoria/lib/tests/test_classification.py`` fails for any model field missing here, or any entry
here that no longer exists, naming the line to add or remove. docs/security.md, "Classificação da informação".
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    PUBLIC = 0
    INTERNAL = 1
    PERSONAL = 2
    SENSITIVE = 3

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def token(self) -> str:
        """The level as a plain word (headers, file names): "publica", "interna", "pessoal", "sensivel"."""
        return TOKENS[self]


PUBLIC, INTERNAL, PERSONAL, SENSITIVE = Level.PUBLIC, Level.INTERNAL, Level.PERSONAL, Level.SENSITIVE

LABELS: dict[Level, str] = {
    PUBLIC: "Pública",
    INTERNAL: "Interna",
    PERSONAL: "Dado pessoal",
    SENSITIVE: "Dado pessoal sensível",
}
TOKENS: dict[Level, str] = {PUBLIC: "publica", INTERNAL: "interna", PERSONAL: "pessoal", SENSITIVE: "sensivel"}
DEFINITIONS: dict[Level, tuple[str, str]] = {
    PUBLIC: ("Publicada ou destinada a publicação; qualquer pessoa pode ler.", "seed 000 §9.2"),
    INTERNAL: (
        "Informação de trabalho da instituição que não identifica pessoa; não sai da instituição.",
        "seed 000 §9.2",
    ),
    PERSONAL: ("Informação relacionada a pessoa natural identificada ou identificável.", "LGPD art. 5 I"),
    SENSITIVE: (
        "Dado pessoal sobre origem racial ou étnica, convicção religiosa, opinião política, filiação a sindicato ou a "
        "organização de caráter religioso, filosófico ou político, saúde ou vida sexual, dado genético ou biométrico.",
        "LGPD art. 5 II e art. 11",
    ),
}

# Whose data a personal field is: it says which part of the access rule governs it (rules/disclosure.sees_field).
REQUESTER = "requester"  # the citizen or company who wrote to the entity
STAFF = "staff"  # the entity's people working in the product (and who configured it)
CONTACT = "contact"  # people at the entities: the Ouvidor, key contacts, a participant's contact


@dataclass(frozen=True)
class Entry:
    level: Level
    reason: str = ""
    # Whose personal data it is (REQUESTER, STAFF, CONTACT); empty below PERSONAL.
    subject: str = ""
    # Computed from another field (a keyed hash, a blind index) and never shown: personal, but no one reads it.
    derived: bool = False


def public(reason: str = "") -> Entry:
    return Entry(PUBLIC, reason)


def internal(reason: str = "") -> Entry:
    return Entry(INTERNAL, reason)


def personal(subject: str, reason: str = "", *, derived: bool = False) -> Entry:
    return Entry(PERSONAL, reason, subject, derived)


def sensitive(subject: str, reason: str = "") -> Entry:
    return Entry(SENSITIVE, reason, subject)


_ID = internal()
_WHEN = internal()
_STAFF_USER = personal(STAFF, "names a staff member (employees are data subjects too, LGPD art. 5 I)")
# Written by people about the case, to or from the requester: may name them and, in a health plan's case, tell of
# an illness (LGPD art. 5 II).
_CASE_TEXT = sensitive(REQUESTER, "free text of the case: may carry the requester's identity and health data")

# "app_label.Model.field" → its classification. The order within cases.Requester is the order the identity is
# listed in everywhere (rules/disclosure.IDENTITY_FIELDS). To classify a new field, add its line under its model.
FIELDS: dict[str, Entry] = {
    # catalogue: the regulators' and the entities' published taxonomies.
    "catalogue.Instance.code": public(),
    "catalogue.Instance.label": public(),
    "catalogue.Instance.kind": public(),
    "catalogue.Instance.opin_channel": public(),
    "catalogue.Medium.code": public(),
    "catalogue.Medium.label": public(),
    "catalogue.RecordType.code": public(),
    "catalogue.RecordType.label": public(),
    "catalogue.SubjectCatalogue.code": public(),
    "catalogue.SubjectCatalogue.label": public(),
    "catalogue.SubjectCatalogue.entities": public(),
    "catalogue.Subject.id": _ID,
    "catalogue.Subject.code": public(),
    "catalogue.Subject.label": public(),
    "catalogue.Subject.description": public(),
    "catalogue.Subject.is_opin": public(),
    "catalogue.Subject.active": public(),
    "catalogue.Subject.area": public(),
    "catalogue.Subject.topic": public(),
    "catalogue.Subject.problem_group": public(),
    "catalogue.Subject.source": public(),
    "catalogue.Subject.record_types": public(),
    "catalogue.Subject.instances": public(),
    "catalogue.Subject.catalogues": public(),
    "catalogue.DeadlinePolicy.code": public(),
    "catalogue.DeadlinePolicy.label": public(),
    "catalogue.DeadlinePolicy.unit": public(),
    "catalogue.DeadlinePolicy.days": public("the deadlines are the regulators' own"),
    "catalogue.DeadlinePolicy.source": public(),
    # entities: registered companies and their published channels.
    "entities.EconomicGroup.id": _ID,
    "entities.EconomicGroup.name": public(),
    "entities.EconomicGroup.slug": public(),
    "entities.EconomicGroup.single_ombudsman": public(),
    "entities.Entity.id": _ID,
    "entities.Entity.name": public(),
    "entities.Entity.slug": public("in the portal's addresses"),
    "entities.Entity.cnpj": public("a company's CNPJ is public registry data"),
    "entities.Entity.regime": public(),
    "entities.Entity.institution_kind": public(),
    "entities.Entity.opin_participant": public(),
    "entities.Entity.opin_structure": public(),
    "entities.Entity.state": public(),
    "entities.Entity.city": public(),
    "entities.Entity.group": public(),
    "entities.Entity.ombudsman_name": personal(CONTACT, "the Ouvidor's own name; the portal shows the channels"),
    "entities.Entity.ombudsman_email": public("the Ouvidoria's channel, published on the portal"),
    "entities.Entity.ombudsman_phone": public("the Ouvidoria's channel, published on the portal"),
    "entities.Entity.substitute_name": personal(CONTACT),
    "entities.Entity.substitute_email": personal(CONTACT, "the substitute's own mailbox, not a published channel"),
    "entities.Entity.substitute_phone": personal(CONTACT),
    "entities.Entity.sac_phone": public("published channel"),
    "entities.Entity.sac_email": public("published channel"),
    "entities.Entity.sac_hours": public(),
    "entities.Entity.transactional_phone": public(),
    "entities.Entity.ombudsman_hours": public(),
    "entities.Entity.website": public(),
    "entities.Entity.warning_business_days": internal(),
    "entities.Entity.calendar_version": internal(),
    "entities.Entity.is_external": internal(),
    "entities.Entity.active": internal(),
    "entities.Entity.created_at": _WHEN,
    "entities.Closure.id": _ID,
    "entities.Closure.entity": internal(),
    "entities.Closure.date": public("days the entity does not open count in the published deadlines"),
    "entities.Closure.reason": public(),
    "entities.KeyContact.id": _ID,
    "entities.KeyContact.entity": internal(),
    "entities.KeyContact.name": personal(CONTACT),
    "entities.KeyContact.role": internal(),
    "entities.KeyContact.email": personal(CONTACT),
    "entities.KeyContact.phone": personal(CONTACT),
    "entities.Area.id": _ID,
    "entities.Area.entity": internal(),
    "entities.Area.name": internal(),
    "entities.Area.email": internal("a department's mailbox, not a person's"),
    # cases: the requester (encrypted at rest), the manifestation and its timeline.
    "cases.Requester.name": personal(REQUESTER),
    "cases.Requester.social_name": personal(REQUESTER),
    "cases.Requester.document": personal(REQUESTER, "CPF or CNPJ"),
    "cases.Requester.email": personal(REQUESTER),
    "cases.Requester.phone": personal(REQUESTER),
    "cases.Requester.address": personal(REQUESTER),
    "cases.Requester.gender": personal(
        REQUESTER, "declared gender; not in art. 5 II's list, kept with the identity and read only with it"
    ),
    "cases.Requester.id": _ID,
    "cases.Requester.kind": internal("person or company: identifies no one"),
    "cases.Requester.document_hash": personal(REQUESTER, "keyed hash of the CPF (art. 13 §4)", derived=True),
    "cases.Requester.email_hash": personal(REQUESTER, "keyed hash of the e-mail (art. 13 §4)", derived=True),
    "cases.Requester.state": internal("UF alone identifies no one; OPIN statistics (seed 000 §8)"),
    "cases.Requester.city": internal("the city alone identifies no one; OPIN statistics (seed 000 §8)"),
    "cases.Requester.created_at": _WHEN,
    "cases.Requester.updated_at": _WHEN,
    "cases.RequesterToken.id": _ID,
    "cases.RequesterToken.requester": internal(),
    "cases.RequesterToken.digest": personal(REQUESTER, "keyed hash of a name word or phone", derived=True),
    "cases.ProtocolCounter.id": _ID,
    "cases.ProtocolCounter.value": internal(),
    "cases.Manifestation.id": _ID,
    "cases.Manifestation.protocol": internal("the requester follows the case with it and their e-mail or CPF"),
    "cases.Manifestation.entity": internal(),
    "cases.Manifestation.instance": internal(),
    "cases.Manifestation.medium": internal(),
    "cases.Manifestation.record_type": internal(),
    "cases.Manifestation.subject": internal(),
    "cases.Manifestation.policy": internal(),
    "cases.Manifestation.requester": internal("a row id; the identity is in cases.Requester"),
    "cases.Manifestation.anonymous": internal(),
    "cases.Manifestation.name_confidential": internal(),
    "cases.Manifestation.description": _CASE_TEXT,
    "cases.Manifestation.state": internal("OPIN statistics (seed 000 §8)"),
    "cases.Manifestation.city": internal("OPIN statistics (seed 000 §8)"),
    "cases.Manifestation.status": internal(),
    "cases.Manifestation.assignee": _STAFF_USER,
    "cases.Manifestation.earlier_reference": internal(),
    "cases.Manifestation.external_reference": internal(),
    "cases.Manifestation.external_due_on": internal(),
    "cases.Manifestation.received_at": _WHEN,
    "cases.Manifestation.received_on": _WHEN,
    "cases.Manifestation.extra_days": internal(),
    "cases.Manifestation.extension_count": internal(),
    "cases.Manifestation.paused_since": _WHEN,
    "cases.Manifestation.due_on": _WHEN,
    "cases.Manifestation.concluded_at": _WHEN,
    "cases.Manifestation.closed_at": _WHEN,
    "cases.Manifestation.merits": internal(),
    "cases.Manifestation.merits_reason": internal("a code from a list"),
    "cases.Manifestation.resolved": internal(),
    "cases.Manifestation.rating": internal(),
    "cases.Manifestation.interaction_count": internal(),
    "cases.Manifestation.imported": internal(),
    "cases.Manifestation.source_key": internal(),
    "cases.Manifestation.created_at": _WHEN,
    "cases.Manifestation.updated_at": _WHEN,
    "cases.Manifestation.earlier": internal(),
    "cases.Manifestation.anonymised_at": _WHEN,
    "cases.Forward.id": _ID,
    "cases.Forward.manifestation": internal(),
    "cases.Forward.area": internal(),
    "cases.Forward.question": _CASE_TEXT,
    "cases.Forward.due_on": _WHEN,
    "cases.Forward.created_at": _WHEN,
    "cases.Forward.replied_at": _WHEN,
    "cases.Forward.reply": _CASE_TEXT,
    "cases.Event.id": _ID,
    "cases.Event.manifestation": internal(),
    "cases.Event.kind": internal(),
    "cases.Event.created_at": _WHEN,
    "cases.Event.actor": _STAFF_USER,
    "cases.Event.actor_label": _STAFF_USER,
    "cases.Event.body": _CASE_TEXT,
    "cases.Event.params": _CASE_TEXT,
    "cases.ParticipantHandoff.id": _ID,
    "cases.ParticipantHandoff.manifestation": internal(),
    "cases.ParticipantHandoff.participant": internal(),
    "cases.ParticipantHandoff.contact": internal(),
    "cases.ParticipantHandoff.contact_name": personal(CONTACT),
    "cases.ParticipantHandoff.channel": internal(),
    "cases.ParticipantHandoff.reached_at": personal(CONTACT, "the contact's phone or e-mail"),
    "cases.ParticipantHandoff.question": _CASE_TEXT,
    "cases.ParticipantHandoff.handed_at": _WHEN,
    "cases.ParticipantHandoff.due_on": _WHEN,
    "cases.ParticipantHandoff.replied_at": _WHEN,
    "cases.ParticipantHandoff.reply": _CASE_TEXT,
    "cases.ParticipantHandoff.handed_by": _STAFF_USER,
    "cases.Attachment.id": _ID,
    "cases.Attachment.manifestation": internal(),
    "cases.Attachment.kind": internal(),
    "cases.Attachment.disposed_at": _WHEN,
    "cases.Attachment.event": internal(),
    "cases.Attachment.file": sensitive(REQUESTER, "the file itself: see FILES, attachment.*"),
    "cases.Attachment.token": internal(),
    "cases.Attachment.original_name": personal(REQUESTER, "people name files after themselves"),
    "cases.Attachment.content_type": internal(),
    "cases.Attachment.size": internal(),
    "cases.Attachment.sha256": internal(),
    "cases.Attachment.uploaded_at": _WHEN,
    "cases.IdempotencyKey.id": _ID,
    "cases.IdempotencyKey.scope": internal(),
    "cases.IdempotencyKey.key": internal(),
    "cases.IdempotencyKey.request_hash": internal("a digest of the request: not keyed, but of a whole request body"),
    "cases.IdempotencyKey.manifestation": internal(),
    "cases.IdempotencyKey.created_at": _WHEN,
    "cases.AnswerDraft.id": _ID,
    "cases.AnswerDraft.manifestation": internal(),
    "cases.AnswerDraft.body": _CASE_TEXT,
    "cases.AnswerDraft.merits_reason": internal("a code from a list"),
    "cases.AnswerDraft.proposed_by": _STAFF_USER,
    "cases.AnswerDraft.proposed_at": _WHEN,
    "cases.AnswerDraft.decided_by": _STAFF_USER,
    "cases.AnswerDraft.decided_at": _WHEN,
    "cases.AnswerDraft.approved": internal(),
    "cases.AnswerDraft.decision_note": _CASE_TEXT,
    "cases.Agreement.id": _ID,
    "cases.Agreement.manifestation": internal(),
    "cases.Agreement.agreed_on": _WHEN,
    "cases.Agreement.description": _CASE_TEXT,
    "cases.Agreement.amount": internal(),
    "cases.Agreement.paid_on": _WHEN,
    "cases.Agreement.status": internal(),
    "cases.Agreement.decided_by": _STAFF_USER,
    "cases.Agreement.decided_at": _WHEN,
    "cases.Agreement.decision_note": _CASE_TEXT,
    "cases.Agreement.created_by": _STAFF_USER,
    "cases.Agreement.created_at": _WHEN,
    # api: the entities' systems.
    "api.ApiToken.id": _ID,
    "api.ApiToken.name": internal("names a system, not a person"),
    "api.ApiToken.key_hash": internal("a secret's digest: never shown"),
    "api.ApiToken.prefix": internal(),
    "api.ApiToken.created_by": _STAFF_USER,
    "api.ApiToken.created_at": _WHEN,
    "api.ApiToken.last_used_at": _WHEN,
    "api.ApiToken.active": internal(),
    "api.ApiToken.entities": internal(),
    # imports: historical records.
    "imports.ImportJob.id": _ID,
    "imports.ImportJob.kind": internal(),
    "imports.ImportJob.file": sensitive(REQUESTER, "the file itself: see FILES, import"),
    "imports.ImportJob.original_name": internal(),
    "imports.ImportJob.create_entities": internal(),
    "imports.ImportJob.uploaded_by": _STAFF_USER,
    "imports.ImportJob.created_at": _WHEN,
    "imports.ImportJob.status": internal(),
    "imports.ImportJob.total": internal(),
    "imports.ImportJob.done": internal(),
    "imports.ImportJob.result": internal("counts and the line numbers of problems, no values"),
    "imports.ImportJob.finished_at": _WHEN,
    # indicators: counts per day, no case.
    "indicators.DailyFigure.id": _ID,
    "indicators.DailyFigure.entity_id": internal(),
    "indicators.DailyFigure.instance_id": internal(),
    "indicators.DailyFigure.day": internal(),
    "indicators.DailyFigure.dimension": internal(),
    "indicators.DailyFigure.value": internal(),
    "indicators.DailyFigure.n_received": internal(),
    "indicators.DailyFigure.n_answered": internal(),
    "indicators.DailyFigure.sum_days": internal(),
    "indicators.DailyFigure.n_on_time": internal(),
    "indicators.DailyFigure.n_upheld": internal(),
    "indicators.DailyFigure.n_not_upheld": internal(),
    "indicators.DailyFigure.n_resolved": internal(),
    "indicators.DailyFigure.n_not_resolved": internal(),
    "indicators.DailyFigure.sum_rating": internal(),
    "indicators.DailyFigure.n_rated": internal(),
    "indicators.DailyFigure.n_extended": internal(),
    "indicators.DailyFlow.id": _ID,
    "indicators.DailyFlow.entity_id": internal(),
    "indicators.DailyFlow.instance_id": internal(),
    "indicators.DailyFlow.day": internal(),
    "indicators.DailyFlow.concluded_on": internal(),
    "indicators.DailyFlow.settled_on": internal(),
    "indicators.DailyFlow.n": internal(),
    # accounts: the staff and the record of reads.
    "accounts.StaffProfile.id": _ID,
    "accounts.StaffProfile.user": _STAFF_USER,
    "accounts.StaffProfile.role": internal(),
    "accounts.StaffProfile.entities": internal(),
    "accounts.StaffProfile.economic_groups": internal(),
    "accounts.StaffProfile.areas": internal(),
    "accounts.PersonalDataView.id": _ID,
    "accounts.PersonalDataView.user": _STAFF_USER,
    "accounts.PersonalDataView.token": internal(),
    "accounts.PersonalDataView.actor_label": _STAFF_USER,
    "accounts.PersonalDataView.manifestation": internal(),
    "accounts.PersonalDataView.fields": internal("the names of the fields read, not their values"),
    "accounts.PersonalDataView.channel": internal(),
    "accounts.PersonalDataView.viewed_at": _WHEN,
    "accounts.PersonalDataView.ip_address": personal(STAFF, "the reader's IP address"),
    "workspace.SavedFilter.id": _ID,
    "workspace.SavedFilter.user": _STAFF_USER,
    "workspace.SavedFilter.name": internal(),
    "workspace.SavedFilter.query": personal(STAFF, "a search may be for a person's name or CPF"),
    "workspace.SavedFilter.created_at": _WHEN,
    # reports: the regulators' periodic reports (aggregates).
    "reports.Report.id": _ID,
    "reports.Report.entity": internal(),
    "reports.Report.kind": internal(),
    "reports.Report.period_start": internal(),
    "reports.Report.period_end": internal(),
    "reports.Report.version": internal(),
    "reports.Report.sections": internal("the Ouvidor's qualitative text, public once the report is"),
    "reports.Report.status": internal(),
    "reports.Report.progress": internal(),
    "reports.Report.error": internal(),
    "reports.Report.pdf": internal("the file itself: see FILES, report"),
    "reports.Report.xlsx": internal("the file itself: see FILES, report"),
    "reports.Report.pdf_sha256": internal(),
    "reports.Report.xlsx_sha256": internal(),
    "reports.Report.generated_at": _WHEN,
    "reports.Report.generated_by": _STAFF_USER,
    "reports.Report.keep_until": _WHEN,
    "reports.Report.signed_off_at": _WHEN,
    "reports.Report.signed_off_by": _STAFF_USER,
    "reports.Report.published_at": _WHEN,
    "reports.Report.published_by": _STAFF_USER,
    "reports.Report.sent_at": _WHEN,
    "reports.Report.sent_by": _STAFF_USER,
    "reports.Report.sent_reference": internal(),
    "reports.Report.created_at": _WHEN,
    "reports.Report.updated_at": _WHEN,
    "reports.ReportReminder.id": _ID,
    "reports.ReportReminder.entity": internal(),
    "reports.ReportReminder.kind": internal(),
    "reports.ReportReminder.period_start": internal(),
    "reports.ReportReminder.level": internal(),
    "reports.ReportReminder.recipients": personal(STAFF, "staff e-mail addresses"),
    "reports.ReportReminder.created_at": _WHEN,
    # portal: the virtual assistant.
    "portal.ChatConversation.id": _ID,
    "portal.ChatConversation.protocol": internal(),
    "portal.ChatConversation.entity": internal(),
    "portal.ChatConversation.state": internal(),
    "portal.ChatConversation.participant": internal(),
    "portal.ChatConversation.purpose": internal(),
    "portal.ChatConversation.started_at": _WHEN,
    "portal.ChatConversation.updated_at": _WHEN,
    "portal.ChatConversation.resolved": internal(),
    "portal.ChatConversation.suggestion": personal(REQUESTER, "written by a visitor"),
    "portal.ChatMessage.id": _ID,
    "portal.ChatMessage.conversation": internal(),
    "portal.ChatMessage.author": internal(),
    "portal.ChatMessage.text": personal(
        REQUESTER, "kept without CPF, cards, health data or contacts (rules/chatbot), but may still name someone"
    ),
    "portal.ChatMessage.article": internal(),
    "portal.ChatMessage.link": internal(),
    "portal.ChatMessage.link_label": internal(),
    "portal.ChatMessage.created_at": _WHEN,
    # notify: the outbox, notices and templates.
    "notify.OutboundEmail.id": _ID,
    "notify.OutboundEmail.key": internal(),
    "notify.OutboundEmail.recipient": personal(REQUESTER, "the requester's or a staff member's address"),
    "notify.OutboundEmail.subject": internal("the protocol and what happened (notify/requester._SUBJECTS)"),
    "notify.OutboundEmail.body": _CASE_TEXT,
    "notify.OutboundEmail.manifestation": internal(),
    "notify.OutboundEmail.status": internal(),
    "notify.OutboundEmail.attempts": internal(),
    "notify.OutboundEmail.last_error": personal(REQUESTER, "the mail server's answer may quote the address"),
    "notify.OutboundEmail.created_at": _WHEN,
    "notify.OutboundEmail.attempted_at": _WHEN,
    "notify.OutboundEmail.sent_at": _WHEN,
    "notify.Notice.id": _ID,
    "notify.Notice.key": internal(),
    "notify.Notice.sent_at": _WHEN,
    "notify.ReplyTemplate.id": _ID,
    "notify.ReplyTemplate.entity": internal(),
    "notify.ReplyTemplate.title": internal(),
    "notify.ReplyTemplate.category": internal(),
    "notify.ReplyTemplate.body": internal("a template: placeholders, no one's data"),
    "notify.ReplyTemplate.active": internal(),
    "notify.ReplyTemplate.created_at": _WHEN,
    "notify.ReplyTemplate.updated_at": _WHEN,
    "notify.ReplyTemplate.record_types": internal(),
    # faq: published articles.
    "faq.Article.id": _ID,
    "faq.Article.entity": public(),
    "faq.Article.title": public(),
    "faq.Article.slug": public(),
    "faq.Article.body": public(),
    "faq.Article.keywords": public(),
    "faq.Article.category": public(),
    "faq.Article.sets": public(),
    "faq.Article.published": public(),
    "faq.Article.order": public(),
    "faq.Article.shipped_checksum": internal(),
    "faq.Article.created_at": _WHEN,
    "faq.Article.updated_at": _WHEN,
    # opin: the quarterly file's record.
    "opin.OpinTransmission.id": _ID,
    "opin.OpinTransmission.entity": internal(),
    "opin.OpinTransmission.quarter": internal(),
    "opin.OpinTransmission.generated_at": _WHEN,
    "opin.OpinTransmission.generated_by": _STAFF_USER,
    "opin.OpinTransmission.file": internal("a path: the file itself is FILES, opin"),
    "opin.OpinTransmission.spreadsheet": internal("a path: the file itself is FILES, opin"),
    "opin.OpinTransmission.sha256": internal(),
    "opin.OpinTransmission.record_count": internal(),
    "opin.OpinTransmission.omitted_count": internal(),
    "opin.OpinTransmission.sent_at": _WHEN,
    "opin.OpinTransmission.sent_by": _STAFF_USER,
    "opin.OpinTransmission.notes": internal(),
    "opin.OpinReminder.id": _ID,
    "opin.OpinReminder.entity": internal(),
    "opin.OpinReminder.quarter": internal(),
    "opin.OpinReminder.level": internal(),
    "opin.OpinReminder.sent_at": _WHEN,
    "opin.OpinReminder.recipients": personal(STAFF, "staff e-mail addresses"),
    # audit: the hash chain (digests, no content) and its checks.
    "audit.ChainRecord.seq": internal(),
    "audit.ChainRecord.source": internal(),
    "audit.ChainRecord.source_id": internal(),
    "audit.ChainRecord.digest": internal("a digest of the row: reveals nothing of it"),
    "audit.ChainRecord.prev_hash": internal(),
    "audit.ChainRecord.hash": internal(),
    "audit.ChainRecord.sealed_at": _WHEN,
    "audit.Anchor.id": _ID,
    "audit.Anchor.seq": internal(),
    "audit.Anchor.hash": internal(),
    "audit.Anchor.created_at": _WHEN,
    "audit.Anchor.recipients": internal("a count"),
    "audit.MaintenanceUse.id": _ID,
    "audit.MaintenanceUse.actor_label": _STAFF_USER,
    "audit.MaintenanceUse.reason": internal(),
    "audit.MaintenanceUse.started_at": _WHEN,
    "audit.Verification.id": _ID,
    "audit.Verification.ran_at": _WHEN,
    "audit.Verification.records": internal(),
    "audit.Verification.anchors": internal(),
    "audit.Verification.seconds": internal(),
    "audit.Verification.problems": internal(),
    "audit.Verification.first_problem": internal(),
    # inbox: the team's notifications.
    "inbox.StaffNotification.id": _ID,
    "inbox.StaffNotification.user": _STAFF_USER,
    "inbox.StaffNotification.kind": internal(),
    "inbox.StaffNotification.manifestation": internal(),
    "inbox.StaffNotification.text": personal(STAFF, "a colleague's name and the protocol, never the requester"),
    "inbox.StaffNotification.created_at": _WHEN,
    "inbox.StaffNotification.read_at": _WHEN,
    "inbox.InboxPreference.id": _ID,
    "inbox.InboxPreference.user": _STAFF_USER,
    "inbox.InboxPreference.email_kinds": internal(),
    # retention: legal holds.
    "retention.LegalHold.id": _ID,
    "retention.LegalHold.manifestation": internal(),
    "retention.LegalHold.requester": internal("a row id; the identity is in cases.Requester"),
    "retention.LegalHold.entity": internal(),
    "retention.LegalHold.reason": personal(REQUESTER, "free text: may cite a lawsuit naming the requester"),
    "retention.LegalHold.placed_by": _STAFF_USER,
    "retention.LegalHold.placed_at": _WHEN,
    "retention.LegalHold.until": _WHEN,
    "retention.LegalHold.released_by": _STAFF_USER,
    "retention.LegalHold.released_at": _WHEN,
    # audit: the redactions an anonymisation made (digests, no content).
    "audit.Redaction.id": _ID,
    "audit.Redaction.source": internal(),
    "audit.Redaction.source_id": internal(),
    "audit.Redaction.digest": internal("the digest of the row as anonymised"),
    "audit.Redaction.maintenance": internal(),
    "audit.Redaction.created_at": _WHEN,
    # rights: the data subject's requests, consents, blocks and the documents made for them.
    "rights.RightsRequest.id": _ID,
    "rights.RightsRequest.manifestation": internal(),
    "rights.RightsRequest.rights": internal("which of the rights a–j were asked"),
    "rights.RightsRequest.chat_protocols": internal("protocols of the assistant's conversations the person cited"),
    "rights.RightsRequest.identity_confirmed_at": _WHEN,
    "rights.RightsRequest.identity_confirmed_by": _STAFF_USER,
    "rights.RightsRequest.identity_checks": internal("the names of the checks passed, never the values"),
    "rights.RightsRequest.created_at": _WHEN,
    "rights.Consent.id": _ID,
    "rights.Consent.requester": internal("a row id; the identity is in cases.Requester"),
    "rights.Consent.subject_hash": personal(REQUESTER, "keyed hash of the CPF or e-mail (art. 13 §4)", derived=True),
    "rights.Consent.conversation_protocol": internal(),
    "rights.Consent.purpose": internal(),
    "rights.Consent.channel": internal(),
    "rights.Consent.text_version": internal(),
    "rights.Consent.granted_at": _WHEN,
    "rights.Consent.revoked_at": _WHEN,
    "rights.Consent.revoked_via": internal("how it was revoked: the panel, a request's protocol"),
    "rights.ProcessingBlock.id": _ID,
    "rights.ProcessingBlock.requester": internal("a row id; the identity is in cases.Requester"),
    "rights.ProcessingBlock.request": internal(),
    "rights.ProcessingBlock.placed_at": _WHEN,
    "rights.ProcessingBlock.placed_by": _STAFF_USER,
    "rights.ProcessingBlock.lifted_at": _WHEN,
    "rights.RightsDocument.id": _ID,
    "rights.RightsDocument.request": internal(),
    "rights.RightsDocument.kind": internal(),
    "rights.RightsDocument.sealed": sensitive(REQUESTER, "the person's copy of their data or declaration, encrypted"),
    "rights.RightsDocument.filename": internal("the kind and the request's protocol"),
    "rights.RightsDocument.content_type": internal(),
    "rights.RightsDocument.size": internal(),
    "rights.RightsDocument.sha256": internal(),
    "rights.RightsDocument.created_at": _WHEN,
    "rights.RightsDocument.created_by": _STAFF_USER,
    "rights.RightsDocument.released_at": _WHEN,
    "rights.RightsDocument.released_by": _STAFF_USER,
    "rights.RightsDocument.expires_on": _WHEN,
    "rights.RightsDocument.deleted_at": _WHEN,
    "rights.RightsDownload.id": _ID,
    "rights.RightsDownload.document": internal(),
    "rights.RightsDownload.downloaded_at": _WHEN,
    "rights.RightsDownload.ip_address": personal(REQUESTER, "the downloader's IP address"),
}

# Fields of models outside ouvidoria/ that the exports and pages read.
EXTERNAL_FIELDS: dict[str, Entry] = {
    "auth.User.username": _STAFF_USER,
    "auth.User.first_name": _STAFF_USER,
    "auth.User.last_name": _STAFF_USER,
    "auth.User.email": _STAFF_USER,
}

# Files, by kind: what leaves or is kept as a whole document.
FILES: dict[str, Entry] = {
    "attachment.document": sensitive(
        REQUESTER, "identity documents, receipts, medical reports of a health plan's case (LGPD art. 5 II)"
    ),
    "attachment.recording": sensitive(REQUESTER, "a recorded call: the voice and what was said, health included"),
    "dossier": sensitive(REQUESTER, "the whole case as its reader may read it, signed"),
    "backup": sensitive(REQUESTER, "the whole database and the attachments, encrypted"),
    "import": sensitive(REQUESTER, "historical records as other systems exported them, identity and text"),
    "opin": internal("Annex II records: protocol, dates, subject, UF, the requester's kind and declared gender"),
    "rights.export": sensitive(REQUESTER, "everything held about the person: cases, texts, files, e-mails, chats"),
    "rights.declaration": personal(REQUESTER, "the origin, purpose and legal basis of the person's data"),
    "report": internal("aggregates for the regulator; the Ouvidor's sections"),
    "report.published": public("the report as published on the portal"),
    # The workspace's downloads: each one's highest column (ouvidoria/lib/tests/test_classification.py checks it).
    "export.queue": personal(STAFF, "the staff member each case is assigned to"),
    "export.indicators": internal("counts"),
    "export.audit_reads": personal(STAFF, "who read, from which IP address"),
    "export.audit_chain": internal("digests"),
}


def entry(key: str) -> Entry:
    """The classification of a field ("app.Model.field") or a file kind; a KeyError names what is missing."""
    found = FIELDS.get(key) or EXTERNAL_FIELDS.get(key) or FILES.get(key)
    if found is None:
        raise KeyError(f"{key} is not classified: add it to ouvidoria/rules/classification.py")
    return found


def level_of(key: str) -> Level:
    return entry(key).level


def highest(keys: Iterable[str], floor: Level = INTERNAL) -> Level:
    """The highest level among ``keys`` (what a document holding them all is classified as), at least ``floor``."""
    return max([floor, *(level_of(k) for k in keys)])


def personal_fields(model: str, *, shown: bool = True) -> tuple[str, ...]:
    """The personal (and sensitive) fields of ``model`` ("app.Model"), in the table's order; ``shown`` leaves out the
    derived ones (keyed hashes no one reads)."""
    prefix = model + "."
    return tuple(
        key[len(prefix) :]
        for key, e in FIELDS.items()
        if key.startswith(prefix) and e.level >= PERSONAL and not (shown and e.derived)
    )


def personal_names() -> frozenset[str]:
    """The bare names of fields that are personal in some model ("document", "email", "name"…): what a log filter
    redacts when a record carries a value under that name."""
    return frozenset(key.rpartition(".")[2] for key, e in {**FIELDS, **EXTERNAL_FIELDS}.items() if e.level >= PERSONAL)
