"""Imports started from the workspace: the uploaded file, the progress, the outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.privacy.files import encrypted_storage


class ImportJob(models.Model):
    KINDS = [
        ("cases", _("Histórico de manifestações (CSV/XLSX, colunas do Anexo II)")),
        ("consumidor_gov", _("Dados abertos do consumidor.gov.br (CSV)")),
    ]
    STATUSES = [
        ("queued", _("Na fila")),
        ("running", _("Importando")),
        ("done", _("Concluída")),
        ("failed", _("Falhou")),
    ]

    kind = models.CharField(_("tipo"), max_length=20, choices=KINDS)
    # Historical records carry CPFs and names: encrypted at rest like the attachments (privacy/files.py).
    file = models.FileField(upload_to="imports/%Y/%m/", storage=encrypted_storage, max_length=300)
    original_name = models.CharField(_("arquivo"), max_length=200)
    create_entities = models.BooleanField(_("criar entidades ausentes"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("situação"), max_length=10, choices=STATUSES, default="queued")
    total = models.PositiveIntegerField(_("linhas"), null=True, blank=True)
    done = models.PositiveIntegerField(_("linhas processadas"), default=0)
    # The importer's own summary (``as_dict``): counts and the first errors with their line numbers.
    result = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("importação")
        verbose_name_plural = _("importações")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.original_name}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, round(100 * self.done / self.total))
