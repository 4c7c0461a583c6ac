"""The e-mail outbox, the notices already given, and the reply templates."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.cases.models import Manifestation
from ouvidoria.catalogue.models import RecordType
from ouvidoria.entities.models import Entity
from ouvidoria.privacy.fields import EncryptedTextField


class OutboundEmail(models.Model):
    """One e-mail to one recipient, written in the transaction that decided to send it and sent by a worker.

    ``key`` says what the e-mail is about (``requester:<event>``, ``deadline-warning:<case>:<due>:<level>:<n>``…):
    queueing the same key again returns the row already there, so nothing is sent twice.
    """

    STATUS_CHOICES = [("queued", _("na fila")), ("sent", _("enviado")), ("failed", _("falhou"))]

    key = models.CharField(max_length=200, unique=True)
    recipient = EncryptedTextField(_("destinatário"))
    subject = models.CharField(_("assunto"), max_length=200)
    # Encrypted at rest like the recipient (issue 19): an answer carries the requester's name and the case's facts.
    body = EncryptedTextField(_("texto"))
    manifestation = models.ForeignKey(
        Manifestation,
        verbose_name=_("manifestação"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("situação"), max_length=10, choices=STATUS_CHOICES, default="queued")
    attempts = models.PositiveSmallIntegerField(_("tentativas"), default=0)
    # The class of the last error only: the message of a mail server's error may carry the address.
    last_error = models.CharField(_("último erro"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)
    attempted_at = models.DateTimeField(_("última tentativa"), null=True, blank=True)
    sent_at = models.DateTimeField(_("enviado em"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail enviado")
        verbose_name_plural = _("e-mails enviados")
        indexes = [models.Index(fields=["status", "created_at"], name="outbound_status_created")]

    def __str__(self) -> str:
        # Never the recipient: __str__ ends up in logs and admin history.
        return f"E-mail #{self.pk}"


class Notice(models.Model):
    """A warning, reminder or escalation already given; its key makes each one happen once."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("aviso dado")
        verbose_name_plural = _("avisos dados")

    def __str__(self) -> str:
        return self.key


class ReplyTemplate(models.Model):
    """A standard answer for a recurring demand, or a message model, with ``{placeholders}``.

    Seed 001 "Atendimento das Solicitações, Reclamações e Denúncias": for recurring demands the Ouvidoria already
    has answers and may reply directly.
    """

    CATEGORY_CHOICES = [("standard_answer", _("Resposta padrão")), ("message", _("Modelo de mensagem"))]

    entity = models.ForeignKey(
        Entity,
        verbose_name=_("entidade"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Em branco: disponível para todas as entidades."),
    )
    title = models.CharField(_("título"), max_length=200)
    category = models.CharField(_("categoria"), max_length=20, choices=CATEGORY_CHOICES, default="standard_answer")
    record_types = models.ManyToManyField(
        RecordType,
        verbose_name=_("tipos de manifestação"),
        blank=True,
        related_name="+",
        help_text=_("Em branco: vale para todos os tipos."),
    )
    body = models.TextField(
        _("texto"),
        help_text=_("Campos: {protocolo}, {nome}, {prazo}, {entidade}, {data_recebimento}."),
    )
    active = models.BooleanField(_("ativo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("modelo de resposta")
        verbose_name_plural = _("modelos de resposta")
        ordering = ["category", "title"]
        constraints = [models.UniqueConstraint(fields=["entity", "title"], name="reply_template_unique_title")]

    def __str__(self) -> str:
        return self.title
