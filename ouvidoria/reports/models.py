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
