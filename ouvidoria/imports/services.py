"""Importing historical manifestations: the OPIN quarterly file and other systems' exports.

The OPIN file (seed 000 §8.5; layouts in §10.1 Annex I and §10.2 Annex II) has one concluded or pending
manifestation per row and no personal data: Entidade, Canal, Tipo de manifestação, Gênero, UF, Cidade, Assunto,
Prazo de conclusão praticado, Número de interações por cliente. To migrate history we also need the opening date, and
accept the conclusion date, protocol, CPF/CNPJ, name, e-mail, description and status of older systems.

Every row is checked with the rules the single-case service uses (``RequesterData.cleaned``, the catalogues, the 27
UFs, the deadline policies and calendars); a bad row is reported with its line and column and nothing of it is
written. Good rows are written in batches by ``ouvidoria.imports.pipeline.cases_write``; for big files, while a second
process checks and prepares the next ones.
"""

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import chain, islice
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from ouvidoria.cases import catalogue_cache
from ouvidoria.cases.catalogue_cache import SubjectRow
from ouvidoria.cases.services import RequesterData
from ouvidoria.catalogue.models import Instance, RecordType, Subject
from ouvidoria.entities.models import Entity
from ouvidoria.entities.services import entity_calendar
from ouvidoria.imports.pipeline import BATCH_SIZE, Batches, cases_write
from ouvidoria.imports.writer import CaseRecord, EventRecord, RequesterRecord
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

# Files with more rows are checked in a second process while this one writes (see "the pipeline" below).
PIPELINE_THRESHOLD = 5000
# Distinct cell texts remembered per import (most cells repeat a few values).
_TEXT_MEMO = 50_000
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
        # Creates an entity (``_check_rows`` has the writing process do it).
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
        # A declared gender is kept even without identity (OPIN files, seed 000 §8.5 "Gênero"): the quarter must be
        # re-sent as it was.
        has_requester = bool(clean("document") or clean("name") or clean("email") or clean("gender"))
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
    (``pipeline.cases_write``), when that is possible; the outcome is the same.
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
    checker = _RowChecker(columns=columns, create_entities=create_entities)
    # Read ahead, to know whether the file is big enough to be worth a second process.
    head = [first, *islice(iterator, pipeline_threshold)]

    def check(batches: Batches) -> ImportResult:
        return _check_rows(checker, chain(head, iterator), batches)

    written = cases_write(
        check, second_process=len(head) > pipeline_threshold, batch_size=batch_size, progress=progress
    )
    checked = written.outcome
    result.imported = written.imported
    result.already_present = checked.already_present + written.already_present
    result.errors = checked.errors
    result.entities_created = checked.entities_created
    return result


def _check_rows(checker: _RowChecker, rows: Iterable[Row], batches: Batches) -> ImportResult:
    """Check ``rows``: good rows go to ``batches``; errors, repeated rows and created entities to the result."""
    result = ImportResult()
    checker.make_entity = lambda name, slug: batches.call(_new_entity, name, slug)
    keys = checker.columns.keys.items()
    # The same few texts fill most cells (entity, channel, UF, dates…): tidy each once.
    texts: dict[str, str] = {}
    done = 0
    for line, row in enumerate(rows, start=2):
        done += 1
        if done == 250:
            batches.done(done)
            done = 0
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
            batches.add(outcome)
    if done:
        batches.done(done)
    result.entities_created = checker.entities_created
    return result


def _new_entity(name: str, slug: str) -> Entity:
    return Entity.objects.create(name=name, slug=slug, regime="other")
