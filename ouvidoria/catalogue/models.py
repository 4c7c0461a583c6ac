"""Catalogues: instances, media, record types, subjects and deadline policies (loaded by ``load_catalogues``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.entities.models import Entity


class Instance(models.Model):
    code = models.SlugField(_("código"), primary_key=True, max_length=40)
    label = models.CharField(_("nome"), max_length=120)
    kind = models.CharField(
        _("tipo"),
        max_length=20,
        choices=[
            ("opin", _("Estrutura OPIN")),
            ("first_instance", _("Primeira instância")),
            ("ombudsman", _("Ouvidoria")),
            ("external", _("Órgão externo")),
        ],
    )
    opin_channel = models.CharField(_("canal no arquivo OPIN"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("instância")
        verbose_name_plural = _("instâncias")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class Medium(models.Model):
    code = models.SlugField(_("código"), primary_key=True, max_length=40)
    label = models.CharField(_("nome"), max_length=120)

    class Meta:
        verbose_name = _("meio de contato")
        verbose_name_plural = _("meios de contato")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class RecordType(models.Model):
    code = models.SlugField(_("código"), primary_key=True, max_length=40)
    label = models.CharField(_("nome"), max_length=120)

    class Meta:
        verbose_name = _("tipo de manifestação")
        verbose_name_plural = _("tipos de manifestação")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class SubjectCatalogue(models.Model):
    """A catalogue of subjects (``rules/subjects.py``): OPIN, banks, consórcios, insurers, health plans.

    ``entities`` narrows who is offered it: an entity listed in any catalogue is offered those (and OPIN's, when a
    participant) instead of its regime's default, e.g. a Banco Central consórcio administrator only consórcios."""

    code = models.SlugField(_("código"), primary_key=True, max_length=40)
    label = models.CharField(_("nome"), max_length=200)
    entities = models.ManyToManyField(
        Entity,
        verbose_name=_("entidades que usam este catálogo em vez do padrão do regime"),
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("catálogo de assuntos")
        verbose_name_plural = _("catálogos de assuntos")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label


class Subject(models.Model):
    code = models.SlugField(_("código"), unique=True, max_length=80)
    label = models.CharField(_("assunto"), max_length=200, unique=True)
    description = models.TextField(_("descrição"), blank=True)
    record_types = models.ManyToManyField(RecordType, verbose_name=_("tipos aceitos"), blank=True)
    instances = models.ManyToManyField(Instance, verbose_name=_("instâncias"), blank=True)
    is_opin = models.BooleanField(_("assunto OPIN"), default=False)
    active = models.BooleanField(_("ativo"), default=True)
    # Offered to the entities of these catalogues; a subject in none (the consumidor.gov.br import's own) is never
    # offered at registration.
    catalogues = models.ManyToManyField(
        SubjectCatalogue, verbose_name=_("catálogos"), blank=True, related_name="subjects"
    )
    # Where it sits in the consumidor.gov.br taxonomy (rules/subjects.py): the forms group by área and assunto.
    area = models.CharField(_("área"), max_length=200, blank=True)
    topic = models.CharField(_("assunto (produto ou serviço)"), max_length=300, blank=True)
    problem_group = models.CharField(_("grupo do problema"), max_length=200, blank=True)
    source = models.CharField(_("fonte"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assunto")
        verbose_name_plural = _("assuntos")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class DeadlinePolicy(models.Model):
    """A mirror of ``ouvidoria/rules/data/policies.toml`` so cases can point at their policy by code."""

    code = models.SlugField(_("código"), primary_key=True, max_length=40)
    label = models.CharField(_("nome"), max_length=200)
    unit = models.CharField(
        _("unidade"), max_length=10, choices=[("business", _("dias úteis")), ("calendar", _("dias corridos"))]
    )
    days = models.PositiveSmallIntegerField(_("dias"))
    source = models.CharField(_("fonte"), max_length=300)

    class Meta:
        verbose_name = _("política de prazo")
        verbose_name_plural = _("políticas de prazo")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label
