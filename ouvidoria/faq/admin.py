from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from ouvidoria.faq.models import Article
from ouvidoria.faq.starter import SETS


class ArticleForm(forms.ModelForm[Article]):
    sets = forms.MultipleChoiceField(
        label="Públicos",
        choices=list(SETS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Para quais públicos o artigo aparece. Nenhum marcado: para o público de todas as entidades.",
    )

    class Meta:
        model = Article
        fields = ["entity", "title", "slug", "category", "body", "keywords", "sets", "published", "order"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    form = ArticleForm
    list_display = ["title", "entity", "category", "published", "order", "updated_at"]
    list_filter = ["published", "category", ("entity", admin.EmptyFieldListFilter), "entity"]
    list_editable = ["published", "order"]
    search_fields = ["title", "slug", "body", "keywords"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["entity"]
    fields = ["entity", "title", "slug", "category", "body", "keywords", "sets", "published", "order"]

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        # A shipped article would come back with the next load_catalogues: unpublish it instead.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_shipped)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would delete shipped articles too
        return actions
