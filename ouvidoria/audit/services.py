"""Writes of the tamper-evident log: sealing new rows onto the chain, anchoring its head, the maintenance hatch."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.audit.chain import GENESIS, record_hash, row_digest
from ouvidoria.audit.models import Anchor, ChainRecord, MaintenanceUse, Redaction
from ouvidoria.cases.models import Event

# Each source of the chain, in the order a seal appends them.
SOURCES: dict[str, type[models.Model]] = {
    "event": Event,
    "read": PersonalDataView,
    "maintenance": MaintenanceUse,
    "redaction": Redaction,
}
# One pg_advisory_xact_lock key for every seal and anchor ("audit" in ASCII).
SEAL_LOCK = 0x6175646974
BATCH = 5000


def source_columns(model: type[models.Model]) -> list[str]:
    """Every column of the row, as the canonical payload names them."""
    return [f.attname for f in model._meta.concrete_fields]


def chain_head() -> tuple[int, str]:
    last = ChainRecord.objects.order_by("-seq").values_list("seq", "hash").first()
    return last if last is not None else (0, GENESIS)


def _lock_chain() -> None:
    """One sealer at a time. On SQLite a writing transaction already excludes every other writer."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])


def _settled_ids(names: list[str]) -> dict[str, int]:
    """The highest id of each source such that no transaction still in flight holds a lower one.

    An id is drawn when the INSERT runs but the row appears at commit: a row with a lower id may still commit after
    a higher one was read. SHARE mode waits for every transaction inserting into the tables and is released at once
    (inserts wait for milliseconds, once a minute), so every id up to the maximum read here is final.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(SOURCES[n]._meta.db_table) for n in names)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE")
        return {n: SOURCES[n]._default_manager.aggregate(top=Max("pk"))["top"] or 0 for n in names}


@dataclass(frozen=True)
class Sealed:
    records: int
    head_seq: int
    head_hash: str


def chain_seal(*, sources: tuple[str, ...] = tuple(SOURCES)) -> Sealed:
    """Append to the chain, in id order, every row not yet sealed up to the settled ids. Idempotent."""
    settled = _settled_ids(list(sources))
    added = 0
    with transaction.atomic():
        _lock_chain()
        seq, head = chain_head()
        sealed_at = ChainRecord._meta.get_field("sealed_at").get_db_prep_value(timezone.now(), connection)
        for name in sources:
            model = SOURCES[name]
            columns = source_columns(model)
            done = ChainRecord.objects.filter(source=name).aggregate(top=Max("source_id"))["top"] or 0
            while done < settled[name]:
                rows = list(
                    model._default_manager.filter(pk__gt=done, pk__lte=settled[name])
                    .order_by("pk")
                    .values_list(*columns)[:BATCH]
                )
                if not rows:
                    break
                batch = []
                for row in rows:
                    seq += 1
                    digest = row_digest(columns, row)
                    new = record_hash(head, seq, name, row[0], digest)
                    batch.append((seq, name, row[0], digest, head, new, sealed_at))
                    head = new
                _insert(batch)
                added += len(batch)
                done = rows[-1][0]
    return Sealed(records=added, head_seq=seq, head_hash=head)


def _insert(batch: list[tuple[Any, ...]]) -> None:
    """Many records in one round trip (``bulk_create`` spends most of a seal preparing values one by one)."""
    table = connection.ops.quote_name(ChainRecord._meta.db_table)
    columns = "seq, source, source_id, digest, prev_hash, hash, sealed_at"
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)", batch)  # noqa: S608


def _auditors() -> list[Any]:
    return list(
        get_user_model().objects.filter(is_active=True, staff_profile__role="auditor").exclude(email="").order_by("pk")
    )


def anchor_write(*, now: datetime | None = None) -> Anchor | None:
    """Seal, then write the head to an ``Anchor`` and e-mail it to every auditor (nothing when the chain is empty)."""
    from ouvidoria.notify.outbox import email_queue

    chain_seal()
    with transaction.atomic():
        _lock_chain()
        seq, head = chain_head()
        if seq == 0:
            return None
        now = now or timezone.now()
        auditors = _auditors()
        anchor = Anchor.objects.create(seq=seq, hash=head, created_at=now, recipients=len(auditors))
        when = timezone.localtime(now).strftime("%d/%m/%Y %H:%M")
        for user in auditors:
            email_queue(
                key=f"audit-anchor:{anchor.pk}:{user.pk}",
                to=user.email,
                subject=f"Âncora do registro de auditoria — {when}",
                body=(
                    f"Cabeça da cadeia de auditoria em {when}:\n\n    {seq}:{head}\n\n"
                    "Guarde esta mensagem. Para conferir a cadeia contra ela, rode\n"
                    f"    manage.py audit_verify --anchor {seq}:{head}\n"
                    "Uma cadeia reescrita depois desta data não terá este hash nesta posição.\n"
                ),
            )
    return anchor


@contextmanager
def audit_maintenance(*, actor: str, reason: str) -> Iterator[MaintenanceUse]:
    """The one way past the append-only triggers, for the retention/anonymisation job and test resets.

    Runs the block in a transaction with ``SET LOCAL ouvidoria.audit_maintenance = 'on'`` (PostgreSQL; SQLite has
    no triggers), after appending to the chain who opened it and why. What the block changes in sealed rows is then
    reported by ``audit_verify`` next to that record, as it must be.
    """
    with transaction.atomic():
        use = MaintenanceUse.objects.create(actor_label=actor[:150], reason=reason[:300], started_at=timezone.now())
        chain_seal(sources=("maintenance",))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL ouvidoria.audit_maintenance = 'on'")
        yield use
        if connection.vendor == "postgresql":
            # Closed again at the end of the block: inside a caller's transaction, what follows is guarded again.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL ouvidoria.audit_maintenance = 'off'")


def redactions_record(use: MaintenanceUse, *, source: str, ids: Iterable[int]) -> int:
    """Inside ``audit_maintenance`` (``use``), after rewriting the rows ``ids`` of ``source`` on purpose: record
    each row's new digest (a ``Redaction``) and seal the redactions at once, so ``chain_verify`` expects the new
    content while any later change of those rows is still reported as an alteration. Returns the rows recorded."""
    model = SOURCES[source]
    columns = source_columns(model)
    now = timezone.now()
    # The sealer's lock first: two redactions at once then queue here rather than wait for each other's rows.
    _lock_chain()
    wanted = sorted(set(ids))
    rows: list[Redaction] = []
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        for row in model._default_manager.filter(pk__in=chunk).order_by("pk").values_list(*columns):
            rows.append(
                Redaction(source=source, source_id=row[0], digest=row_digest(columns, row), maintenance=use,
                          created_at=now)
            )  # fmt: skip
    Redaction.objects.bulk_create(rows, batch_size=BATCH)
    chain_seal(sources=("redaction",))
    return len(rows)
