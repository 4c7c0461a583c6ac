"""Writing checked cases in batches; for big imports, checking them in a second process while this one writes.

Both importers (``import_cases``, ``import_consumidor_gov``) do the same thing around their own row checks: read
rows, turn the good ones into ``CaseRecord``s, and write those in batches of a few thousand, one transaction each,
leaving out what is already in the database. ``cases_write`` is that part, whatever the rows are::

    def check(batches: Batches) -> list[str]:
        errors = []
        for line, row in enumerate(rows, start=2):
            ...  # a good row: batches.add(record); a bad one: errors.append(...)
            batches.done(1)  # progress
        return errors

    written = cases_write(check, second_process=big_file)
    written.outcome, written.imported, written.already_present

The pipeline. Checking a row and preparing it for the database (adapting values, encrypting personal data, blind
indexes: ``writer.Preparer``) need the settings only; writing needs the database, which on SQLite takes one writer at
a time. So, with ``second_process``, ``check`` runs in a worker process that checks and prepares batches while this
process writes them: each side takes about half the work, and the machine's second core the worker's half.

The worker is forked (Linux only) rather than spawned: it starts at once, with Django set up, the checker's
catalogues and caches loaded and the file opened and read ahead, where "spawn" would import and set up Django again
(a second or so) and re-read all that. The database connections are closed before the fork, so that no socket or
SQLite handle is shared (a child's exit would otherwise close the parent's PostgreSQL session); hence no pipeline
inside a transaction (a test's or a caller's ``atomic``), which closing would break: there, and wherever forking is
not possible, ``check`` runs here, between the writes, with the same outcome.

The worker never writes: its connections, opened after the fork, only read (a subject not met yet, an entity's
closures) and refuse anything else. What a check must write on its way, an entity or a subject to create, this
process writes for it, through the same queue as the batches, so in file order, after the batches before it, as in
one process. ``batches.defer(create, *args)`` does not wait: the worker gets a stand-in id at once, its cases carry
it, and this process creates the object before it writes those cases and puts the real id in their place.
``batches.call(function, *args)`` waits for the result: the worker stops until this process has written every batch
sent before, and this one then waits for the worker's next batch; with ``call``, the 255 companies and subjects
created in the first lines of the benchmark's file cost over a second of such waits (docs/benchmarks.md, section 6).

Rows repeated within the file are the check's to catch (it sees every row in order). Rows already in the database
(same source key or protocol) are left out before they are prepared, so that importing a file again costs little
more than reading it; in the pipeline the worker sees only what is committed, so this process checks each batch
again against what the batches before it wrote. Requesters to reuse are found by ``CaseWriter``, which sees every
batch in order.
"""

import gc
import multiprocessing
import pickle
import queue
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from django.db import connection, connections, transaction
from django.db.models import Model

from ouvidoria.imports.writer import CaseRecord, CaseWriter, PreparedBatch, Preparer, resolve_stand_ins

T = TypeVar("T")

BATCH_SIZE = 2000
# Allocations between collections of the youngest generation during an import (Python's default is 700).
_GC_THRESHOLD = 50_000
# The SQLite page cache of the import's connection (PRAGMA cache_size).
_IMPORT_CACHE_SIZE = -128 * 1024  # KiB when negative: 128 MiB
# Pages of WAL between checkpoints during the import (PRAGMA wal_autocheckpoint; SQLite's default is 1000).
_IMPORT_CHECKPOINT_PAGES = 20_000
# Prepared batches waiting to be written, at most (bounds the memory when the worker runs ahead).
_PIPELINE_DEPTH = 4
# The worker encrypts personal data itself when at least this many batches wait to be written.
_ENCRYPT_HERE_FROM = 2
# The worker's first batch is small: the writing process has nothing to do until it comes.
_FIRST_BATCH_SIZE = 200


@dataclass(frozen=True, slots=True)
class Written(Generic[T]):
    """What ``cases_write`` did: the check's own outcome, the cases written and those already in the database."""

    outcome: T
    imported: int
    already_present: int
    # What ``Batches.defer`` had created, in order.
    created: list[Any]


class Batches:
    """What a check hands its cases to (see ``cases_write``)."""

    def add(self, record: CaseRecord) -> None:
        """A good row's case, to be written (in order, in a batch with the next ones)."""
        raise NotImplementedError

    def flush(self) -> None:
        """Have the cases added so far written now, without waiting for a full batch (e.g. at the end of a file)."""
        raise NotImplementedError

    def done(self, rows: int) -> None:
        """``rows`` more rows read, good or not: the progress of the import."""
        raise NotImplementedError

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` run in the writing process, which alone may write; its result must be picklable.

        ``function`` is sent by name: a module-level function.
        """
        raise NotImplementedError

    def defer(self, create: Callable[..., Model], *args: Any) -> int:
        """The id of the entity or subject ``create(*args)`` returns (saved), without waiting for it.

        The writing process runs ``create`` before it writes the cases added from now on. Until then the id is a
        stand-in, a negative number, that those cases carry as their ``entity_id`` or ``subject_id``; it is
        replaced there by the real one (``writer.resolve_stand_ins``). ``create`` is sent by name: a module-level
        function. What it returned ends up in ``Written.created``.
        """
        raise NotImplementedError


def cases_write(
    check: Callable[[Batches], T],
    *,
    second_process: bool,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
) -> Written[T]:
    """Run ``check`` and write the cases it adds, in batches of ``batch_size``, one transaction each.

    ``check`` reads and checks the rows, gives each good row's case to ``Batches.add`` and the rows read to
    ``Batches.done``, and returns what else it found (its errors, counts): a picklable value. Cases whose source key
    or protocol is in the database already, or earlier in the same batch, are counted, not written. ``progress``
    receives the rows done since its last call.

    With ``second_process``, when forking is possible, ``check`` runs in a forked worker while this process writes
    (see the module's docstring); its exceptions are raised here. Either way the outcome is the same.
    """
    with _fewer_collections():
        if second_process and _can_fork():
            return _write_from_worker(check, batch_size=batch_size, progress=progress)
        return _write_here(check, batch_size=batch_size, progress=progress)


class _Store:
    """This process's side: writes batches, counting what was new and what was in the database already."""

    def __init__(self) -> None:
        self.writer = CaseWriter()
        self.imported = 0
        self.already_present = 0
        self.created: list[Any] = []
        self.ids: dict[int, int] = {}  # stand-in -> id of what ``Batches.defer`` had created

    def create(self, creations: list[tuple[int, Callable[..., Model], tuple[Any, ...]]]) -> None:
        """Run deferred creations (stand-in, function, arguments), in one transaction."""
        with transaction.atomic():
            for stand_in, create, args in creations:
                self.ids[stand_in] = self.create_now(create, args)

    def create_now(self, create: Callable[..., Model], args: tuple[Any, ...]) -> int:
        created = create(*args)
        self.created.append(created)
        return int(created.pk)

    def write(self, batch: PreparedBatch, *, present: int = 0, checked: bool = False) -> None:
        """Write ``batch``'s cases not in the database yet (all of them if ``checked`` already, in this process);
        ``present`` more were found there before preparing."""
        if self.ids:
            resolve_stand_ins(batch, self.ids)
        fresh = list(range(len(batch))) if checked else _unwritten(batch.source_keys, batch.protocols)
        self.writer.write_prepared(batch.only(fresh))
        self.imported += len(fresh)
        self.already_present += present + len(batch) - len(fresh)


def _unwritten(source_keys: list[str], protocols: list[str]) -> list[int]:
    """Positions of the cases whose source key and protocol are neither in the database nor earlier in the list."""
    found_keys, found_protocols = CaseWriter.existing(source_keys, protocols)
    fresh: list[int] = []
    for i, (key, protocol) in enumerate(zip(source_keys, protocols, strict=True)):
        if key in found_keys or protocol in found_protocols:
            continue
        fresh.append(i)
        # A case repeated within the batch is present once it is written.
        if key:
            found_keys.add(key)
        if protocol:
            found_protocols.add(protocol)
    return fresh


def _leave_out_written(records: list[CaseRecord]) -> list[CaseRecord]:
    """``records`` but those already in the database (or repeated): a re-import then prepares and sends nothing.

    The worker reads what is committed; cases of batches still on their way are left out by the writing process.
    """
    fresh = _unwritten([r.source_key for r in records], [r.protocol for r in records])
    return records if len(fresh) == len(records) else [records[i] for i in fresh]


class _HereBatches(Batches):
    """``Batches`` for a check run in the writing process: each full batch is written at once."""

    def __init__(self, store: _Store, batch_size: int, progress: Callable[[int], object] | None) -> None:
        self.store = store
        self.batch_size = batch_size
        self.progress = progress
        self.pending: list[CaseRecord] = []
        self.prepare = Preparer()

    def add(self, record: CaseRecord) -> None:
        self.pending.append(record)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            fresh = _leave_out_written(self.pending)
            self.store.write(self.prepare(fresh), present=len(self.pending) - len(fresh), checked=True)
            self.pending = []

    def done(self, rows: int) -> None:
        if self.progress is not None:
            self.progress(rows)

    def call(self, function: Callable[..., T], *args: Any) -> T:
        return function(*args)

    def defer(self, create: Callable[..., Model], *args: Any) -> int:
        return self.store.create_now(create, args)


def _write_here(
    check: Callable[[Batches], T], *, batch_size: int, progress: Callable[[int], object] | None
) -> Written[T]:
    store = _Store()
    batches = _HereBatches(store, batch_size, progress)
    with _writing():
        outcome = check(batches)
        batches.flush()
    return Written(outcome, store.imported, store.already_present, store.created)


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


def _can_fork() -> bool:
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
        and not any(c.in_atomic_block for c in connections.all(initialized_only=True))
    )


def _write_from_worker(
    check: Callable[[Batches], T], *, batch_size: int, progress: Callable[[int], object] | None
) -> Written[T]:
    """Write what a forked worker (``_worker``) checks and prepares; see the module's docstring."""
    context = multiprocessing.get_context("fork")
    inbox: multiprocessing.Queue[tuple[Any, ...]] = context.Queue(maxsize=_PIPELINE_DEPTH)
    reply_reader, reply_writer = context.Pipe(duplex=False)
    connections.close_all()
    worker = context.Process(
        target=_worker, args=(check, batch_size, inbox, reply_reader), name="import-worker", daemon=True
    )
    worker.start()
    reply_reader.close()
    store = _Store()
    try:
        with _writing():
            while True:
                message = _receive(inbox, worker)
                kind = message[0]
                if kind == "batch":
                    _, batch, done, present = message
                    store.write(batch, present=present)
                elif kind == "create":
                    store.create(message[1])
                    continue
                elif kind == "call":
                    _, function, args = message
                    reply_writer.send(function(*args))
                    continue
                elif kind == "done":
                    _, outcome, done = message
                else:
                    raise message[1]
                if progress is not None and done:
                    progress(done)
                if kind == "done":
                    break
        worker.join()
    finally:
        if worker.is_alive():
            worker.terminate()
            worker.join()
        reply_writer.close()
        inbox.close()
    return Written(outcome, store.imported, store.already_present, store.created)


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


class _WorkerBatches(Batches):
    """``Batches`` for a check run in the worker: full batches are prepared and sent to the writing process."""

    def __init__(self, outbox: "multiprocessing.Queue[tuple[Any, ...]]", replies: Connection, batch_size: int):
        self.outbox = outbox
        self.replies = replies
        self.batch_size = batch_size
        self.limit = min(batch_size, _FIRST_BATCH_SIZE)
        self.pending: list[CaseRecord] = []
        self.rows = 0  # rows done since the last message, for the progress bar
        self.prepare = Preparer()
        self.creations: list[tuple[int, Callable[..., Model], tuple[Any, ...]]] = []
        self.stand_ins = 0

    def add(self, record: CaseRecord) -> None:
        self.pending.append(record)
        if len(self.pending) >= self.limit:
            self.flush()
            self.limit = self.batch_size

    def flush(self) -> None:
        self._send_creations()  # what the cases refer to is created first
        if not self.pending:
            return
        # Personal data is encrypted here when batches wait to be written (the writing process has the more to
        # do), else there, for the requesters that turn out to be new.
        fresh = _leave_out_written(self.pending)
        batch = self.prepare(fresh, encrypt=self.outbox.qsize() >= _ENCRYPT_HERE_FROM)
        self.outbox.put(("batch", batch, self.rows, len(self.pending) - len(fresh)))
        self.pending = []
        self.rows = 0

    def done(self, rows: int) -> None:
        self.rows += rows

    def call(self, function: Callable[..., T], *args: Any) -> T:
        self._send_creations()  # what was deferred is created before ``function`` runs
        self.outbox.put(("call", function, args))
        result: T = self.replies.recv()
        return result

    def _send_creations(self) -> None:
        if self.creations:
            self.outbox.put(("create", self.creations))
            self.creations = []

    def defer(self, create: Callable[..., Model], *args: Any) -> int:
        self.stand_ins -= 1
        self.creations.append((self.stand_ins, create, args))
        return self.stand_ins


def _worker(
    check: Callable[[Batches], Any],
    batch_size: int,
    outbox: "multiprocessing.Queue[tuple[Any, ...]]",
    replies: Connection,
) -> None:
    """The forked process: runs ``check``, sending prepared batches, then its outcome, to ``outbox``."""
    try:
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(_read_only))
            batches = _WorkerBatches(outbox, replies, batch_size)
            outcome = check(batches)
            batches.flush()
            outbox.put(("done", outcome, batches.rows))
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
