"""FAQ answer time with 1,000 articles: the starter set plus synthetic articles recombined from seed paragraphs.

    .venv/bin/python bench/faq.py [--articles 1000] [--repeat 20] [--seeds ../shared/seeds]

1. Builds 1,000 articles: the shipped starter set, then synthetic ones whose title is a sentence and whose body is
   three to six paragraphs drawn (seeded random) from the seed documents 000–002 and the starter bodies.
2. Times building the index (``SearchIndex``), then ``search(question, limit=3)`` for every evaluation question
   (``ouvidoria/faq/tests/questions.py``), ``--repeat`` rounds, one timing per call: p50, p95, p99, max.
3. The same end to end through ``faq_search`` on a throw-away SQLite database (version check, index cached per
   process, the articles fetched), after one warm-up call that builds the index.
Target: p95 < 100 ms. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_P95_MS = 100.0


def seed_paragraphs(seeds: Path) -> list[str]:
    paragraphs = []
    for path in sorted(seeds.glob("00[0-2]_*.txt")):
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            block = " ".join(block.split())
            if len(block) >= 80:
                paragraphs.append(block)
    return paragraphs


def build_articles(n: int, seeds: Path) -> list[tuple[str, str, str, str]]:
    from ouvidoria.faq.starter import starter_articles

    starter = starter_articles()
    articles = [(a.slug, a.title, a.body, a.keywords) for a in starter]
    pool = seed_paragraphs(seeds) + [p for a in starter for p in a.body.split("\n\n")]
    rng = random.Random(20261124)
    for i in range(n - len(articles)):
        body = "\n\n".join(rng.sample(pool, rng.randint(3, 6)))
        title = rng.choice(re.split(r"(?<=[.?!])\s+", rng.choice(pool)))[:180]
        keywords = "\n".join(" ".join(rng.sample(title.split(), min(3, len(title.split())))) for _ in range(2))
        articles.append((f"sintetico-{i}", title, body, keywords))
    return articles


def timings_ms(fn, questions: list[str], repeat: int) -> dict[str, float]:
    values = []
    for _ in range(repeat):
        for q in questions:
            start = time.perf_counter()
            fn(q)
            values.append((time.perf_counter() - start) * 1000)
    values.sort()
    return {
        "calls": len(values),
        "p50_ms": round(common.percentile(values, 50), 3),
        "p95_ms": round(common.percentile(values, 95), 3),
        "p99_ms": round(common.percentile(values, 99), 3),
        "max_ms": round(values[-1], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seeds", type=Path, default=common.ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/faq.sqlite3"}
        os.environ["DATABASE_URL"] = env["DATABASE_URL"]
        common.log("migrating a throw-away SQLite database")
        common.migrate(env)
        common.setup_django()

        from ouvidoria.faq.models import Article
        from ouvidoria.faq.selectors import faq_search
        from ouvidoria.faq.tests.questions import QUESTIONS
        from ouvidoria.rules.retrieval import SearchIndex

        articles = build_articles(args.articles, args.seeds)
        questions = [q for q, _ in QUESTIONS]

        start = time.perf_counter()
        index = SearchIndex(articles)
        build_ms = (time.perf_counter() - start) * 1000
        common.log(f"index of {len(index)} articles built in {build_ms:.0f} ms")
        search = timings_ms(lambda q: index.search(q, limit=3), questions, args.repeat)

        Article.objects.all().delete()
        Article.objects.bulk_create(
            Article(slug=slug, title=title, body=body, keywords=keywords) for slug, title, body, keywords in articles
        )
        start = time.perf_counter()
        faq_search("warm-up: primeira busca constrói o índice")
        first_call_ms = (time.perf_counter() - start) * 1000
        end_to_end = timings_ms(lambda q: faq_search(q, limit=3), questions, max(1, args.repeat // 4))

    common.emit(
        {
            "benchmark": "faq",
            "articles": len(articles),
            "questions": len(questions),
            "index_build_ms": round(build_ms, 1),
            "search": search,
            "faq_search_sqlite": {**end_to_end, "first_call_with_build_ms": round(first_call_ms, 1)},
            "target_p95_ms": TARGET_P95_MS,
            "met": search["p95_ms"] < TARGET_P95_MS and end_to_end["p95_ms"] < TARGET_P95_MS,
            "machine": common.machine_facts(),
            "at": common.utc_now(),
        }
    )


if __name__ == "__main__":
    main()
