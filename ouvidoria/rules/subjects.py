"""Subject catalogues per regime: which subjects (assuntos) each entity is offered, and where they come from.

Source (issue 14): the consumidor.gov.br open data carries the market's own taxonomy — Segmento de Mercado → Área →
Assunto → Grupo Problema → Problema (``/work/shared/data/consumidor-gov/README.md``). It is the default catalogue,
mapped to our regimes by segment (and, for a product sold across segments such as insurance or consórcio, by the
Assunto's own words). Where the published sample lacks a regime's subjects, ``data/subjects_supplement.toml``
completes it from the seeds and the issue, each entry with its source. The eight OPIN subjects (seed 000 §6,
``catalogue.SUBJECTS``) stay, for OPIN participants only.

``data/subjects.toml`` is generated from the open-data files by ``manage.py subjects_from_consumidor_gov`` and
committed; ``manage.py load_catalogues`` copies it into the database.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ouvidoria.rules.catalogue import BANK, CONSORTIUM, institution_kind

DATA = Path(__file__).parent / "data"
SUBJECTS_FILE = DATA / "subjects.toml"
SUPPLEMENT_FILE = DATA / "subjects_supplement.toml"

OPIN = "opin"


@dataclass(frozen=True, slots=True)
class Catalogue:
    """One catalogue: the rows of the open data it takes are those of ``segments`` in ``areas``, plus any row whose
    Assunto contains one of ``topic_words`` (folded), whatever its segment (banks sell insurance and consórcios)."""

    code: str
    label: str
    segments: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    topic_words: tuple[str, ...] = ()

    def takes(self, segment: str, area: str, topic: str) -> bool:
        if fold(segment) in {fold(s) for s in self.segments} and fold(area) in {fold(a) for a in self.areas}:
            return True
        # The Assunto without its parenthesis: "Plano de Saúde (convênio, autogestão, seguro saúde)" is not insurance.
        folded = fold(re.sub(r"\(.*", "", topic))
        return any(word in folded for word in self.topic_words)


_FINANCIAL_AREAS = ("Serviços Financeiros", "Habitação")

# The segments as the platform publishes them; later publications renamed some ("Seguros, Capitalização e
# Previdência"), both spellings are listed.
CATALOGUES: tuple[Catalogue, ...] = (
    Catalogue(OPIN, "Open Insurance (OPIN) — manual do atendimento, seção 6"),
    Catalogue(
        "bank",
        "Bancos, financeiras e cartões (Banco Central)",
        segments=("Bancos, Financeiras e Administradoras de Cartão", "Empresas de Pagamento Online"),
        areas=(*_FINANCIAL_AREAS, "Demais Serviços"),
    ),
    Catalogue(
        "consortium",
        "Consórcios (Banco Central)",
        segments=("Administradoras de Consórcios",),
        areas=_FINANCIAL_AREAS,
        topic_words=("consorcio",),
    ),
    Catalogue(
        "insurer",
        "Seguros, capitalização e previdência (SUSEP)",
        segments=(
            "Corretoras e Sociedades de Seguros, Capitalização e Previdência",
            "Seguros, Capitalização e Previdência",
        ),
        areas=(),  # the segment also publishes bank products: only its insurance Assuntos (topic_words) are taken
        topic_words=("seguro", "previdencia", "capitalizacao"),
    ),
    Catalogue(
        "health",
        "Planos de saúde (ANS)",
        segments=("Operadoras de Planos de Saúde e Administradoras de Benefícios",),
        areas=("Saúde",),
        topic_words=("plano de saude", "plano odontologico"),
    ),
)
CATALOGUE_CODES: tuple[str, ...] = tuple(c.code for c in CATALOGUES)
CATALOGUE_LABELS: dict[str, str] = {c.code: c.label for c in CATALOGUES}

# The catalogues of each regime (entities.Entity.regime) when the entity was not given its own; under the Banco
# Central regime, of its kind of institution (rules/catalogue.py ``institution_kind``: a bank or a consórcio
# administrator); "other" is not narrowed at all.
REGIME_CATALOGUES: dict[str, tuple[str, ...]] = {
    "susep": ("insurer",),
    "ans": ("health",),
    "other": ("bank", "consortium", "insurer", "health"),
}
KIND_CATALOGUES: dict[str, tuple[str, ...]] = {BANK: ("bank",), CONSORTIUM: ("consortium",)}


def catalogues_for(regime: str, *, opin: bool, chosen: Iterable[str] = (), kind: str = "") -> tuple[str, ...]:
    """The catalogues an entity is offered: those chosen for it, else its regime's (its kind's, under the Banco
    Central); OPIN's only for OPIN participants (and the Open Insurance structure itself), always added for them
    (issue 14)."""
    default = KIND_CATALOGUES.get(institution_kind(regime, kind)) or REGIME_CATALOGUES.get(
        regime, REGIME_CATALOGUES["other"]
    )
    picked = [c for c in chosen if c != OPIN] or list(default)
    if opin:
        picked.append(OPIN)
    return tuple(c for c in CATALOGUE_CODES if c in picked)


# -- the subjects ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaxonomySubject:
    """A subject of the regimes' catalogues: one Problema of one Assunto of the open data (or of the supplement)."""

    code: str
    label: str
    catalogues: tuple[str, ...]
    area: str
    topic: str  # Assunto: the product or service
    problem_group: str  # Grupo Problema
    problem: str
    source: str
    complaints: int = 0  # rows of the open data behind it (0 for the supplement's)


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how taxonomy texts are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def tidy(text: str) -> str:
    """Single spaces, none before a closing parenthesis (the open data writes "seguro saúde )")."""
    return re.sub(r"\s+\)", ")", " ".join(text.split()))


def _slug(text: str, limit: int) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit].strip("-")


def subject_code(topic: str, problem: str) -> str:
    """A stable code: readable slugs of the Assunto and the Problema and a short hash of both (≤ 80 characters)."""
    digest = hashlib.sha256(f"{fold(topic)}\x1f{fold(problem)}".encode()).hexdigest()[:6]
    return f"{_slug(topic, 28)}--{_slug(problem, 36)}-{digest}"


def subject_label(topic: str, problem: str) -> str:
    """ "Assunto — Problema", the Assunto without its parenthesis: unique, and readable on a case page or a report.

    Not the "Grupo: Problema" the consumidor.gov.br import gives its own subjects, so the two never collide."""
    short = tidy(re.sub(r"\s*\(.*", "", topic)) or tidy(topic)
    return f"{short} — {tidy(problem)}"[:200]


@dataclass(frozen=True, slots=True)
class TaxonomyRow:
    segment: str
    area: str
    topic: str
    problem_group: str
    problem: str


class _Repair:
    """Texts of files whose accents were lost (U+FFFD) put back from the same text seen intact elsewhere."""

    def __init__(self, rows: Sequence[TaxonomyRow]) -> None:
        self.known: dict[int, set[str]] = {}
        for row in rows:
            for i, value in enumerate(_values(row)):
                if "\ufffd" not in value:
                    self.known.setdefault(i, set()).add(value)

    def __call__(self, i: int, value: str) -> str | None:
        if "\ufffd" not in value:
            return value
        # A lost character may have become one or two U+FFFD (a UTF-8 sequence read byte by byte).
        pattern = re.compile(
            "".join(r"..?" if c == "\ufffd" else re.escape(c) for c in value.replace("\ufffd\ufffd", "\ufffd"))
        )
        found = [k for k in self.known.get(i, ()) if pattern.fullmatch(k)]
        return found[0] if len(found) == 1 else None


def _values(row: TaxonomyRow) -> tuple[str, str, str, str, str]:
    return (row.segment, row.area, row.topic, row.problem_group, row.problem)


@dataclass
class Taxonomy:
    subjects: list[TaxonomySubject]
    rows: int
    unrepaired: int  # rows whose lost accents could not be put back (left out)
    segments: Counter[str]


def taxonomy_subjects(rows: Sequence[TaxonomyRow], *, source: str) -> Taxonomy:
    """The regimes' subjects the open-data ``rows`` hold, most complained-about first within each Assunto."""
    repair = _Repair(rows)
    counts: Counter[tuple[str, str]] = Counter()
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    segments: Counter[str] = Counter()
    unrepaired = 0
    for row in rows:
        fixed = [repair(i, tidy(v)) for i, v in enumerate(_values(row))]
        if any(v is None for v in fixed):
            unrepaired += 1
            continue
        segment, area, topic, group, problem = (v or "" for v in fixed)
        segments[segment] += 1
        if not topic or not problem:
            continue
        catalogues = [c.code for c in CATALOGUES if c.takes(segment, area, topic)]
        if not catalogues:
            continue
        key = (fold(topic), fold(problem))
        counts[key] += 1
        entry = seen.setdefault(key, {"topic": topic, "problem": problem, "areas": Counter(), "groups": Counter(),
                                      "catalogues": set()})  # fmt: skip
        entry["areas"][area] += 1
        entry["groups"][group] += 1
        entry["catalogues"].update(catalogues)
    subjects = [
        TaxonomySubject(
            code=subject_code(e["topic"], e["problem"]),
            label=subject_label(e["topic"], e["problem"]),
            catalogues=tuple(c for c in CATALOGUE_CODES if c in e["catalogues"]),
            area=e["areas"].most_common(1)[0][0],
            topic=e["topic"],
            problem_group=e["groups"].most_common(1)[0][0],
            problem=e["problem"],
            source=source,
            complaints=counts[key],
        )
        for key, e in seen.items()
    ]
    subjects.sort(key=lambda s: (fold(s.area), fold(s.topic), -s.complaints, fold(s.problem)))
    return Taxonomy(subjects, len(rows), unrepaired, segments)


# -- the data files ----------------------------------------------------------------------------------------------

_KEYS = ("code", "label", "catalogues", "area", "topic", "problem_group", "problem", "source", "complaints")


def _subject(where: str, table: dict[str, Any]) -> TaxonomySubject:
    unknown = set(table) - set(_KEYS)
    missing = {"catalogues", "area", "topic", "problem", "source"} - set(table)
    if unknown or missing:
        raise ValueError(f"{where}: chaves desconhecidas {sorted(unknown)} ou ausentes {sorted(missing)}.")
    bad = [c for c in table["catalogues"] if c not in CATALOGUE_CODES or c == OPIN]
    if bad or not table["catalogues"]:
        raise ValueError(f"{where}: catálogo desconhecido: {bad or 'nenhum'}.")
    topic, problem = tidy(table["topic"]), tidy(table["problem"])
    return TaxonomySubject(
        code=table.get("code") or subject_code(topic, problem),
        label=table.get("label") or subject_label(topic, problem),
        catalogues=tuple(c for c in CATALOGUE_CODES if c in table["catalogues"]),
        area=tidy(table["area"]),
        topic=topic,
        problem_group=tidy(table.get("problem_group", "")),
        problem=problem,
        source=table["source"],
        complaints=int(table.get("complaints", 0)),
    )


def read_subjects(path: Path) -> tuple[TaxonomySubject, ...]:
    with path.open("rb") as file:
        data = tomllib.load(file)
    subjects = tuple(_subject(f"{path.name}, assunto {i}", t) for i, t in enumerate(data.get("subject", []), 1))
    for attribute in ("code", "label"):
        repeated = [v for v, n in Counter(getattr(s, attribute) for s in subjects).items() if n > 1]
        if repeated:
            raise ValueError(f"{path.name}: {attribute} repetido: {repeated[0]}.")
    return subjects


def merged(taxonomy: Sequence[TaxonomySubject], supplement: Sequence[TaxonomySubject]) -> list[TaxonomySubject]:
    """The open data's subjects and the supplement's; a supplement subject the open data already holds only adds
    its catalogues to it."""
    out = {s.code: s for s in taxonomy}
    for s in supplement:
        if s.code in out:
            known = out[s.code]
            both = tuple(c for c in CATALOGUE_CODES if c in {*known.catalogues, *s.catalogues})
            out[s.code] = TaxonomySubject(**{**_as_dict(known), "catalogues": both})
        else:
            out[s.code] = s
    return sorted(out.values(), key=lambda s: (fold(s.area), fold(s.topic), -s.complaints, fold(s.problem)))


def _as_dict(s: TaxonomySubject) -> dict[str, Any]:
    return {k: getattr(s, k) for k in _KEYS}


def _toml(value: Any) -> str:
    # A JSON string is a TOML basic string (the same escapes); lists of strings alike.
    return json.dumps(value, ensure_ascii=False)


def subjects_toml(subjects: Sequence[TaxonomySubject], *, header: Sequence[str]) -> str:
    """``data/subjects.toml``: ``header`` as comments, then one ``[[subject]]`` table per subject."""
    lines = [f"# {line}".rstrip() for line in header]
    for s in subjects:
        lines += ["", "[[subject]]"]
        lines += [f"{k} = {_toml(getattr(s, k))}" for k in _KEYS if k != "complaints"]
        lines.append(f"complaints = {s.complaints}")
    return "\n".join(lines) + "\n"


def shipped_subjects() -> tuple[TaxonomySubject, ...]:
    """The regimes' subjects shipped with the product (``data/subjects.toml``)."""
    return read_subjects(SUBJECTS_FILE)


def subject_problem(label: str) -> str:
    """The Problema of a ``subject_label`` (what an option shows under its Assunto's group)."""
    return label.split(" — ", 1)[-1]
