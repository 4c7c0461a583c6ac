"""Catalogues: instances, media, record types, subjects and deadline policies (loaded by ``load_catalogues``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class Subject(models.Model):
    code = models.SlugField(_("código"), unique=True, max_length=80)
    label = models.CharField(_("assunto"), max_length=200, unique=True)
    description = models.TextField(_("descrição"), blank=True)
    record_types = models.ManyToManyField(RecordType, verbose_name=_("tipos aceitos"), blank=True)
    instances = models.ManyToManyField(Instance, verbose_name=_("instâncias"), blank=True)
    is_opin = models.BooleanField(_("assunto OPIN"), default=False)
    active = models.BooleanField(_("ativo"), default=True)

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
