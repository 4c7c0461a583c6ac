"""Ranking FAQ articles for a question in Portuguese: Okapi BM25 over stemmed, accent-folded words. No Django.

The FAQ of the citizen portal and the chatbot both answer from here (seed 000 §4.2.1 FAQ, §4.2.2 chatbot: general
information, never sensitive data). The choices, each measured by ``ouvidoria/faq/tests/questions.py`` (top-1 and
top-3 accuracy, ``manage.py faq_eval``) and ``bench/faq.py`` (answer time), figures in ``docs/benchmarks.md``:

Tokens
    Lower case; accents folded (NFKD, combining marks dropped: "revogação" and "revogacao" are the same word); any
    other character splits words; one-letter words dropped. A short list of the abbreviations people type in chats
    ("vc", "pq", "q", "tbm", "msg"…) is expanded first, then Portuguese stopwords (written below, folded) are dropped.
    Digits stay words ("15", "0800"): deadlines are asked for in numbers.

Stemming
    snowballstemmer's "portuguese" (the Snowball algorithm). It is written for accented text: on folded words its
    "-ção/-ções" rules never fire ("revogacao" → "revogaca" but "revogação" → "revog"). So the stem is computed from
    the folded word with its common endings re-accented ("-cao" → "-ção", "-coes" → "-ções", "-ao" → "-ão",
    "-oes" → "-ões", "-aes" → "-ães"), and the stem is folded again. Because the stem depends only on the folded
    word, accents and case can never change a ranking (a property the tests check with hypothesis).

Ranking
    Okapi BM25 with k1 = 1.2 and b = 0.5. k1 = 1.2 is the usual value; b is lower than the usual 0.75 because FAQ
    articles differ in length for reasons unrelated to relevance (a list of rights is long, "what is a protocol"
    short), and a full length penalty buried the long ones. IDF is the non-negative BM25+ form
    ln(1 + (N − df + 0.5) / (df + 0.5)).
    Fields are weighted into one bag of words (a simple BM25F): title × 3, keywords × 2, body × 1. The title says
    what the article answers; the keywords are the phrasings the public uses ("cancelar consentimento", "sac") and
    are the staff's lever to fix a miss without touching the text.

Synonyms
    People ask in their words ("de graça", "fui sorteado", "a mensalidade subiu"), articles are written in the
    regulators' ("gratuito", "contemplação", "reajuste"). ``PHRASES`` adds the term a phrase stands for ("quanto
    tempo" → "prazo"); ``SYNONYMS`` maps a colloquial word to the terms it
    stands for; a question word found there looks up its own stem and its terms, and counts in the ideal article's
    score once, at the best-known form's IDF, so a synonym never makes a question look less relevant.

Typos
    A query word whose stem is not in the index is looked up among the index's surface words within one edit
    (deletion, insertion, substitution or adjacent transposition, via a deletion-neighbourhood table, as SymSpell
    does), for words of 4 letters or more; failing that, among the stems. Matches found so count at
    ``FUZZY_WEIGHT`` of an exact match, so a correctly spelt word always weighs more than a guess.

Relevance
    BM25 scores have no scale of their own, so each is divided by the score an ideal article would get for the same
    question: every question word once in its title, keywords and body, at average length. Words the index does not
    know at all (no typo guess either) count in that ideal at half the weight of a word found in one article, and a
    typo guessed at its guess's full weight (its match counts only ``FUZZY_WEIGHT``): a question about things no
    article mentions ("cobrança indevida do cartão" to an FAQ without cards) stays low. The result, between 0 and 1,
    is compared with ``RELEVANCE_THRESHOLD``, the one threshold the FAQ page and the assistant share
    (``ouvidoria/faq/selectors.py``): below it no article answers, and the citizen is offered the channels instead.

Snippets
    ``snippet`` picks the window of an article's text with the most question words (stems and typo guesses) and
    returns it as pieces marked matched or not, for the page to highlight; no HTML here.

Speed
    Postings (stem → [(document, weighted frequency)]) and each document's length normalisation are computed once,
    when the index is built; a query touches only the postings of its words. Stems are memoised.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

import snowballstemmer

K1 = 1.2
B = 0.5
TITLE_WEIGHT = 3.0
KEYWORDS_WEIGHT = 2.0
BODY_WEIGHT = 1.0
FUZZY_WEIGHT = 0.6
FUZZY_MIN_LENGTH = 4
# Below this share of an ideal article's score nothing answers the question (see "Relevance"). Chosen on the tuning
# set of independently written questions (ouvidoria/faq/data/evaluation.toml): at 0.35 right answers scoring
# 0.26-0.35 were refused; 0.25 gives the best top-1 there, 0.15-0.30 within a point (docs/benchmarks.md, section 7).
RELEVANCE_THRESHOLD = 0.25
UNKNOWN_WEIGHT = 0.5
# Longer questions are cut: a pasted e-mail is not a question, and the cost of a query grows with its words.
MAX_QUERY_CHARS = 1000

# Portuguese stopwords, folded: articles, prepositions and their contractions, pronouns, auxiliaries, fillers.
# Question words that nearly every question has ("como", "qual", "quando", "onde") are dropped; "quanto" (tempo,
# custa) and "nao" ("não resolveram") are kept.
_STOPWORDS = """
    a o as os um uma uns umas ao aos de do da dos das dum duma em no na nos nas num numa por pelo pela pelos
    pelas para pra pro pras pros com sem sob sobre ate apos ante entre contra desde perante e ou nem mas porem que
    se ja so tambem ainda entao pois porque como mais menos muito muita muitos muitas pouco tao tanto
    eu tu ele ela nos vos eles elas me te lhe lhes mim ti si comigo contigo conosco voce voces meu minha meus minhas
    teu tua seu sua seus suas nosso nossa nossos nossas dele dela deles delas esse essa esses essas este esta estes
    estas isso isto aquele aquela aqueles aquelas aquilo qual quais quem cujo cuja
    ser sou es e somos sao era eram foi fui foram sera seria estar estou esta estamos estao estava estive esteve
    ter tenho tem temos tinha tive teve tera haver ha havia houve vai vou vamos ir fazer faz fiz
    ola oi bom boa dia tarde noite obrigado obrigada favor gostaria queria quero saber duvida pergunta
    tal alguem algum alguma alguns algumas todo toda todos todas outro outra outros outras mesmo mesma cada
    aqui ali la ai onde aonde quando
    ta to tava tavam tah ne pois
    """
STOPWORDS = frozenset(_STOPWORDS.split())

# Abbreviations of chat Portuguese, folded, expanded before stopwords are dropped.
ABBREVIATIONS = {
    "vc": "voce",
    "vcs": "voces",
    "q": "que",
    "oq": "que",
    "oque": "que",
    "pq": "porque",
    "tb": "tambem",
    "tbm": "tambem",
    "n": "nao",
    "nao": "nao",
    "msg": "mensagem",
    "qdo": "quando",
    "qto": "quanto",
    "qnto": "quanto",
    "td": "tudo",
    "hj": "hoje",
    "info": "informacao",
    "infos": "informacoes",
    "gov": "governo",
    "lgpd": "lgpd",
}

# The colloquial words of the public and the terms the articles are written in (folded). A question word found
# here also looks up its terms, and counts in the relevance as its best-known form (see "Synonyms" above).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "graca": ("gratuito",),
    "gratis": ("gratuito",),
    "sorteio": ("contemplacao",),
    "sorteado": ("contemplacao",),
    "sortear": ("contemplacao",),
    "aumento": ("reajuste",),
    "aumentou": ("reajuste",),
    "subiu": ("reajuste",),
    "demora": ("prazo",),
    "demorar": ("prazo",),
    "demorando": ("prazo",),
    "golpe": ("fraude",),
    "fraude": ("golpe",),
    "remedio": ("medicamento",),
    "convenio": ("plano",),
    "devolver": ("devolucao", "reembolso"),
    "batida": ("sinistro",),
    "acidente": ("sinistro",),
    "roubo": ("sinistro",),
    "furto": ("sinistro",),
    "cirurgia": ("procedimento",),
    "exame": ("procedimento",),
    "hospital": ("credenciado",),
    "clinica": ("credenciado",),
    "laboratorio": ("credenciado",),
}
# Phrases (folded) that stand for a term none of their words does alone: "quanto tempo" asks for a deadline,
# "previsão do tempo" does not.
PHRASES: dict[str, str] = {
    "quanto tempo": "prazo",
    "em que pe": "andamento",
    "em q pe": "andamento",
}

_WORD = re.compile(r"[a-z0-9]+")
# The combining marks NFKD splits off Latin letters (acute, grave, circumflex, tilde, cedilla, diaeresis…).
_COMBINING = re.compile(r"[\u0300-\u036f]")
# Endings re-accented before stemming, longest first (see "Stemming" above).
_REACCENT = (("coes", "ções"), ("cao", "ção"), ("oes", "ões"), ("aes", "ães"), ("ao", "ão"))
_stemmer = snowballstemmer.stemmer("portuguese")

K = TypeVar("K", bound=Hashable)


def fold(text: str) -> str:
    """Lower case without accents: "Revogação" → "revogacao"."""
    text = text.lower()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """Folded words of a text, abbreviations expanded, stopwords and one-letter words dropped."""
    out = []
    for raw in _WORD.findall(fold(text)):
        word = ABBREVIATIONS.get(raw, raw)
        if len(word) > 1 and word not in STOPWORDS:
            out.append(word)
    return out


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of a folded word, as Snowball would stem it written with accents, folded again."""
    if word.isdigit():
        return word
    for plain, accented in _REACCENT:
        if word.endswith(plain) and len(word) > len(plain) + 1:
            word = word[: -len(plain)] + accented
            break
    return fold(_stemmer.stemWord(word))


def tokens(text: str) -> list[str]:
    """The stems a text is indexed or searched by."""
    return [stem(w) for w in words(text)]


def _deletions(word: str) -> Iterator[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


class _NearTable:
    """Strings within one edit of a given string, by the deletion neighbourhood (SymSpell, distance 1)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.exact: set[str] = set()
        self.by_deletion: dict[str, set[str]] = defaultdict(set)
        for term in vocabulary:
            if len(term) < FUZZY_MIN_LENGTH - 1:
                continue
            self.exact.add(term)
            for d in _deletions(term):
                self.by_deletion[d].add(term)

    def near(self, word: str) -> set[str]:
        if len(word) < FUZZY_MIN_LENGTH:
            return set()
        found = set(self.by_deletion.get(word, ()))  # the query lacks a letter
        for d in _deletions(word):
            if d in self.exact:  # the query has one letter too many
                found.add(d)
            found |= self.by_deletion.get(d, set())  # one letter differs or two letters are swapped
        found.discard(word)
        return found


@dataclass(frozen=True)
class Document(Generic[K]):
    id: K
    title: str
    body: str
    keywords: str = ""


class SearchIndex(Generic[K]):
    """A BM25 index over FAQ articles, built once; ``search`` is read-only and safe to share between threads."""

    def __init__(self, documents: Iterable[Document[K] | tuple[K, str, str, str]]) -> None:
        self.ids: list[K] = []
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        lengths: list[float] = []
        surface_stems: dict[str, str] = {}
        for doc in documents:
            key, title, body, keywords = (
                (doc.id, doc.title, doc.body, doc.keywords) if isinstance(doc, Document) else doc
            )
            bag: dict[str, float] = defaultdict(float)
            for text, weight in ((title, TITLE_WEIGHT), (keywords, KEYWORDS_WEIGHT), (body, BODY_WEIGHT)):
                for word in words(text):
                    s = stem(word)
                    surface_stems[word] = s
                    bag[s] += weight
            index = len(self.ids)
            self.ids.append(key)
            lengths.append(sum(bag.values()))
            for s, tf in bag.items():
                self.postings[s].append((index, tf))
        n = len(self.ids)
        average = (sum(lengths) / n) if n else 1.0
        self.norms = [K1 * (1 - B + B * length / average) for length in lengths]
        self.idf = {s: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for s, p in self.postings.items()}
        self.surface_stems = surface_stems
        self._near_words = _NearTable(surface_stems)
        self._near_stems = _NearTable(self.postings)

    def __len__(self) -> int:
        return len(self.ids)

    def query_terms(self, query: str) -> dict[str, float]:
        """Stems to look up, each with its weight: 1 when the word is in the index, less for typo guesses."""
        return self._query(query)[0]

    def _query(self, query: str) -> tuple[dict[str, float], float]:
        """The weighted terms of ``query`` and the IDF mass of its words, for the ideal article's score: a word
        found counts its IDF; a typo guessed, its best guess's IDF at full weight (so a guess scores lower than the
        word spelt right); a word unknown, ``UNKNOWN_WEIGHT`` of the rarest word's."""
        terms: dict[str, float] = {}
        mass: dict[str, float] = {}
        rarest = math.log(1 + (len(self.ids) - 1 + 0.5) / 1.5) * UNKNOWN_WEIGHT
        query = query[:MAX_QUERY_CHARS]
        folded = " ".join(_WORD.findall(fold(query)))
        extra = [term for phrase, term in PHRASES.items() if f" {phrase} " in f" {folded} "]
        for word in words(query) + extra:
            s = stem(word)
            known = [f for f in dict.fromkeys(stem(w) for w in (word, *SYNONYMS.get(word, ()))) if f in self.postings]
            if known:
                for f in known:
                    terms[f] = 1.0
                mass[s] = max(self.idf[f] for f in known)
                continue
            guesses = {self.surface_stems[w] for w in self._near_words.near(word)} or self._near_stems.near(s)
            for g in guesses:
                terms[g] = max(terms.get(g, 0.0), FUZZY_WEIGHT)
            mass[s] = max((self.idf[g] for g in guesses), default=rarest)
        return terms, sum(mass.values())

    def search(
        self,
        query: str,
        limit: int = 3,
        *,
        accept: Callable[[K], bool] | None = None,
        threshold: float = 0.0,
    ) -> list[tuple[K, float]]:
        """The best ``limit`` documents for ``query``, best first, as (id, relevance between 0 and 1).

        Only relevances above zero and at least ``threshold`` (``RELEVANCE_THRESHOLD`` where an answer is given to a
        citizen). ``accept`` keeps only the ids it returns True for (e.g. one entity's articles and the shared ones);
        the statistics stay those of the whole index. Ties keep the order in which the documents were given.
        """
        if limit <= 0:
            return []
        terms, mass = self._query(query)
        scores: dict[int, float] = defaultdict(float)
        for term, weight in terms.items():
            idf = self.idf[term] * weight
            for index, tf in self.postings[term]:
                scores[index] += idf * tf * (K1 + 1) / (tf + self.norms[index])
        if not scores:
            return []
        tf = TITLE_WEIGHT + KEYWORDS_WEIGHT + BODY_WEIGHT
        ceiling = mass * tf * (K1 + 1) / (tf + K1)  # every word once in each field, at average length
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        out: list[tuple[K, float]] = []
        for index, score in ranked:
            relevance = min(1.0, score / ceiling)
            if relevance < threshold:
                break
            key = self.ids[index]
            if accept is None or accept(key):
                out.append((key, relevance))
                if len(out) == limit:
                    break
        return out

    def snippet(self, query: str, text: str, *, width: int = 30) -> list[tuple[str, bool]]:
        """The ``width`` words of ``text`` with the most question words, as pieces (text, matched), in order.

        An ellipsis piece opens or closes the window when it does not start or end the text; the pieces joined
        give the window's text as written (accents and case kept)."""
        terms = self.query_terms(query)
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        if not spans:
            return []
        hits = [stem_of(text[a:b]) in terms for a, b in spans]
        best, best_count = 0, -1
        count = sum(hits[:width])
        for start in range(max(1, len(spans) - width + 1)):
            if start:
                count += (hits[start + width - 1] if start + width - 1 < len(hits) else 0) - hits[start - 1]
            if count > best_count:
                best, best_count = start, count
        # Start a few words before the first match rather than as early as possible, keeping every match.
        first = next((i for i in range(best, min(best + width, len(hits))) if hits[i]), best)
        lead = min(first, max(best, first - 3))
        if sum(hits[lead : lead + width]) >= best_count:
            best = lead
        window = spans[best : best + width]
        pieces: list[tuple[str, bool]] = [("… ", False)] if best else []
        position = window[0][0]
        for (a, b), hit in zip(window, hits[best : best + width], strict=True):
            if a > position:
                pieces.append((text[position:a], False))
            for piece, is_word in _split_word(text[a:b]):
                pieces.append((piece, hit and is_word))
            position = b
        if best + width < len(spans):
            pieces.append((" …", False))
        return _merge(pieces)


def stem_of(raw: str) -> str:
    """The stem a single written word is indexed by ("" for punctuation, stopwords and one-letter words)."""
    found = words(raw)
    return stem(found[0]) if found else ""


def _split_word(raw: str) -> list[tuple[str, bool]]:
    """A whitespace-free run as the word itself and its surrounding punctuation ("(SAC)," → "(", "SAC", "),")."""
    match = re.search(r"\w[\w-]*\w|\w", raw)
    if match is None:
        return [(raw, False)]
    parts = [(raw[: match.start()], False), (match.group(), True), (raw[match.end() :], False)]
    return [p for p in parts if p[0]]


def _merge(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for text, matched in pieces:
        if out and out[-1][1] == matched:
            out[-1] = (out[-1][0] + text, matched)
        else:
            out.append((text, matched))
    return out
