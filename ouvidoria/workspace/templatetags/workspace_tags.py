from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from ouvidoria.rules import classification
from ouvidoria.rules.classification import PERSONAL, SENSITIVE

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def absolute(value: int | None) -> int:
    return abs(value or 0)


@register.simple_tag
def classification_badge(key: str) -> SafeString | str:
    """The "Dado pessoal" / "Dado pessoal sensível" badge beside what holds it, from the classification table
    (``key``: "app.Model.field" or a file kind such as "attachment.recording"); nothing for internal or public."""
    entry = classification.entry(key)
    if entry.level < PERSONAL:
        return ""
    label = _("Dado pessoal sensível") if entry.level == SENSITIVE else _("Dado pessoal")
    source = _("LGPD art. 5 II: acesso restrito e registrado") if entry.level == SENSITIVE else _("LGPD art. 5 I")
    return format_html('<span class="badge class-{}" title="{}: {}">{}</span>', entry.level.token, label, source, label)
