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

Typos
    A query word whose stem is not in the index is looked up among the index's surface words within one edit
    (deletion, insertion, substitution or adjacent transposition, via a deletion-neighbourhood table, as SymSpell
    does), for words of 4 letters or more; failing that, among the stems. Matches found so count at
    ``FUZZY_WEIGHT`` of an exact match, so a correctly spelt word always weighs more than a guess.

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
    alguem algum alguma alguns algumas todo toda todos todas outro outra outros outras mesmo mesma cada
    aqui ali la ai onde aonde quando
    """
STOPWORDS = frozenset(_STOPWORDS.split())

# Abbreviations of chat Portuguese, folded, expanded before stopwords are dropped.
ABBREVIATIONS = {
    "vc": "voce",
    "vcs": "voces",
    "q": "que",
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
        terms: dict[str, float] = {}
        for word in words(query[:MAX_QUERY_CHARS]):
            s = stem(word)
            if s in self.postings:
                terms[s] = 1.0
                continue
            guesses = {self.surface_stems[w] for w in self._near_words.near(word)} or self._near_stems.near(s)
            for g in guesses:
                terms[g] = max(terms.get(g, 0.0), FUZZY_WEIGHT)
        return terms

    def search(self, query: str, limit: int = 3, *, accept: Callable[[K], bool] | None = None) -> list[tuple[K, float]]:
        """The best ``limit`` documents for ``query``, best first, as (id, score); only scores above zero.

        ``accept`` keeps only the ids it returns True for (e.g. one entity's articles and the shared ones); the
        statistics stay those of the whole index. Ties keep the order in which the documents were given.
        """
        if limit <= 0:
            return []
        scores: dict[int, float] = defaultdict(float)
        for term, weight in self.query_terms(query).items():
            idf = self.idf[term] * weight
            for index, tf in self.postings[term]:
                scores[index] += idf * tf * (K1 + 1) / (tf + self.norms[index])
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        out: list[tuple[K, float]] = []
        for index, score in ranked:
            key = self.ids[index]
            if accept is None or accept(key):
                out.append((key, score))
                if len(out) == limit:
                    break
        return out
