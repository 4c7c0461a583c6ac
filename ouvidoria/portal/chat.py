"""The virtual assistant of the portal (seed 000 §4.3.1): FAQ answers, the "Encontrou o que procurava?" flow, the
channel choice, and a transcript without sensitive data, kept under the conversation's protocol.

Server-rendered: every step is a form post (htmx swaps the panel when JavaScript is on; without it the page
reloads), so the whole flow also works with the keyboard only and without scripts.
"""

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ouvidoria.cases.protocols import protocol_issue
from ouvidoria.entities.models import Entity
from ouvidoria.faq.selectors import faq_reply
from ouvidoria.portal import ratelimit
from ouvidoria.portal.models import ChatConversation, ChatMessage
from ouvidoria.rights.services import consent_record
from ouvidoria.rules import chatbot as bot
from ouvidoria.rules import intents
from ouvidoria.rules.protocol import is_valid_protocol, normalize_protocol
from ouvidoria.rules.rights import PURPOSES_BY_CODE

SESSION_KEY = "chat_conversation"
START_LIMIT = (30, 3600)  # new conversations per address per hour
QUESTION_LIMIT = 1000
EXCERPT = 700


def _participants(entity: Entity | None = None) -> list[Entity]:
    """The companies the citizen may continue with: from an entity's own page, that entity alone (its own
    channels), or the Open Insurance participants when it is one (seed 000 §4.3.1: "a listagem das participantes");
    from the portal's front page, every company the installation serves."""
    entities = list(Entity.objects.filter(active=True, is_external=False).order_by("name"))
    if entity is not None and not (entity.opin_participant or entity.opin_structure):
        return [entity]
    if entity is not None:
        return [e for e in entities if e.opin_participant]
    return entities


def _say(conversation: ChatConversation, text: str, *, article: str = "", link: str = "", link_label: str = "") -> None:
    ChatMessage.objects.create(
        conversation=conversation, author="bot", text=text, article=article, link=link, link_label=link_label
    )


def _conversation(request: HttpRequest) -> ChatConversation | None:
    pk = request.session.get(SESSION_KEY)
    return ChatConversation.objects.filter(pk=pk).first() if pk else None


WELCOME = (
    "Olá! Sou o assistente virtual. Escreva sua dúvida em poucas palavras; o protocolo desta conversa é gerado "
    "assim que ela começa. Não informe CPF, dados de cartão ou de saúde. "
    + PURPOSES_BY_CODE["chat_transcript"].text
    + " Ao enviar sua primeira mensagem, você concorda com isso."
)


def _entity_asked(request: HttpRequest) -> Entity | None:
    slug = request.POST.get("entidade") or request.GET.get("entidade", "")
    return Entity.objects.filter(slug=slug, active=True, is_external=False).first() if slug else None


@transaction.atomic
def _start(request: HttpRequest) -> ChatConversation:
    """The conversation begins with the citizen's first message or button (seed 000 §4.3.1: "Ao iniciar o
    atendimento … é apresentado o número de protocolo"); merely opening the page issues nothing."""
    entity = _entity_asked(request)
    conversation = ChatConversation.objects.create(protocol=protocol_issue(), entity=entity)
    # The welcome shown before the first message says what is kept and for how long; sending it is the consent
    # (LGPD art. 8), recorded with the version of that text (ouvidoria/rights, "Direitos do titular").
    consent_record(purpose="chat_transcript", channel="assistente virtual", conversation_protocol=conversation.protocol)
    _say(
        conversation,
        f"Olá! Sou o assistente virtual. O protocolo desta conversa é {conversation.formatted_protocol}. "
        "Escreva sua dúvida em poucas palavras. Não informe CPF, dados de cartão ou de saúde.",
    )
    request.session[SESSION_KEY] = conversation.pk
    return conversation


def _answer(conversation: ChatConversation, question: str) -> None:
    """Answer from the FAQ (rules.intents.reply): an article above the relevance threshold; "Como posso ajudar?"
    when the citizen says they want to complain, denounce, suggest or praise; otherwise no article answers, said
    plainly, with the channels offered (issue 14)."""
    found = faq_reply(question, entity=conversation.entity)
    if found.kind == intents.HELP:
        conversation.state = bot.HELP
        wish = f"Entendi que você quer {intents.WISHES[found.intent]}. " if found.intent else ""
        hint = found.articles[0][0] if found.articles else None
        _say(
            conversation,
            f"{wish}Como posso ajudar? Escolha uma opção para seguirmos até o canal certo.",
            article=hint.slug if hint else "",
            link=_article_url(conversation, hint.slug) if hint else "",
            link_label=f"Antes, se ajudar: {hint.title}"[:120] if hint else "",
        )
        return
    if found.kind == intents.NONE:
        conversation.state, conversation.purpose = bot.CHANNEL, "information"
        _say(
            conversation,
            "Desculpe, nenhum artigo responde a essa pergunta. Você pode reformular a pergunta ou falar com a "
            "empresa pelos canais de atendimento: use o Fale Conosco ou escolha a empresa.",
        )
        return
    article, _score = found.articles[0]
    body = article.body if len(article.body) <= EXCERPT else article.body[:EXCERPT].rsplit(" ", 1)[0] + "…"
    _say(
        conversation,
        f"{article.title}\n\n{body}\n\nEncontrou o que procurava?",
        article=article.slug,
        link=_article_url(conversation, article.slug),
        link_label="Ler o artigo completo",
    )
    # The next articles above the threshold come along as links: the best one is not always the one (top-3 of
    # docs/benchmarks.md, section 7), and the citizen should not have to rephrase to see them.
    for other, _other_score in found.articles[1:]:
        _say(
            conversation,
            "Também pode ajudar:",
            link=_article_url(conversation, other.slug),
            link_label=other.title[:120],
        )
    conversation.state = bot.FEEDBACK


def _article_url(conversation: ChatConversation, slug: str) -> str:
    url = reverse("portal:faq_article", args=[slug])
    return f"{url}?entidade={conversation.entity.slug}" if conversation.entity else url


def _contacts(conversation: ChatConversation, *, with_ombudsman: bool) -> None:
    e = conversation.participant
    assert e is not None
    lines = [f"Contatos de {e.name}:"]
    if e.sac_phone:
        lines.append(f"SAC: {e.sac_phone}" + (f" ({e.sac_hours})" if e.sac_hours else ""))
    if e.transactional_phone:
        lines.append(f"Central de atendimento: {e.transactional_phone}")
    if e.sac_email:
        lines.append(f"E-mail: {e.sac_email}")
    if with_ombudsman:
        lines.append("Como você já tem protocolo, pode recorrer também à Ouvidoria:")
        if e.ombudsman_phone:
            lines.append(f"Ouvidoria: {e.ombudsman_phone}" + (f" ({e.ombudsman_hours})" if e.ombudsman_hours else ""))
        if e.ombudsman_email:
            lines.append(f"E-mail da Ouvidoria: {e.ombudsman_email}")
        _say(
            conversation,
            "\n".join(lines),
            link=reverse("portal:ombudsman", args=[e.slug]),
            link_label=f"Formulário da Ouvidoria de {e.name}",
        )
        return
    _say(conversation, "\n".join(lines), link=reverse("portal:contact", args=[e.slug]), link_label="Fale Conosco")


def _choose(conversation: ChatConversation, choice: str) -> None:
    target = bot.next_state(conversation.state, choice)
    if target is None:
        return  # a stale button (another tab, the back button): ignore it
    conversation.state = target
    if choice == "yes":
        conversation.resolved = True
        _say(conversation, "Que bom! Obrigado pelo contato. Se quiser, deixe uma sugestão para melhorarmos.")
    elif target == bot.HELP:
        if choice == "no":
            conversation.resolved = False
        _say(conversation, "Como posso ajudar?")
    elif target == bot.CHANNEL:
        conversation.purpose = choice
        _say(conversation, "Por onde você quer seguir? Use o Fale Conosco ou escolha a empresa com que quer falar.")
    elif target == bot.PROTOCOL:
        _say(conversation, "Informe o número do protocolo do atendimento anterior.")
    elif target == bot.CONTACTS:
        _contacts(conversation, with_ombudsman=False)
    elif target == bot.ASK:
        _say(conversation, "Pode perguntar: escreva sua dúvida.")


def _contact_form_url(conversation: ChatConversation) -> str:
    entity = conversation.participant or conversation.entity
    return reverse("portal:contact", args=[entity.slug]) if entity else reverse("portal:home")


@require_http_methods(["GET", "POST"])
def assistant(request: HttpRequest) -> HttpResponse:
    conversation = _conversation(request)
    if request.method == "GET" and (conversation is None or request.GET.get("nova") == "1"):
        # Not started yet: no protocol is spent on a visit (crawlers, a page opened and left).
        request.session.pop(SESSION_KEY, None)
        return _render(request, None)
    if request.method == "POST":
        if conversation is None:
            if not ratelimit.allow(request, "chat", limit=START_LIMIT[0], window_seconds=START_LIMIT[1]):
                return render(request, "portal/too_many.html", {}, status=429)
            conversation = _start(request)
        with transaction.atomic():
            _handle(request, conversation)
            conversation.save()
    return _render(request, conversation)


def _handle(request: HttpRequest, conversation: ChatConversation) -> None:
    post = request.POST
    if "choice" in post:
        choice = post["choice"]
        if choice in bot.OFFERED.get(conversation.state, ()):
            # The transcript keeps what the citizen pressed, not only what they typed.
            ChatMessage.objects.create(conversation=conversation, author="user", text=f"[{bot.CHOICES[choice]}]")
        if (
            choice == "contact_form"
            and conversation.state in bot.OFFERED
            and "contact_form" in bot.OFFERED[conversation.state]
        ):
            _say(
                conversation,
                "Use o formulário Fale Conosco:",
                link=_contact_form_url(conversation),
                link_label="Fale Conosco",
            )
            return
        _choose(conversation, choice)
        return
    if "participant" in post and conversation.state == bot.CHANNEL:
        participant = next((e for e in _participants(conversation.entity) if e.slug == post["participant"]), None)
        if participant is not None:
            ChatMessage.objects.create(conversation=conversation, author="user", text=f"[{participant.name}]")
            conversation.participant, conversation.state = participant, bot.PARTICIPANT
            _say(conversation, f"É o seu primeiro contato com {participant.name} ou você já tem um protocolo?")
        return
    text = post.get("text", "")[:QUESTION_LIMIT].strip()
    if not text:
        return
    screened = bot.screen(text)
    ChatMessage.objects.create(conversation=conversation, author="user", text=screened.text)
    if screened.warning:
        _say(conversation, screened.warning)
    if "suggestion" in post:
        conversation.suggestion = screened.text
        _say(conversation, "Sugestão registrada. Obrigado!")
        return
    if conversation.state == bot.PROTOCOL:
        if is_valid_protocol(normalize_protocol(text)):
            conversation.state = bot.CONTACTS
            _contacts(conversation, with_ombudsman=True)
        else:
            _say(conversation, "Esse número não parece um protocolo válido. Confira os dígitos e tente de novo.")
        return
    _answer(conversation, screened.text)


def _render(request: HttpRequest, conversation: ChatConversation | None) -> HttpResponse:
    """The panel; ``conversation`` None before it starts (the welcome, no protocol yet)."""
    state = conversation.state if conversation is not None else bot.ASK
    entity = conversation.entity if conversation is not None else _entity_asked(request)
    context: dict[str, Any] = {
        "conversation": conversation,
        "chat_messages": list(conversation.messages.all()) if conversation else [{"author": "bot", "text": WELCOME}],
        "buttons": [(code, bot.CHOICES[code]) for code in bot.OFFERED.get(state, ())],
        "participants": _participants(entity) if state == bot.CHANNEL else [],
        "asking_protocol": state == bot.PROTOCOL,
        "done": state == bot.DONE,
        "entity": entity,
    }
    template = "portal/chat_panel.html" if getattr(request, "htmx", False) else "portal/chat.html"
    return render(request, template, context)
