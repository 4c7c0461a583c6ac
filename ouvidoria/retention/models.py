"""Legal holds: what stops retention and disposal for a case, a requester or an entity."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalHold(models.Model):
    """Litigation, a regulator's request: nothing of what it covers is anonymised or deleted while it is active."""

    manifestation = models.ForeignKey(
        "cases.Manifestation", verbose_name=_("manifestação"), null=True, blank=True, on_delete=models.PROTECT
    )
    requester = models.ForeignKey(
        "cases.Requester", verbose_name=_("manifestante"), null=True, blank=True, on_delete=models.PROTECT
    )
    entity = models.ForeignKey(
        "entities.Entity", verbose_name=_("entidade"), null=True, blank=True, on_delete=models.PROTECT
    )
    reason = models.TextField(_("motivo"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(_("desde"), auto_now_add=True)
    until = models.DateField(_("até"), null=True, blank=True, help_text=_("Em branco: até ser retirado."))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(_("retirado em"), null=True, blank=True)

    class Meta:
        verbose_name = _("bloqueio legal")
        verbose_name_plural = _("bloqueios legais")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(manifestation__isnull=False, requester__isnull=True, entity__isnull=True)
                    | models.Q(manifestation__isnull=True, requester__isnull=False, entity__isnull=True)
                    | models.Q(manifestation__isnull=True, requester__isnull=True, entity__isnull=False)
                ),
                name="legalhold_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"Bloqueio #{self.pk}"
