"""Writing many validated manifestations at once: requesters, cases, forwards and timeline events in bulk.

Shared by ``import_cases`` and ``seed_demo``. Registering row by row through ``manifestation_register`` costs a dozen
queries per case; here a batch of a few thousand costs a handful. Callers validate first (``ouvidoria.imports.services``
with the same rules as the single-case service); this module only writes, one transaction per batch.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Field, Model
from django.utils import timezone

from ouvidoria.cases.models import Event, Forward, Manifestation, Requester
from ouvidoria.cases.protocols import next_serials
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.privacy.fields import EncryptedTextField
from ouvidoria.rules.protocol import make_protocol

_REQUESTER_FIELDS = ("document", "name", "social_name", "email", "phone", "gender", "state", "city")


@dataclass(slots=True)
class RequesterRecord:
    """A requester's fields as ``RequesterData.cleaned()`` returns them (normalized, validated)."""

    kind: str
    fields: dict[str, str]


@dataclass(slots=True)
class EventRecord:
    kind: str
    at: datetime
    params: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    actor_label: str = "sistema"


@dataclass(slots=True)
class ForwardRecord:
    """A question to an internal area; its ``forward`` event is written with the forward's id."""

    area_id: int
    area_name: str
    question: str
    due_on: date
    at: datetime
    actor_label: str = "sistema"
    # The area's answer, if it came (written as an ``area_reply`` event).
    reply: str = ""
    replied_at: datetime | None = None


@dataclass(slots=True)
class CaseRecord:
    """One manifestation ready to be written; ``protocol`` empty means "issue a fresh one"."""

    entity_id: int
    instance: str
    medium: str
    record_type: str
    subject_id: int | None
    policy: str
    description: str
    state: str
    city: str
    received_at: datetime
    received_on: date
    due_on: date
    status: str
    interaction_count: int
    events: list[EventRecord]
    requester: RequesterRecord | None = None
    protocol: str = ""
    source_key: str = ""
    imported: bool = False
    anonymous: bool = False
    name_confidential: bool = False
    concluded_at: datetime | None = None
    closed_at: datetime | None = None
    merits: str = ""
    merits_reason: str = ""
    resolved: bool | None = None
    rating: int | None = None
    forwards: list[ForwardRecord] = field(default_factory=list)


class CaseWriter:
    """Writes batches of ``CaseRecord``; remembers the requesters it has seen for the whole run.

    Requesters are matched as ``requester_find_or_create`` does (CPF/CNPJ first, then e-mail of a requester with no
    other document), through the blind indexes. Unlike it, a historical row never overwrites the contact data on
    file: the latest word of the requester is the one already there.
    """

    def __init__(self) -> None:
        # blind index -> requester id (lowest id wins, as ``.first()`` does)
        self._by_document: dict[str, int] = {}
        # e-mail blind index -> [(requester id, document blind index)] in id order
        self._by_email: dict[str, list[tuple[int, str]]] = {}
        self.requesters_created = 0

    def existing(self, records: Sequence[CaseRecord]) -> tuple[set[str], set[str]]:
        """Source keys and protocols of ``records`` that are already in the database."""
        keys = [r.source_key for r in records if r.source_key]
        protocols = [r.protocol for r in records if r.protocol]
        found_keys = set(Manifestation.objects.filter(source_key__in=keys).values_list("source_key", flat=True))
        found_protocols = set(Manifestation.objects.filter(protocol__in=protocols).values_list("protocol", flat=True))
        return found_keys, found_protocols

    def write(self, records: Sequence[CaseRecord]) -> list[int]:
        """Write ``records`` in one transaction; returns the new manifestations' ids, in order."""
        if not records:
            return []
        with transaction.atomic():
            requester_ids = self._requester_ids(records)
            protocols = self._protocols(records)
            returned = _MANIFESTATIONS.insert(
                (
                    {
                        "protocol": protocol,
                        "entity_id": r.entity_id,
                        "instance_id": r.instance,
                        "medium_id": r.medium,
                        "record_type_id": r.record_type,
                        "subject_id": r.subject_id,
                        "policy_id": r.policy,
                        "requester_id": requester_id,
                        "anonymous": r.anonymous,
                        "name_confidential": r.name_confidential,
                        "description": r.description,
                        "state": r.state,
                        "city": r.city[:120],
                        "status": r.status,
                        "received_at": r.received_at,
                        "received_on": r.received_on,
                        "due_on": r.due_on,
                        "concluded_at": r.concluded_at,
                        "closed_at": r.closed_at,
                        "merits": r.merits,
                        "merits_reason": r.merits_reason,
                        "resolved": r.resolved,
                        "rating": r.rating,
                        "interaction_count": r.interaction_count,
                        "imported": r.imported,
                        "source_key": r.source_key,
                    }
                    for r, protocol, requester_id in zip(records, protocols, requester_ids, strict=True)
                ),
                # On SQLite the fastest insert (executemany) returns no ids: they are read back by protocol.
                returning=connection.vendor != "sqlite",
            )
            ids = returned or self._ids(protocols)
            _EVENTS.insert(
                {
                    "manifestation_id": case_id,
                    "kind": e.kind,
                    "created_at": e.at,
                    "actor_label": e.actor_label,
                    "body": e.body,
                    "params": e.params,
                }
                for case_id, r in zip(ids, records, strict=True)
                for e in r.events
            )
            self._forwards(ids, records)
        return ids

    @staticmethod
    def _ids(protocols: Sequence[str]) -> list[int]:
        id_of: dict[str, int] = {}
        for start in range(0, len(protocols), _LOOKUP_CHUNK):
            chunk = protocols[start : start + _LOOKUP_CHUNK]
            id_of.update(Manifestation.objects.filter(protocol__in=chunk).values_list("protocol", "pk"))
        return [id_of[protocol] for protocol in protocols]

    # -- requesters ------------------------------------------------------------------------------------------

    def _load(self, documents: set[str], emails: set[str]) -> None:
        """Fetch, in two queries, the requesters on file behind the blind indexes not known yet.

        Every requester of the run ends up known (found here or created), so nothing is asked twice.
        """
        documents = documents - self._by_document.keys()
        emails = emails - self._by_email.keys()
        if documents:
            query = Requester.objects.filter(document_hash__in=documents).order_by("pk")
            for pk, document_hash in query.values_list("pk", "document_hash"):
                self._by_document.setdefault(document_hash, pk)
        if emails:
            query = Requester.objects.filter(email_hash__in=emails).order_by("pk")
            for pk, email_hash, document_hash in query.values_list("pk", "email_hash", "document_hash"):
                self._by_email.setdefault(email_hash, []).append((pk, document_hash))

    def _find(self, document_hash: str, email_hash: str) -> int | None:
        if document_hash and document_hash in self._by_document:
            return self._by_document[document_hash]
        for pk, on_file in self._by_email.get(email_hash, []) if email_hash else []:
            if on_file in ("", document_hash):
                return pk
        return None

    def _remember(self, pk: int, document_hash: str, email_hash: str) -> None:
        if document_hash:
            self._by_document.setdefault(document_hash, pk)
        if email_hash:
            self._by_email.setdefault(email_hash, []).append((pk, document_hash))

    def _requester_ids(self, records: Sequence[CaseRecord]) -> list[int | None]:
        hashes = [
            None
            if r.requester is None
            else (
                blind_index(r.requester.fields["document"]) if r.requester.fields.get("document") else "",
                blind_index(r.requester.fields["email"]) if r.requester.fields.get("email") else "",
            )
            for r in records
        ]
        self._load({h[0] for h in hashes if h and h[0]}, {h[1] for h in hashes if h and h[1]})
        new: list[dict[str, Any]] = []
        remembered: list[tuple[str, str]] = []
        ids: list[int | None] = []
        for r, pair in zip(records, hashes, strict=True):
            if r.requester is None or pair is None:
                ids.append(None)
                continue
            fields = r.requester.fields
            document_hash, email_hash = pair
            found = self._find(document_hash, email_hash)
            if found is None:
                new.append(
                    {
                        "kind": r.requester.kind,
                        "document_hash": document_hash,
                        "email_hash": email_hash,
                        **{name: fields.get(name, "") for name in _REQUESTER_FIELDS},
                    }
                )
                # A placeholder until the insert gives the id, so later rows of the batch find this requester.
                found = -len(new)
                self._remember(found, document_hash, email_hash)
                remembered.append((document_hash, email_hash))
            ids.append(found)
        if not new:
            return ids
        new_ids = _REQUESTERS.insert(new, returning=True)
        self.requesters_created += len(new)

        def real(pk: int) -> int:
            return new_ids[-pk - 1] if pk < 0 else pk

        for document_hash, email_hash in remembered:
            if document_hash:
                self._by_document[document_hash] = real(self._by_document[document_hash])
            if email_hash:
                self._by_email[email_hash] = [(real(pk), d) for pk, d in self._by_email[email_hash]]
        return [None if pk is None else real(pk) for pk in ids]

    # -- protocols and forwards ------------------------------------------------------------------------------

    def _protocols(self, records: Sequence[CaseRecord]) -> list[str]:
        """The given protocols, and fresh ones (year of receipt, ``next_serials``) for the others."""
        protocols = [r.protocol for r in records]
        missing = [i for i, p in enumerate(protocols) if not p]
        given = {p for p in protocols if p}
        while missing:
            for i, serial in zip(missing, next_serials(len(missing)), strict=True):
                protocols[i] = make_protocol(records[i].received_on.year, serial)
            # A number imported from an older system may coincide with one we issue: issue another.
            fresh = [protocols[i] for i in missing]
            taken = given | set(Manifestation.objects.filter(protocol__in=fresh).values_list("protocol", flat=True))
            missing = [i for i in missing if protocols[i] in taken]
        return protocols

    def _forwards(self, ids: Sequence[int], records: Sequence[CaseRecord]) -> None:
        """Forwards to internal areas, with their ``forward`` and ``area_reply`` events."""
        pairs = [(case_id, f) for case_id, r in zip(ids, records, strict=True) for f in r.forwards]
        if not pairs:
            return
        forward_ids = _FORWARDS.insert(
            (
                {
                    "manifestation_id": case_id,
                    "area_id": f.area_id,
                    "question": f.question,
                    "due_on": f.due_on,
                    "created_at": f.at,
                    "reply": f.reply,
                    "replied_at": f.replied_at,
                }
                for case_id, f in pairs
            ),
            returning=True,
        )
        events = []
        for forward_id, (case_id, f) in zip(forward_ids, pairs, strict=True):
            events.append(
                {
                    "manifestation_id": case_id,
                    "kind": "forward",
                    "created_at": f.at,
                    "actor_label": f.actor_label,
                    "body": f.question,
                    "params": {"forward": forward_id, "area": f.area_name, "area_due": f.due_on.isoformat()},
                }
            )
            if f.replied_at is not None:
                on_time = timezone.localtime(f.replied_at).date() <= f.due_on
                events.append(
                    {
                        "manifestation_id": case_id,
                        "kind": "area_reply",
                        "created_at": f.replied_at,
                        "actor_label": f.area_name,
                        "body": f.reply,
                        "params": {"forward": forward_id, "area": f.area_name, "on_time": on_time},
                    }
                )
        _EVENTS.insert(events)


class _Insert:
    """``INSERT`` of many rows of a model, without building model instances.

    ``bulk_create`` prepares every value through its field, which costs more than the database's own work at these
    volumes; here each column gets its adapter once (dates, datetimes and JSON through the backend, encrypted text
    through its field) and the rest go as they are. A row's missing columns take the field's default;
    ``auto_now``/``auto_now_add`` columns take the time of the insert unless the row gives them.
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    @cached_property
    def _fields(self) -> list[Field[Any, Any]]:
        return [f for f in self.model._meta.concrete_fields if not f.primary_key]

    @staticmethod
    def _adapter(f: Field[Any, Any]) -> Callable[[Any], Any] | None:
        ops = connection.ops
        if isinstance(f, EncryptedTextField):
            return f.get_prep_value
        if isinstance(f, models.JSONField):
            encoder = f.encoder
            return lambda value: ops.adapt_json_value(value, encoder)
        if isinstance(f, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        return None

    def _params(self, rows: Iterable[dict[str, Any]]) -> list[list[Any]]:
        now = timezone.now()
        names = [f.attname for f in self._fields]
        defaults = [
            now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            for f in self._fields
        ]
        columns = list(zip(names, defaults, strict=True))
        adapters = [(i, adapter) for i, f in enumerate(self._fields) if (adapter := self._adapter(f)) is not None]
        # Dates repeat a lot within a batch (imports put every case at noon): adapt each one once.
        memo: dict[tuple[int, date], Any] = {}
        params: list[list[Any]] = []
        for row in rows:
            if not params and (unknown := set(row) - set(names)):
                raise ValueError(f"unknown columns for {self.model.__name__}: {sorted(unknown)}")
            get = row.get
            values = [get(name, default) for name, default in columns]
            for i, adapter in adapters:
                value = values[i]
                if value is None:
                    continue
                if isinstance(value, date):
                    key = (i, value)
                    if key not in memo:
                        memo[key] = adapter(value)
                    values[i] = memo[key]
                else:
                    values[i] = adapter(value)
            params.append(values)
        return params

    def insert(self, rows: Iterable[dict[str, Any]], *, returning: bool = False) -> list[int]:
        """Insert ``rows``; with ``returning``, the new ids in the order of the rows (else an empty list).

        The fastest statement differs by database: on PostgreSQL one ``INSERT … SELECT FROM UNNEST(arrays)`` per
        call (a parameter per column, as ``bulk_create`` does there); on SQLite, which runs in-process, one prepared
        statement run for every row (``executemany``), or multi-row VALUES when the ids are needed. With RETURNING
        the ids come in the order of the rows, which ``bulk_create`` relies on too.
        """
        params = self._params(rows)
        if not params:
            return []
        quote = connection.ops.quote_name
        assert self.model._meta.pk is not None
        # Only names from the model's metadata are interpolated; every value is a bound parameter.
        head = "INSERT INTO {} ({}) ".format(
            quote(self.model._meta.db_table), ", ".join(quote(str(f.column)) for f in self._fields)
        )
        tail = f" RETURNING {quote(str(self.model._meta.pk.column))}" if returning else ""
        one_row = "({})".format(", ".join(["%s"] * len(self._fields)))
        ids: list[int] = []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Without the length (varchar(20)[] → varchar[]), as bulk_create does, so nothing is truncated.
                arrays = ", ".join(f"(%s)::{str(f.db_type(connection)).split('(')[0]}[]" for f in self._fields)
                sql = f"{head}SELECT * FROM UNNEST({arrays}){tail}"  # noqa: S608
                cursor.execute(sql, [list(column) for column in zip(*params, strict=True)])
                return [row[0] for row in cursor.fetchall()] if returning else []
            if not returning:
                cursor.executemany(f"{head}VALUES {one_row}", params)
                return []
            max_params = connection.features.max_query_params or 999
            per_statement = min(_ROWS_PER_STATEMENT, max_params // len(self._fields))
            for start in range(0, len(params), per_statement):
                chunk = params[start : start + per_statement]
                sql = head + "VALUES " + ", ".join([one_row] * len(chunk)) + tail
                cursor.execute(sql, [value for values in chunk for value in values])
                ids.extend(row[0] for row in cursor.fetchall())
        return ids


_ROWS_PER_STATEMENT = 500
# Values per ``IN (…)`` when reading back ids (under SQLite's and PostgreSQL's limits on parameters).
_LOOKUP_CHUNK = 900
_REQUESTERS = _Insert(Requester)
_MANIFESTATIONS = _Insert(Manifestation)
_EVENTS = _Insert(Event)
_FORWARDS = _Insert(Forward)
