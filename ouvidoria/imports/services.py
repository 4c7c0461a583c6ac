"""Importing historical manifestations: the OPIN quarterly file and other systems' exports.

The OPIN file (seed 000 §8.5; layouts in §10.1 Annex I and §10.2 Annex II) has one concluded or pending
manifestation per row and no personal data: Entidade, Canal, Tipo de manifestação, Gênero, UF, Cidade, Assunto,
Prazo de conclusão praticado, Número de interações por cliente. To migrate history we also need the opening date, and
accept the conclusion date, protocol, CPF/CNPJ, name, e-mail, description and status of older systems.

Every row is checked with the rules the single-case service uses (``RequesterData.cleaned``, the catalogues, the 27
UFs, the deadline policies and calendars); a bad row is reported with its line and column and nothing of it is
written. Good rows are written in batches by ``ouvidoria.imports.writer``; for big files, while a second process
checks and prepares the next ones (see "the pipeline" below).
"""

import gc
import json
import multiprocessing
import pickle
import queue
import re
import sys
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import chain, islice
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone
from django.utils.text import slugify

from ouvidoria.cases import catalogue_cache
from ouvidoria.cases.catalogue_cache import SubjectRow
from ouvidoria.cases.services import RequesterData
from ouvidoria.catalogue.models import Instance, RecordType, Subject
from ouvidoria.entities.models import Entity
from ouvidoria.entities.services import entity_calendar
from ouvidoria.imports.writer import CaseRecord, CaseWriter, EventRecord, Preparer, RequesterRecord
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.rules import deadlines
from ouvidoria.rules.calendars import FIRST_YEAR
from ouvidoria.rules.opin import (
    CHANNEL,
    CITY,
    ENTITY,
    GENDER,
    INTERACTIONS,
    PRACTICED_DAYS,
    RECORD_TYPE,
    STATE,
    SUBJECT,
)
from ouvidoria.rules.policies import default_policy_code, get_policy
from ouvidoria.rules.protocol import normalize_protocol

Cell = str | int | float | date | datetime | time | bool | None
Row = Mapping[str, Cell]

BATCH_SIZE = 2000
# Files with more rows are checked in a second process while this one writes (see "the pipeline" below).
PIPELINE_THRESHOLD = 5000
# Allocations between collections of the youngest generation during an import (Python's default is 700).
_GC_THRESHOLD = 50_000
# Distinct cell texts remembered per import (most cells repeat a few values).
_TEXT_MEMO = 50_000
# The SQLite page cache of the import's connection (PRAGMA cache_size).
_IMPORT_CACHE_SIZE = -128 * 1024  # KiB when negative: 128 MiB
# Pages of WAL between checkpoints during the import (PRAGMA wal_autocheckpoint; SQLite's default is 1000).
_IMPORT_CHECKPOINT_PAGES = 20_000
IMPORT_ACTOR = "importação"

# The OPIN columns are those of the quarterly file (rules/opin.py, seed 000 §8.5 and Annex II); then those of other
# systems' exports.
OPENED = "Data de abertura"
CONCLUDED = "Data de conclusão"
PROTOCOL = "Protocolo"
DOCUMENT = "CPF"
NAME = "Nome"
EMAIL = "E-mail"
DESCRIPTION = "Descrição"
SITUATION = "Situação"

COLUMNS = (
    ENTITY,
    CHANNEL,
    RECORD_TYPE,
    GENDER,
    STATE,
    CITY,
    SUBJECT,
    PRACTICED_DAYS,
    INTERACTIONS,
    OPENED,
    CONCLUDED,
    PROTOCOL,
    DOCUMENT,
    NAME,
    EMAIL,
    DESCRIPTION,
    SITUATION,
)
REQUIRED_COLUMNS = (ENTITY, CHANNEL, RECORD_TYPE, OPENED)
_ALIASES = {"email": EMAIL, "cpf/cnpj": DOCUMENT, "cpf ou cnpj": DOCUMENT, "cnpj": DOCUMENT, "status": SITUATION}

# "Situação" values meaning the case is still pending (seed 000 §8.4 b: "pendentes de decisão").
_PENDING = frozenset({"pendente", "pendente de decisao", "em andamento", "aberta", "aberto", "em analise"})

# Where ``RequesterData.cleaned()`` reports a problem, and the column it came from.
_REQUESTER_COLUMNS = {
    "requester.document": DOCUMENT,
    "requester.name": NAME,
    "requester.email": EMAIL,
    "requester.gender": GENDER,
    "requester.state": STATE,
    "requester.city": CITY,
}

# Spreadsheet serial numbers of 01/01/1990 and 31/12/2100, for dates typed into cells without a date format.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = (32874, 73415)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_BR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T].*)?")
_INTEGER = re.compile(r"[+-]?\d+(?:[.,]0+)?")
_DATE_HINT = "use AAAA-MM-DD ou DD/MM/AAAA"
# What ``json.dumps(value, ensure_ascii=False)`` uses, made once.
_KEY_ENCODER = json.JSONEncoder(ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    message: str


@dataclass(slots=True)
class ImportResult:
    imported: int = 0
    already_present: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Header columns that are none of ``COLUMNS`` (reported, not imported).
    ignored_columns: list[str] = field(default_factory=list)
    entities_created: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "already_present": self.already_present,
            "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in self.errors],
        }


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a header or a catalogue value."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


_COLUMN_BY_KEY = {fold(c): c for c in COLUMNS} | _ALIASES


def text(value: Cell) -> str:
    """A cell as trimmed text with single spaces (numbers from spreadsheets without a trailing ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def parse_date(value: Cell) -> date | None:
    """A date from ``YYYY-MM-DD``, ``DD/MM/YYYY`` (a time after it is ignored) or a spreadsheet date; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = _EXCEL_SERIALS
        return _EXCEL_EPOCH + timedelta(days=int(value)) if low <= value <= high else None
    raw = text(value)
    if match := _ISO_DATE.fullmatch(raw):
        year, month, day = match.groups()
    elif match := _BR_DATE.fullmatch(raw):
        day, month, year = match.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _integer(value: Cell, raw: str) -> int | None:
    """The integer in a cell (``raw`` is its text); None when it holds something else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if raw.isdigit():
        return int(raw)
    return int(re.split(r"[.,]", raw)[0]) if _INTEGER.fullmatch(raw) else None


def _document(value: Cell) -> str:
    # A CPF typed into a numeric cell loses its leading zeros.
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        digits = str(int(value))
        return digits.zfill(11) if len(digits) <= 11 else digits.zfill(14)
    return text(value)


class _Columns:
    """Which header column holds which field; the header is line 1."""

    def __init__(self, header: Iterable[str]) -> None:
        self.keys: dict[str, str] = {}
        self.ignored: list[str] = []
        self.errors: list[RowError] = []
        for key in header:
            column = _COLUMN_BY_KEY.get(fold(key))
            if column is None:
                if key.strip():
                    self.ignored.append(key.strip())
            elif column in self.keys:
                self.errors.append(RowError(1, key.strip(), "Coluna repetida no cabeçalho."))
            else:
                self.keys[column] = key
        for column in REQUIRED_COLUMNS:
            if column not in self.keys:
                self.errors.append(RowError(1, column, "Coluna obrigatória ausente no cabeçalho."))

    def label(self, column: str) -> str:
        """The column's name as written in the file's header (for error messages)."""
        return self.keys.get(column, column).strip()


# (entity or the slug to create it with, instance, record type, subject, policy, [(column, message)])
_Classified = tuple[Entity | str | None, str | None, str | None, SubjectRow | None, str, list[tuple[str, str]]]
# (kind, cleaned requester fields, [(column, message)])
_Person = tuple[str, dict[str, str], list[tuple[str, str]]]


class _RowChecker:
    """Validates rows into ``CaseRecord``s, with the catalogues and look-ups cached for the whole run."""

    def __init__(self, *, columns: _Columns, create_entities: bool) -> None:
        self.columns = columns
        self.create_entities = create_entities
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.tz = timezone.get_current_timezone()
        self.entities: dict[str, Entity] = {}
        for entity in Entity.objects.order_by("-pk"):
            self._remember(entity)
        instances = list(Instance.objects.order_by("code").values_list("code", "label", "opin_channel"))
        # The instance's code wins over its label, its label over the OPIN "Canal" (both SAC and Fale Conosco are
        # "SAC" in the OPIN file; "SAC" is the sac instance).
        self.instances = {fold(channel): code for code, _, channel in reversed(instances) if channel}
        self.instances |= {fold(label): code for code, label, _ in instances}
        self.instances |= {fold(code): code for code, _, _ in instances}
        self.instance_kinds = dict(Instance.objects.values_list("code", "kind"))
        record_types = list(RecordType.objects.values_list("code", "label"))
        self.record_types = {fold(label): code for code, label in record_types} | {
            fold(code): code for code, _ in record_types
        }
        self.record_type_labels = dict(record_types)
        self.subject_codes = {
            fold(key): code for code, label in Subject.objects.values_list("code", "label") for key in (code, label)
        }
        self.subjects: dict[str, SubjectRow | None] = {}
        self.dates: dict[str, date | None] = {}
        self.due: dict[tuple[int, str, date], date] = {}
        self.noons: dict[date, datetime] = {}
        self.classified: dict[tuple[str, str, str, str], _Classified] = {}
        self.people: dict[tuple[str, str, str], _Person] = {}
        self.seen_keys: set[str] = set()
        self.seen_protocols: set[str] = set()
        self.entities_created: list[str] = []
        # Creates an entity (in the pipeline's worker, asks the writing process to).
        self.make_entity: Callable[[str, str], Entity] = _new_entity

    def _remember(self, entity: Entity) -> None:
        for key in (entity.slug, entity.name):
            self.entities[fold(key)] = entity
            self.entities[key.strip().casefold()] = entity

    # -- single fields -----------------------------------------------------------------------------------------

    def _entity(self, name: str) -> Entity | str | None:
        """The entity, the slug to create it with, or None when unknown."""
        entity = self.entities.get(name.casefold()) or self.entities.get(fold(name))
        if entity is not None or not self.create_entities:
            return entity
        slug = slugify(name)[:80].strip("-")
        return self.entities.get(slug) or slug or None

    def _subject(self, raw: str) -> SubjectRow | None:
        if raw not in self.subjects:
            row = catalogue_cache.subject(raw)
            if row is None and fold(raw) in self.subject_codes:
                row = catalogue_cache.subject(self.subject_codes[fold(raw)])
            self.subjects[raw] = row
        return self.subjects[raw]

    def _date(self, value: Cell) -> date | None:
        if isinstance(value, str):
            if value not in self.dates:
                self.dates[value] = parse_date(value)
            return self.dates[value]
        return parse_date(value)

    def _noon(self, day: date) -> datetime:
        # Historical files carry dates only: noon of the local day, never later than now.
        if day not in self.noons:
            self.noons[day] = min(datetime.combine(day, time(12), tzinfo=self.tz), self.now)
        return self.noons[day]

    def _due_on(self, entity: Entity, policy_code: str, received_on: date) -> date:
        key = (entity.pk, policy_code, received_on)
        if key not in self.due:
            self.due[key] = deadlines.due_date(get_policy(policy_code), received_on, entity_calendar(entity))
        return self.due[key]

    # -- the row -----------------------------------------------------------------------------------------------

    def check(self, line: int, values: dict[str, Cell], raw: dict[str, str]) -> CaseRecord | list[RowError] | None:
        """The case to write, the row's errors, or None when the row is already in this file.

        ``values`` are the row's cells by column, ``raw`` the same as text.
        """
        errors: list[RowError] = []
        label = self.columns.label

        def fail(column: str, message: str) -> None:
            errors.append(RowError(line, label(column), message))

        get = raw.get
        entity_name = get(ENTITY, "")
        key = (entity_name, get(CHANNEL, ""), get(RECORD_TYPE, ""), get(SUBJECT, ""))
        classified = self.classified.get(key) or self._classify(*key)
        entity, instance, record_type, subject, policy_code, problems = classified
        if not isinstance(entity, str):
            # Not while the entity is still to be created: the next row must see it created.
            self.classified[key] = classified
        for column, message in problems:
            fail(column, message)

        person_key = (get(GENDER, ""), get(STATE, ""), get(CITY, ""))
        # Without personal data (OPIN files) the same few gender/UF/city combinations repeat: clean each once.
        impersonal = not (get(DOCUMENT) or get(NAME) or get(EMAIL))
        cleaned = self.people.get(person_key) if impersonal else None
        if cleaned is None:
            cleaned = self._person(_document(values.get(DOCUMENT)), get(NAME, ""), get(EMAIL, ""), *person_key)
            if impersonal:
                self.people[person_key] = cleaned
        kind, person, problems = cleaned
        for column, message in problems:
            fail(column, message)

        opened = self._opening(values, raw, fail)
        concluded, pending = self._conclusion(values, raw, opened, fail)

        interactions = 1
        if get(INTERACTIONS):
            number = _integer(values.get(INTERACTIONS), get(INTERACTIONS, ""))
            if number is None or number < 0:
                fail(INTERACTIONS, "Informe o número de interações como um número inteiro, zero ou maior.")
            else:
                interactions = number

        protocol = get(PROTOCOL, "")
        if protocol and not protocol.isalnum():  # only then are there separators to drop
            protocol = normalize_protocol(protocol)
        if len(protocol) > 20:
            fail(PROTOCOL, "Protocolo com mais de 20 caracteres.")

        if errors:
            return errors
        assert entity is not None
        assert instance is not None
        assert record_type is not None
        assert opened is not None

        if isinstance(entity, str):
            entity = self._create_entity(entity_name, entity)
        entity_id = entity.pk
        clean = person.get
        description = str(values.get(DESCRIPTION) or "").strip()
        source_key = blind_index(
            _KEY_ENCODER.encode(
                [
                    entity_id,
                    instance,
                    record_type,
                    clean("gender", ""),
                    clean("state", ""),
                    clean("city", ""),
                    subject.code if subject else "",
                    get(PRACTICED_DAYS, ""),
                    get(INTERACTIONS, ""),
                    opened.isoformat(),
                    concluded.isoformat() if concluded else "",
                    protocol,
                    clean("document", ""),
                    clean("name", ""),
                    clean("email", ""),
                    description,
                    fold(get(SITUATION, "")),
                ]
            )
        )
        if source_key in self.seen_keys or (protocol and protocol in self.seen_protocols):
            return None
        self.seen_keys.add(source_key)
        if protocol:
            self.seen_protocols.add(protocol)

        received_at = self._noon(opened)
        due_on = self._due_on(entity, policy_code, opened)
        events = [
            EventRecord(
                "registration",
                received_at,
                {"imported": True, "policy": policy_code, "due": due_on.isoformat()},
                actor_label=IMPORT_ACTOR,
            )
        ]
        concluded_at = None
        if concluded is not None and not pending:
            concluded_at = self._noon(concluded)
            events.append(EventRecord("closure", concluded_at, {"imported": True}, actor_label=IMPORT_ACTOR))
        has_requester = bool(clean("document") or clean("name") or clean("email"))
        return CaseRecord(
            entity_id=entity_id,
            instance=instance,
            medium=self._medium(instance),
            record_type=record_type,
            subject_id=subject.pk if subject else None,
            policy=policy_code,
            description=description or f"Registro histórico importado (linha {line}).",
            state=clean("state") or entity.state,
            city=clean("city") or entity.city,
            received_at=received_at,
            received_on=opened,
            due_on=due_on,
            status="in_analysis" if concluded_at is None else "closed",
            interaction_count=interactions,
            events=events,
            requester=RequesterRecord(kind, person) if has_requester else None,
            protocol=protocol,
            source_key=source_key,
            imported=True,
            concluded_at=concluded_at,
            closed_at=concluded_at,
        )

    def _classify(self, entity_name: str, channel: str, type_text: str, subject_text: str) -> _Classified:
        """Entity, instance, record type, subject and deadline policy of a row, and what is wrong with them."""
        problems: list[tuple[str, str]] = []
        entity: Entity | str | None = None
        if not entity_name:
            problems.append((ENTITY, "Informe a entidade."))
        else:
            entity = self._entity(entity_name)
            if entity is None:
                problems.append(
                    (
                        ENTITY,
                        f"Entidade desconhecida: “{entity_name}”. Cadastre-a antes ou importe com --create-entities.",
                    )
                )
            elif isinstance(entity, Entity) and not entity.active:
                problems.append((ENTITY, f"A entidade {entity.name} está inativa."))
            elif isinstance(entity, str) and len(entity_name) > 200:
                problems.append((ENTITY, "Nome de entidade com mais de 200 caracteres."))

        instance = self.instances.get(fold(channel)) if channel else None
        if not channel:
            problems.append((CHANNEL, "Informe o canal (SAC, Ouvidoria, Transacional ou Chatbot)."))
        elif instance is None:
            problems.append((CHANNEL, f"Canal desconhecido: “{channel}”. Use SAC, Ouvidoria, Transacional ou Chatbot."))

        record_type = self.record_types.get(fold(type_text)) if type_text else None
        if record_type is None:
            choices = ", ".join(self.record_type_labels.values())
            problems.append(
                (
                    RECORD_TYPE,
                    f"Tipo de manifestação desconhecido: “{type_text}”. Use: {choices}."
                    if type_text
                    else f"Informe o tipo de manifestação ({choices}).",
                )
            )

        subject = self._subject(subject_text) if subject_text else None
        if subject_text and subject is None:
            problems.append((SUBJECT, f"Assunto desconhecido: “{subject_text}”."))
        elif subject is not None and record_type and subject.record_types and record_type not in subject.record_types:
            type_label = self.record_type_labels[record_type]
            problems.append((SUBJECT, f"O assunto “{subject.label}” não se aplica ao tipo {type_label}."))

        policy_code = ""
        if instance is not None and entity is not None:
            try:
                policy_code = default_policy_code(instance, entity.regime if isinstance(entity, Entity) else "other")
            except ValueError as exc:
                problems.append((CHANNEL, str(exc)))
        return entity, instance, record_type, subject, policy_code, problems

    def _person(self, document: str, name: str, email: str, gender: str, state: str, city: str) -> _Person:
        """The requester's fields cleaned as the single-case service does, and what is wrong with them."""
        data = RequesterData(document=document, name=name, email=email, gender=gender, state=state, city=city)
        try:
            kind, person = data.cleaned()
        except ValidationError as exc:
            problems = [
                (_REQUESTER_COLUMNS.get(key, key), " ".join(messages)) for key, messages in exc.message_dict.items()
            ]
            return "person", {}, problems
        return kind, person, []

    def _opening(self, values: dict[str, Cell], raw: dict[str, str], fail: Callable[[str, str], None]) -> date | None:
        value = values.get(OPENED)
        if not raw.get(OPENED):
            fail(OPENED, "Informe a data de abertura.")
            return None
        opened = self._date(value)
        if opened is None:
            fail(OPENED, f"Data inválida: “{raw[OPENED]}”; {_DATE_HINT}.")
        elif opened > self.today:
            fail(OPENED, "A data de abertura não pode estar no futuro.")
        elif opened.year < FIRST_YEAR:
            fail(OPENED, f"A data de abertura deve ser de {FIRST_YEAR} em diante.")
        else:
            return opened
        return None

    def _conclusion(
        self, values: dict[str, Cell], raw: dict[str, str], opened: date | None, fail: Callable[[str, str], None]
    ) -> tuple[date | None, bool]:
        """The conclusion date (None when pending or unknown) and whether the case is still pending."""
        concluded: date | None = None
        if raw.get(CONCLUDED):
            concluded = self._date(values.get(CONCLUDED))
            if concluded is None:
                fail(CONCLUDED, f"Data inválida: “{raw[CONCLUDED]}”; {_DATE_HINT}.")
                return None, False
            if concluded > self.today:
                fail(CONCLUDED, "A data de conclusão não pode estar no futuro.")
                return None, False
            if opened is not None and concluded < opened:
                fail(CONCLUDED, "A data de conclusão é anterior à data de abertura.")
                return None, False
        days: int | None = None
        if raw.get(PRACTICED_DAYS):
            days = _integer(values.get(PRACTICED_DAYS), raw[PRACTICED_DAYS])
            if days is None:
                fail(PRACTICED_DAYS, "Informe o prazo praticado em dias corridos (número inteiro).")
                return None, False
            if days < 0:
                fail(PRACTICED_DAYS, "O prazo de conclusão praticado não pode ser negativo.")
                return None, False
        situation = fold(raw.get(SITUATION, ""))
        pending = concluded is None and (situation in _PENDING or situation.startswith("pendente"))
        if pending or opened is None:
            return None, pending
        if concluded is not None:
            if days is not None and (concluded - opened).days != days:
                fail(
                    PRACTICED_DAYS,
                    f"O prazo praticado ({days} dias) não confere com as datas de abertura e conclusão "
                    f"({(concluded - opened).days} dias).",
                )
            return concluded, False
        if days is None:
            fail(
                PRACTICED_DAYS,
                "Informe o prazo de conclusão praticado ou a data de conclusão (ou a situação “pendente”).",
            )
            return None, False
        concluded = opened + timedelta(days=days)
        if concluded > self.today:
            fail(PRACTICED_DAYS, f"Abertura mais {days} dias cai no futuro ({concluded:%d/%m/%Y}).")
            return None, False
        return concluded, False

    def _medium(self, instance: str) -> str:
        # The files do not say how the customer got in touch: the chatbot is a chat, a regulator's or platform's
        # case arrives through that platform, and everything else is taken as a phone call.
        if instance == "chatbot":
            return "chat"
        if self.instance_kinds.get(instance) == "external":
            return "external-platform"
        return "phone"

    def _create_entity(self, name: str, slug: str) -> Entity:
        entity = self.make_entity(name, slug)
        self._remember(entity)
        self.entities_created.append(slug)
        return entity


def cases_import(
    rows: Iterable[Row],
    *,
    create_entities: bool = False,
    progress: Callable[[int], object] | None = None,
    batch_size: int = BATCH_SIZE,
    pipeline_threshold: int = PIPELINE_THRESHOLD,
) -> ImportResult:
    """Import ``rows`` (dicts keyed by the header; the first row is line 2); idempotent.

    A row already imported (same protocol, or same entity and values) counts as ``already_present``, also when it
    repeats within the file. Rows with errors are reported and skipped; the others are written in batches, one
    transaction each. ``progress`` receives the number of rows done since its last call.

    More than ``pipeline_threshold`` rows are checked and prepared in a second process while this one writes
    (``_import_pipelined``), when that is possible; the outcome is the same.
    """
    result = ImportResult()
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return result
    columns = _Columns(first.keys())
    result.ignored_columns = columns.ignored
    if columns.errors:
        result.errors = columns.errors
        return result
    with _fewer_collections():
        _import(result, columns, iterator, first, create_entities, progress, batch_size, pipeline_threshold)
    return result


def _import(
    result: ImportResult,
    columns: _Columns,
    iterator: Iterator[Row],
    first: Row,
    create_entities: bool,
    progress: Callable[[int], object] | None,
    batch_size: int,
    pipeline_threshold: int,
) -> None:
    checker = _RowChecker(columns=columns, create_entities=create_entities)
    # Read ahead, to know whether the file is big enough to be worth a second process.
    head = [first, *islice(iterator, pipeline_threshold)]
    rows = chain(head, iterator)
    if len(head) > pipeline_threshold and _can_fork():
        _import_pipelined(checker, rows, result=result, batch_size=batch_size, progress=progress)
    else:
        writer = CaseWriter()

        def store(batch: list[CaseRecord]) -> None:
            fresh = _fresh(writer, [r.source_key for r in batch], [r.protocol for r in batch])
            writer.write([batch[i] for i in fresh])
            result.imported += len(fresh)
            result.already_present += len(batch) - len(fresh)

        with _writing():
            _check_rows(checker, rows, result=result, batch_size=batch_size, store=store, progress=progress)
    result.entities_created = checker.entities_created


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector run seldom, and without going through what exists already (Django, the catalogues).

    An import allocates millions of objects, almost none in cycles: by default the collector would run a thousand
    times and take some 5 % of the time. Inherited by the pipeline's worker.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _check_rows(
    checker: _RowChecker,
    rows: Iterable[Row],
    *,
    result: ImportResult,
    batch_size: int,
    store: Callable[[list[CaseRecord]], None],
    progress: Callable[[int], object] | None,
    first_batch_size: int | None = None,
) -> None:
    """Check ``rows``: errors and repeated rows go to ``result``, good rows to ``store`` in batches."""
    batch: list[CaseRecord] = []
    limit = first_batch_size or batch_size
    done = 0
    keys = checker.columns.keys.items()
    # The same few texts fill most cells (entity, channel, UF, dates…): tidy each once.
    texts: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        done += 1
        if progress is not None and done % 250 == 0:
            progress(250)
        values = {column: row.get(key) for column, key in keys}
        raw: dict[str, str] = {}
        for column, value in values.items():
            if value.__class__ is str:
                tidy = texts.get(value)
                if tidy is None:
                    tidy = text(value)
                    if len(texts) < _TEXT_MEMO:
                        texts[value] = tidy
                raw[column] = tidy
            else:
                raw[column] = text(value)
        if not any(raw.values()):
            continue
        outcome = checker.check(line, values, raw)
        if outcome is None:
            result.already_present += 1
        elif isinstance(outcome, list):
            result.errors.extend(outcome)
        else:
            batch.append(outcome)
            if len(batch) >= limit:
                store(batch)
                batch = []
                limit = batch_size
    if batch:
        store(batch)
    if progress is not None and done % 250:
        progress(done % 250)


def _fresh(writer: CaseWriter, source_keys: list[str], protocols: list[str]) -> list[int]:
    """Positions of the rows that are not in the database yet (by source key and by protocol)."""
    found_keys, found_protocols = writer.existing(source_keys, protocols)
    return [
        i
        for i, (key, protocol) in enumerate(zip(source_keys, protocols, strict=True))
        if key not in found_keys and protocol not in found_protocols
    ]


def _new_entity(name: str, slug: str) -> Entity:
    return Entity.objects.create(name=name, slug=slug, regime="other")


@contextmanager
def _writing() -> Iterator[None]:
    """The import's connection tuned for many inserts on SQLite, until the import ends.

    A bigger page cache (default 2 MiB) holds the indexes being filled, which are many on manifestations; and the
    WAL is checkpointed (its pages copied back into the database, with two syncs) every ~80 MiB instead of every
    4 MiB, which was after about every batch: that halves the time of the commits.

    ``synchronous`` stays NORMAL, as the application's: in WAL mode that syncs at checkpoints, not at commits, and
    an OS crash or a power cut can only lose the last commits, which a re-run of the import restores (it is
    idempotent). OFF would save the syncs of the few checkpoints left, but such a crash during one could then
    corrupt the database: everyone's data, not just this import's. A crash of this process is harmless either way.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint")
        autocheckpoint = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {_IMPORT_CACHE_SIZE}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {_IMPORT_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {cache_size}")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {autocheckpoint}")


# -- the pipeline ----------------------------------------------------------------------------------------------
#
# Checking a row (``RequesterData.cleaned``, the source key) and preparing it for the database (adapting values,
# encrypting personal data, blind indexes) need the settings only; writing needs the database, which on SQLite
# takes one writer at a time. So, for big files, a worker process reads, checks and prepares batches while this
# process writes them: each side takes about half the work, and the machine's second core the worker's half.
#
# The worker is forked (Linux only) rather than spawned: it starts at once, with Django set up, the checker's
# catalogues and caches loaded and the file opened and read ahead, where "spawn" would import and set up Django
# again (a second or so) and re-read all that. The database connections are closed before the fork, so that no
# socket or SQLite handle is shared (a child's exit would otherwise close the parent's PostgreSQL session); hence
# no pipeline inside a transaction (a test's or a caller's ``atomic``), which closing would break.
#
# The worker never writes: its connections, opened after the fork, only read (a subject not met yet, an entity's
# closures) and refuse anything else. What the checker would write, an entity to create, it asks this process for,
# through the same queue as the batches: in file order, after the batches before it, as the single-process import
# does. Rows repeated within the file are caught by the worker's checker,
# which sees every row in order; rows already in the database and requesters to reuse are found here, by
# ``CaseWriter``, which sees every batch in order.

# Prepared batches waiting to be written, at most (bounds the memory when the worker runs ahead).
_PIPELINE_DEPTH = 4
# The worker encrypts personal data itself when at least this many batches wait to be written.
_ENCRYPT_HERE_FROM = 2
_FIRST_BATCH_SIZE = 200


def _can_fork() -> bool:
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
        and not any(c.in_atomic_block for c in connections.all(initialized_only=True))
    )


def _import_pipelined(
    checker: _RowChecker,
    rows: Iterable[Row],
    *,
    result: ImportResult,
    batch_size: int,
    progress: Callable[[int], object] | None,
) -> None:
    """Write what a forked worker (``_worker``) checks and prepares; see "the pipeline" above."""
    context = multiprocessing.get_context("fork")
    inbox: multiprocessing.Queue[tuple[Any, ...]] = context.Queue(maxsize=_PIPELINE_DEPTH)
    reply_reader, reply_writer = context.Pipe(duplex=False)
    connections.close_all()
    worker = context.Process(
        target=_worker, args=(checker, rows, batch_size, inbox, reply_reader), name="import-worker", daemon=True
    )
    worker.start()
    reply_reader.close()
    writer = CaseWriter()
    try:
        with _writing():
            while True:
                message = _receive(inbox, worker)
                if message[0] == "batch":
                    _, batch, done = message
                    fresh = _fresh(writer, batch.source_keys, batch.protocols)
                    writer.write_prepared(batch.only(fresh))
                    result.imported += len(fresh)
                    result.already_present += len(batch) - len(fresh)
                elif message[0] == "entity":
                    _, name, slug = message
                    reply_writer.send(_new_entity(name, slug))
                    continue
                elif message[0] == "done":
                    _, errors, already_present, checker.entities_created, done = message
                    result.errors.extend(errors)
                    result.already_present += already_present
                else:
                    raise message[1]
                if progress is not None and done:
                    progress(done)
                if message[0] == "done":
                    break
        worker.join()
    finally:
        if worker.is_alive():
            worker.terminate()
            worker.join()
        reply_writer.close()
        inbox.close()


def _receive(inbox: "multiprocessing.Queue[tuple[Any, ...]]", worker: BaseProcess) -> tuple[Any, ...]:
    while True:
        try:
            return inbox.get(timeout=1)
        except queue.Empty:
            if worker.exitcode is None:
                continue
        # The worker is gone: what it sent before is in the pipe already.
        try:
            return inbox.get(timeout=1)
        except queue.Empty:
            raise RuntimeError(f"O processo de importação parou (código {worker.exitcode}).") from None


def _worker(
    checker: _RowChecker,
    rows: Iterable[Row],
    batch_size: int,
    outbox: "multiprocessing.Queue[tuple[Any, ...]]",
    replies: Connection,
) -> None:
    """The forked process: checks ``rows`` and sends prepared batches, then the errors and counts, to ``outbox``."""
    prepare = Preparer()
    pending = 0  # rows done since the last message, for the progress bar

    def count(done: int) -> None:
        nonlocal pending
        pending += done

    def send(batch: list[CaseRecord]) -> None:
        nonlocal pending
        # Personal data is encrypted here when batches wait to be written (the writing process has the more to
        # do), else there, for the requesters that turn out to be new.
        outbox.put(("batch", prepare(batch, encrypt=outbox.qsize() >= _ENCRYPT_HERE_FROM), pending))
        pending = 0

    def make_entity(name: str, slug: str) -> Entity:
        outbox.put(("entity", name, slug))
        entity: Entity = replies.recv()
        return entity

    try:
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(_read_only))
            checker.make_entity = make_entity
            result = ImportResult()
            # A small first batch, as the writing process waits for it.
            first = min(batch_size, _FIRST_BATCH_SIZE)
            _check_rows(
                checker, rows, result=result, batch_size=batch_size, store=send, progress=count, first_batch_size=first
            )
            outbox.put(("done", result.errors, result.already_present, checker.entities_created, pending))
    except BaseException as exc:  # whatever it is, the writing process raises it
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError("".join(traceback.format_exception(exc)))
        outbox.put(("failed", exc))
    finally:
        connections.close_all()


def _read_only(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """Let the worker's connections read (a subject, an entity's closures), nothing else."""
    if not sql.lstrip("( \n").upper().startswith(("SELECT", "WITH")):
        raise RuntimeError(f"The import worker must not write to the database: {sql[:80]}")
    return execute(sql, params, many, context)
