"""Answer quality of the FAQ search: top-1 and top-3 accuracy over questions with the article that answers each."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ouvidoria.rules.retrieval import SearchIndex


@dataclass(frozen=True)
class Miss:
    question: str
    expected: str
    found: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    total: int
    top1: int
    top3: int
    misses: tuple[Miss, ...] = field(default_factory=tuple)  # every question whose article is not first

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
            "misses": [{"question": m.question, "expected": m.expected, "found": list(m.found)} for m in self.misses],
        }


def evaluate(index: SearchIndex[str], questions: Sequence[tuple[str, str]]) -> Evaluation:
    top1 = top3 = 0
    misses = []
    for question, expected in questions:
        found = tuple(key for key, _ in index.search(question, limit=3))
        top1 += found[:1] == (expected,)
        top3 += expected in found
        if found[:1] != (expected,):
            misses.append(Miss(question, expected, found))
    return Evaluation(len(questions), top1, top3, tuple(misses))
