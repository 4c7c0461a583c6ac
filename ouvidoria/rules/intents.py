"""What a citizen wants when they write to the assistant, and what the assistant does with it. No Django.

Source: seed 000 §4.3.1, "Fluxo 1º Etapa" (chatbot): questions are answered from the FAQ; "Como posso ajudar?"
offers "Reclamação", "Sugestão" and "Obter informação" and leads to the channels. The record types are those of
seed 000 §7 and seed 001 "Natureza da Demanda" (elogio, solicitação, sugestão, reclamação, denúncia).

Issue 14: "quero reclamar de uma cobrança indevida" was answered with the FAQ article on free service. A message
that says the citizen *wants to* complain, denounce, suggest or praise is not a question for the FAQ: it goes to
"Como posso ajudar?". A question *about* complaining ("posso reclamar no Consumidor.gov.br?", "como faço uma
denúncia?") is still answered from the FAQ.

How a wish is told from a question (folded words, so accents and case never matter):
- a cue word names the record type: "reclamar", "reclamação", "queixa", "denúncia", "sugestão", "sugiro",
  "elogio", "parabenizar", "solicitar", "dúvida", "informação"…; typos within one edit of the cue's root are
  accepted for words of five letters or more that start with the root's letter ("reclmar", "recramar",
  "sujestão");
- a wish marker comes before it, at most four words earlier ("quero", "queria", "gostaria", "preciso", "desejo",
  "vou", "tenho", "registrar", "fazer", "abrir"…, and their common misspellings), not negated ("não quero") and not
  itself asked about ("como faço", "posso fazer", "onde registro");
- or the message starts with the cue and asks nothing ("Reclamação: cobrança indevida", "Elogio ao atendente").
"quero saber como reclamar" is a wish to know: a marker followed by "saber", "entender" or a question word before
the cue does not count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ouvidoria.rules.retrieval import RELEVANCE_THRESHOLD, SearchIndex, fold

COMPLAINT = "complaint"
DENUNCIATION = "denunciation"
SUGGESTION = "suggestion"
PRAISE = "praise"
REQUEST = "request"
INFORMATION = "information"

# Intent → how the assistant names it back to the citizen ("Entendi que você quer …").
WISHES: dict[str, str] = {
    COMPLAINT: "fazer uma reclamação",
    DENUNCIATION: "fazer uma denúncia",
    SUGGESTION: "deixar uma sugestão",
    PRAISE: "fazer um elogio",
    REQUEST: "fazer uma solicitação",
    INFORMATION: "obter uma informação",
}
# The intents that never go to the FAQ: the citizen wants to record something, not to read.
TO_RECORD = frozenset({COMPLAINT, DENUNCIATION, SUGGESTION, PRAISE})

# Roots of the cue words, folded. Exact forms are listed where a root would catch ordinary words ("pedido").
_CUE_ROOTS: tuple[tuple[str, str], ...] = (
    ("reclam", COMPLAINT),
    ("queix", COMPLAINT),
    ("denunc", DENUNCIATION),
    ("sugest", SUGGESTION),
    ("suger", SUGGESTION),
    ("sugir", SUGGESTION),
    ("elogi", PRAISE),
    ("parabeniz", PRAISE),
    ("agradec", PRAISE),
    ("solicit", REQUEST),
    ("requeri", REQUEST),
    ("informac", INFORMATION),
    ("esclarec", INFORMATION),
)
_CUE_WORDS: dict[str, str] = {
    "pedir": REQUEST,
    "peco": REQUEST,
    "duvida": INFORMATION,
    "duvidas": INFORMATION,
    "informar": INFORMATION,
    "parabens": PRAISE,
    # Telling the company of a problem is a complaint to record ("quero avisar que o caixa está quebrado").
    "avisar": COMPLAINT,
    "comunicar": COMPLAINT,
    "relatar": COMPLAINT,
}
_WISH = frozenset(
    [
        "quero",
        "qero",
        "kero",
        "qro",
        "quer",
        "queria",
        "qeria",
        "qria",
        "gostaria",
        "gostari",
        "gostaria",
        "gotaria",
        "gostava",
        "preciso",
        "presiso",
        "precisava",
        "necessito",
        "desejo",
        "desejava",
        "pretendo",
        "vou",
        "venho",
        "tenho",
        "tnho",
        "tenhu",
        "registrar",
        "registar",
        "abrir",
        "fazer",
        "fazr",
        "deixar",
        "deixo",
        "mandar",
        "enviar",
        "formalizar",
        "apresentar",
        "prestar",
    ]
)
# Words that make the marker a question ("como faço", "posso fazer") or a negation ("não quero").
_ASKED = frozenset(
    [
        "como",
        "cmo",
        "onde",
        "aonde",
        "posso",
        "pode",
        "podem",
        "nao",
        "nem",
        "quando",
        "qual",
        "quais",
    ]
)
# Words between the marker and the cue that turn the wish into a wish to know ("quero saber como reclamar").
_TO_KNOW = frozenset(
    [
        "saber",
        "entender",
        "conhecer",
        "ver",
        "perguntar",
        "como",
        "onde",
        "qual",
        "quais",
        "quando",
        "se",
    ]
)
_QUESTION = frozenset(
    [
        "como",
        "onde",
        "aonde",
        "qual",
        "quais",
        "quando",
        "quanto",
        "quantos",
        "quantas",
        "porque",
        "pq",
        "oque",
        "oq",
        "significa",
    ]
)
_FUZZY_MIN = 5
_TOKEN = re.compile(r"[a-z]+")


def _within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or adjacent transposition."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _cue(word: str) -> str | None:
    if word in _CUE_WORDS:
        return _CUE_WORDS[word]
    for root, kind in _CUE_ROOTS:
        if word.startswith(root):
            return kind
    if len(word) >= _FUZZY_MIN:
        # The first letter is kept: "login" is not a misspelt "elogio".
        for root, kind in _CUE_ROOTS:
            for size in (len(root), len(root) + 1):
                if word[0] == root[0] and size <= len(word) and _within_one_edit(word[:size], root):
                    return kind
    return None


def _is_wish(word: str, before: str) -> bool:
    return word in _WISH and before not in _ASKED


def intent(text: str) -> str | None:
    """The record type the citizen says they want to make, or None when the message is a question to answer."""
    tokens = _TOKEN.findall(fold(text or ""))[:200]
    if tokens and tokens[0] in _QUESTION:
        return None  # "qual a diferença entre fazer uma reclamação e uma denúncia": a question from its first word
    asks = "?" in (text or "") or bool(_QUESTION & set(tokens))
    for i, token in enumerate(tokens):
        kind = _cue(token)
        if kind is None:
            continue
        if i == 0 and not asks:
            return kind
        for j in range(i - 1, max(-1, i - 5), -1):
            if _is_wish(tokens[j], tokens[j - 1] if j else ""):
                if not _TO_KNOW & set(tokens[j + 1 : i]):
                    return kind
                break
    return None


# --- The assistant's reply -------------------------------------------------------------------------------------

ARTICLE = "article"  # an article answers: show it, then "Encontrou o que procurava?"
HELP = "help"  # the citizen wants to record something: "Como posso ajudar?"
NONE = "none"  # no article answers: say so and offer the channels

K = TypeVar("K", bound=Hashable)
# An article offered beside "Como posso ajudar?" is a digression from what the citizen asked for: only a close match
# of what the wish is about (half an ideal article's score) is worth it; "quero reclamar de uma cobrança indevida"
# is not helped by "O atendimento é gratuito?".
HINT_RELEVANCE = 0.5


def _topic(text: str) -> str:
    """What a wish is about: the message without its wish markers and cue words ("cobrança indevida")."""
    return " ".join(t for t in _TOKEN.findall(fold(text or "")) if t not in _WISH and _cue(t) is None)


@dataclass(frozen=True)
class Reply(Generic[K]):
    kind: str  # ARTICLE, HELP or NONE
    intent: str | None
    found: tuple[tuple[K, float], ...]  # the articles above the threshold, best first (for HELP: a hint, if any)


def reply(
    question: str,
    index: SearchIndex[K],
    *,
    accept: Callable[[K], bool] | None = None,
    limit: int = 3,
    threshold: float = RELEVANCE_THRESHOLD,
) -> Reply[K]:
    """What the assistant does with a message: the same ranking and threshold as the FAQ page's search.

    A wish to complain, denounce, suggest or praise goes to "Como posso ajudar?" whatever the FAQ holds (the best
    article, if relevant, comes along as a hint), unless it comes with a question an article answers ("quero
    denunciar o gerente, meu nome fica em sigilo?"): the article answers, and "Encontrou o que procurava?" leads on
    to the channels. Otherwise the best article above the threshold answers; with
    none, a request or a wish for information with nothing the FAQ answers goes to "Como posso ajudar?" too, and any
    other message is told that no article answers it.
    """
    wanted = intent(question)
    found = tuple(index.search(question, limit, accept=accept, threshold=threshold))
    if wanted in TO_RECORD and not (found and "?" in question):
        hint = index.search(_topic(question), 1, accept=accept, threshold=HINT_RELEVANCE)
        return Reply(HELP, wanted, tuple(hint))
    if found:
        return Reply(ARTICLE, wanted, found)
    return Reply(HELP if wanted is not None else NONE, wanted, ())
