"""Writing many validated manifestations at once: requesters, cases, forwards and timeline events in bulk.

Shared by ``import_cases`` and ``seed_demo``. Registering row by row through ``manifestation_register`` costs a dozen
queries per case; here a batch of a few thousand costs a handful. Callers validate first (``ouvidoria.imports.services``
with the same rules as the single-case service); this module only writes, one transaction per batch.

Writing is two steps. A ``Preparer`` turns records into a ``PreparedBatch`` of statement parameters (adapted dates and
JSON, blind indexes, encrypted personal data if asked): that needs the settings only, no query, so it can run in
another process. ``CaseWriter.write_prepared`` does what needs the database (requesters on file, protocols, ids) in
one transaction. ``CaseWriter.write`` does both.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.db.models import Field, Model
from django.utils import timezone

from ouvidoria.cases.models import Event, Forward, Manifestation, Requester
from ouvidoria.cases.protocols import next_serials
from ouvidoria.privacy.crypto import blind_index
from ouvidoria.privacy.fields import EncryptedTextField
from ouvidoria.rules.protocol import make_protocol

_T = TypeVar("_T")
_REQUESTER_FIELDS = ("document", "name", "social_name", "email", "phone", "address", "gender", "state", "city")


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


# A requester's blind indexes (document, e-mail) and the values of ``_REQUESTERS``' columns: in clear, or already
# adapted (personal data encrypted) when the batch says so.
PreparedRequester = tuple[str, str, Sequence[Any]]


@dataclass(slots=True)
class PreparedBatch:
    """``CaseRecord``s as statement parameters, made without a query by a ``Preparer``; plain data, picklable.

    ``cases[i]`` is the manifestation row of record ``i`` (its protocol and requester are filled in when written),
    ``events[i]`` its event rows (the manifestation's id filled in when written).
    """

    source_keys: list[str]
    protocols: list[str]
    years: list[int]
    cases: list[list[Any]]
    requesters: list[PreparedRequester | None]
    events: list[list[list[Any]]]
    forwards: list[list[ForwardRecord]]
    # Whether the requesters' values are adapted already; if not, those of new requesters are when written.
    requesters_adapted: bool = False

    def __len__(self) -> int:
        return len(self.cases)

    def only(self, keep: Sequence[int]) -> "PreparedBatch":
        """The batch with the records at the positions ``keep`` only."""
        if len(keep) == len(self.cases):
            return self

        def pick(values: list[_T]) -> list[_T]:
            return [values[i] for i in keep]

        return PreparedBatch(
            source_keys=pick(self.source_keys),
            protocols=pick(self.protocols),
            years=pick(self.years),
            cases=pick(self.cases),
            requesters=pick(self.requesters),
            events=pick(self.events),
            forwards=pick(self.forwards),
            requesters_adapted=self.requesters_adapted,
        )


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
        self._prepare = Preparer()

    @staticmethod
    def existing(source_keys: Sequence[str], protocols: Sequence[str]) -> tuple[set[str], set[str]]:
        """Which of these source keys and protocols are already in the database."""
        found_keys = {key for (key,) in _select_in(Manifestation, ("source_key",), "source_key", source_keys)}
        found_protocols = {protocol for (protocol,) in _select_in(Manifestation, ("protocol",), "protocol", protocols)}
        return found_keys, found_protocols

    def write(self, records: Sequence[CaseRecord]) -> list[int]:
        """Write ``records`` in one transaction; returns the new manifestations' ids, in order."""
        return self.write_prepared(self._prepare(records))

    def write_prepared(self, batch: PreparedBatch) -> list[int]:
        """Write a prepared batch in one transaction; returns the new manifestations' ids, in order."""
        if not batch.cases:
            return []
        with transaction.atomic():
            requester_ids = self._requester_ids(batch.requesters, adapted=batch.requesters_adapted)
            protocols = self._protocols(batch.protocols, batch.years)
            for row, protocol, requester_id in zip(batch.cases, protocols, requester_ids, strict=True):
                row[_CASE_PROTOCOL] = protocol
                row[_CASE_REQUESTER] = requester_id
            ids = _CASES.insert(batch.cases, returning=True)
            events = []
            for case_id, rows in zip(ids, batch.events, strict=True):
                for row in rows:
                    row[_EVENT_CASE] = case_id
                    events.append(row)
            _EVENTS.insert(events)
            self._forwards(ids, batch.forwards)
        return ids

    # -- requesters ------------------------------------------------------------------------------------------

    def _load(self, documents: set[str], emails: set[str]) -> None:
        """Fetch, in two queries, the requesters on file behind the blind indexes not known yet.

        Every requester of the run ends up known (found here or created), so nothing is asked twice.
        """
        documents = documents - self._by_document.keys()
        emails = emails - self._by_email.keys()
        for pk, document_hash in _select_in(Requester, ("id", "document_hash"), "document_hash", documents):
            self._by_document.setdefault(document_hash, pk)
        for pk, email_hash, document_hash in _select_in(
            Requester, ("id", "email_hash", "document_hash"), "email_hash", emails
        ):
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

    def _requester_ids(self, requesters: Sequence[PreparedRequester | None], *, adapted: bool) -> list[int | None]:
        self._load({r[0] for r in requesters if r and r[0]}, {r[1] for r in requesters if r and r[1]})
        new: list[Sequence[Any]] = []
        remembered: list[tuple[str, str]] = []
        ids: list[int | None] = []
        for requester in requesters:
            if requester is None:
                ids.append(None)
                continue
            document_hash, email_hash, values = requester
            found = self._find(document_hash, email_hash)
            if found is None:
                new.append(values)
                # A placeholder until the insert gives the id, so later rows of the batch find this requester.
                found = -len(new)
                self._remember(found, document_hash, email_hash)
                remembered.append((document_hash, email_hash))
            ids.append(found)
        if not new:
            return ids
        new_ids = _REQUESTERS.insert(new if adapted else _REQUESTERS.rows(new), returning=True)
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

    @staticmethod
    def _protocols(given_protocols: Sequence[str], years: Sequence[int]) -> list[str]:
        """The given protocols, and fresh ones (year of receipt, ``next_serials``) for the others."""
        protocols = list(given_protocols)
        missing = [i for i, p in enumerate(protocols) if not p]
        given = {p for p in protocols if p}
        while missing:
            for i, serial in zip(missing, next_serials(len(missing)), strict=True):
                protocols[i] = make_protocol(years[i], serial)
            # A number imported from an older system may coincide with one we issue: issue another.
            fresh = [protocols[i] for i in missing]
            taken = given | {protocol for (protocol,) in _select_in(Manifestation, ("protocol",), "protocol", fresh)}
            missing = [i for i in missing if protocols[i] in taken]
        return protocols

    @staticmethod
    def _forwards(ids: Sequence[int], forwards: Sequence[Sequence[ForwardRecord]]) -> None:
        """Forwards to internal areas, with their ``forward`` and ``area_reply`` events."""
        pairs = [(case_id, f) for case_id, case_forwards in zip(ids, forwards, strict=True) for f in case_forwards]
        if not pairs:
            return
        forward_ids = _FORWARDS.insert(
            _FORWARDS.rows(
                (case_id, f.area_id, f.question, f.due_on, f.at, f.reply, f.replied_at) for case_id, f in pairs
            ),
            returning=True,
        )
        events: list[tuple[Any, ...]] = []
        for forward_id, (case_id, f) in zip(forward_ids, pairs, strict=True):
            params = {"forward": forward_id, "area": f.area_name, "area_due": f.due_on.isoformat()}
            events.append((case_id, "forward", f.at, f.actor_label, f.question, params))
            if f.replied_at is not None:
                on_time = timezone.localtime(f.replied_at).date() <= f.due_on
                params = {"forward": forward_id, "area": f.area_name, "on_time": on_time}
                events.append((case_id, "area_reply", f.replied_at, f.area_name, f.reply, params))
        _EVENTS.insert(_EVENTS.rows(events))


def _select_in(model: type[Model], columns: Sequence[str], column: str, values: Iterable[str]) -> list[tuple[Any, ...]]:
    """``SELECT columns FROM model's table WHERE column IN (values)`` (empty values left out), in id order.

    In SQL of its own: the ORM would prepare each of the thousands of values through its field, which costs more
    than the query. A value's rows all come from the same statement, so "in id order" holds for each value.
    """
    wanted = sorted({value for value in values if value})
    if not wanted:
        return []
    quote = connection.ops.quote_name
    assert model._meta.pk is not None
    # Only names from the model's metadata are interpolated; every value is a bound parameter.
    select = ", ".join(quote(name) for name in columns)
    head = f"SELECT {select} FROM {quote(model._meta.db_table)} WHERE {quote(column)} IN "  # noqa: S608
    order = f" ORDER BY {quote(str(model._meta.pk.column))}"
    chunk = connection.features.max_query_params or _LOOKUP_CHUNK
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), chunk):
            part = wanted[start : start + chunk]
            cursor.execute(head + "(" + ", ".join(["%s"] * len(part)) + ")" + order, part)
            found.extend(cursor.fetchall())
    return found


class _Insert:
    """``INSERT`` of many rows of a model, without building model instances.

    ``bulk_create`` prepares every value through its field, which costs more than the database's own work at these
    volumes. Here rows are value tuples of the columns ``names`` (in that order); ``rows`` adapts each column once
    per distinct date or JSON value (dates, datetimes and JSON through the backend, encrypted text through its
    field) and appends the model's other columns with their defaults (``auto_now``/``auto_now_add``: the time of the
    call). ``insert`` writes such rows.
    """

    def __init__(self, model: type[Model], names: Sequence[str]) -> None:
        self.model = model
        self.names = tuple(names)

    @cached_property
    def _fields(self) -> list[Field[Any, Any]]:
        by_name = {f.attname: f for f in self.model._meta.concrete_fields if not f.primary_key}
        if unknown := set(self.names) - by_name.keys():
            raise ValueError(f"unknown columns for {self.model.__name__}: {sorted(unknown)}")
        return [by_name[name] for name in self.names] + [f for f in by_name.values() if f.attname not in self.names]

    def position(self, name: str) -> int:
        return self.names.index(name)

    @staticmethod
    def _adapter(f: Field[Any, Any]) -> Callable[[Any], Any] | None:
        ops = connection.ops
        if isinstance(f, EncryptedTextField):
            prep = f.get_prep_value
            # Empty text stays empty ("not informed"), as the field does.
            return lambda value: prep(value) if value else value
        if isinstance(f, models.JSONField):
            encoder = f.encoder
            return lambda value: ops.adapt_json_value(value, encoder)
        if isinstance(f, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        return None

    def rows(self, values: Iterable[Sequence[Any]], memo: dict[int, dict[Any, Any]] | None = None) -> list[list[Any]]:
        """Statement parameters for ``values`` (tuples of the ``names`` columns); no query.

        Dates and JSON values repeat a lot (imports put every case at noon): each is adapted once, and remembered in
        ``memo`` (by column) for the next calls.
        """
        now = timezone.now()
        memo = {} if memo is None else memo
        fields = self._fields
        given = len(self.names)
        plain: list[tuple[int, Callable[[Any], Any]]] = []
        dated: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = []
        jsons: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = []
        for i, f in enumerate(fields[:given]):
            if (adapter := self._adapter(f)) is None:
                continue
            if isinstance(f, models.DateField | models.JSONField):
                seen = memo.setdefault(i, {})
                if len(seen) > _MEMO_LIMIT:
                    seen.clear()
                (jsons if isinstance(f, models.JSONField) else dated).append((i, adapter, seen))
            else:
                plain.append((i, adapter))
        defaults = []
        for f in fields[given:]:
            value = now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            adapter = self._adapter(f)
            defaults.append(value if adapter is None or value is None else adapter(value))
        params: list[list[Any]] = []
        append = params.append
        for row_values in values:
            row = [*row_values, *defaults]
            for i, adapter in plain:
                value = row[i]
                if value is not None:
                    row[i] = adapter(value)
            # A date, or a datetime (equal ones, in whatever time zone, are the same instant), is its own key.
            for i, adapter, seen in dated:
                value = row[i]
                if value is not None:
                    adapted = seen.get(value)
                    row[i] = adapted if adapted is not None else seen.setdefault(value, adapter(value))
            # A JSON object's key carries its values' types, so 1, 1.0 and True stay apart.
            for i, adapter, seen in jsons:
                value = row[i]
                if value is None:
                    continue
                try:
                    key = tuple((k, v.__class__, v) for k, v in value.items())
                    adapted = seen.get(key)
                except (AttributeError, TypeError):  # not an object, or a list or an object inside
                    row[i] = adapter(value)
                    continue
                row[i] = adapted if adapted is not None else seen.setdefault(key, adapter(value))
            append(row)
        return params

    def insert(self, params: Sequence[Sequence[Any]], *, returning: bool = False) -> list[int]:
        """Insert rows made by ``rows``; with ``returning``, the new ids in the order of the rows (else ``[]``).

        The fastest statement differs by database: on PostgreSQL one ``INSERT … SELECT FROM UNNEST(arrays)`` per
        call (a parameter per column, as ``bulk_create`` does there; with RETURNING the ids come in the order of
        the rows, which ``bulk_create`` relies on too); on SQLite, which runs in-process, one prepared statement run
        for every row (``executemany``). The ids of those are consecutive and end at ``last_insert_rowid()``: the
        transaction holds SQLite's only write lock (``transaction_mode`` IMMEDIATE) and the table's ids only grow.
        """
        if not params:
            return []
        fields = self._fields
        quote = connection.ops.quote_name
        assert self.model._meta.pk is not None
        pk = quote(str(self.model._meta.pk.column))
        table = quote(self.model._meta.db_table)
        # Only names from the model's metadata are interpolated; every value is a bound parameter.
        head = "INSERT INTO {} ({}) ".format(table, ", ".join(quote(str(f.column)) for f in fields))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Without the length (varchar(20)[] → varchar[]), as bulk_create does, so nothing is truncated.
                arrays = ", ".join(f"(%s)::{str(f.db_type(connection)).split('(')[0]}[]" for f in fields)
                tail = f" RETURNING {pk}" if returning else ""
                sql = f"{head}SELECT * FROM UNNEST({arrays}){tail}"  # noqa: S608
                cursor.execute(sql, [list(column) for column in zip(*params, strict=True)])
                return [row[0] for row in cursor.fetchall()] if returning else []
            one_row = "({})".format(", ".join(["%s"] * len(fields)))
            cursor.executemany(f"{head}VALUES {one_row}", params)
            if not returning:
                return []
            assert connection.in_atomic_block, "ids of an executemany are only known under the write lock"
            cursor.execute("SELECT last_insert_rowid()")
            last = int(cursor.fetchone()[0])
            first = last - len(params) + 1
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {pk} BETWEEN %s AND %s", [first, last])  # noqa: S608
            if cursor.fetchone()[0] != len(params):
                raise RuntimeError(f"{self.model.__name__}: the new ids are not {first}…{last}")
        return list(range(first, last + 1))


# Values per ``IN (…)`` where the database does not say (PostgreSQL takes up to 65,535 parameters).
_LOOKUP_CHUNK = 10_000
# Distinct values remembered per column by ``_Insert.rows``.
_MEMO_LIMIT = 100_000
_CASES = _Insert(
    Manifestation,
    (
        "protocol",
        "requester_id",
        "entity_id",
        "instance_id",
        "medium_id",
        "record_type_id",
        "subject_id",
        "policy_id",
        "anonymous",
        "name_confidential",
        "description",
        "state",
        "city",
        "status",
        "received_at",
        "received_on",
        "due_on",
        "concluded_at",
        "closed_at",
        "merits",
        "merits_reason",
        "resolved",
        "rating",
        "interaction_count",
        "imported",
        "source_key",
    ),
)
_CASE_PROTOCOL = _CASES.position("protocol")
_CASE_REQUESTER = _CASES.position("requester_id")
_CASE_ENTITY = _CASES.position("entity_id")
_CASE_SUBJECT = _CASES.position("subject_id")
_EVENTS = _Insert(Event, ("manifestation_id", "kind", "created_at", "actor_label", "body", "params"))
_EVENT_CASE = _EVENTS.position("manifestation_id")
_REQUESTERS = _Insert(Requester, ("kind", "document_hash", "email_hash", *_REQUESTER_FIELDS))
_FORWARDS = _Insert(Forward, ("manifestation_id", "area_id", "question", "due_on", "created_at", "reply", "replied_at"))


def resolve_stand_ins(batch: PreparedBatch, ids: dict[int, int]) -> None:
    """Put the real ids of entities and subjects in place of their stand-ins (negative ids: ``Batches.defer``)."""
    for row in batch.cases:
        if row[_CASE_ENTITY] < 0:
            row[_CASE_ENTITY] = ids[row[_CASE_ENTITY]]
        subject = row[_CASE_SUBJECT]
        if subject is not None and subject < 0:
            row[_CASE_SUBJECT] = ids[subject]


class Preparer:
    """Turns records into a ``PreparedBatch``: adapted values, blind indexes, personal data encrypted if asked.

    One per import run (or per process of it): it remembers the dates and JSON values it adapted.
    """

    def __init__(self) -> None:
        self._memos: dict[str, dict[int, dict[Any, Any]]] = {"cases": {}, "events": {}}

    def __call__(self, records: Sequence[CaseRecord], *, encrypt: bool = False) -> PreparedBatch:
        """The batch of ``records``; personal data encrypted with ``encrypt`` (or when no requester of the batch can
        be on file), else when a requester is written."""
        memos = self._memos
        requesters: list[PreparedRequester | None] = []
        for r in records:
            if r.requester is None:
                requesters.append(None)
                continue
            fields = r.requester.fields
            document, email = fields.get("document"), fields.get("email")
            document_hash = blind_index(document) if document else ""
            email_hash = blind_index(email) if email else ""
            values = (r.requester.kind, document_hash, email_hash, *[fields.get(f, "") for f in _REQUESTER_FIELDS])
            requesters.append((document_hash, email_hash, values))
        # Requesters with neither CPF/CNPJ nor e-mail are never found on file (open data, OPIN files): when the batch
        # has no others, all will be written, so adapting them here wastes nothing and spares the writing process.
        if encrypt or not any(r[0] or r[1] for r in requesters if r is not None):
            encrypt = True
            adapted = iter(_REQUESTERS.rows([r[2] for r in requesters if r is not None]))
            requesters = [None if r is None else (r[0], r[1], next(adapted)) for r in requesters]
        case_values = (
            (
                r.protocol,
                None,
                r.entity_id,
                r.instance,
                r.medium,
                r.record_type,
                r.subject_id,
                r.policy,
                r.anonymous,
                r.name_confidential,
                r.description,
                r.state,
                r.city[:120],
                r.status,
                r.received_at,
                r.received_on,
                r.due_on,
                r.concluded_at,
                r.closed_at,
                r.merits,
                r.merits_reason,
                r.resolved,
                r.rating,
                r.interaction_count,
                r.imported,
                r.source_key,
            )
            for r in records
        )
        cases = _CASES.rows(case_values, memos["cases"])
        event_values = ((None, e.kind, e.at, e.actor_label, e.body, e.params) for r in records for e in r.events)
        event_rows = iter(_EVENTS.rows(event_values, memos["events"]))
        return PreparedBatch(
            source_keys=[r.source_key for r in records],
            protocols=[r.protocol for r in records],
            years=[r.received_on.year for r in records],
            cases=cases,
            requesters=requesters,
            events=[[next(event_rows) for _ in r.events] for r in records],
            forwards=[r.forwards for r in records],
            requesters_adapted=encrypt,
        )
