"""``{{ article.body|faq_body }}``: an article's plain text as paragraphs and lists, escaped."""

import re

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")


def _block(lines: list[str]) -> str:
    if all(_BULLET.match(line) for line in lines):
        items = format_html_join("", "<li>{}</li>", ((_BULLET.sub("", line),) for line in lines))
        return f"<ul>{items}</ul>"
    if all(_NUMBERED.match(line) for line in lines):
        items = format_html_join("", "<li>{}</li>", ((_NUMBERED.sub("", line),) for line in lines))
        return f"<ol>{items}</ol>"
    return "<p>" + "<br>".join(escape(line.strip()) for line in lines) + "</p>"


@register.filter
def faq_body(text: str) -> SafeString:
    """Blank lines separate blocks; a block whose lines all start with "- " (or "1. ") is a list."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    html = "".join(_block([line for line in b.split("\n") if line.strip()]) for b in blocks if b.strip())
    return mark_safe(html)  # noqa: S308 — every piece of text above went through escape()/format_html_join
