"""The OPIN quarterly file (seed 000 §8): selection, export, the record of each generation and the reminders."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, DateField, F, FilteredRelation, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from ouvidoria.accounts.access import staff_for_entity
from ouvidoria.cases.models import Event, Manifestation
from ouvidoria.entities.models import Entity
from ouvidoria.entities.services import entity_calendar
from ouvidoria.notify.outbox import email_queue
from ouvidoria.opin.models import OpinReminder, OpinTransmission
from ouvidoria.rules import opin
from ouvidoria.rules.opin import Quarter

logger = logging.getLogger(__name__)

CHUNK_SIZE = 5000
# Excel's last row is 1,048,576; the header takes one.
XLSX_MAX_RECORDS = 1_048_575
# Reminders this many business days before the send-by date, and on the day (0, also when late).
REMINDER_LEVELS = (10, 5, 1, 0)


class OpinError(Exception):
    """A request the OPIN services refuse; the message is for the user, in Portuguese."""


@dataclass
class Omission:
    protocol: str
    problems: list[tuple[str | None, str]]

    def __str__(self) -> str:
        return f"{self.protocol}: " + "; ".join(f"{key or 'registro'}: {message}" for key, message in self.problems)


@dataclass
class ExportResult:
    path: Path
    records: int
    sha256: str
    transmission: OpinTransmission
    spreadsheet: Path | None = None
    omitted: list[Omission] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "arquivo": str(self.path),
            "planilha": str(self.spreadsheet) if self.spreadsheet else None,
            "registros": self.records,
            "sha256": self.sha256,
            "transmissao": self.transmission.pk,
            "deixadas_de_fora": [{"protocolo": o.protocol, "problemas": str(o)} for o in self.omitted],
        }


def opin_entity(slug: str) -> Entity:
    entity = Entity.objects.filter(slug=slug).first()
    if entity is None:
        raise OpinError(f"Entidade desconhecida: “{slug}”.")
    if not entity.opin_participant:
        raise OpinError(f"A entidade {entity.name} não é participante do Open Insurance (OPIN).")
    return entity


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


# --- Selection ---------------------------------------------------------------------------------------------------

# The columns the file is built from. Nothing that identifies the requester: only their kind and declared gender.
_COLUMNS = (
    "protocol",
    "instance_id",
    "record_type_id",
    "subject__label",
    "requester__kind",
    "requester__gender",
    "state",
    "city",
    "received_on",
    "until",
    "contacts",
)


def opin_selection(entity: Entity, quarter: Quarter) -> QuerySet[Manifestation]:
    """Seed 000 §8.4: the entity's manifestations of the OPIN channels concluded in the quarter (a), plus those
    pending at its end (b), whatever their start; cases received after the quarter are not in it.

    Each row carries ``until``, the local date the practiced time is counted to (the conclusion's, or the quarter's
    last day for a pending case), and ``contacts``, "Número de interações por cliente" (seed 000 §8.5): the
    requester's contacts on the timeline up to the conclusion, or up to the end of the quarter for pending ones,
    counted in one grouped join over the timeline (not a subquery per case). Imported cases carry their source's
    count."""
    start, end = _local_midnight(quarter.first_day), _local_midnight(quarter.next().first_day)
    concluded_in_time = Q(concluded_at__lt=end)
    pending_at_end = Q(concluded_at__isnull=True) | Q(concluded_at__gte=end)
    contact_events = FilteredRelation(
        "events",
        condition=Q(events__kind__in=sorted(Event.REQUESTER_CONTACTS))
        & (
            (concluded_in_time & Q(events__created_at__lte=F("concluded_at")))
            | (pending_at_end & Q(events__created_at__lt=end))
        ),
    )
    return (
        Manifestation.objects.filter(
            entity=entity, instance_id__in=opin.OPIN_INSTANCE_CODES, received_on__lte=quarter.last_day
        )
        .filter(Q(concluded_at__isnull=True) | Q(concluded_at__gte=start))
        # Open Insurance demands only: a case under a subject of the entity's own regime (rules/subjects.py, issue
        # 14) is not one; a case with no subject stays, to be listed as left out until it is classified.
        .filter(Q(subject__isnull=True) | Q(subject__is_opin=True))
        .alias(contact_events=contact_events)
        .annotate(
            # The local date (the database converts it in the project's time zone: TruncDate).
            until=Case(
                When(concluded_in_time, then=TruncDate("concluded_at")),
                default=Value(quarter.last_day),
                output_field=DateField(),
            ),
            contacts=Case(
                When(imported=True, then=F("interaction_count")),
                default=Count("contact_events"),
                output_field=IntegerField(),
            ),
        )
        .order_by("pk")
    )


# The text columns of a record, in Annex I order (the two numbers follow them).
_TEXT_KEYS = opin.KEYS[:-2]
assert opin.KEYS[-2:] == (opin.PRACTICED_DAYS, opin.INTERACTIONS)
# Distinct text combinations kept (channel, type, subject, gender, UF, city): a few thousand in practice.
_MEMO_MAX = 100_000


@dataclass
class _Row:
    """One record of the file: its text columns (Annex I order), the two numbers, and its JSON up to the numbers."""

    protocol: str
    texts: tuple[str, ...]
    days: int
    contacts: int
    head: str

    def record(self) -> dict[str, Any]:
        return {**dict(zip(_TEXT_KEYS, self.texts, strict=True)), opin.PRACTICED_DAYS: self.days,
                opin.INTERACTIONS: self.contacts}  # fmt: skip

    def json(self) -> str:
        """Exactly ``json.dumps(self.record(), ensure_ascii=False)``, the text part built once per combination."""
        return f"{self.head}{self.days}{_BETWEEN}{self.contacts}}}"


_BETWEEN = ", " + json.dumps(opin.INTERACTIONS, ensure_ascii=False) + ": "


def _head(texts: tuple[str, ...]) -> str:
    """The JSON of a record up to the value of "Prazo de conclusão praticado", as json.dumps writes it."""
    text = json.dumps(dict(zip(_TEXT_KEYS, texts, strict=True)), ensure_ascii=False)
    return text[:-1] + ", " + json.dumps(opin.PRACTICED_DAYS, ensure_ascii=False) + ": "


def _opin_rows(entity: Entity, quarter: Quarter, omitted: list[Omission] | None) -> Iterator[_Row]:
    rows = opin_selection(entity, quarter).values_list(*_COLUMNS).iterator(chunk_size=CHUNK_SIZE)
    channel_of, type_label = opin.CHANNEL_OF_INSTANCE, opin.RECORD_TYPE_LABELS
    # The layout check of the text columns, and their JSON, once per distinct combination: (texts, head), with
    # head None when the texts do not fit the layout.
    memo: dict[tuple[Any, ...], tuple[tuple[str, ...], str | None]] = {}
    for protocol, instance, record_type, subject, kind, gender, state, city, received_on, until, n in rows:
        # "Prazo de conclusão praticado": calendar days from receipt to the conclusion's local date, or for a case
        # pending at the end of the quarter the days so far, counted to its last day (seed 000 §8.5).
        days = (until - received_on).days
        key = (instance, record_type, subject, kind, gender, state, city)
        known = memo.get(key)
        if known is None:
            texts: tuple[str, ...] = (
                entity.name,
                channel_of[instance],
                type_label.get(record_type, record_type),
                # Seed 000 §8.5: blank for companies, and when no gender was declared (anonymous cases included).
                (gender or "") if kind == "person" else "",
                state,
                city,
                subject or "",
            )
            # The validator's own rule, with valid numbers: what it finds is about the texts alone.
            fits = not opin.record_problems({**dict(zip(_TEXT_KEYS, texts, strict=True)), opin.PRACTICED_DAYS: 0,
                                             opin.INTERACTIONS: 0})  # fmt: skip
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            known = memo[key] = (texts, _head(texts) if fits else None)
        texts, head = known
        if head is not None and days >= 0 and n >= 0:
            yield _Row(protocol, texts, days, n, head)
            continue
        row = _Row(protocol, texts, days, n, "")
        problems = opin.record_problems(row.record())
        if problems:
            if omitted is not None:
                omitted.append(Omission(protocol, problems))
            continue
        row.head = _head(texts)  # unreachable in practice: the rule found nothing wrong after all
        yield row


def opin_records(
    entity: Entity, quarter: Quarter, *, omitted: list[Omission] | None = None
) -> Iterator[dict[str, Any]]:
    """The Annex I records, streamed. Cases the layout cannot represent are checked with the validator's own
    rule and left out, each added to ``omitted`` (the caller decides whether that stops the export)."""
    for row in _opin_rows(entity, quarter, omitted):
        yield row.record()


# --- Export ------------------------------------------------------------------------------------------------------


class _JsonEntry:
    """Writes {"Ocorrencias": [...]} into an open zip entry, one record's JSON text at a time, in batches."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._batch: list[str] = []
        self._first = True
        out.write(b'{\n  "Ocorrencias": [')

    def add(self, text: str) -> None:
        if self._first:
            self._batch.append("\n    " + text)
            self._first = False
        else:
            self._batch.append(",\n    " + text)
        if len(self._batch) >= 2000:
            self.flush()

    def flush(self) -> None:
        self._out.write("".join(self._batch).encode())
        self._batch.clear()

    def close(self) -> None:
        self.flush()
        self._out.write(b"\n  ]\n}\n")


def _sha256_copy(source: Path, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with source.open("rb") as src, target.open("wb") as dst:
        while block := src.read(1 << 20):
            digest.update(block)
            dst.write(block)
    return digest.hexdigest()


def opin_export(
    *,
    entity: Entity,
    quarter: Quarter,
    out_dir: Path,
    generated_by: str,
    xlsx: bool = False,
    omit_invalid: bool = False,
    progress: Callable[[int], object] | None = None,
) -> ExportResult:
    """Write ``out_dir/YYYY0n.zip`` with ``YYYY0n.json`` (Annex I) and, with ``xlsx``, ``out_dir/YYYY0n.xlsx``
    (Annex II), streamed from the database; keep a copy under VAR_DIR and record the generation.

    Cases the layout cannot represent stop the export (OpinError listing them) unless ``omit_invalid``, which
    leaves them out and writes them in the record's notes: the file never fails the validator either way.
    """
    if not entity.opin_participant:
        raise OpinError(f"A entidade {entity.name} não é participante do Open Insurance (OPIN).")
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = quarter.file_stem
    zip_path, xlsx_path = out_dir / f"{stem}.zip", out_dir / f"{stem}.xlsx"
    zip_partial, xlsx_partial = out_dir / f".{stem}.zip.partial", out_dir / f".{stem}.xlsx.partial"
    omitted: list[Omission] = []
    count = 0
    try:
        sheet: Any = None
        if xlsx:
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("Ocorrencias")
            sheet.append(list(opin.KEYS))
        with (
            ZipFile(zip_partial, "w", compression=ZIP_DEFLATED, compresslevel=6) as archive,
            archive.open(f"{stem}.json", "w") as entry,
        ):
            writer = _JsonEntry(entry)
            for row in _opin_rows(entity, quarter, omitted):
                writer.add(row.json())
                count += 1
                if sheet is not None:
                    if count > XLSX_MAX_RECORDS:
                        raise OpinError(
                            f"{count} registros não cabem numa planilha Excel ({XLSX_MAX_RECORDS} linhas): "
                            "gere sem --xlsx."
                        )
                    sheet.append([text or None for text in row.texts] + [row.days, row.contacts])
                if progress is not None and count % 1000 == 0:
                    progress(1000)
            writer.close()
        if progress is not None:
            progress(count % 1000 + len(omitted))
        if omitted and not omit_invalid:
            shown = "\n".join(f"  {o}" for o in omitted[:20])
            more = f"\n  … e mais {len(omitted) - 20}." if len(omitted) > 20 else ""
            raise OpinError(
                f"{len(omitted)} manifestação(ões) não cabem no layout OPIN; corrija-as ou gere com "
                f"--omit-invalid para deixá-las de fora:\n{shown}{more}"
            )
        if sheet is not None:
            workbook.save(xlsx_partial)
    except BaseException:
        if sheet is not None and not xlsx_partial.exists():
            # A write-only sheet left open writes its end when collected, to a file gone by then: close it now.
            with contextlib.suppress(Exception):
                sheet.close()
        zip_partial.unlink(missing_ok=True)
        xlsx_partial.unlink(missing_ok=True)
        raise
    os.replace(zip_partial, zip_path)
    if xlsx:
        os.replace(xlsx_partial, xlsx_path)

    now = timezone.now()
    kept_dir = Path(settings.VAR_DIR) / "opin" / entity.slug
    kept_name = f"{stem}-{timezone.localtime(now):%Y%m%dT%H%M%S}"
    sha256 = _sha256_copy(zip_path, kept_dir / f"{kept_name}.zip")
    kept_xlsx = ""
    if xlsx:
        shutil.copyfile(xlsx_path, kept_dir / f"{kept_name}.xlsx")
        kept_xlsx = str((kept_dir / f"{kept_name}.xlsx").relative_to(settings.VAR_DIR))
    notes = ""
    if omitted:
        notes = "Deixadas de fora (fora do layout):\n" + "\n".join(str(o) for o in omitted)
    transmission = OpinTransmission.objects.create(
        entity=entity,
        quarter=str(quarter),
        generated_at=now,
        generated_by=generated_by[:150],
        file=str((kept_dir / f"{kept_name}.zip").relative_to(settings.VAR_DIR)),
        spreadsheet=kept_xlsx,
        sha256=sha256,
        record_count=count,
        omitted_count=len(omitted),
        notes=notes,
    )
    return ExportResult(zip_path, count, sha256, transmission, xlsx_path if xlsx else None, omitted)


# --- Sent --------------------------------------------------------------------------------------------------------


@transaction.atomic
def opin_mark_sent(*, entity: Entity, quarter: Quarter, sent_by: str, sha256: str = "") -> OpinTransmission:
    """Mark the quarter's file as sent: the latest generation, or the one whose SHA-256 starts with ``sha256``."""
    generations = OpinTransmission.objects.select_for_update().filter(entity=entity, quarter=str(quarter))
    if sha256:
        generations = generations.filter(sha256__startswith=sha256.lower())
    transmission = generations.order_by("-generated_at", "-pk").first()
    if transmission is None:
        which = f" com SHA-256 {sha256}" if sha256 else ""
        raise OpinError(f"Nenhum arquivo do {quarter.label}{which} foi gerado para {entity.name}.")
    if transmission.sent_at is not None:
        raise OpinError(
            f"O arquivo de {quarter.label} de {entity.name} já foi marcado como enviado em "
            f"{timezone.localtime(transmission.sent_at):%d/%m/%Y %H:%M} por {transmission.sent_by}."
        )
    transmission.sent_at, transmission.sent_by = timezone.now(), sent_by[:150]
    transmission.save(update_fields=["sent_at", "sent_by"])
    return transmission


# --- Calendar and reminders --------------------------------------------------------------------------------------


def opin_send_by(entity: Entity, quarter: Quarter) -> date:
    return quarter.send_by(entity_calendar(entity).is_business_day)


def _recipients(entity: Entity) -> list[str]:
    emails = [u.email for u in staff_for_entity(entity, frozenset({"ombudsman"})) if u.email]
    if entity.ombudsman_email:
        emails.append(entity.ombudsman_email)
    return list(dict.fromkeys(e.strip().lower() for e in emails))


def opin_reminders_send(*, today: date) -> list[OpinReminder]:
    """E-mail the Ouvidor(es) of each OPIN participant as the quarter's send-by date nears (10, 5 and 1 business
    days before, and on the day or late) while its file is not marked sent; each level once."""
    quarter = opin.quarter_being_reported(today)
    if quarter < opin.FIRST_QUARTER:
        return []
    sent: list[OpinReminder] = []
    for entity in Entity.objects.filter(opin_participant=True, active=True).order_by("pk"):
        if OpinTransmission.objects.filter(entity=entity, quarter=str(quarter), sent_at__isnull=False).exists():
            continue
        send_by = opin_send_by(entity, quarter)
        left = max(entity_calendar(entity).business_days_between(today, send_by), 0)
        reached = [level for level in REMINDER_LEVELS if left <= level]
        if not reached:
            continue
        level = min(reached)
        if OpinReminder.objects.filter(entity=entity, quarter=str(quarter), level=level).exists():
            continue
        recipients = _recipients(entity)
        if not recipients:
            logger.warning("OPIN reminder for entity %s: no Ouvidor e-mail to send it to", entity.pk)
            continue
        subject, body = _reminder_message(entity, quarter, send_by, left, today)
        try:
            with transaction.atomic():
                reminder = OpinReminder.objects.create(
                    entity=entity, quarter=str(quarter), level=level, recipients=", ".join(recipients)
                )
                # Through the outbox, one e-mail per Ouvidor: sent after the commit and retried when the mail
                # server fails, without stopping the reminders of the other entities.
                for recipient in recipients:
                    email_queue(
                        key=f"opin-reminder:{entity.pk}:{quarter}:{level}:{recipient}",
                        to=recipient,
                        subject=subject,
                        body=body,
                    )
        except IntegrityError:  # another worker sent it meanwhile
            continue
        sent.append(reminder)
    return sent


def _reminder_message(entity: Entity, quarter: Quarter, send_by: date, left: int, today: date) -> tuple[str, str]:
    if today > send_by:
        when = f"venceu em {send_by:%d/%m/%Y}"
    elif left == 0:
        when = f"vence hoje, {send_by:%d/%m/%Y}"
    else:
        when = f"vence em {left} dia(s) útil(eis), em {send_by:%d/%m/%Y}"
    subject = f"OPIN: arquivo do {quarter.label} de {entity.name} — {when}"
    body = (
        f"O arquivo trimestral OPIN do {quarter.label} ({quarter.file_stem}.zip) de {entity.name} ainda não foi "
        f"marcado como enviado à Gestão do Open Insurance e {when} (prazo do manual: "
        f"{quarter.due_date:%d/%m/%Y}).\n\n"
        f"Para gerar: manage.py export_opin --entity {entity.slug} --quarter {quarter} --out DIRETÓRIO\n"
        f"Para conferir: manage.py validate_opin DIRETÓRIO/{quarter.file_stem}.zip\n"
        f"Depois de enviar: manage.py opin_sent --entity {entity.slug} --quarter {quarter}\n"
    )
    return subject, body
