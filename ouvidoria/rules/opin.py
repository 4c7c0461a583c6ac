"""The OPIN quarterly file: quarters, due dates, the layout of Annex I and a streaming reader that checks it.

Plain Python, no Django: ``ouvidoria/opin`` writes and records the files, ``validate_opin`` reads any file with
``OpinFileReader`` and ``record_problems``, and the exporter checks every record it writes with the same function,
so a file we produce always passes the validator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TextIO

from ouvidoria.rules.calendars import BRAZILIAN_STATES
from ouvidoria.rules.catalogue import GENDERS, INSTANCES, RECORD_TYPES, SUBJECTS
from ouvidoria.rules.periods import year_problem

# --- Quarters and due dates ------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"Trimestre inválido: {self.number} (use 1 a 4).")
        if problem := year_problem(self.year):
            raise ValueError(problem)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        # Seed 000 §8.2: 01/01–31/03, 01/04–30/06, 01/07–30/09, 01/10–31/12.
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    def is_over(self, today: date) -> bool:
        """Whether the quarter has ended by ``today``: its file can be generated from the next day on."""
        return self.last_day < today

    @property
    def file_stem(self) -> str:
        """Seed 000 §8.5: the title names the quarter, "202401" for the first quarter of 2024 (year + quarter
        zero-padded; the manual's "31/06/2024" is read as the end of the first quarter, see DOMAIN.md)."""
        return f"{self.year}{self.number:02d}"

    @property
    def label(self) -> str:
        return f"{self.number}º trimestre de {self.year}"

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def due_date(self) -> date:
        """Seed 000 §8.2: Q1 by 10 May, Q2 by 10 August, Q3 by 10 November, Q4 by 10 February of the next year."""
        if self.number == 4:
            return date(self.year + 1, 2, 10)
        return date(self.year, (5, 8, 11)[self.number - 1], 10)

    def send_by(self, is_business_day: Callable[[date], bool]) -> date:
        """The last business day on or before the due date: the manual grants no postponement, and a file sent
        early is on time under any reading (choice in docs/regulation.md, "OPIN quarterly file")."""
        day = self.due_date
        while not is_business_day(day):
            day -= timedelta(days=1)
        return day

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)


_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")

# Seed 000 §8.3: the flow starts with the third quarter of 2024 (first file due 10 November 2024).
FIRST_QUARTER = Quarter(2024, 3)


def parse_quarter(text: str) -> Quarter:
    """ "2025Q1" → Quarter(2025, 1); a ValueError in Portuguese otherwise."""
    match = _QUARTER_RE.match(text or "")
    if not match:
        raise ValueError(f"“{text}” não é um trimestre: use AAAAQn, por exemplo 2025Q1 (n de 1 a 4).")
    return Quarter(int(match.group(1)), int(match.group(2)))


def quarter_being_reported(today: date) -> Quarter:
    """The quarter whose file is due next: the last one that ended before ``today``."""
    return Quarter.of(today).previous()


# --- The layout (seed 000 §8.5, Annex I §10.1, Annex II §10.2) --------------------------------------------------

TOP_KEY = "Ocorrencias"
ENTITY = "Entidade"
CHANNEL = "Canal"
RECORD_TYPE = "Tipo de manifestação"
GENDER = "Gênero"
STATE = "UF"
CITY = "Cidade"
SUBJECT = "Assunto"
PRACTICED_DAYS = "Prazo de conclusão praticado"
INTERACTIONS = "Número de interações por cliente"
# Annex I order, spelled as in the annex (accents included). Annex II uses the same nine column headers.
KEYS: tuple[str, ...] = (ENTITY, CHANNEL, RECORD_TYPE, GENDER, STATE, CITY, SUBJECT, PRACTICED_DAYS, INTERACTIONS)
INT_KEYS = frozenset({PRACTICED_DAYS, INTERACTIONS})
# Seed 000 §8.5: "Gênero" is "Informação não obrigatória" (blank for companies); every other key is required.
OPTIONAL_KEYS = frozenset({GENDER})

# Seed 000 §10.1/§10.2 "Canal": the channels of the instances reported in the file (rules/catalogue.py), which are
# SAC, Ouvidoria, Transacional (§8.4) and Chatbot (Annex II sample).
CHANNELS: tuple[str, ...] = tuple(dict.fromkeys(i.opin_channel for i in INSTANCES if i.opin_channel))
OPIN_INSTANCE_CODES: tuple[str, ...] = tuple(i.code for i in INSTANCES if i.opin_channel)
CHANNEL_OF_INSTANCE: dict[str, str] = {i.code: i.opin_channel for i in INSTANCES if i.opin_channel}

# Seed 000 §7: the five record types (Denúncia, seed 001, is not one of them).
RECORD_TYPE_LABELS: dict[str, str] = {
    r.code: r.label for r in RECORD_TYPES if r.code in ("informacao", "solicitacao", "sugestao", "elogio", "reclamacao")
}
OPIN_RECORD_TYPES: tuple[str, ...] = tuple(RECORD_TYPE_LABELS.values())

# Seed 000 §8.5 "Gênero": F, M, NB, Outro; blank ("" or null) for companies or when not declared.
GENDER_VALUES: tuple[str, ...] = tuple(code for code, _ in GENDERS)

# Seed 000 §8.5 "UF": the two-letter code of the 27 federative units.
STATES = BRAZILIAN_STATES

# Seed 000 §6.1–6.3: each channel's table of subjects, with the record types ("Tipologia") each subject takes.
SUBJECT_LABELS: tuple[str, ...] = tuple(s.label for s in SUBJECTS)
SUBJECT_RECORD_TYPES: dict[str, frozenset[str]] = {
    s.label: frozenset(RECORD_TYPE_LABELS[t] for t in s.record_types) for s in SUBJECTS
}
SUBJECTS_BY_CHANNEL: dict[str, frozenset[str]] = {
    channel: frozenset(
        s.label for s in SUBJECTS if any(CHANNEL_OF_INSTANCE.get(code) == channel for code in s.instances)
    )
    for channel in CHANNELS
}
# The manual has no table for the Chatbot (an OPIN-stage channel, §4.2.2): any subject of §6 is accepted.
SUBJECTS_BY_CHANNEL.update(
    {c: frozenset(SUBJECT_LABELS) for c, subjects in SUBJECTS_BY_CHANNEL.items() if not subjects}
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong: ``index`` is the record's position (1 for the first), None for the file itself."""

    index: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = "arquivo" if self.index is None else f"registro {self.index}"
        if self.key is not None:
            where += f", chave {json.dumps(self.key, ensure_ascii=False)}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"registro": self.index, "chave": self.key, "problema": self.message}


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


def record_problems(record: Any) -> list[tuple[str | None, str]]:
    """What is wrong with one record of "Ocorrencias": (key, message) pairs, empty when it fits the layout."""
    if not isinstance(record, dict):
        return [(None, f"o registro deve ser um objeto com as chaves do Anexo I, não {_show(record)}")]
    problems: list[tuple[str | None, str]] = []
    for key in record:
        if key not in KEYS:
            problems.append((key, "chave fora do layout do Anexo I"))
    for key in KEYS:
        if key not in record:
            if key not in OPTIONAL_KEYS:
                problems.append((key, "chave obrigatória ausente"))
            continue
        value = record[key]
        if key in INT_KEYS:
            # bool is an int in Python, not in the layout.
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append((key, f"{_show(value)} não é um número inteiro"))
            elif value < 0:
                problems.append((key, f"{value} é negativo"))
            continue
        if key == GENDER:
            if value is None or value == "":
                continue
            if value not in GENDER_VALUES:
                problems.append(
                    (key, f"{_show(value)} não é um gênero do layout ({', '.join(GENDER_VALUES)} ou vazio)")
                )
            continue
        if not isinstance(value, str):
            problems.append((key, f"{_show(value)} não é um texto"))
            continue
        if not value.strip():
            problems.append((key, "informação obrigatória vazia"))
            continue
        if key == CHANNEL and value not in CHANNELS:
            problems.append((key, f"{_show(value)} não é um canal do layout ({', '.join(CHANNELS)})"))
        elif key == RECORD_TYPE and value not in OPIN_RECORD_TYPES:
            problems.append((key, f"{_show(value)} não é um tipo de manifestação ({', '.join(OPIN_RECORD_TYPES)})"))
        elif key == STATE and value not in STATES:
            problems.append((key, f"{_show(value)} não é uma UF"))
        elif key == SUBJECT:
            problems.extend((key, message) for message in _subject_problems(record, value))
    return problems


def _subject_problems(record: dict[str, Any], subject: str) -> list[str]:
    if subject not in SUBJECT_RECORD_TYPES:
        return [f"{_show(subject)} não é um assunto da seção 6 do manual"]
    channel, record_type = record.get(CHANNEL), record.get(RECORD_TYPE)
    problems = []
    if channel in SUBJECTS_BY_CHANNEL and subject not in SUBJECTS_BY_CHANNEL[channel]:
        problems.append(f"{_show(subject)} não está na tabela de assuntos do canal {channel}")
    if record_type in OPIN_RECORD_TYPES and record_type not in SUBJECT_RECORD_TYPES[subject]:
        allowed = "/".join(sorted(SUBJECT_RECORD_TYPES[subject]))
        problems.append(f"{_show(subject)} não se aplica ao tipo {record_type} (tipologia: {allowed})")
    return problems


FILE_NAME_RE = re.compile(r"^\d{4}0[1-4]$")


# --- Reading a file one record at a time ------------------------------------------------------------------------


class LayoutError(ValueError):
    """The file cannot be read as the layout at all (not JSON, no "Ocorrencias" list…): reading stops."""


_WHITESPACE = " \t\n\r"


# What Python's JSON parser says (``JSONDecodeError.msg``), in Portuguese.
_JSON_PROBLEMS = {
    "Expecting value": "falta um valor",
    "Expecting ',' delimiter": "falta uma vírgula",
    "Expecting ':' delimiter": "faltam os dois-pontos depois da chave",
    "Expecting property name enclosed in double quotes": "falta o nome de uma chave entre aspas duplas",
    "Unterminated string starting at": "um texto começa e não termina (falta a aspa de fechamento)",
    "Invalid control character at": "caractere de controle dentro de um texto",
    "Invalid \\escape": "sequência de escape inválida",
    "Invalid \\uXXXX escape": "sequência \\u inválida",
    "Extra data": "há mais dados depois do fim do JSON",
}


def _json_problem(message: str) -> str:
    return _JSON_PROBLEMS.get(message, "sintaxe inválida")


class OpinFileReader:
    """Reads ``{"Ocorrencias": [ … ]}`` one record at a time, whatever the file's spacing and line breaks.

    Memory holds one buffer (``chunk_chars``) and the record being decoded, never the whole list: a file of a
    million records is checked in constant memory. Problems with the file itself (an extra top-level key, text
    after the end) collect in ``problems``; a file that cannot be read as the layout raises LayoutError.
    """

    def __init__(self, stream: TextIO, *, chunk_chars: int = 1 << 20) -> None:
        self._stream = stream
        self._chunk = chunk_chars
        self._buf = ""
        self._pos = 0
        self._dropped = 0
        self._eof = False
        self._decoder = json.JSONDecoder()
        self.problems: list[Problem] = []

    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._stream.read(self._chunk)
        if not data:
            self._eof = True
            return False
        self._dropped += self._pos
        self._buf = self._buf[self._pos :] + data
        self._pos = 0
        return True

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end), left unconsumed."""
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            self._pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._fill():
                return ""

    def _where(self) -> str:
        return f"caractere {self._dropped + self._pos + 1}"

    def _value(self) -> Any:
        self._peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    continue
                where = f"caractere {self._dropped + exc.pos + 1}"
                raise LayoutError(f"JSON inválido no {where}: {_json_problem(exc.msg)}.") from exc
            except RecursionError:
                raise LayoutError(f"JSON aninhado demais no {self._where()}: não é um registro do Anexo I.") from None
            # A number or literal at the very end of the buffer may go on in the next chunk.
            if end == len(self._buf) and self._fill():
                continue
            self._pos = end
            return value

    def _expect(self, char: str, what: str) -> None:
        found = self._peek()
        if found != char:
            shown = f"“{found}”" if found else "o fim do arquivo"
            raise LayoutError(f"Esperava {what} no {self._where()}, encontrou {shown}.")
        self._pos += 1

    def records(self) -> Iterator[Any]:
        if self._buf == "" and self._fill() and self._buf.startswith("\ufeff"):
            self._pos = 1  # a byte-order mark, as some Windows tools write
        if self._peek() != "{":
            raise LayoutError(f"O arquivo deve ser um objeto JSON com a chave “{TOP_KEY}” (Anexo I).")
        self._pos += 1
        seen = False
        if self._peek() == "}":
            self._pos += 1
        else:
            while True:
                key = self._value()
                if not isinstance(key, str):
                    raise LayoutError(f"Esperava o nome de uma chave no {self._where()}.")
                self._expect(":", "“:”")
                if key == TOP_KEY and not seen:
                    seen = True
                    yield from self._list()
                else:
                    self._value()
                    message = "chave repetida" if key == TOP_KEY else "chave fora do layout do Anexo I"
                    self.problems.append(Problem(None, key, message))
                if self._peek() == ",":
                    self._pos += 1
                    continue
                self._expect("}", "“,” ou “}”")
                break
        if not seen:
            raise LayoutError(f"O arquivo não tem a chave “{TOP_KEY}” (Anexo I).")
        if self._peek() != "":
            self.problems.append(Problem(None, None, f"conteúdo após o fim do objeto JSON ({self._where()})"))

    def _list(self) -> Iterator[Any]:
        if self._peek() != "[":
            raise LayoutError(f"“{TOP_KEY}” deve ser uma lista de registros ({self._where()}).")
        self._pos += 1
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield self._value()
            if self._peek() == ",":
                self._pos += 1
                continue
            self._expect("]", "“,” ou “]”")
            return


class StreamCheck:
    """Checks a file's text: iterate for its problems (record by record, then the file's own), then read
    ``records``, the number of records read. A LayoutError ends the reading as one more problem."""

    def __init__(self, stream: TextIO) -> None:
        self._reader = OpinFileReader(stream)
        self.records = 0

    def __iter__(self) -> Iterator[Problem]:
        try:
            for record in self._reader.records():
                self.records += 1
                for key, message in record_problems(record):
                    yield Problem(self.records, key, message)
        except LayoutError as exc:
            yield Problem(None, None, str(exc))
        yield from self._reader.problems
