"""Key rotation: every encrypted value re-encrypted with the first key of ``OUVIDORIA_ENCRYPTION_KEYS``.

How an operator rotates (docs/security.md, "Rotação de chaves"):

1. put the new key first in ``OUVIDORIA_ENCRYPTION_KEYS``, keeping the old ones after it, and restart: new values are
   encrypted with the new key and every key still decrypts, so nothing stops;
2. run ``manage.py rotate_keys`` (while the product runs): it walks every encrypted column of every model in primary
   key order, in batches of one transaction each, and rewrites the values the first key did not encrypt. A value
   the first key already reads is left alone, so an interrupted run resumes where it stopped just by being run again,
   and a second run changes nothing;
3. when it reports nothing left under the old keys, remove them.

Stored files (attachments, uploaded imports: every ``FileField`` on ``EncryptedFileSystemStorage``) are rotated by the
same pass, one file at a time: a file in clear (stored before encryption) or whose header names another key is
rewritten under the first key beside itself and renamed over it (``privacy.files.reencrypt_in_place``), so a reader
that already opened it goes on reading the old one. Files under the first key are skipped from their header alone.

The blind indexes (``Requester.document_hash``/``email_hash`` and ``RequesterToken``) are HMACs under
``OUVIDORIA_BLIND_INDEX_KEY``. When that setting is empty the index key is derived from the first encryption key, so a
rotation changes it too: the same pass then rewrites each requester's hashes from the decrypted values. Until it has
passed a requester, searching for them by CPF, e-mail, name or phone finds nothing: set ``OUVIDORIA_BLIND_INDEX_KEY``
(any secret, never changed) in production, as docs/security.md says, and a rotation never touches the indexes.
"""

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from ouvidoria.privacy.crypto import blind_index, decrypt_bytes, encrypt_bytes
from ouvidoria.privacy.fields import EncryptedBinaryField, EncryptedTextField
from ouvidoria.privacy.files import EncryptedFileSystemStorage, FileUnreadable, key_state, reencrypt_in_place

BATCH = 1000
logger = logging.getLogger(__name__)


@dataclass
class ColumnResult:
    table: str
    column: str
    read: int = 0
    rewritten: int = 0


@dataclass
class FileResult:
    table: str
    column: str
    read: int = 0
    rewritten: int = 0
    missing: int = 0  # the row names a file that is not on disk
    unreadable: int = 0  # fails authentication, or no key of the ring wrote it: left as it is, logged


@dataclass
class RotationResult:
    columns: list[ColumnResult] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)
    hashes_rewritten: int = 0

    @property
    def rewritten(self) -> int:
        return sum(c.rewritten for c in self.columns)


def encrypted_columns() -> Iterator[tuple[type[models.Model], str]]:
    """Every (model, column) stored encrypted, found from the fields themselves: a new one is rotated too."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedTextField | EncryptedBinaryField) and f.column:
                yield model, f.column


def _raw(token: str | bytes | memoryview) -> bytes:
    """A column's Fernet token as bytes: text columns hold it as text, binary ones as bytes."""
    return token.encode() if isinstance(token, str) else bytes(token)


def _first_reads(token: str | bytes | memoryview) -> bool:
    try:
        Fernet(settings.ENCRYPTION_KEYS[0].encode()).decrypt(_raw(token))
    except InvalidToken:
        return False
    return True


def _reencrypted(token: str | bytes | memoryview) -> str | bytes:
    """The value under the first key, in the column's own type."""
    new = encrypt_bytes(decrypt_bytes(_raw(token)))
    return new.decode() if isinstance(token, str) else new


def _batches(table: str, columns: list[str], size: int) -> Iterator[list[tuple[Any, ...]]]:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    last: Any = None
    while True:
        where, params = ("WHERE id > %s", [last]) if last is not None else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {names} FROM {quote(table)} {where} ORDER BY id LIMIT %s", [*params, size])  # noqa: S608
            rows = cursor.fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _rotate_model(
    model: type[models.Model], columns: list[str], size: int, progress: Callable[[str], None]
) -> list[ColumnResult]:
    table = model._meta.db_table
    quote = connection.ops.quote_name
    results = [ColumnResult(table, c) for c in columns]
    for rows in _batches(table, columns, size):
        with transaction.atomic():
            for i, column in enumerate(columns):
                updates = []
                for row in rows:
                    token = row[i + 1]
                    if not token:
                        continue
                    results[i].read += 1
                    if not _first_reads(token):
                        updates.append((_reencrypted(token), row[0]))
                if updates:
                    with connection.cursor() as cursor:
                        cursor.executemany(
                            f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                            updates,
                        )
                    results[i].rewritten += len(updates)
        progress(f"{table}: até id {rows[-1][0]}")
    return results


def _rewrite_requester_hashes(size: int) -> int:
    """Each requester's blind indexes recomputed under the current index key where they differ."""
    from ouvidoria.cases.models import Requester, RequesterToken
    from ouvidoria.cases.services import requester_tokens_write
    from ouvidoria.privacy.tokens import requester_digests

    changed = 0
    last = 0
    while True:
        batch = list(Requester.objects.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return changed
        last = batch[-1].pk
        stored: dict[int, set[str]] = {}
        for requester_id, digest in RequesterToken.objects.filter(requester__in=batch).values_list(
            "requester_id", "digest"
        ):
            stored.setdefault(requester_id, set()).add(digest)
        with transaction.atomic():
            for r in batch:
                document_hash = blind_index(r.document) if r.document else ""
                email_hash = blind_index(r.email.lower()) if r.email else ""
                if (r.document_hash, r.email_hash) != (document_hash, email_hash):
                    Requester.objects.filter(pk=r.pk).update(document_hash=document_hash, email_hash=email_hash)
                    changed += 1
                digests = requester_digests(name=r.name or "", social_name=r.social_name or "", phone=r.phone or "")
                if set(digests) != stored.get(r.pk, set()):
                    requester_tokens_write(r)
                    changed += 1


def encrypted_file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    """Every file field stored on the encrypting storage, found from the fields: a new one is rotated too."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedFileSystemStorage):
                yield model, f


def _stored_names(model: type[models.Model], f: models.FileField, size: int) -> Iterator[list[tuple[int, str]]]:
    last = 0
    while True:
        rows = list(
            model._default_manager.filter(pk__gt=last)
            .exclude(**{f.attname: ""})
            .order_by("pk")
            .values_list("pk", f.attname)[:size]
        )
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _rotate_files(
    model: type[models.Model], f: models.FileField, size: int, progress: Callable[[str], None]
) -> FileResult:
    table = model._meta.db_table
    result = FileResult(table, f.column or f.name)
    storage = f.storage
    for rows in _stored_names(model, f, size):
        for pk, name in rows:
            result.read += 1
            try:
                if reencrypt_in_place(Path(storage.path(name))):
                    result.rewritten += 1
            except FileNotFoundError:
                result.missing += 1
            except FileUnreadable as exc:
                result.unreadable += 1
                logger.error("rotate_keys: %s id %s: stored file unreadable: %s", table, pk, exc)
        progress(f"{table}.{f.column}: até id {rows[-1][0]}")
    return result


def files_under_old_keys() -> int:
    """How many stored files are in clear or under another key than the first (missing files are not counted)."""
    left = 0
    for model, f in encrypted_file_fields():
        for rows in _stored_names(model, f, BATCH):
            for _pk, name in rows:
                try:
                    with open(f.storage.path(name), "rb") as raw:
                        left += key_state(raw) != "current"
                except FileNotFoundError:
                    continue
    return left


def keys_rotate(*, batch_size: int = BATCH, progress: Callable[[str], None] = lambda _: None) -> RotationResult:
    """Re-encrypt every value and stored file not encrypted with the first key, then bring the blind indexes up to
    date."""
    by_model: dict[type[models.Model], list[str]] = {}
    for model, column in encrypted_columns():
        by_model.setdefault(model, []).append(column)
    result = RotationResult()
    for model, columns in by_model.items():
        result.columns.extend(_rotate_model(model, columns, batch_size, progress))
    for model, f in encrypted_file_fields():
        result.files.append(_rotate_files(model, f, batch_size, progress))
    result.hashes_rewritten = _rewrite_requester_hashes(batch_size)
    return result


def values_under_old_keys() -> int:
    """How many encrypted values the first key does not read (0: the old keys can be removed)."""
    left = 0
    for model, column in encrypted_columns():
        for rows in _batches(model._meta.db_table, [column], BATCH):
            left += sum(1 for _pk, token in rows if token and not _first_reads(token))
    return left
