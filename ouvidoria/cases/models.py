"""Requesters, manifestations and their append-only timeline."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouvidoria.catalogue.models import DeadlinePolicy, Instance, Medium, RecordType, Subject
from ouvidoria.entities.models import Area, Entity
from ouvidoria.privacy.fields import EncryptedTextField
from ouvidoria.privacy.files import encrypted_storage
from ouvidoria.rules.catalogue import GENDERS
from ouvidoria.rules.protocol import format_protocol
from ouvidoria.rules.workflow import MERITS_LABELS, MERITS_REASONS, OPEN_STATUSES, STATUS_LABELS

# Sorted: the partial indexes' conditions must not depend on the order a frozenset iterates in.
OPEN_LIST = sorted(OPEN_STATUSES)


class Requester(models.Model):
    """A person (CPF) or company (CNPJ). Personal data is encrypted; hashes beside it allow exact look-ups."""

    KIND_CHOICES = [("person", _("Pessoa física")), ("company", _("Pessoa jurídica"))]

    kind = models.CharField(_("tipo"), max_length=10, choices=KIND_CHOICES, default="person")
    document = EncryptedTextField(_("CPF/CNPJ"), blank=True)
    document_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    name = EncryptedTextField(_("nome completo"), blank=True)
    social_name = EncryptedTextField(_("nome social"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    email_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField(_("telefone"), blank=True)
    # Mailing address (seed 001 "Atendimento das Solicitações": contact data include the address).
    address = EncryptedTextField(_("endereço para correspondência"), blank=True)
    gender = models.CharField(_("gênero declarado"), max_length=5, choices=GENDERS, blank=True)
    state = models.CharField(_("UF"), max_length=2, blank=True)
    city = models.CharField(_("cidade"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)

    class Meta:
        verbose_name = _("manifestante")
        verbose_name_plural = _("manifestantes")

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs and admin history.
        return f"Manifestante #{self.pk}"

    @property
    def display_name(self) -> str:
        """The social name wherever it is set (seed 000 §4.3.2 item 3)."""
        return str(self.social_name or self.name)


class RequesterToken(models.Model):
    """A keyed hash of one of a requester's name words or phone forms (``ouvidoria.privacy.tokens``): the queue
    finds people by name and phone without decrypting anyone. Rewritten whenever the name or phone changes."""

    requester = models.ForeignKey(Requester, on_delete=models.CASCADE, related_name="tokens", db_index=False)
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requester", "digest"], name="requester_token_unique")]
        indexes = [models.Index(fields=["digest"], name="requester_token_digest")]

    def __str__(self) -> str:
        return f"Token #{self.pk}"


class ProtocolCounter(models.Model):
    """The serial behind protocol numbers on databases without sequences (SQLite); PostgreSQL uses a sequence."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)


class Manifestation(models.Model):
    MERITS_CHOICES = [("upheld", MERITS_LABELS["upheld"]), ("not_upheld", MERITS_LABELS["not_upheld"])]
    STATUS_CHOICES = list(STATUS_LABELS.items())

    protocol = models.CharField(_("protocolo"), max_length=20, unique=True)
    # No index of their own on entity (the composite indexes below start with it) nor on the four small
    # catalogues (a handful of values each: no query narrows a million cases by one of them alone, and their rows
    # are never deleted). Each index costs every registration and every imported row an insert (two on PostgreSQL
    # for text keys): docs/benchmarks.md, section 6.
    entity = models.ForeignKey(
        Entity, verbose_name=_("entidade"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    instance = models.ForeignKey(
        Instance, verbose_name=_("instância"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    medium = models.ForeignKey(
        Medium, verbose_name=_("meio"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    record_type = models.ForeignKey(
        RecordType, verbose_name=_("tipo"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("assunto"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    policy = models.ForeignKey(
        DeadlinePolicy, verbose_name=_("política de prazo"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    requester = models.ForeignKey(
        Requester,
        verbose_name=_("manifestante"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="manifestations",
    )
    anonymous = models.BooleanField(_("anônima"), default=False)
    name_confidential = models.BooleanField(_("sigilo do nome"), default=False)
    description = models.TextField(_("descrição"))
    # Where the manifestation was received ("UF" and "Cidade" of the OPIN file, seed 000 §8.5).
    state = models.CharField(_("UF"), max_length=2, blank=True)
    city = models.CharField(_("cidade"), max_length=120, blank=True)
    status = models.CharField(_("situação"), max_length=20, choices=STATUS_CHOICES, default="new")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsável"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    earlier = models.ManyToManyField(
        "self", verbose_name=_("protocolos anteriores"), symmetrical=False, blank=True, related_name="later"
    )
    earlier_reference = models.CharField(
        _("protocolo anterior externo"), max_length=100, blank=True, help_text=_("Número em outro sistema.")
    )
    external_reference = models.CharField(_("referência no órgão externo"), max_length=100, blank=True)
    # The external body's own deadline, when it sets one (a PROCON notice, a NIP): the case is due by the earlier.
    external_due_on = models.DateField(_("prazo do órgão externo"), null=True, blank=True)

    received_at = models.DateTimeField(_("recebida em"))
    # The local (entity) date of receipt: the deadline counts from it.
    received_on = models.DateField(_("data de recebimento"))
    # Days added to the policy's period by extensions and pauses, in the policy's unit.
    extra_days = models.PositiveIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField(default=0)
    paused_since = models.DateField(null=True, blank=True)
    due_on = models.DateField(_("prazo"))
    # The conclusive answer concludes the manifestation (seed 001 "Parecer e Respostas": the finalization is the
    # communication of the outcome); closure archives it afterwards.
    concluded_at = models.DateTimeField(_("concluída em"), null=True, blank=True)
    closed_at = models.DateTimeField(_("arquivada em"), null=True, blank=True)
    merits = models.CharField(_("mérito"), max_length=12, choices=MERITS_CHOICES, blank=True)
    merits_reason = models.CharField(_("motivo do mérito"), max_length=40, blank=True)
    resolved = models.BooleanField(_("resolvida na visão do manifestante"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("nota"), null=True, blank=True)
    # Derived from the timeline by the event writers (seed 000 §8.5 "Número de interações por cliente"); imported
    # historical cases carry the number of their source.
    interaction_count = models.PositiveIntegerField(_("interações com o manifestante"), default=0)
    imported = models.BooleanField(default=False)
    # When retention anonymised it, 5 years after the protocol (ouvidoria/retention/anonymise.py): the statistics
    # stay, what identifies a person is gone.
    anonymised_at = models.DateTimeField(_("anonimizada em"), null=True, blank=True)
    # Identifies an imported row so importing the same file again adds nothing.
    source_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("manifestação")
        verbose_name_plural = _("manifestações")
        indexes = [
            models.Index(fields=["entity", "status", "due_on"], name="case_entity_status_due"),
            models.Index(fields=["entity", "received_at"], name="case_entity_received"),
            models.Index(fields=["status", "due_on"], name="case_status_due"),
            models.Index(fields=["received_at"], name="case_received"),
            # The queue's deadline tabs and "mine": open cases in deadline order, read 51 at a time
            # (docs/benchmarks.md, section 4). Partial: open cases are a few percent of the book.
            models.Index(fields=["due_on", "id"], condition=models.Q(status__in=OPEN_LIST), name="case_open_due"),
            models.Index(
                fields=["assignee", "due_on", "id"], condition=models.Q(status__in=OPEN_LIST), name="case_open_assignee"
            ),
            # "Sem responsável": without it the planner walks case_open_due skipping every assigned case.
            models.Index(
                fields=["due_on", "id"],
                condition=models.Q(status__in=OPEN_LIST, assignee__isnull=True),
                name="case_open_unassigned",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="case_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.formatted_protocol

    @property
    def formatted_protocol(self) -> str:
        return format_protocol(self.protocol)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def practiced_days(self) -> int | None:
        """ "Prazo de conclusão praticado" (seed 000 §8.5): calendar days from receipt to conclusion."""
        if self.concluded_at is None:
            return None
        return (timezone.localtime(self.concluded_at).date() - self.received_on).days


class Forward(models.Model):
    """A question sent to an internal area, with the area's own due date and its reply."""

    manifestation = models.ForeignKey(Manifestation, on_delete=models.CASCADE, related_name="forwards")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="forwards")
    question = models.TextField(_("pergunta"))
    due_on = models.DateField(_("prazo da área"))
    created_at = models.DateTimeField(auto_now_add=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("resposta da área"), blank=True)

    class Meta:
        verbose_name = _("encaminhamento")
        verbose_name_plural = _("encaminhamentos")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Encaminhamento #{self.pk}"


class Event(models.Model):
    """One entry of a manifestation's timeline. Append-only: rows are never updated nor deleted."""

    KIND_LABELS = {
        "registration": _("Registro"),
        "triage": _("Triagem"),
        "assignment": _("Atribuição"),
        "message_in": _("Mensagem recebida"),
        "message_out": _("Mensagem enviada"),
        "internal_note": _("Nota interna"),
        "forward": _("Encaminhamento à área"),
        "area_reply": _("Resposta da área"),
        "complement_request": _("Pedido de complemento"),
        "pause_end": _("Retomada do prazo"),
        "extension": _("Prorrogação"),
        "deadline_recomputed": _("Prazo recalculado"),
        "answer_proposal": _("Resposta enviada para aprovação do Ouvidor"),
        "answer_rejection": _("Resposta devolvida pelo Ouvidor"),
        "answer": _("Resposta conclusiva"),
        "merits": _("Mérito"),
        "closure": _("Encerramento"),
        "reopening": _("Reabertura"),
        "evaluation": _("Avaliação"),
        "link": _("Vínculo"),
        "attachment": _("Anexo"),
        "eligibility_override": _("Admissão na Ouvidoria por decisão do analista"),
        "agreement": _("Acordo registrado"),
        "agreement_decision": _("Decisão sobre proposta de acordo"),
        "agreement_payment": _("Pagamento do acordo"),
        "escalation": _("Escalonamento por atraso"),
        "participant_handoff": _("Acionamento de outra participante"),
        "external_data": _("Dados do órgão externo"),
        "external_answer_sent": _("Resposta enviada ao órgão externo"),
        "participant_reply": _("Resposta da participante"),
        "dossier": _("Dossiê assinado gerado"),
        "data_subject_right": _("Direito do titular (LGPD)"),
        "requester_correction": _("Correção dos dados do manifestante"),
        "anonymisation": _("Anonimização"),
    }
    # The requester's own contacts: their count is "Número de interações por cliente" (seed 000 §8.5).
    REQUESTER_CONTACTS = frozenset({"registration", "message_in"})

    # Indexed by event_case_kind (manifestation, kind) below, which serves the timeline's look-ups as well.
    manifestation = models.ForeignKey(Manifestation, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=30, choices=list(KIND_LABELS.items()))
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=120, blank=True)
    # Plain text like the description: the workspace searches both (full-text). Identifying data lives in
    # Requester, encrypted.
    body = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["manifestation", "kind"], name="event_case_kind")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("timeline events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("timeline events are append-only")


class ParticipantHandoff(models.Model):
    """Another Open Insurance participant asked through its key contact, with its own 7-day due date and its answer
    (seed 000 §4.3.1 and §5)."""

    CHANNEL_CHOICES = [("phone", _("Telefone")), ("email", _("E-mail"))]

    manifestation = models.ForeignKey(Manifestation, on_delete=models.CASCADE, related_name="handoffs")
    participant = models.ForeignKey(Entity, verbose_name=_("participante"), on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "entities.KeyContact", verbose_name=_("contato-chave"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # As the contact was when reached: the contact's row may change or go later.
    contact_name = models.CharField(_("contato"), max_length=200)
    channel = models.CharField(_("meio"), max_length=10, choices=CHANNEL_CHOICES)
    reached_at = models.CharField(_("telefone ou e-mail usado"), max_length=254)
    question = models.TextField(_("o que foi pedido"))
    handed_at = models.DateTimeField(_("acionada em"))
    due_on = models.DateField(_("prazo da participante"))
    replied_at = models.DateTimeField(_("respondida em"), null=True, blank=True)
    reply = models.TextField(_("resposta da participante"), blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("acionamento de participante")
        verbose_name_plural = _("acionamentos de participantes")
        ordering = ["handed_at", "id"]

    def __str__(self) -> str:
        return f"Acionamento #{self.pk}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Random, non-guessable names; the original name is kept in the row only.
    return f"{instance.manifestation.protocol}/{instance.token}"


class Attachment(models.Model):
    # Seed 001: a phone call's recording is kept 90 days (rules/retention.py); any other file follows its case.
    KIND_CHOICES = [("document", _("documento")), ("recording", _("gravação de ligação"))]

    manifestation = models.ForeignKey(Manifestation, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("tipo"), max_length=10, choices=KIND_CHOICES, default="document")
    # When retention deleted the file (the row stays: the case's record says a file existed, with its checksum).
    disposed_at = models.DateTimeField(_("descartado em"), null=True, blank=True)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    # Encrypted at rest with the key ring (privacy/files.py); ``size`` and ``sha256`` are the plaintext's.
    file = models.FileField(upload_to=attachment_path, storage=encrypted_storage, max_length=300)
    token = models.CharField(max_length=32, editable=False)
    original_name = models.CharField(_("nome do arquivo"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("anexo")
        verbose_name_plural = _("anexos")

    def __str__(self) -> str:
        return self.original_name


class IdempotencyKey(models.Model):
    """A registration request already answered: a retry with the same key gets the same protocol."""

    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    manifestation = models.ForeignKey(Manifestation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class AnswerDraft(models.Model):
    """A conclusive answer of the Ouvidoria waiting for the Ouvidor, who approves it (it goes out) or returns it."""

    manifestation = models.ForeignKey(Manifestation, on_delete=models.CASCADE, related_name="answer_drafts")
    body = models.TextField(_("resposta proposta"))
    merits_reason = models.CharField(_("motivo de mérito proposto"), max_length=40, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True, blank=True)
    decision_note = models.TextField(_("observação do Ouvidor"), blank=True)

    class Meta:
        verbose_name = _("resposta para aprovação")
        verbose_name_plural = _("respostas para aprovação")
        ordering = ["-proposed_at"]
        constraints = [
            # One pending draft at a time per manifestation.
            models.UniqueConstraint(
                fields=["manifestation"], condition=models.Q(decided_at__isnull=True), name="one_pending_answer_draft"
            )
        ]

    def __str__(self) -> str:
        return f"Resposta proposta #{self.pk}"

    @property
    def merits_label(self) -> str:
        outcome, label = MERITS_REASONS.get(self.merits_reason, ("", self.merits_reason))
        return f"{MERITS_LABELS.get(outcome, '')} — {label}" if outcome else label


class Agreement(models.Model):
    """An agreement the Ouvidoria made with the requester (seed 001 "Obrigações legais" VII: the monthly spreadsheet
    of agreements; "termo de acordo extrajudicial e comprovante de pagamento")."""

    manifestation = models.ForeignKey(Manifestation, on_delete=models.PROTECT, related_name="agreements")
    agreed_on = models.DateField(_("data do acordo"))
    description = models.TextField(_("termos do acordo"))
    amount = models.DecimalField(_("valor (R$)"), max_digits=12, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(_("pago em"), null=True, blank=True)
    # Seed 001 "Matriz de Responsabilidade": proposals of agreement are decided by the Ouvidor, the Gerente
    # Administrativo or the Diretor; one of them recording it decides it at once.
    STATUS_CHOICES = [("proposed", _("Proposto")), ("approved", _("Aprovado")), ("refused", _("Recusado"))]
    status = models.CharField(_("situação"), max_length=10, choices=STATUS_CHOICES, default="approved")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decidido em"), null=True, blank=True)
    decision_note = models.TextField(_("observação da decisão"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acordo")
        verbose_name_plural = _("acordos")
        ordering = ["agreed_on", "id"]
        indexes = [models.Index(fields=["agreed_on"], name="agreement_day")]

    def __str__(self) -> str:
        return f"Acordo #{self.pk}"
