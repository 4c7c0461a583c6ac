import pytest
from django.test import Client
from django.urls import reverse

from ouvidoria.cases.tests.factories import EntityFactory
from ouvidoria.portal.models import ChatConversation, ChatMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _starter_faq():
    from ouvidoria.faq.services import faq_articles_load

    faq_articles_load()


@pytest.fixture
def insurer():
    return EntityFactory.create(
        slug="horizonte",
        name="Seguradora Horizonte",
        regime="susep",
        opin_participant=True,
        sac_phone="0800 111 2222",
        ombudsman_phone="0800 999 8888",
    )


def say(client, **data):
    return client.post(reverse("portal:chat"), data)


def bot_lines(conversation):
    return [m.text for m in conversation.messages.filter(author="bot")]


def test_the_conversation_gets_its_protocol_when_it_starts_not_when_the_page_is_opened(insurer):
    """The first week: every GET of /assistente/ issued a protocol, so crawlers burned numbers."""
    client = Client()
    for _ in range(3):
        page = client.get(reverse("portal:chat"), {"entidade": "horizonte"}).content.decode()
    assert not ChatConversation.objects.exists()
    assert 'name="entidade" value="horizonte"' in page
    page = say(client, entidade="horizonte", text="como cancelo o consentimento").content.decode()
    conversation = ChatConversation.objects.get()
    assert conversation.formatted_protocol in page
    assert conversation.entity == insurer
    say(client, text="outra pergunta")
    assert ChatConversation.objects.count() == 1  # one protocol per conversation


def test_the_transcript_records_the_buttons_pressed(insurer):
    client = Client()
    say(client, entidade="horizonte", text="como cancelo o consentimento")
    say(client, choice="no")
    conversation = ChatConversation.objects.get()
    assert [m.text for m in conversation.messages.filter(author="user")][-1] == "[Não]"


def test_from_an_entity_outside_open_insurance_the_assistant_offers_only_that_entity(insurer):
    """The first week: from Vitalis Saúde's page the assistant offered Horizonte Seguros to continue with."""
    EntityFactory.create(slug="vitalis", name="Vitalis Saúde", regime="ans")
    client = Client()
    say(client, entidade="vitalis", text="como cancelo o plano")
    say(client, choice="no")
    page = say(client, choice="complaint").content.decode()
    assert "Vitalis Saúde" in page
    assert "Seguradora Horizonte" not in page


def test_a_question_gets_a_faq_answer_and_the_feedback_buttons(insurer):
    client = Client()
    client.get(reverse("portal:chat"))
    page = say(client, text="como faço pra cancelar o consentimento").content.decode()
    conversation = ChatConversation.objects.get()
    assert conversation.state == "feedback"
    answer = conversation.messages.filter(author="bot").exclude(article="").last()
    assert answer.article
    for label in ("Encontrou o que procurava?", "Continuar atendimento", "Sim", "Não"):
        assert label in page


def test_yes_ends_on_the_suggestions_page_and_keeps_the_suggestion(insurer):
    client = Client()
    client.get(reverse("portal:chat"))
    say(client, text="qual o prazo da ouvidoria")
    say(client, choice="yes")
    conversation = ChatConversation.objects.get()
    assert conversation.state == "done"
    assert conversation.resolved is True
    say(client, text="Poderia ter mais exemplos", suggestion="1")
    conversation.refresh_from_db()
    assert conversation.suggestion == "Poderia ter mais exemplos"


def test_no_leads_to_the_channels_and_the_ouvidoria_only_with_a_protocol(insurer):
    client = Client()
    client.get(reverse("portal:chat"))
    say(client, text="quero reclamar de cobrança")
    page = say(client, choice="no").content.decode()
    for label in ("Como posso ajudar?", "Reclamação", "Sugestão", "Obter informação", "Voltar ao atendimento"):
        assert label in page
    page = say(client, choice="complaint").content.decode()
    assert "Seguradora Horizonte" in page
    assert "Fale Conosco" in page
    say(client, participant="horizonte")
    page = say(client, choice="first_contact").content.decode()
    assert "0800 111 2222" in page
    assert "0800 999 8888" not in page  # no Ouvidoria contact on a first contact
    say(client, choice="info")
    say(client, choice="complaint")
    say(client, participant="horizonte")
    say(client, choice="has_protocol")
    wrong = say(client, text="12345").content.decode()
    assert "não parece um protocolo válido" in wrong
    page = say(client, text="2026-0000001-2").content.decode()
    assert "0800 999 8888" in page
    assert "/atendimento/horizonte/ouvidoria/" in page


def test_sensitive_data_is_masked_in_the_transcript_and_the_requester_is_told(insurer):
    client = Client()
    client.get(reverse("portal:chat"))
    page = say(client, text="meu cpf 529.982.247-25 e fiz uma cirurgia. qual o prazo do sac?").content.decode()
    stored = " ".join(ChatMessage.objects.filter(author="user").values_list("text", flat=True))
    assert "529.982.247-25" not in stored
    assert "cirurgia" not in stored
    assert "dados sensíveis" in page


def test_the_info_button_opens_help_at_any_moment_and_stale_buttons_are_ignored(insurer):
    client = Client()
    client.get(reverse("portal:chat"))
    say(client, choice="yes")  # not offered before an answer
    assert ChatConversation.objects.get().state == "ask"
    say(client, choice="info")
    assert ChatConversation.objects.get().state == "help"


def test_public_faq_search_and_article(insurer):
    client = Client()
    page = client.get(reverse("portal:faq"), {"q": "consumidor gov"})
    assert page.status_code == 200
    assert page.context["results"]
    article = page.context["results"][0]
    assert client.get(reverse("portal:faq_article", args=[article.slug])).status_code == 200
    assert client.get(reverse("portal:faq_article", args=["nao-existe"])).status_code == 404


def test_the_conversation_is_found_in_the_workspace_by_its_protocol_by_who_reads_conversations(insurer):
    """The first week: the chatbot's protocol could not be found in the workspace (transcripts only in the admin)."""
    from ouvidoria.cases.tests.factories import signed_in, staff_user

    client = Client()
    say(client, entidade="horizonte", text="como cancelo o consentimento")
    conversation = ChatConversation.objects.get()
    analyst = signed_in(staff_user("analyst", entities=[insurer]))
    queue = analyst.get(reverse("workspace:queue"), {"tab": "all", "q": conversation.formatted_protocol})
    assert f"/painel/conversas/{conversation.protocol}/" in queue.content.decode()
    page = analyst.get(reverse("workspace:conversation", args=[conversation.protocol])).content.decode()
    assert "como cancelo o consentimento" in page
    for role in ("area", "admin"):
        other = signed_in(staff_user(role, entities=[insurer]))
        assert other.get(reverse("workspace:conversation", args=[conversation.protocol])).status_code == 404
    elsewhere = signed_in(staff_user("analyst", entities=[EntityFactory.create(slug="outra")]))
    assert elsewhere.get(reverse("workspace:conversation", args=[conversation.protocol])).status_code == 404


def test_the_wish_to_complain_goes_to_how_can_i_help_not_to_an_article(insurer):
    """Issue 14: 'quero reclamar de uma cobrança indevida' was answered with 'O atendimento é gratuito?'."""
    client = Client()
    page = say(client, entidade="horizonte", text="quero reclamar de uma cobrança indevida").content.decode()
    conversation = ChatConversation.objects.get()
    assert conversation.state == "help"
    assert "Entendi que você quer fazer uma reclamação. Como posso ajudar?" in page
    assert "O atendimento é gratuito?" not in page
    for label in ("Reclamação", "Sugestão", "Obter informação"):
        assert label in page
    say(client, choice="complaint")
    assert ChatConversation.objects.get().purpose == "complaint"


def test_a_question_no_article_answers_is_told_so_and_offered_the_channels(insurer):
    client = Client()
    page = say(client, entidade="horizonte", text="receita de bolo de cenoura").content.decode()
    conversation = ChatConversation.objects.get()
    assert conversation.state == "channel"
    assert "nenhum artigo responde" in page
    assert not conversation.messages.filter(author="bot").exclude(article="").exists()
    assert "Fale Conosco" in page
    assert "Seguradora Horizonte" in page


def test_an_entity_outside_open_insurance_is_answered_from_its_regimes_set(insurer):
    EntityFactory.create(slug="vitalis", name="Vitalis Saúde", regime="ans")
    client = Client()
    say(client, entidade="vitalis", text="quanto tempo de carencia pra fazer o parto")
    answer = ChatConversation.objects.get().messages.filter(author="bot").exclude(article="").last()
    assert answer.article == "ans-carencias"
    assert answer.link == "/perguntas-frequentes/ans-carencias/?entidade=vitalis"


def test_the_faq_page_says_no_article_fits_and_links_the_entitys_form(insurer):
    client = Client()
    page = client.get(reverse("portal:faq"), {"q": "receita de bolo de cenoura", "entidade": "horizonte"})
    html = page.content.decode()
    assert page.context["results"] == []
    assert "Nenhum artigo responde a essa pergunta" in html
    assert "Não encontrou?" in html
    assert 'href="/atendimento/horizonte/fale-conosco/">Registre uma manifestação' in html


def test_the_faq_page_lists_results_above_the_threshold_with_highlighted_snippets(insurer):
    client = Client()
    page = client.get(reverse("portal:faq"), {"q": "revogar consentimento", "entidade": "horizonte"})
    html = page.content.decode()
    assert 1 <= len(page.context["results"]) < 8
    assert page.context["results"][0].slug == "como-revogar-consentimento"
    assert "<mark>" in html
    assert "Registre uma manifestação" in html


def test_the_faq_shows_each_entity_only_its_regimes_articles(insurer):
    EntityFactory.create(slug="vitalis", name="Vitalis Saúde", regime="ans")
    client = Client()
    html = client.get(reverse("portal:faq"), {"entidade": "vitalis"}).content.decode()
    assert "Quais são as carências do plano de saúde?" in html
    assert "Open Insurance" not in html
    assert (
        client.get(
            reverse("portal:faq_article", args=["como-revogar-consentimento"]), {"entidade": "vitalis"}
        ).status_code
        == 404
    )
    assert client.get(reverse("portal:faq_article", args=["ans-carencias"]), {"entidade": "vitalis"}).status_code == 200


def test_the_answer_brings_the_next_relevant_articles_as_links(insurer):
    """The best article is not always the one: the next ones above the threshold come as links."""
    from ouvidoria.faq.selectors import faq_reply

    question = "dei permissao pra compartilhar meus dados, isso vale pra sempre?"
    expected = [a.slug for a, _ in faq_reply(question, entity=insurer).articles]
    assert len(expected) > 1
    page = say(Client(), entidade="horizonte", text=question).content.decode()
    bot = list(ChatMessage.objects.filter(author="bot").order_by("created_at", "id"))
    answer = next(i for i, m in enumerate(bot) if m.article)
    assert bot[answer].article == expected[0]
    others = bot[answer + 1 :]
    assert [m.text for m in others] == ["Também pode ajudar:"] * (len(expected) - 1)
    for message, slug in zip(others, expected[1:], strict=True):
        assert f"/{slug}/" in message.link
        assert message.link_label in page
