from hypothesis import given
from hypothesis import strategies as st

from ouvidoria.rules import chatbot as bot


def test_the_flow_of_the_opin_manual():
    assert bot.next_state(bot.FEEDBACK, "continue") == bot.ASK
    assert bot.next_state(bot.FEEDBACK, "yes") == bot.DONE
    assert bot.next_state(bot.FEEDBACK, "no") == bot.HELP
    for choice in ("complaint", "suggestion", "information"):
        assert bot.next_state(bot.HELP, choice) == bot.CHANNEL
    assert bot.next_state(bot.HELP, "back") == bot.ASK
    assert bot.next_state(bot.PARTICIPANT, "first_contact") == bot.CONTACTS
    assert bot.next_state(bot.PARTICIPANT, "has_protocol") == bot.PROTOCOL


def test_the_info_button_opens_the_help_page_from_anywhere_it_is_offered():
    for state in (bot.ASK, bot.FEEDBACK, bot.CHANNEL, bot.PARTICIPANT, bot.PROTOCOL, bot.CONTACTS):
        assert bot.next_state(state, "info") == bot.HELP


def test_buttons_not_offered_are_refused():
    assert bot.next_state(bot.ASK, "yes") is None
    assert bot.next_state(bot.HELP, "has_protocol") is None
    assert bot.next_state("nonsense", "yes") is None


def test_cpf_and_card_numbers_are_masked_and_the_reason_is_given():
    screened = bot.screen("Meu CPF é 529.982.247-25 e o cartão 4111 1111 1111 1111, pode ver?")
    assert "529" not in screened.text
    assert "4111" not in screened.text
    assert bot.CPF_MASK in screened.text
    assert bot.CARD_MASK in screened.text
    assert set(screened.found) == {"cpf", "card"}
    assert "CPF" in screened.warning


def test_a_cpf_typed_with_spaces_and_contact_data_are_masked_too():
    """A review found "529 982 247 25", a phone and an e-mail kept in clear in the transcript."""
    screened = bot.screen("CPF 529 982 247 25, fone (11) 98765-4321, email Fulana@Exemplo.com.br")
    for kept in ("529", "98765", "Fulana", "Exemplo"):
        assert kept not in screened.text
    assert set(screened.found) == {"cpf", "contact"}
    assert "e-mail ou telefone" in screened.warning
    assert bot.screen("O atendimento é 24 horas?").found == ()


def test_health_sentences_are_removed_but_the_question_stays():
    screened = bot.screen("Fiz uma cirurgia no mês passado. Como peço reembolso?")
    assert "cirurgia" not in screened.text
    assert "Como peço reembolso?" in screened.text
    assert screened.found == ("health",)
    assert bot.screen("Tenho diagnostico de diabetes").found == ("health",)


def test_ordinary_numbers_and_questions_pass_untouched():
    text = "Qual o prazo da Ouvidoria? Meu protocolo é 2026-0000123-4 e a apólice 12345."
    assert bot.screen(text) == bot.Screened(text, ())


@given(st.text(max_size=200))
def test_screening_never_leaves_a_cpf_behind(text):
    masked = bot.screen(text + " 52998224725").text
    assert "52998224725" not in masked
