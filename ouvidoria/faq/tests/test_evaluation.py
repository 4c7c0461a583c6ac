"""Answer quality, measured: the targets of the issue over the evaluation questions and the starter articles."""

from ouvidoria.faq.evaluation import evaluate
from ouvidoria.faq.starter import starter_articles, starter_index
from ouvidoria.faq.tests.questions import QUESTIONS


def test_the_evaluation_set_is_large_enough_and_points_at_real_articles():
    slugs = {a.slug for a in starter_articles()}
    assert len(QUESTIONS) >= 60
    assert {expected for _, expected in QUESTIONS} <= slugs


def test_top1_accuracy_is_at_least_80_percent_and_top3_at_least_95_percent():
    result = evaluate(starter_index(), QUESTIONS)
    assert result.top1_accuracy >= 0.80, result.as_dict()
    assert result.top3_accuracy >= 0.95, result.as_dict()


def test_the_starter_set_covers_the_issue_and_cites_its_sources():
    articles = starter_articles()
    assert len(articles) >= 25
    assert all(a.body.rstrip().splitlines()[-1].startswith("Fonte: ") for a in articles)
    lgpd = next(a for a in articles if a.slug == "direitos-lgpd")
    assert lgpd.body.count("\n- ") == 10  # seed 000 §4.3.2 item 2, (a) to (j)
