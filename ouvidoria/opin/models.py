"""What was generated and sent to the OPIN management each quarter, and the reminders sent about it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.entities.models import Entity


class OpinTransmission(models.Model):
    """One generation of a quarterly file (seed 000 §8), kept under VAR_DIR, and whether it was sent."""

    entity = models.ForeignKey(
        Entity, verbose_name=_("entidade"), on_delete=models.PROTECT, related_name="opin_transmissions"
    )
    # "2025Q1", as the commands take it (rules/opin.py parse_quarter).
    quarter = models.CharField(_("trimestre"), max_length=7)
    generated_at = models.DateTimeField(_("gerado em"))
    generated_by = models.CharField(_("gerado por"), max_length=150)
    # Relative to VAR_DIR: the copy kept by the installation, whatever directory the file was written to.
    file = models.CharField(_("arquivo"), max_length=300)
    spreadsheet = models.CharField(_("planilha"), max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256 do arquivo"), max_length=64)
    record_count = models.PositiveIntegerField(_("registros"))
    omitted_count = models.PositiveIntegerField(_("manifestações deixadas de fora"), default=0)
    sent_at = models.DateTimeField(_("enviado em"), null=True, blank=True)
    sent_by = models.CharField(_("enviado por"), max_length=150, blank=True)
    notes = models.TextField(_("observações"), blank=True)

    class Meta:
        verbose_name = _("arquivo trimestral OPIN")
        verbose_name_plural = _("arquivos trimestrais OPIN")
        ordering = ["-generated_at", "-pk"]
        indexes = [models.Index(fields=["entity", "quarter"], name="opin_entity_quarter")]

    def __str__(self) -> str:
        return f"{self.entity} {self.quarter} ({self.generated_at:%d/%m/%Y %H:%M})"


class OpinReminder(models.Model):
    """A reminder e-mailed to the Ouvidor: one per entity, quarter and level, however often the task runs."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField(_("trimestre"), max_length=7)
    # Business days left before the send-by date when it was sent (0: on the day or late).
    level = models.PositiveSmallIntegerField(_("dias úteis antes do prazo"))
    sent_at = models.DateTimeField(_("enviado em"), auto_now_add=True)
    recipients = models.TextField(_("destinatários"))

    class Meta:
        verbose_name = _("lembrete OPIN")
        verbose_name_plural = _("lembretes OPIN")
        constraints = [
            models.UniqueConstraint(fields=["entity", "quarter", "level"], name="opin_reminder_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.quarter} D-{self.level}"
