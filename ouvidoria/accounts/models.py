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
    """Each time someone opened a requester's full personal data (LGPD art. 37: records of processing)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    manifestation = models.ForeignKey("cases.Manifestation", on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(_("em"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("endereço IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("acesso a dados pessoais")
        verbose_name_plural = _("acessos a dados pessoais")
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.manifestation} em {self.viewed_at:%d/%m/%Y %H:%M}"
