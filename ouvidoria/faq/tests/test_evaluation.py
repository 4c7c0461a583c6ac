"""Answer quality, measured: the evaluation file's format, the per-regime figures, and the regression targets over
the Open Insurance questions and the starter articles."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from ouvidoria.faq.evaluation import (
    DEFAULT_FILE,
    EvaluationFileError,
    Question,
    evaluate,
    evaluate_by_regime,
    read_questions,
)
from ouvidoria.faq.starter import AUDIENCES, seen_by, starter_articles
from ouvidoria.faq.tests.questions import QUESTIONS

EXAMPLE = __import__("pathlib").Path(__file__).resolve().parent / "data" / "example_eval.toml"


def test_the_example_file_is_read_and_scored_per_regime():
    questions = read_questions(EXAMPLE)
    assert [q.regime for q in questions] == ["ans", "banco", "consorcio", "consorcio"]
    results = evaluate_by_regime(questions)
    assert set(results) == {"ans", "banco", "consorcio", "todos"}
    assert results["todos"].total == 4
    assert results["todos"].top1_accuracy == 1.0, results["todos"].as_dict()
    assert results["consorcio"].top3 == 2


def test_a_wrong_expectation_is_a_miss_with_what_the_assistant_did():
    [miss] = evaluate([Question("receita de bolo de cenoura", "banco", ("banco-tarifas",))]).misses
    assert miss.found == ("@nenhum",)
    result = evaluate([Question("quero reclamar do meu banco", "banco", ("@nenhum",))])
    assert (result.top1, result.top3, result.misses[0].found[0]) == (0, 0, "@ajuda")


def test_the_csv_format_takes_several_slugs_separated_by_a_bar(tmp_path):
    path = tmp_path / "perguntas.csv"
    path.write_text(
        "question,regime,expected\nmeu plano aumentou muito,ans,ans-reajuste|ans-inadimplencia\n", encoding="utf-8"
    )
    [q] = read_questions(path)
    assert q.expected == ("ans-reajuste", "ans-inadimplencia")
    assert evaluate([q]).top1 == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[questions]]\nregime = "ans"\nexpected = ["ans-reajuste"]\n', "falta a pergunta"),
        ('[[questions]]\nquestion = "x"\nregime = "saude"\nexpected = ["ans-reajuste"]\n', "regime “saude”"),
        ('[[questions]]\nquestion = "x"\nregime = "ans"\nexpected = ["nao-existe"]\n', "nao-existe"),
        ('[[questions]]\nquestion = "x"\nregime = "ans"\n', "falta a resposta esperada"),
        ("isto não é TOML = = =", "ilegível"),
        ("", "nenhuma pergunta"),
    ],
)
def test_a_bad_file_is_refused_naming_the_field(tmp_path, content, message):
    path = tmp_path / "avaliacao.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationFileError, match=message):
        read_questions(path)


def test_the_command_reads_a_file_and_says_so_when_it_is_missing(tmp_path):
    out = io.StringIO()
    call_command("faq_eval", "--file", str(EXAMPLE), "--json", stdout=out)
    assert json.loads(out.getvalue())["todos"]["questions"] == 4
    with pytest.raises(CommandError, match="não encontrado"):
        call_command("faq_eval", "--file", str(tmp_path / "nada.toml"))


def test_the_regression_questions_point_at_real_articles():
    slugs = {a.slug for a in starter_articles()}
    assert len(QUESTIONS) >= 60
    assert {expected for _, expected in QUESTIONS} <= slugs | {"@ajuda", "@nenhum"}


def test_open_insurance_regression_top1_at_least_80_percent_and_top3_at_least_95_percent():
    """Not the issue's measure (these questions were written with the keywords): a guard against regressions."""
    result = evaluate([Question(q, "opin", (e,)) for q, e in QUESTIONS])
    assert result.top1_accuracy >= 0.80, result.as_dict()
    assert result.top3_accuracy >= 0.95, result.as_dict()


def test_the_starter_set_cites_its_sources_and_each_regime_has_its_own():
    articles = starter_articles()
    assert all(a.body.rstrip().splitlines()[-1].startswith("Fonte: ") for a in articles)
    lgpd = next(a for a in articles if a.slug == "direitos-lgpd")
    assert lgpd.body.count("\n- ") == 10  # seed 000 §4.3.2 item 2, (a) to (j)
    for audience in AUDIENCES:
        seen = [a for a in articles if seen_by(a.sets, audience)]
        assert 15 <= len(seen) <= 35, audience
    assert sum(seen_by(a.sets, "opin") for a in articles) == 35


@pytest.mark.parametrize(
    ("name", "top1", "top3"),
    # The figures of docs/benchmarks.md section 7 less a margin: a guard, not the target (top-1 90 %, top-3 98 %).
    [("evaluation.toml", 0.87, 0.91), ("evaluation_holdout.toml", 0.70, 0.77)],
)
def test_the_independent_sets_do_not_fall_below_the_measured_figures(name, top1, top3):
    result = evaluate_by_regime(read_questions(DEFAULT_FILE.parent / name))["todos"]
    assert result.total >= 150
    assert result.top1_accuracy >= top1, result.as_dict()
    assert result.top3_accuracy >= top3, result.as_dict()
