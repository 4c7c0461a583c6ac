import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouvidoria.rules.retrieval import MAX_QUERY_CHARS, SearchIndex, fold, stem, tokens, words

DOCS = [
    ("consent", "Como revogar o consentimento", "Você pode revogar a autorização a qualquer momento.", "cancelar"),
    ("ouvidoria", "Prazo da Ouvidoria", "A Ouvidoria responde em até 10 dias úteis.", "ouvidor"),
    ("protocol", "O que é o número de protocolo", "Todo atendimento recebe um protocolo.", "numero"),
    ("susep", "Ouvidorias de seguros", "As ouvidorias de seguradoras respondem em 15 dias.", ""),
]
INDEX = SearchIndex(DOCS)


def top(query, **kw):
    return [key for key, _ in INDEX.search(query, **kw)]


def test_accents_are_folded():
    assert fold("Revogação É ÚTIL") == "revogacao e util"


def test_words_drop_stopwords_and_expand_chat_abbreviations():
    assert words("Como eu cancelo o consentimento q dei pq vc") == ["cancelo", "consentimento", "dei"]


def test_stem_of_a_folded_word_is_the_stem_of_the_accented_word():
    for accented in ("revogação", "informações", "reclamação", "prorrogação", "denúncia", "úteis", "consórcio"):
        assert stem(fold(accented)) == fold(stem_accented(accented)), accented


def stem_accented(word):
    import snowballstemmer

    return snowballstemmer.stemmer("portuguese").stemWord(word)


def test_inflections_share_a_stem():
    assert len({stem(w) for w in ("revogar", "revogacao", "revogação", "revogado")} - {""}) == 1
    assert tokens("reclamações") == tokens("reclamar")


def test_the_title_outweighs_the_body():
    assert top("prazo ouvidoria")[0] == "ouvidoria"


def test_a_typo_still_finds_the_article():
    assert top("como revogo o consentimeto")[0] == "consent"
    assert top("protocolo numero")[0] == "protocol"
    assert top("protcolo")[0] == "protocol"


def test_a_correct_word_outweighs_a_typo_guess():
    [(_, exact)] = INDEX.search("protocolo", limit=1)
    [(_, guess)] = INDEX.search("protocolu", limit=1)
    assert guess < exact


def test_unknown_words_and_empty_queries_find_nothing():
    assert top("") == []
    assert top("   ?!  ") == []
    assert top("xyzzy plugh") == []
    assert top("de que o a") == []


def test_limit_and_accept_filter_results():
    assert len(top("ouvidoria prazo dias", limit=1)) == 1
    assert top("ouvidoria", limit=0) == []
    assert "ouvidoria" not in top("ouvidoria", accept=lambda key: key != "ouvidoria")


def test_a_very_long_query_is_cut_not_refused():
    assert top("protocolo " + "blá " * 10_000)[0] == "protocol"
    assert len(INDEX.query_terms("a" * (MAX_QUERY_CHARS * 5))) <= 1


def test_an_empty_index_answers_nothing():
    assert SearchIndex([]).search("protocolo") == []


_accent = {"a": "áàâã", "e": "éê", "i": "í", "o": "óôõ", "u": "úü", "c": "ç"}


@st.composite
def disguised(draw, text):
    """The same text with random case and accents added or removed where Portuguese could have them."""
    out = []
    for ch in text:
        variants = [ch, ch.upper(), *_accent.get(ch, ""), *(a.upper() for a in _accent.get(ch, ""))]
        out.append(draw(st.sampled_from(variants)))
    return "".join(out)


QUESTIONS = ["como revogar consentimento", "prazo da ouvidoria em dias uteis", "numero de protocolo", "seguros"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(QUESTIONS).flatmap(lambda q: st.tuples(st.just(q), disguised(q))))
def test_accents_and_case_never_change_the_ranking(pair):
    plain, disguised_query = pair
    assert INDEX.search(disguised_query, limit=4) == INDEX.search(plain, limit=4)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_answered_with_positive_scores_in_order(query):
    results = INDEX.search(query, limit=4)
    scores = [score for _, score in results]
    assert all(score > 0 for score in scores)
    assert scores == sorted(scores, reverse=True)
    assert len({key for key, _ in results}) == len(results)


def test_relevance_is_a_share_of_an_ideal_article_and_the_threshold_keeps_only_what_fits():
    [(key, relevance)] = INDEX.search("prazo da ouvidoria", limit=1)
    assert key == "ouvidoria"
    assert 0 < relevance <= 1
    # Words no article knows lower the relevance: the same match inside an unrelated question.
    [(_, diluted)] = INDEX.search("prazo da ouvidoria para bolo de cenoura com chocolate", limit=1)
    assert diluted < relevance
    assert INDEX.search("prazo da ouvidoria para bolo de cenoura com chocolate", threshold=relevance) == []
    assert INDEX.search("prazo da ouvidoria", threshold=relevance)[0][0] == "ouvidoria"


def test_the_snippet_is_the_window_with_the_question_words_marked():
    text = " ".join(["palavra"] * 50) + " A Ouvidoria responde em até 10 dias úteis (prazo legal). " + "fim " * 40
    pieces = INDEX.snippet("prazo da ouvidoria", text, width=12)
    marked = [t for t, matched in pieces if matched]
    assert marked == ["Ouvidoria", "prazo"]
    joined = "".join(t for t, _ in pieces)
    assert joined.startswith("… ")
    assert joined.endswith(" …")
    assert "(prazo legal)." in joined  # punctuation kept, only the word marked
    assert INDEX.snippet("prazo", "") == []
    assert INDEX.snippet("prazo", "Prazo curto.") == [("Prazo", True), (" curto.", False)]


def test_colloquial_words_and_phrases_find_the_terms_the_articles_use():
    index = SearchIndex(
        [
            ("gratuito", "O atendimento é gratuito?", "O SAC e a Ouvidoria não cobram nada.", ""),
            ("prazo", "Prazo de resposta", "A Ouvidoria responde em 10 dias úteis.", ""),
            ("clima", "Tempo de espera no telefone", "Previsto para ser curto.", ""),
        ]
    )
    assert index.search("é de graça?", 1)[0][0] == "gratuito"
    assert index.search("quanto tempo a ouvidoria leva", 1)[0][0] == "prazo"
    # "tempo" alone is not a deadline: only the phrase "quanto tempo" stands for one.
    assert "prazo" not in {key for key, _ in index.search("tempo de espera", 3)}
    # A synonym counts once in the relevance: the colloquial word is as relevant as the article's own.
    (_, colloquial), (_, formal) = index.search("de graça", 1)[0], index.search("gratuito", 1)[0]
    assert colloquial == pytest.approx(formal)
