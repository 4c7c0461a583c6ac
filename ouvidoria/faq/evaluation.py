"""Answer quality of the assistant: top-1 and top-3 accuracy, per regime, over an evaluation file of questions
written independently of the articles. No Django: the index is the shipped starter set (``starter_index``).

The file (TOML or CSV, by its extension; default ``ouvidoria/faq/data/evaluation.toml``) lists questions, each
with the public it is asked in and what should answer it::

    [[questions]]
    question = "a operadora negou meu exame, o que faço?"
    regime = "ans"                  # a starter set: opin, ans, consorcio, banco, seguros
    expected = ["ans-autorizacao"]  # slugs that answer it (any counts), or "@ajuda" / "@nenhum"

CSV: a header ``question,regime,expected`` and several slugs in ``expected`` separated by ``|``. ``@ajuda`` means
the assistant should take the citizen to "Como posso ajudar?" (a wish to complain, suggest…), ``@nenhum`` that no
article answers it (the "nenhum artigo responde" reply).

Scoring, by what the assistant does (``rules.intents.reply``, the threshold included): top-1 when its reply is
the expected one (the first article is one of the expected slugs; or it goes to "Como posso ajudar?" / says no
article answers, as expected); top-3 when an expected slug is among the first three articles above the threshold
(for ``@ajuda`` and ``@nenhum``, the same as top-1).
"""

import csv
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ouvidoria.faq.starter import AUDIENCES, starter_accept, starter_articles, starter_index
from ouvidoria.rules import intents
from ouvidoria.rules.retrieval import SearchIndex

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "evaluation.toml"
HELP = "@ajuda"
NONE = "@nenhum"
_KIND = {HELP: intents.HELP, NONE: intents.NONE}


class EvaluationFileError(ValueError):
    """An evaluation file that cannot be read, with the line or question at fault, in Portuguese."""


@dataclass(frozen=True)
class Question:
    question: str
    regime: str
    expected: tuple[str, ...]


@dataclass(frozen=True)
class Miss:
    question: str
    expected: tuple[str, ...]
    found: tuple[str, ...]  # what the assistant did: the articles it ranked, or "@ajuda" / "@nenhum"


@dataclass(frozen=True)
class Evaluation:
    total: int
    top1: int
    top3: int
    misses: tuple[Miss, ...] = field(default_factory=tuple)  # every question not answered right at once

    @property
    def top1_accuracy(self) -> float:
        return self.top1 / self.total if self.total else 0.0

    @property
    def top3_accuracy(self) -> float:
        return self.top3 / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "questions": self.total,
            "top1": round(self.top1_accuracy, 4),
            "top3": round(self.top3_accuracy, 4),
            "misses": [
                {"question": m.question, "expected": list(m.expected), "found": list(m.found)} for m in self.misses
            ],
        }


def _question(raw: dict[str, Any], where: str, slugs: set[str]) -> Question:
    text = str(raw.get("question") or "").strip()
    regime = str(raw.get("regime") or "").strip()
    expected_raw = raw.get("expected") or []
    expected = tuple(
        e.strip() for e in ([expected_raw] if isinstance(expected_raw, str) else expected_raw) if str(e).strip()
    )
    if not text:
        raise EvaluationFileError(f"{where}: falta a pergunta (campo “question”).")
    if regime not in AUDIENCES:
        raise EvaluationFileError(
            f"{where}: regime “{regime}” desconhecido (campo “regime”); use um de: {', '.join(AUDIENCES)}."
        )
    if not expected:
        raise EvaluationFileError(f"{where}: falta a resposta esperada (campo “expected”).")
    unknown = [e for e in expected if e not in slugs and e not in _KIND]
    if unknown:
        raise EvaluationFileError(
            f"{where}: artigo esperado desconhecido (campo “expected”): {', '.join(unknown)}. "
            f"Use slugs de ouvidoria/faq/data/articles.toml, {HELP} ou {NONE}."
        )
    return Question(text, regime, expected)


def read_questions(path: Path) -> list[Question]:
    """The questions of an evaluation file (TOML or CSV), each checked; raises ``EvaluationFileError``."""
    slugs = {a.slug for a in starter_articles()}
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows = [
                    (f"{path.name}, linha {n}", {**row, "expected": (row.get("expected") or "").split("|")})
                    for n, row in enumerate(csv.DictReader(f), start=2)
                ]
        else:
            with path.open("rb") as fb:
                data = tomllib.load(fb)
            rows = [(f"{path.name}, pergunta {n}", q) for n, q in enumerate(data.get("questions", []), start=1)]
    except FileNotFoundError:
        raise EvaluationFileError(f"Arquivo de avaliação não encontrado: {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, csv.Error) as exc:
        raise EvaluationFileError(f"Arquivo de avaliação ilegível ({path.name}): {exc}.") from None
    questions = [_question(raw, where, slugs) for where, raw in rows if isinstance(raw, dict)]
    if not questions:
        raise EvaluationFileError(f"{path.name}: nenhuma pergunta (tabela “[[questions]]” ou CSV com cabeçalho).")
    return questions


def _answered(q: Question, index: SearchIndex[str]) -> tuple[bool, bool, tuple[str, ...]]:
    decided = intents.reply(q.question, index, accept=starter_accept(q.regime))
    ranked = tuple(slug for slug, _ in decided.found)
    if decided.kind == intents.ARTICLE:
        did: tuple[str, ...] = ranked
        top1 = ranked[0] in q.expected
        top3 = bool(set(ranked[:3]) & set(q.expected))
    else:
        did = (HELP if decided.kind == intents.HELP else NONE, *ranked)
        top1 = top3 = did[0] in q.expected
    return top1, top3, did


def evaluate(questions: Sequence[Question], index: SearchIndex[str] | None = None) -> Evaluation:
    index = index if index is not None else starter_index()
    top1 = top3 = 0
    misses = []
    for q in questions:
        first, within3, did = _answered(q, index)
        top1 += first
        top3 += within3
        if not first:
            misses.append(Miss(q.question, q.expected, did))
    return Evaluation(len(questions), top1, top3, tuple(misses))


def evaluate_by_regime(questions: Sequence[Question]) -> dict[str, Evaluation]:
    """The evaluation of each regime's questions, and of all of them under "todos"."""
    out = {r: evaluate([q for q in questions if q.regime == r]) for r in AUDIENCES}
    out = {r: e for r, e in out.items() if e.total}
    out["todos"] = evaluate(questions)
    return out
