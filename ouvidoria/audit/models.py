"""The tamper-evident audit log: a hash chain over the timeline (``cases.Event``), the reads of personal data
(``accounts.PersonalDataView``) and each use of the maintenance escape hatch; anchors of its head; verifications.

The chain holds no personal data: table, row id and digests only (docs/security.md, "Registro à prova de
adulteração").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# What a chain record points at, as stored in ``ChainRecord.source``.
SOURCE_LABELS = {
    "event": _("Linha do tempo"),
    "read": _("Acesso a dados pessoais"),
    "maintenance": _("Manutenção do registro"),
    "redaction": _("Anonimização de registro"),
}


class ChainRecord(models.Model):
    """One sealed row: ``hash = SHA-256(prev_hash | seq | source | source_id | digest)``, ``digest`` the SHA-256 of
    the row's canonical JSON (every column)."""

    seq = models.BigIntegerField(_("sequência"), primary_key=True)
    source = models.CharField(_("origem"), max_length=12, choices=list(SOURCE_LABELS.items()))
    source_id = models.BigIntegerField(_("id na origem"))
    digest = models.CharField(_("resumo do conteúdo"), max_length=64)
    prev_hash = models.CharField(_("hash anterior"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    sealed_at = models.DateTimeField(_("selado em"), db_index=True)

    class Meta:
        verbose_name = _("registro da cadeia de auditoria")
        verbose_name_plural = _("registros da cadeia de auditoria")
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="chain_source_row")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.source}:{self.source_id}"


class Anchor(models.Model):
    """The chain's head at a moment, also e-mailed to the auditors: a chain rewritten later no longer matches it."""

    seq = models.BigIntegerField(_("sequência"))
    hash = models.CharField(_("hash"), max_length=64)
    created_at = models.DateTimeField(_("em"))
    recipients = models.PositiveIntegerField(_("auditores avisados"), default=0)

    class Meta:
        verbose_name = _("âncora da cadeia de auditoria")
        verbose_name_plural = _("âncoras da cadeia de auditoria")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


class MaintenanceUse(models.Model):
    """Who opened the maintenance escape hatch (``ouvidoria.audit.services.audit_maintenance``) and why."""

    actor_label = models.CharField(_("quem"), max_length=150)
    reason = models.CharField(_("motivo"), max_length=300)
    started_at = models.DateTimeField(_("em"))

    class Meta:
        verbose_name = _("uso da manutenção do registro")
        verbose_name_plural = _("usos da manutenção do registro")

    def __str__(self) -> str:
        return f"{self.actor_label}: {self.reason}"


class Redaction(models.Model):
    """A sealed row rewritten on purpose (the anonymisation of a case, ``ouvidoria.retention.anonymise``): its new
    digest, and the maintenance use that allowed it. Append-only and itself a source of the chain, so
    ``chain_verify`` takes ``digest`` as the row's expected content while any other change is still reported."""

    source = models.CharField(_("origem"), max_length=12)
    source_id = models.BigIntegerField(_("id na origem"))
    digest = models.CharField(_("novo resumo do conteúdo"), max_length=64)
    maintenance = models.ForeignKey(
        MaintenanceUse, verbose_name=_("manutenção"), on_delete=models.PROTECT, related_name="redactions"
    )
    created_at = models.DateTimeField(_("em"))

    class Meta:
        verbose_name = _("anonimização de registro selado")
        verbose_name_plural = _("anonimizações de registros selados")
        indexes = [models.Index(fields=["source", "source_id", "id"], name="redaction_row")]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id}"


class Verification(models.Model):
    """One run of ``manage.py audit_verify``: what it checked and the first problem found, if any."""

    ran_at = models.DateTimeField(_("em"), db_index=True)
    records = models.BigIntegerField(_("registros verificados"))
    anchors = models.PositiveIntegerField(_("âncoras conferidas"))
    seconds = models.FloatField(_("duração (s)"))
    problems = models.BigIntegerField(_("problemas"))
    first_problem = models.TextField(_("primeiro problema"), blank=True)

    class Meta:
        verbose_name = _("verificação da cadeia de auditoria")
        verbose_name_plural = _("verificações da cadeia de auditoria")
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ran_at:%d/%m/%Y %H:%M} ({self.problems})"
