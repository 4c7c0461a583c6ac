"""The data subject's requests (LGPD art. 18), consent records, blocks and the documents delivered through the
portal's look-up."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.privacy.fields import EncryptedBinaryField
from ouvidoria.rules.rights import PURPOSES

PURPOSE_CHOICES = [(p.code, p.label) for p in PURPOSES]


class RightsRequest(models.Model):
    """What a manifestation of policy ``lgpd-titular`` asks: the rights (a–j) and the assistant's conversations the
    person cites. The person is the manifestation's requester, found again by its blind indexes."""

    manifestation = models.OneToOneField("cases.Manifestation", on_delete=models.CASCADE, related_name="rights_request")
    rights = models.JSONField(_("direitos pedidos"), default=list)
    chat_protocols = models.JSONField(_("conversas citadas"), default=list, blank=True)
    # The identity check (rules.rights.identity_check_needed): by whom and with which registration data.
    identity_confirmed_at = models.DateTimeField(null=True, blank=True)
    identity_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    identity_checks = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pedido do titular (LGPD)")
        verbose_name_plural = _("pedidos do titular (LGPD)")

    def __str__(self) -> str:
        return f"Pedido LGPD #{self.pk}"


class Consent(models.Model):
    """A consent given (and perhaps revoked), for a purpose, through a channel, with the text the person saw.

    The subject is a requester when known, else the blind index of an e-mail or CPF, else the conversation of the
    assistant where it was given (a chat has no identity)."""

    requester = models.ForeignKey(
        "cases.Requester", null=True, blank=True, on_delete=models.SET_NULL, related_name="consents"
    )
    subject_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    conversation_protocol = models.CharField(_("conversa"), max_length=20, blank=True, db_index=True)
    purpose = models.CharField(_("finalidade"), max_length=20, choices=PURPOSE_CHOICES)
    channel = models.CharField(_("canal"), max_length=30)
    text_version = models.CharField(_("versão do texto"), max_length=40)
    granted_at = models.DateTimeField(_("dado em"))
    revoked_at = models.DateTimeField(_("revogado em"), null=True, blank=True)
    revoked_via = models.CharField(_("revogado por"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("consentimento")
        verbose_name_plural = _("consentimentos")
        ordering = ["granted_at", "id"]

    def __str__(self) -> str:
        return f"Consentimento #{self.pk}"


class ProcessingBlock(models.Model):
    """Bloqueio (LGPD art. 18 IV, art. 5 XIII): non-essential processing of the requester is suspended (marketing,
    messages no rule requires); the case work the regulator demands goes on."""

    requester = models.ForeignKey("cases.Requester", on_delete=models.CASCADE, related_name="processing_blocks")
    request = models.ForeignKey("cases.Manifestation", on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bloqueio de tratamento")
        verbose_name_plural = _("bloqueios de tratamento")

    def __str__(self) -> str:
        return f"Bloqueio de tratamento #{self.pk}"


class RightsDocument(models.Model):
    """An export (b)/(e) or a declaration (j), encrypted at rest, released by the analyst and downloaded by the
    citizen only from the look-up page of the request's protocol; deleted when it expires."""

    KIND_CHOICES = [("export", _("Cópia dos dados (ZIP)")), ("declaration", _("Declaração de tratamento (PDF)"))]

    request = models.ForeignKey("cases.Manifestation", on_delete=models.CASCADE, related_name="rights_documents")
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    # The file's bytes encrypted with the installation's keys (rotated by rotate_keys); emptied once expired.
    sealed = EncryptedBinaryField(editable=False)
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    released_at = models.DateTimeField(_("liberado em"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_on = models.DateField(_("disponível até"), null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("documento do titular")
        verbose_name_plural = _("documentos do titular")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class RightsDownload(models.Model):
    """Each download of a document by the citizen, through the look-up."""

    document = models.ForeignKey(RightsDocument, on_delete=models.CASCADE, related_name="downloads")
    downloaded_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Download #{self.pk}"
