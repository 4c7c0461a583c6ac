"""The starter articles shipped with the product (``data/articles.toml``), read without Django, and which set of
them each entity's public sees.

Issue 14: health-plan, consórcio and bank entities saw the 35 Open Insurance articles. Each regime has its own set
now; the entity's set follows its regulator (``Entity.regime``) and Open Insurance participation:

- an Open Insurance participant (or the Open Insurance structure itself), and the portal's pages opened without an
  entity (the Open Insurance stage of seed 000 §4.1.1), see the ``opin`` set;
- an ANS operator (health plans) ``ans``; a SUSEP insurer outside Open Insurance ``seguros``;
- a Banco Central institution ``consorcio`` when it is a consórcio administrator, ``banco`` otherwise: the entity's
  "tipo de instituição" (``Entity.institution_kind``, rules/catalogue.py ``institution_kind``), the same field
  that decides its subject catalogue;
- every set but ``opin`` also sees the ``comum`` articles (protocol, nome social, LGPD rights… said once for all);
  the Open Insurance set has its own versions of those.
An article written by staff without any set is for every entity, as before.
"""

import hashlib
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ouvidoria.rules.catalogue import CONSORTIUM, institution_kind
from ouvidoria.rules.retrieval import SearchIndex

DATA = Path(__file__).resolve().parent / "data" / "articles.toml"

OPIN = "opin"
COMMON = "comum"
# Set code → its name in the admin.
SETS: dict[str, str] = {
    OPIN: "Open Insurance (participantes)",
    "ans": "Planos de saúde (ANS)",
    "consorcio": "Consórcios (Banco Central)",
    "banco": "Bancos e instituições financeiras (Banco Central)",
    "seguros": "Seguros fora do Open Insurance (SUSEP)",
    COMMON: "Comum a todos fora do Open Insurance",
}
# The sets whose public an evaluation question can be asked in (every set but the common one, seen with the others).
AUDIENCES = tuple(code for code in SETS if code != COMMON)


def entity_set(*, regime: str | None, opin: bool, kind: str = "") -> str:
    """The starter set of an entity's public (see the module's docstring); ``regime`` None: the portal itself."""
    if regime is None or opin:
        return OPIN
    if regime == "ans":
        return "ans"
    if regime == "susep":
        return "seguros"
    if regime == "bcb":
        return "consorcio" if institution_kind(regime, kind) == CONSORTIUM else "banco"
    return COMMON


def visible_sets(audience: str) -> frozenset[str]:
    """The article sets the public of ``audience`` sees: its own, and the common one outside Open Insurance."""
    return frozenset({audience}) if audience == OPIN else frozenset({audience, COMMON})


def seen_by(article_sets: Iterable[str], audience: str) -> bool:
    """Whether an article of ``article_sets`` (empty: every entity) is shown to the public of ``audience``."""
    sets = set(article_sets)
    return not sets or bool(sets & visible_sets(audience))


@dataclass(frozen=True)
class StarterArticle:
    slug: str
    title: str
    category: str
    body: str
    keywords: str
    order: int
    sets: tuple[str, ...]


def checksum(*, title: str, body: str, keywords: str, category: str, sets: Iterable[str] = ()) -> str:
    """What the loader compares to tell a shipped text from one staff edited (line endings and edges ignored).

    The sets count only when there are some, so the checksums stored before articles had sets still match."""
    parts = [title.strip(), body.strip().replace("\r\n", "\n"), keywords.strip().replace("\r\n", "\n"), category]
    if sets:
        parts.append(" ".join(sorted(sets)))
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
            sets=tuple(a["sets"]),
        )
        for i, a in enumerate(data["articles"])
    )
    slugs = [a.slug for a in articles]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"{DATA}: slugs repetidos")
    for a in articles:
        if not a.sets or not set(a.sets) <= set(SETS):
            raise ValueError(f"{DATA}: o artigo {a.slug} precisa de conjuntos entre {', '.join(SETS)}")
        if "Fonte:" not in a.body:
            raise ValueError(f"{DATA}: o artigo {a.slug} não cita a fonte (“Fonte: …”)")
    return articles


@cache
def starter_index() -> SearchIndex[str]:
    """Every starter article as one search index keyed by slug (the evaluation's reference, no database needed);
    filter it with ``starter_accept``. One index for all sets, as the database's: the same statistics."""
    return SearchIndex((a.slug, a.title, a.body, a.keywords) for a in starter_articles())


def starter_accept(audience: str) -> Callable[[str], bool]:
    """The filter of ``starter_index`` to the articles the public of ``audience`` sees."""
    sets = {a.slug: a.sets for a in starter_articles()}
    return lambda slug: seen_by(sets[slug], audience)
