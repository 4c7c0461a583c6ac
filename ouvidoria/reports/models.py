"""Reports to the director and to the regulators, with the Ouvidor's qualitative sections and the files generated."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.entities.models import Entity
from ouvidoria.rules.reports import KINDS


def report_path(instance: "Report", filename: str) -> str:
    return (
        f"reports/{instance.entity.slug}/{instance.kind}/{instance.period_start:%Y-%m}-v{instance.version}/{filename}"
    )


class Report(models.Model):
    STATUS_CHOICES = [
        ("draft", _("Em redação")),
        ("queued", _("Na fila")),
        ("running", _("Gerando")),
        ("done", _("Gerado")),
        ("failed", _("Falhou")),
    ]

    entity = models.ForeignKey(Entity, verbose_name=_("entidade"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("relatório"), max_length=30, choices=[(k.code, k.label) for k in KINDS.values()])
    period_start = models.DateField(_("início do período"))
    period_end = models.DateField(_("fim do período"))
    # A generated report is final (what was signed and sent); changing it means a new version of the same period.
    version = models.PositiveSmallIntegerField(_("versão"), default=1)
    # The Ouvidor's qualitative sections, by code (rules.reports.ReportKind.sections).
    sections = models.JSONField(_("seções qualitativas"), default=dict, blank=True)
    status = models.CharField(_("situação"), max_length=10, choices=STATUS_CHOICES, default="draft")
    progress = models.PositiveSmallIntegerField(_("progresso (%)"), default=0)
    error = models.TextField(blank=True)
    pdf = models.FileField(upload_to=report_path, blank=True, max_length=300)
    xlsx = models.FileField(upload_to=report_path, blank=True, max_length=300)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(_("gerado em"), null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    keep_until = models.DateField(_("guardar até"), null=True, blank=True)
    # Seed 001 "Obrigações legais" VIII: the Diretor responsável answers for the semiannual report.
    signed_off_at = models.DateTimeField(_("aprovado pelo Diretor em"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Seed 001 "Relatório Semestral": "divulgar semestralmente, nos respectivos sítios eletrônicos".
    published_at = models.DateTimeField(_("publicado no portal em"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # RN 323 art. 4 §1: the yearly report is sent to the ANS's Ouvidoria.
    sent_at = models.DateTimeField(_("enviado ao regulador em"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_reference = models.CharField(_("protocolo do envio"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("relatório")
        verbose_name_plural = _("relatórios")
        ordering = ["-period_start", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind", "period_start", "version"], name="report_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.entity} — {self.period_start:%m/%Y} (v{self.version})"

    @property
    def is_final(self) -> bool:
        return self.status == "done"


class ReportReminder(models.Model):
    """A reminder given to the Ouvidor that a report is due to the regulator: once per report period and level."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    period_start = models.DateField()
    level = models.PositiveSmallIntegerField()
    recipients = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind", "period_start", "level"], name="report_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start} ({self.level})"
