import pytest
from hypothesis import given
from hypothesis import strategies as st

from ouvidoria.rules import intents
from ouvidoria.rules.retrieval import SearchIndex

DOCS = [
    ("gratuito", "O atendimento é gratuito?", "Sim, o SAC e a Ouvidoria não cobram nada.", "tenho que pagar"),
    ("cobranca", "Fui cobrado indevidamente", "Conteste a cobrança indevida no SAC.", "cobrado a mais"),
    ("consumidor", "Posso reclamar no Consumidor.gov.br?", "Sim, a plataforma é pública.", "consumidor gov"),
    ("denuncia", "Como faço uma denúncia?", "Conte o fato com detalhes.", "denunciar"),
    ("prazo", "Prazo da Ouvidoria", "A Ouvidoria responde em 10 dias úteis.", "quanto tempo"),
]
INDEX = SearchIndex(DOCS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quero reclamar de uma cobrança indevida", intents.COMPLAINT),
        ("Quero fazer uma reclamaçao", intents.COMPLAINT),
        ("QUERO RECLAMAR", intents.COMPLAINT),
        ("qro reclmar do atendimento", intents.COMPLAINT),  # typos in the marker and the cue
        ("gostaria de registrar uma queixa", intents.COMPLAINT),
        ("Reclamação: cobrança indevida", intents.COMPLAINT),
        ("quero denunciar um funcionário", intents.DENUNCIATION),
        ("vou denuncar essa empresa", intents.DENUNCIATION),
        ("tenho uma sugestão", intents.SUGGESTION),
        ("quero dar uma sujestão", intents.SUGGESTION),
        ("gostaria de elogiar a atendente", intents.PRAISE),
        ("Parabéns pelo atendimento", intents.PRAISE),
        ("quero solicitar a segunda via", intents.REQUEST),
        ("tenho uma dúvida", intents.INFORMATION),
        ("queria agradecer a equipe pela ajuda", intents.PRAISE),
        ("deixo aqui minha sugestão: mandem o boleto por whatsapp", intents.SUGGESTION),
        ("quero avisar que o caixa eletrônico está quebrado", intents.COMPLAINT),
    ],
)
def test_the_wish_to_complain_denounce_suggest_praise_request_or_ask_is_recognised(text, expected):
    assert intents.intent(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "posso reclamar no consumidor gov?",
        "como faço uma denuncia de irregularidade",
        "quero saber como reclamar",
        "o que significa reclamacao procedente",
        "não quero reclamar",
        "onde eu reclamo? qual canal devo usar",
        "preciso de login pra abrir chamado no service desk?",  # "login" is not a misspelt "elogio"
        "qual o prazo da ouvidoria",
        "qual a diferença entre fazer uma reclamação e uma denúncia",  # a question from its first word
        "",
    ],
)
def test_a_question_about_complaining_is_not_a_wish_to_complain(text):
    assert intents.intent(text) is None


def test_a_wish_to_complain_goes_to_help_even_when_an_article_matches_and_brings_it_as_a_hint():
    """Issue 14: 'quero reclamar de uma cobrança indevida' was answered with 'O atendimento é gratuito?'."""
    decided = intents.reply("quero reclamar de uma cobrança indevida", INDEX)
    assert (decided.kind, decided.intent) == (intents.HELP, intents.COMPLAINT)
    assert [key for key, _ in decided.found] == ["cobranca"]


def test_the_hint_beside_how_can_i_help_must_match_what_the_wish_is_about():
    """The hint is searched without the wish's words ("quero", "reclamar") and only a close match comes along."""
    decided = intents.reply("quero reclamar do barulho na agência, é gratuito estacionar?", INDEX)
    assert (decided.kind, decided.found) == (intents.HELP, ())


def test_a_wish_that_asks_a_question_an_article_answers_gets_the_article():
    decided = intents.reply("quero denunciar um colega, como faço uma denúncia?", INDEX)
    assert (decided.kind, decided.intent) == (intents.ARTICLE, intents.DENUNCIATION)
    assert decided.found[0][0] == "denuncia"


def test_a_question_is_answered_by_the_best_article_above_the_threshold():
    decided = intents.reply("quanto tempo a ouvidoria tem pra responder", INDEX)
    assert decided.kind == intents.ARTICLE
    assert decided.found[0][0] == "prazo"


def test_a_question_no_article_answers_gets_none_and_a_request_gets_help():
    assert intents.reply("receita de bolo de cenoura", INDEX).kind == intents.NONE
    assert intents.reply("qual o horário do jogo do flamengo amanhã", INDEX).kind == intents.NONE
    assert intents.reply("tenho uma dúvida", INDEX).kind == intents.HELP


@given(st.text(max_size=300))
def test_any_text_gets_one_of_the_three_replies(text):
    decided = intents.reply(text, INDEX)
    assert decided.kind in {intents.ARTICLE, intents.HELP, intents.NONE}
    assert decided.kind != intents.ARTICLE or decided.found
