"""Importing the consumidor.gov.br open data: one complaint per line, as manifestations of that instance.

The files (``/work/shared/data/consumidor-gov/README.md`` describes the sample): ``;``-separated, with or without a
header line, windows-1252 or UTF-8 (accents sometimes already lost as U+FFFD), a trailing empty field when the
complaint was not rated, and the same line twice when two complaints published the same fields. The mapping to
our model is in docs/regulation.md "consumidor.gov.br open data" and docs/indicators.md.

Lines are read as a stream and written in batches by ``pipeline.cases_write`` (one transaction per batch), as
``import_cases`` does: for big files, a second process reads and checks the lines while this one writes. A bad line
is reported with its number and skipped. Each complaint gets a source key (its fields and how many identical lines
came before it in the file), so importing the same file again adds nothing.
"""

import csv
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ouvidoria.catalogue.models import Instance, RecordType, Subject
from ouvidoria.entities.models import Entity
from ouvidoria.entities.services import entity_calendar
from ouvidoria.imports.pipeline import Batches, cases_write
from ouvidoria.imports.readers import TableError, csv_problem, encoding_of
from ouvidoria.imports.services import fold
from ouvidoria.imports.writer import CaseRecord, EventRecord, RequesterRecord
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.rules import deadlines
from ouvidoria.rules.calendars import BRAZILIAN_STATES
from ouvidoria.rules.policies import default_policy_code, get_policy

INSTANCE = "consumidor-gov"
MEDIUM = "external-platform"
RECORD_TYPE = "reclamacao"
# Cases per batch (one transaction each), more than import_cases' 2,000: each commit copies to the WAL every page it
# changed, and the indexes filled in random order (source keys, dates) change most of theirs whatever the batch's
# size, so fewer commits write much less (102,762 lines: 565 MiB instead of 787, ~0.4 s less CPU for the writer).
BATCH_SIZE = 5000
# Files bigger than this, in bytes (about 6,000 lines), are read and checked in a second process while this one
# writes.
PIPELINE_THRESHOLD = 2_000_000
IMPORT_ACTOR = "importação consumidor.gov.br"
# The longest "Tempo Resposta" taken, in days (ten years): the platform's deadline is ten days, and a date computed
# from a bigger number may not exist.
MAX_ANSWER_DAYS = 3650
# A complaint's source key: the day it was opened (YYYYMMDD) and the first 56 hex digits of the SHA-256 of its line
# (224 bits), 64 characters in all. The day first keeps the key index's new entries together, as time-ordered UUIDs
# do: a file spans a few weeks, so a batch adds to a few dozen places of the index instead of to every one of its
# pages, and each commit copies fewer pages to the WAL (102,762 lines: commits a quarter shorter, docs/benchmarks.md
# section 6); the bigger the table, the more it matters, as a random key's page must be read back once the index
# outgrows the cache. Keys of imports made before this layout are converted by migration ``imports/0002``.
KEY_HASH_CHARS = 56

# The 23 columns of the early layout, in order (files without a header line).
COLUMNS = (
    "Região",
    "UF",
    "Cidade",
    "Sexo",
    "Faixa Etária",
    "Ano Abertura",
    "Mês Abertura",
    "Data Abertura",
    "Data Resposta",
    "Data Finalização",
    "Tempo Resposta",
    "Nome Fantasia",
    "Segmento de Mercado",
    "Área",
    "Assunto",
    "Grupo Problema",
    "Problema",
    "Como Comprou Contratou",
    "Procurou Empresa",
    "Respondida",
    "Situação",
    "Avaliação Reclamação",
    "Nota do Consumidor",
)
REQUIRED = ("Nome Fantasia", "Data Abertura")
# The columns read (the others, "Região", "Ano Abertura"… say nothing more): only these are tidied.
_USED = frozenset(COLUMNS) - {"Região", "Ano Abertura", "Mês Abertura", "Data Resposta", "Respondida"}
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_GENDERS = {"F": "F", "M": "M"}


@dataclass(frozen=True, slots=True)
class LineError:
    file: str
    line: int
    message: str


@dataclass(slots=True)
class ConsumidorGovResult:
    imported: int = 0
    already_present: int = 0
    errors: list[LineError] = field(default_factory=list)
    entities_created: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "already_present": self.already_present,
            "errors": [{"file": e.file, "line": e.line, "message": e.message} for e in self.errors],
            "entities_created": self.entities_created,
        }


def _key(name: str) -> str:
    """A header name folded, with what a lost accent (U+FFFD) may have replaced dropped."""
    return re.sub(r"[^a-z0-9 ]", "", fold(name).replace("\ufffd", ""))


_BY_KEY = {_key(c): c for c in COLUMNS}
_BY_LOOSE = {re.sub(r"[aeiouc]", "", _key(c)): c for c in COLUMNS}


def _column(name: str) -> str | None:
    found = _BY_KEY.get(_key(name))
    if found is None and "\ufffd" in name:
        found = _BY_LOOSE.get(re.sub(r"[aeiouc]", "", _key(name)))
    return found


@lru_cache(maxsize=8192)
def parse_br_date(value: str) -> date | None:
    match = _DATE.fullmatch(value) or _ISO_DATE.fullmatch(value)
    if match is None:
        return None
    a, b, c = (int(x) for x in match.groups())
    try:
        return date(c, b, a) if match.re is _DATE else date(a, b, c)
    except ValueError:
        return None


@lru_cache(maxsize=256)
def evaluation(value: str) -> bool | None:
    """``Avaliação Reclamação``: "Resolvida" → True, "Não Resolvida" → False, "Não Avaliada" or empty → None.

    Raises ValueError for anything else. Works when the accent was lost (``N\ufffdo Resolvida``).
    """
    folded = _key(value)
    if folded == "resolvida":
        return True
    if folded.endswith(" resolvida"):
        return False
    if folded.endswith("avaliada") or not folded:
        return None
    raise ValueError(value)


class _Tidied(dict[str, str]):
    """Cell texts trimmed, with single spaces: ``tidied[text]``. The same few texts fill most cells: each is tidied
    once (a look-up in C for the others), up to 100,000 of them."""

    def __missing__(self, value: str) -> str:
        tidy = " ".join(value.split())
        if len(self) < 100_000:
            self[value] = tidy
        return tidy


class _Importer:
    """Turns lines into ``CaseRecord``s, with entities, subjects and due dates cached for the run.

    What it finds (errors, entities created) goes to ``result``; entities and subjects are created through
    ``batches.call``, in the writing process (set ``batches`` before the first line).
    """

    def __init__(self) -> None:
        self.result = ConsumidorGovResult()
        self.batches: Batches | None = None
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate()
        self.policies: dict[str, str] = {}
        self.entities: dict[str, Entity] = {}
        for entity in Entity.objects.order_by("-pk"):
            self.entities[fold(entity.name)] = entity
        self.subjects: dict[tuple[str, str], int] = {}
        self.descriptions: dict[tuple[str, ...], str] = {}
        self.due: dict[tuple[int, date], date] = {}
        self.noons: dict[date, datetime] = {}
        self.day_keys: dict[date, str] = {}
        self.texts = _Tidied()

    def _noon(self, day: date) -> datetime:
        # The files carry dates only: noon of the local day, as import_cases does.
        if day not in self.noons:
            self.noons[day] = datetime.combine(day, time(12), tzinfo=self.tz)
        return self.noons[day]

    def _day_key(self, day: date) -> str:
        key = self.day_keys.get(day)
        if key is None:
            key = self.day_keys[day] = day.strftime("%Y%m%d")
        return key

    def _entity(self, name: str) -> Entity:
        entity = self.entities.get(fold(name))
        if entity is None:
            assert self.batches is not None
            # Created by the writing process; meanwhile, for deadlines and policies, the same entity unsaved, whose
            # id may be a stand-in (``Batches.defer``).
            entity = _external_entity(name)
            entity.pk = self.batches.defer(_new_external_entity, name)
            self.entities[fold(name)] = entity
        return entity

    def _subject(self, group: str, problem: str) -> int | None:
        if not problem:
            return None
        pk = self.subjects.get((group, problem))
        if pk is None:
            assert self.batches is not None
            pk = self.subjects[(group, problem)] = self.batches.defer(_subject, subject_label(group, problem))
        return pk

    def _description(self, row: dict[str, str]) -> str:
        # The same few combinations repeat: one string each.
        get = row.get
        key = tuple([get(column, "") for column in _DESCRIBED_COLUMNS])
        text = self.descriptions.get(key)
        if text is None:
            text = describe(key)
            if len(self.descriptions) < 50_000:
                self.descriptions[key] = text
        return text

    def _due_on(self, entity: Entity, policy: str, received: date) -> date:
        key = (entity.pk, received)
        if key not in self.due:
            self.due[key] = deadlines.due_date(get_policy(policy), received, entity_calendar(entity))
        return self.due[key]

    def record(self, row: dict[str, str], digest: str) -> CaseRecord | str:
        """The case of one line, or what is wrong with it (pt-BR); ``digest`` is the line's hash (hex SHA-256)."""
        get = row.get
        company = get("Nome Fantasia", "")
        if not company:
            return "“Nome Fantasia” (a empresa) está em branco."
        opened = parse_br_date(get("Data Abertura", ""))
        if opened is None:
            return f"“Data Abertura” inválida: “{get('Data Abertura', '')}”; use DD/MM/AAAA."
        if opened > self.today:
            return "“Data Abertura” no futuro."
        days_text = get("Tempo Resposta", "")
        answer_days: int | None = None
        if days_text:
            if not (days_text.isascii() and days_text.isdigit()):
                return f"“Tempo Resposta” inválido: “{days_text}”; informe dias inteiros."
            answer_days = int(days_text)
            if answer_days > MAX_ANSWER_DAYS:
                return f"“Tempo Resposta” de {answer_days} dias: mais que o máximo aceito ({MAX_ANSWER_DAYS} dias)."
        score_text = get("Nota do Consumidor", "")
        rating: int | None = None
        if score_text:
            if score_text not in ("1", "2", "3", "4", "5"):
                return f"“Nota do Consumidor” inválida: “{score_text}”; de 1 a 5."
            rating = int(score_text)
        try:
            resolved = evaluation(get("Avaliação Reclamação", ""))
        except ValueError:
            return f"“Avaliação Reclamação” desconhecida: “{get('Avaliação Reclamação', '')}”."
        finished_text = get("Data Finalização", "")
        finished = parse_br_date(finished_text) if finished_text else None
        if finished_text and finished is None:
            return f"“Data Finalização” inválida: “{finished_text}”; use DD/MM/AAAA."

        entity = self._entity(company)
        policy = self.policies.get(entity.regime)
        if policy is None:
            policy = self.policies[entity.regime] = default_policy_code(INSTANCE, entity.regime)
        received_at = self._noon(opened)
        due_on = self._due_on(entity, policy, opened)
        events = [
            EventRecord(
                "registration",
                received_at,
                {"imported": True, "source": INSTANCE, "policy": policy, "due": due_on.isoformat()},
                actor_label=IMPORT_ACTOR,
            )
        ]
        concluded_at = None
        if answer_days is not None:
            # "Tempo Resposta" as published is the answer time (README: the date columns disagree on ~0.6 %).
            concluded_at = self._noon(opened + timedelta(days=answer_days))
        situation = fold(get("Situação", ""))
        closed_at = None
        # Two events per complaint, as import_cases writes: its registration and its end, which carries the answer
        # and the evaluation (the open data has no more of the timeline).
        outcome = {"imported": True, "answered": concluded_at is not None, "resolved": resolved, "rating": rating}
        if situation.startswith(("finalizada", "encerrada")):
            closed_at = self._noon(finished or opened)
            if concluded_at is not None and closed_at < concluded_at:
                closed_at = concluded_at
            events.append(EventRecord("closure", closed_at, outcome, actor_label=IMPORT_ACTOR))
            status = "closed"
        elif concluded_at is not None:
            events.append(EventRecord("answer", concluded_at, outcome, actor_label=IMPORT_ACTOR))
            status = "answered"
        else:
            status = "in_analysis"

        state = get("UF", "").upper()
        state = state if state in BRAZILIAN_STATES else ""
        city = get("Cidade", "")[:120]
        gender = _GENDERS.get(get("Sexo", "").upper(), "")
        return CaseRecord(
            entity_id=entity.pk,
            instance=INSTANCE,
            medium=MEDIUM,
            record_type=RECORD_TYPE,
            subject_id=self._subject(get("Grupo Problema", ""), get("Problema", "")),
            policy=policy,
            description=self._description(row),
            state=state,
            city=city,
            received_at=received_at,
            received_on=opened,
            due_on=due_on,
            status=status,
            interaction_count=1,
            events=events,
            # No personal data in the open data: a requester with the declared gender and place only.
            requester=RequesterRecord("person", {"gender": gender, "state": state, "city": city}),
            source_key=self._day_key(opened) + digest[:KEY_HASH_CHARS],
            imported=True,
            concluded_at=concluded_at,
            closed_at=closed_at,
            resolved=resolved,
            rating=rating,
        )


def _external_entity(name: str) -> Entity:
    """A company not met before, as an external entity (unsaved, without its slug)."""
    return Entity(name=name[:200], regime="other", is_external=True)


def _new_external_entity(name: str) -> Entity:
    """``_external_entity`` saved, with a free slug (run by the writing process)."""
    base = slugify(name)[:70].strip("-") or "empresa"
    slug, n = base, 1
    while Entity.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    entity = _external_entity(name)
    entity.slug = slug
    entity.save(force_insert=True)
    return entity


def _subject(label: str) -> Subject:
    """The subject ``label``, created for complaints of this instance if new (run by the writing process)."""
    code = "cgov-" + blind_index("consumidor-gov subject " + fold(label))[:16]
    with transaction.atomic():  # one commit for the subject and its two links
        subject, created = Subject.objects.get_or_create(code=code, defaults={"label": label})
        if created:
            subject.instances.add(Instance.objects.get(code=INSTANCE))
            subject.record_types.add(RecordType.objects.get(code=RECORD_TYPE))
    return subject


def subject_label(group: str, problem: str) -> str:
    """The subject of a complaint: ``Grupo Problema: Problema`` (the product, ``Assunto``, is in the description)."""
    label = f"{group}: {problem}" if group else problem
    return label[:200]


_DESCRIBED = (
    ("Assunto", "Assunto"),
    ("Grupo Problema", "Grupo do problema"),
    ("Problema", "Problema"),
    ("Segmento de Mercado", "Segmento de mercado"),
    ("Área", "Área"),
    ("Como Comprou Contratou", "Como comprou ou contratou"),
    ("Procurou Empresa", "Procurou a empresa antes"),
    ("Faixa Etária", "Faixa etária"),
)


_DESCRIBED_COLUMNS = tuple(column for column, _ in _DESCRIBED)


def describe(values: tuple[str, ...]) -> str:
    """The description of a complaint from the values of ``_DESCRIBED``' columns."""
    details = "; ".join(f"{label}: {value}" for (_, label), value in zip(_DESCRIBED, values, strict=True) if value)
    return f"Reclamação registrada no consumidor.gov.br (dados abertos). {details}."


def _lines(path: Path) -> Iterator[tuple[int, list[str] | None, str]]:
    """(line number, fields, the raw line) of ``path``; the header, if any, is line 1. A line the CSV reader
    refuses comes as (its number, None, what is wrong in Portuguese), and the reading goes on with the next one."""
    encoding = encoding_of(path)
    with path.open(encoding=encoding, errors="replace", newline="") as file:
        reader = csv.reader(file, delimiter=";")
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, None, csv_problem(exc)
                continue
            yield reader.line_num, values, ";".join(values)


def open_data_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, fields by column name) of an open-data file, with or without a header line, in either
    encoding; lines that are not a row of the file's columns are skipped. For readers of the taxonomy
    (``manage.py subjects_from_consumidor_gov``); the import itself reports such lines."""
    columns: list[str | None] | None = None
    for line, values, _raw in _lines(path):
        if values is None or not any(v.strip() for v in values):
            continue
        if columns is None:
            columns, is_header = _header(values)
            if is_header:
                continue
        while len(values) > len(columns) and values[-1] == "":
            values = values[:-1]
        if len(values) == len(columns):
            yield line, {c: v for c, v in zip(columns, values, strict=True) if c is not None}


def consumidor_gov_import(
    paths: list[Path],
    *,
    progress: Callable[[int], object] | None = None,
    batch_size: int = BATCH_SIZE,
    pipeline_threshold: int = PIPELINE_THRESHOLD,
) -> ConsumidorGovResult:
    """Import the open-data files ``paths``; idempotent. ``progress`` gets the lines done since its last call.

    Files of more than ``pipeline_threshold`` bytes in all are read and checked in a second process while this one
    writes, when that is possible; the outcome is the same.
    """
    importer = _Importer()

    def check(batches: Batches) -> ConsumidorGovResult:
        importer.batches = batches
        for path in paths:
            _import_file(path, importer, batches)
        return importer.result

    big = sum(path.stat().st_size for path in paths) > pipeline_threshold
    written = cases_write(check, second_process=big, batch_size=batch_size, progress=progress)
    result = written.outcome
    result.imported = written.imported
    result.already_present = written.already_present
    result.entities_created = [created.slug for created in written.created if isinstance(created, Entity)]
    return result


def _import_file(path: Path, importer: _Importer, batches: Batches) -> None:
    name = path.name
    result = importer.result
    columns: list[str | None] | None = None
    seen: dict[str, int] = {}
    done = 0
    tidied = importer.texts
    used: list[tuple[int, str]] = []  # (position, column) of the columns read
    for line, values, raw in _lines(path):
        done += 1
        if done == 500:
            batches.done(done)
            done = 0
        if values is None:
            result.errors.append(LineError(name, line, f"CSV inválido: {raw}."))
            continue
        if not any(v.strip() for v in values):
            continue
        if columns is None:
            columns, is_header = _header(values)
            used = [(i, c) for i, c in enumerate(columns) if c in _USED]
            if is_header:
                missing = [c for c in REQUIRED if c not in columns]
                if missing:
                    raise TableError(f"{name}: cabeçalho sem a(s) coluna(s) " + ", ".join(missing) + ".")
                continue
        width = len(columns)
        # The last field may be followed by a separator (an empty field more).
        while len(values) > width and values[-1] == "":
            values = values[:-1]
        if len(values) != width:
            result.errors.append(
                LineError(name, line, f"A linha tem {len(values)} campos; o arquivo tem {width} colunas.")
            )
            continue
        row = {c: tidied[values[i]] for i, c in used}
        # Two complaints can publish identical lines: the n-th copy gets the n-th key.
        occurrence = seen.get(raw, 0)
        seen[raw] = occurrence + 1
        # A plain hash is enough here: the open data holds no personal data (import_cases keys its hash because a
        # row's values sit beside a CPF).
        digest = hashlib.sha256(f"{INSTANCE}\x1f{raw}\x1f{occurrence}".encode()).hexdigest()
        outcome = importer.record(row, digest)
        if isinstance(outcome, str):
            result.errors.append(LineError(name, line, outcome))
            continue
        batches.add(outcome)
    # A file's cases are written before the next file is read, which may stop the import (a bad header).
    batches.flush()
    if done:
        batches.done(done)


def _header(values: list[str]) -> tuple[list[str | None], bool]:
    """The columns of a file from its first line: the header's names, or the early layout when it has none."""
    mapped = [_column(v) for v in values]
    if (
        sum(m is not None for m in mapped) >= len(REQUIRED) + 2
        and parse_br_date(values[7] if len(values) > 7 else "") is None
    ):
        return mapped, True
    return list(COLUMNS), False
