"""The regulated companies served by the installation, their groups, calendars and key contacts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.rules.catalogue import INSTITUTION_KINDS, REGIMES, institution_kind, institution_kind_problem


class EconomicGroup(models.Model):
    """An economic group whose single ombudsman may serve all its members (seed 002 art. 9)."""

    name = models.CharField(_("nome"), max_length=200, unique=True)
    slug = models.SlugField(_("identificador"), unique=True, max_length=80)
    single_ombudsman = models.BooleanField(_("ouvidoria única do grupo"), default=True)

    class Meta:
        verbose_name = _("grupo econômico")
        verbose_name_plural = _("grupos econômicos")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Entity(models.Model):
    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("identificador"), unique=True, max_length=80)
    cnpj = models.CharField(_("CNPJ"), max_length=14, blank=True)
    regime = models.CharField(_("regime regulatório"), max_length=10, choices=REGIMES, default="other")
    institution_kind = models.CharField(
        _("tipo de instituição"),
        max_length=12,
        choices=INSTITUTION_KINDS,
        blank=True,
        help_text=_(
            "Só no regime do Banco Central: banco ou administradora de consórcios. Decide o catálogo de assuntos e "
            "as perguntas frequentes iniciais oferecidos ao público da entidade."
        ),
    )
    opin_participant = models.BooleanField(_("participante do Open Insurance"), default=False)
    # Seed 000 §4.2.3 and §4.3.1: the Open Insurance structure's own Fale Conosco (Service Desk), 15 days overall,
    # handing each case to the participants involved (7 days each). Not a participant's own channel.
    opin_structure = models.BooleanField(
        _("estrutura do Open Insurance (Service Desk)"),
        default=False,
        help_text=_(
            "Marque só na instalação que atende pela estrutura do Open Insurance: o Fale Conosco vira o Service Desk "
            "(15 dias corridos), que aciona as participantes envolvidas (7 dias corridos cada)."
        ),
    )
    state = models.CharField(_("UF da sede"), max_length=2, blank=True)
    city = models.CharField(_("cidade da sede"), max_length=120, blank=True)
    group = models.ForeignKey(
        EconomicGroup,
        verbose_name=_("grupo econômico"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entities",
    )
    # Seed 002 art. 6: the ombudsman and a substitute, with their contacts.
    ombudsman_name = models.CharField(_("ouvidor"), max_length=200, blank=True)
    ombudsman_email = models.EmailField(_("e-mail do ouvidor"), blank=True)
    ombudsman_phone = models.CharField(_("telefone do ouvidor"), max_length=20, blank=True)
    substitute_name = models.CharField(_("ouvidor substituto"), max_length=200, blank=True)
    substitute_email = models.EmailField(_("e-mail do substituto"), blank=True)
    substitute_phone = models.CharField(_("telefone do substituto"), max_length=20, blank=True)
    # What the citizen portal shows (seed 002 art. 2: the Ouvidoria's contacts, hours and deadlines; seed 000 §4: the
    # channels of the funnel).
    sac_phone = models.CharField(_("telefone do SAC"), max_length=30, blank=True)
    sac_email = models.EmailField(_("e-mail do SAC"), blank=True)
    sac_hours = models.CharField(_("horário do SAC"), max_length=120, blank=True)
    transactional_phone = models.CharField(_("telefone da central de atendimento"), max_length=30, blank=True)
    ombudsman_hours = models.CharField(_("horário da Ouvidoria"), max_length=120, blank=True)
    website = models.URLField(_("site"), blank=True)
    warning_business_days = models.PositiveSmallIntegerField(_("aviso antes do prazo (dias úteis)"), default=2)
    # Managed by the calendar services; bumps whenever closures or the head office change so cached calendars
    # and open deadlines are recomputed.
    calendar_version = models.PositiveIntegerField(default=1, editable=False)
    is_external = models.BooleanField(
        _("externa"),
        default=False,
        help_text=_("Empresa conhecida apenas por dados externos (ex.: consumidor.gov.br)."),
    )
    active = models.BooleanField(_("ativa"), default=True)
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True)

    class Meta:
        verbose_name = _("entidade")
        verbose_name_plural = _("entidades")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problem = institution_kind_problem(self.regime, self.institution_kind)
        if problem == "missing":
            message = _(
                "Informe o tipo de instituição: no regime do Banco Central, banco ou administradora de consórcios."
            )
            raise ValidationError({"institution_kind": message})
        if problem == "not_bcb":
            raise ValidationError(
                {"institution_kind": _("O tipo de instituição só se aplica ao regime do Banco Central.")}
            )

    @property
    def kind(self) -> str:
        """The kind of institution under the Banco Central regime (a bank when not said), ``""`` otherwise."""
        return institution_kind(self.regime, self.institution_kind)

    @property
    def uses_bank_calendar(self) -> bool:
        # DOMAIN.md "Counting conventions": Banco Central entities close on the bank holidays.
        return self.regime == "bcb"


class Closure(models.Model):
    """A day the entity does not work beyond the public holidays (a city holiday, a local closure)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("data"))
    reason = models.CharField(_("motivo"), max_length=200)

    class Meta:
        verbose_name = _("fechamento")
        verbose_name_plural = _("fechamentos")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["entity", "date"], name="closure_unique_day")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.reason}"


class KeyContact(models.Model):
    """Key professionals reached when a demand involves another participant (seed 000 §5)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="key_contacts")
    name = models.CharField(_("nome"), max_length=200)
    role = models.CharField(_("função"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("contato-chave")
        verbose_name_plural = _("contatos-chave")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """An internal area that answers what the ombudsman forwards (seed 001 "Áreas envolvidas")."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("nome"), max_length=120)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("área interna")
        verbose_name_plural = _("áreas internas")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["entity", "name"], name="area_unique_name")]

    def __str__(self) -> str:
        return self.name
