"""Chatbot conversations: each has a protocol (from the installation's one sequence) and its masked transcript."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.entities.models import Entity
from ouvidoria.privacy.fields import EncryptedTextField
from ouvidoria.rules.protocol import format_protocol


class ChatConversation(models.Model):
    protocol = models.CharField(_("protocolo"), max_length=20, unique=True)
    # The entity whose page the conversation started on, if any (the OPIN-level assistant has none).
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=20, default="ask")
    # The participant chosen in the channel step, if any.
    participant = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What the requester said they wanted in "Como posso ajudar?" (complaint, suggestion, information).
    purpose = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved = models.BooleanField(_("encontrou o que procurava"), null=True, blank=True)
    suggestion = models.TextField(_("sugestão"), blank=True)

    class Meta:
        verbose_name = _("conversa do assistente")
        verbose_name_plural = _("conversas do assistente")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.formatted_protocol

    @property
    def formatted_protocol(self) -> str:
        return format_protocol(self.protocol)


class ChatMessage(models.Model):
    """One line of the transcript, as kept: sensitive data already masked (rules.chatbot.screen)."""

    AUTHORS = [("user", _("cliente")), ("bot", _("assistente"))]

    conversation = models.ForeignKey(ChatConversation, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=4, choices=AUTHORS)
    # Encrypted at rest (issue 19): masking catches the CPFs and cards it recognises, not everything a citizen types.
    text = EncryptedTextField()
    # For the assistant's answers: the FAQ article it gave (slug), to measure what answers well.
    article = models.CharField(max_length=120, blank=True)
    # A page the message points to (an article, a form), shown as a link below the text.
    link = models.CharField(max_length=300, blank=True)
    link_label = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"
