"""FAQ answer quality: top-1 and top-3 of the assistant per regime over an evaluation file (no database).

    .venv/bin/python bench/faq_quality.py [--file ouvidoria/faq/data/evaluation.toml]

The same measure as ``manage.py faq_eval`` (``ouvidoria/faq/evaluation.py``, where the file format is described).
Targets of issue 14: top-1 >= 90 %, top-3 >= 98 %. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_TOP1 = 0.90
TARGET_TOP3 = 0.98


def main() -> None:
    from ouvidoria.faq.evaluation import DEFAULT_FILE, EvaluationFileError, evaluate_by_regime, read_questions

    parser = argparse.ArgumentParser()
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()
    try:
        results = evaluate_by_regime(read_questions(args.file))
    except EvaluationFileError as exc:
        sys.exit(str(exc))
    overall = results["todos"]
    common.emit(
        {
            "benchmark": "faq_quality",
            "file": str(args.file),
            "by_regime": {r: {k: v for k, v in e.as_dict().items() if k != "misses"} for r, e in results.items()},
            "misses": overall.as_dict()["misses"],
            "target": {"top1": TARGET_TOP1, "top3": TARGET_TOP3},
            "met": overall.top1_accuracy >= TARGET_TOP1 and overall.top3_accuracy >= TARGET_TOP3,
            "at": common.utc_now(),
        }
    )


if __name__ == "__main__":
    main()
