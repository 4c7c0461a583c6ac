"""The starter articles shipped with the product (``data/articles.toml``), read without Django."""

import hashlib
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ouvidoria.rules.retrieval import SearchIndex

DATA = Path(__file__).resolve().parent / "data" / "articles.toml"


@dataclass(frozen=True)
class StarterArticle:
    slug: str
    title: str
    category: str
    body: str
    keywords: str
    order: int


def checksum(*, title: str, body: str, keywords: str, category: str) -> str:
    """What the loader compares to tell a shipped text from one staff edited (line endings and edges ignored)."""
    parts = (title.strip(), body.strip().replace("\r\n", "\n"), keywords.strip().replace("\r\n", "\n"), category)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@cache
def starter_articles() -> tuple[StarterArticle, ...]:
    with DATA.open("rb") as f:
        data = tomllib.load(f)
    articles = tuple(
        StarterArticle(
            slug=a["slug"],
            title=a["title"],
            category=a["category"],
            body=a["body"].strip(),
            keywords="\n".join(a.get("keywords", [])),
            order=int(a.get("order", (i + 1) * 10)),
        )
        for i, a in enumerate(data["articles"])
    )
    slugs = [a.slug for a in articles]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"{DATA}: slugs repetidos")
    for a in articles:
        if "Fonte:" not in a.body:
            raise ValueError(f"{DATA}: o artigo {a.slug} não cita a fonte (“Fonte: …”)")
    return articles


def starter_index() -> SearchIndex[str]:
    """The starter set as a search index keyed by slug (the evaluation's reference, no database needed)."""
    return SearchIndex((a.slug, a.title, a.body, a.keywords) for a in starter_articles())
