"""The people who work in the workspace: their role, the entities granted to them, and what they looked at."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.entities.models import Area, EconomicGroup, Entity
from ouvidoria.rules.roles import ROLE_LABELS


class StaffProfile(models.Model):
    """One role per person, and the entities they work on: granted one by one, or through an economic group
    whose single ombudsman serves all its members (seed 002 art. 9)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("usuário"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    role = models.CharField(_("papel"), max_length=20, choices=list(ROLE_LABELS.items()))
    entities = models.ManyToManyField(Entity, verbose_name=_("entidades"), blank=True, related_name="+")
    economic_groups = models.ManyToManyField(
        EconomicGroup,
        verbose_name=_("grupos econômicos"),
        blank=True,
        related_name="+",
        help_text=_("Todas as entidades do grupo, inclusive as que entrarem depois."),
    )
    areas = models.ManyToManyField(
        Area,
        verbose_name=_("áreas internas"),
        blank=True,
        related_name="+",
        help_text=_("Para o papel “Área interna”: vê apenas o que foi encaminhado a estas áreas."),
    )

    class Meta:
        verbose_name = _("perfil da equipe")
        verbose_name_plural = _("perfis da equipe")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class PersonalDataView(models.Model):
    """Each read of a requester's identity in clear (LGPD art. 37: records of processing): who, which case, which
    fields, when, and through what (``ouvidoria.accounts.disclosure.CHANNEL_LABELS``)."""

    # A person, or an integration's API token (then ``user`` is empty); ``actor_label`` names either.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token = models.ForeignKey(
        "api.ApiToken",
        verbose_name=_("token de API"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("quem"), max_length=150, blank=True)
    manifestation = models.ForeignKey("cases.Manifestation", on_delete=models.CASCADE, related_name="+")
    fields = models.JSONField(_("campos"), default=list, blank=True)
    channel = models.CharField(_("por onde"), max_length=30, blank=True)
    viewed_at = models.DateTimeField(_("em"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("endereço IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("acesso a dados pessoais")
        verbose_name_plural = _("acessos a dados pessoais")
        ordering = ["-viewed_at", "-id"]
        indexes = [models.Index(fields=["manifestation", "viewed_at"], name="pdview_case_when")]

    def __str__(self) -> str:
        return f"{self.actor_label or self.user} → {self.manifestation} em {self.viewed_at:%d/%m/%Y %H:%M}"
