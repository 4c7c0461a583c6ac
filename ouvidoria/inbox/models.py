"""What the team is told of the cases' movements: in the workspace, and by e-mail where each person wants it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.cases.models import Manifestation

# What happened, as the person told reads it in the list and in the e-mail's subject.
KIND_LABELS = {
    "assignment": _("Manifestação atribuída a você"),
    "forward": _("Encaminhamento para a sua área"),
    "area_reply": _("Resposta de uma área"),
    "approval_request": _("Resposta aguardando a sua aprovação"),
    "draft_returned": _("Resposta devolvida para ajustes"),
    "draft_approved": _("Resposta aprovada e enviada"),
}


class StaffNotification(models.Model):
    """One thing one person is told. The text names the protocol, the entity and who acted, never the requester:
    it is shown and e-mailed to people who may not read the requester's data (areas, for instance)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("para"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=list(KIND_LABELS.items()))
    manifestation = models.ForeignKey(
        Manifestation, verbose_name=_("manifestação"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    text = models.CharField(_("texto"), max_length=300)
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True)
    read_at = models.DateTimeField(_("lida em"), null=True, blank=True)

    class Meta:
        verbose_name = _("notificação")
        verbose_name_plural = _("notificações")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_created"),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_user_unread"),
            models.Index(fields=["manifestation"], name="notification_case"),
        ]

    def __str__(self) -> str:
        return f"Notificação #{self.pk}"


class InboxPreference(models.Model):
    """Which kinds of notification a person also wants by e-mail (none until they choose)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("usuário"), on_delete=models.CASCADE, related_name="inbox_preference"
    )
    email_kinds = models.JSONField(_("por e-mail"), default=list, blank=True)

    class Meta:
        verbose_name = _("preferência de notificação")
        verbose_name_plural = _("preferências de notificação")

    def __str__(self) -> str:
        return f"Preferências #{self.pk}"
