"""Writes of FAQ articles: loading the shipped starter set."""

from django.db import transaction

from ouvidoria.faq.models import Article
from ouvidoria.faq.starter import checksum, starter_articles


def _current_checksum(article: Article) -> str:
    return checksum(
        title=article.title, body=article.body, keywords=article.keywords, category=article.category, sets=article.sets
    )


@transaction.atomic
def faq_articles_load() -> dict[str, int]:
    """Create the shipped shared articles that are missing; refresh those nobody edited. Idempotent.

    Each shipped article is shared (no entity) and carries its sets (``starter.SETS``): every entity sees the
    set of its regime through ``faq_search``, existing entities included, with nothing copied per entity.

    An article staff edited (its text no longer matches the checksum of what was shipped) is never overwritten,
    nor one staff wrote with a shipped slug. A shipped article cannot be deleted in the admin (it would come back
    here): it is unpublished instead, and stays so.
    """
    existing = {a.slug: a for a in Article.objects.filter(entity__isnull=True)}
    counts = {"faq_created": 0, "faq_updated": 0, "faq_kept_edited": 0}
    for s in starter_articles():
        shipped = checksum(title=s.title, body=s.body, keywords=s.keywords, category=s.category, sets=s.sets)
        article = existing.get(s.slug)
        if article is None:
            Article.objects.create(
                slug=s.slug,
                title=s.title,
                body=s.body,
                keywords=s.keywords,
                category=s.category,
                sets=list(s.sets),
                order=s.order,
                shipped_checksum=shipped,
            )
            counts["faq_created"] += 1
            continue
        current = _current_checksum(article)
        if current == shipped:
            continue
        if article.shipped_checksum and current == article.shipped_checksum:
            article.title, article.body, article.keywords, article.category = s.title, s.body, s.keywords, s.category
            article.sets = list(s.sets)
            article.shipped_checksum = shipped
            article.save()
            counts["faq_updated"] += 1
        else:
            counts["faq_kept_edited"] += 1
    return counts
