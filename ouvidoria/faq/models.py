"""FAQ articles of the citizen portal, the knowledge behind the chatbot (seed 000 §4.2.1, §4.2.2)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ouvidoria.entities.models import Entity

CATEGORIES = [
    ("open-insurance", _("Open Insurance")),
    ("consentimento", _("Consentimento")),
    ("canais", _("Canais de atendimento")),
    ("prazos", _("Prazos")),
    ("ouvidoria", _("Ouvidoria")),
    ("manifestacoes", _("Manifestações")),
    ("privacidade", _("Privacidade e LGPD")),
    ("plano-de-saude", _("Plano de saúde")),
    ("consorcio", _("Consórcio")),
    ("conta-e-cartao", _("Conta, cartão e crédito")),
    ("seguro", _("Seguro e sinistro")),
    ("outros", _("Outros")),
]


class Article(models.Model):
    """One question and its answer, for one entity's public or, without an entity, for every entity's.

    An entity's article with the slug of a shared one replaces the shared one for that entity's public
    (``faq_search``): the entity can give its own phone numbers without rewriting the rest.
    """

    entity = models.ForeignKey(
        Entity,
        verbose_name=_("entidade"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="faq_articles",
        help_text=_("Em branco: artigo compartilhado por todas as entidades."),
    )
    title = models.CharField(_("pergunta (título)"), max_length=200)
    slug = models.SlugField(_("identificador"), max_length=120)
    body = models.TextField(
        _("resposta"),
        help_text=_("Texto simples: parágrafos separados por linha em branco; listas com “- ” no início da linha."),
    )
    keywords = models.TextField(
        _("outras formas de perguntar"),
        blank=True,
        help_text=_("Como o público pergunta, uma forma por linha (ex.: “cancelar consentimento”). Melhora a busca."),
    )
    category = models.CharField(_("categoria"), max_length=20, choices=CATEGORIES, default="outros")
    # The starter sets (``faq/starter.py`` SETS) whose public sees the article; empty: every entity's public.
    sets = models.JSONField(
        _("públicos"),
        default=list,
        blank=True,
        help_text=_("Para quais públicos o artigo aparece. Nenhum marcado: para o público de todas as entidades."),
    )
    published = models.BooleanField(_("publicado"), default=True)
    order = models.PositiveSmallIntegerField(_("ordem"), default=100)
    # The checksum of the shipped text as last loaded (``faq_articles_load``); blank for articles written by staff.
    # When the current text no longer matches it, staff edited the article and the loader leaves it alone.
    shipped_checksum = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("criado em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("artigo de perguntas frequentes")
        verbose_name_plural = _("artigos de perguntas frequentes")
        ordering = ["category", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "slug"], name="faq_article_unique_slug_per_entity"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(entity__isnull=True), name="faq_article_unique_shared_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shipped(self) -> bool:
        return bool(self.shipped_checksum)
