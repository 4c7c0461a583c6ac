"""Reading the chain back: recompute every record's hash and every sealed row's digest, match the anchors.

A row rewritten on purpose (an anonymisation, ``services.redactions_record``) is checked against the digest of its
last sealed ``Redaction`` instead of the one sealed first: the redaction is itself on the chain, naming the
maintenance use that allowed it, so the rewrite is verifiable and any other change of the row is still reported.

Kinds of problem, in the auditor's words (``PROBLEM_LABELS``): a sealed row altered, deleted or out of order, a row
inserted with an id the chain had already passed, a record whose hash does not follow (the chain edited or
reordered), and an anchor the chain no longer matches (the whole chain rewritten).
"""

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from ouvidoria.audit.chain import GENESIS, record_hash, row_digest
from ouvidoria.audit.models import Anchor, ChainRecord, Redaction, Verification
from ouvidoria.audit.services import SOURCES, source_columns

CHUNK = 20000
PROBLEM_LABELS = {
    "altered": "registro alterado",
    "deleted": "registro apagado",
    "inserted": "registro inserido fora da cadeia",
    "broken": "cadeia alterada ou reordenada",
    "reordered": "registro fora de ordem",
    "anchor": "cadeia não confere com a âncora",
}
KEEP = 20  # problems kept in full; the rest are counted


@dataclass(frozen=True)
class Problem:
    kind: str
    seq: int  # where in the chain it was found (for an inserted row: the next sealed record of its table)
    source: str
    source_id: int
    detail: str = ""

    def describe(self) -> str:
        where = f"registro #{self.seq}" if self.seq else "fim da cadeia"
        row = f"{self.source} id {self.source_id}" if self.source else ""
        return (
            f"{PROBLEM_LABELS[self.kind]}: {where}"
            + (f" ({row})" if row else "")
            + (f" — {self.detail}" if self.detail else "")
        )


@dataclass
class Report:
    records: int = 0
    rows: int = 0
    anchors: int = 0
    redacted: int = 0  # rows checked against an authorised redaction
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PROBLEM_LABELS, 0))
    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.counts[problem.kind] += 1
        if len(self.problems) < KEEP * 10:
            self.problems.append(problem)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def first(self) -> Problem | None:
        return min(self.problems, key=lambda p: (p.seq or 2**63, p.source_id)) if self.problems else None

    @property
    def per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def _chunks(qs: Any, key: str) -> Iterator[Any]:
    """Keyset pagination: constant memory and no server-side cursor, alike on SQLite and PostgreSQL."""
    last: Any = None
    while True:
        page = qs if last is None else qs.filter(**{f"{key}__gt": last})
        rows = list(page[:CHUNK])
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def _walk_chain(report: Report, anchors: dict[int, set[str]]) -> None:
    prev, expected_seq = GENESIS, 1
    last_id: dict[str, int] = {}
    seen: dict[int, str] = {}
    records = ChainRecord.objects.order_by("seq").values_list(
        "seq", "source", "source_id", "digest", "prev_hash", "hash"
    )
    for seq, source, source_id, digest, prev_hash, stored in _chunks(records, "seq"):
        report.records += 1
        if seq != expected_seq:
            report.add(Problem("broken", seq, source, source_id, f"esperava o registro #{expected_seq}"))
        if prev_hash != prev or stored != record_hash(prev_hash, seq, source, source_id, digest):
            report.add(Problem("broken", seq, source, source_id, "o hash não confere"))
        if source_id <= last_id.get(source, 0):
            report.add(Problem("reordered", seq, source, source_id))
        last_id[source] = max(source_id, last_id.get(source, 0))
        if seq in anchors:
            seen[seq] = stored
        prev, expected_seq = stored, seq + 1
    for seq, hashes in anchors.items():
        for wanted in hashes:
            report.anchors += 1
            if seen.get(seq) != wanted:
                found = seen.get(seq, "nenhum (cadeia mais curta)")
                report.add(Problem("anchor", seq, "", 0, f"âncora {seq}:{wanted[:12]}…, cadeia {found[:12]}…"))


def _redactions(name: str) -> Iterator[tuple[int, str]]:
    """(row id, expected digest) for each row of ``name`` with a sealed redaction, the last one, in row order.
    Keyset pagination over (source_id, id), like ``_chunks``."""
    top = ChainRecord.objects.filter(source="redaction").aggregate(top=Max("source_id"))["top"] or 0
    qs = Redaction.objects.filter(source=name, pk__lte=top).order_by("source_id", "id")
    last: tuple[int, int] | None = None
    current: tuple[int, str] | None = None
    while True:
        page = qs if last is None else qs.filter(Q(source_id__gt=last[0]) | Q(source_id=last[0], id__gt=last[1]))
        rows = list(page.values_list("source_id", "id", "digest")[:CHUNK])
        if not rows:
            break
        for source_id, pk, digest in rows:
            if current is not None and current[0] != source_id:
                yield current
            current = (source_id, digest)
            last = (source_id, pk)
    if current is not None:
        yield current


def _merge(report: Report, name: str) -> None:
    """Walk the sealed records of one table and its live rows up to the highest sealed id, both in id order."""
    model = SOURCES[name]
    columns = source_columns(model)
    top = ChainRecord.objects.filter(source=name).aggregate(top=Max("source_id"))["top"] or 0
    sealed: Iterable[tuple[int, int, str]] = _chunks(
        ChainRecord.objects.filter(source=name).order_by("source_id").values_list("source_id", "seq", "digest"),
        "source_id",
    )
    live = _chunks(model._default_manager.filter(pk__lte=top).order_by("pk").values_list(*columns), "pk")
    redactions = _redactions(name)
    redaction = next(redactions, None)
    row = next(live, None)
    for source_id, seq, digest in sealed:
        while row is not None and row[0] < source_id:
            report.add(Problem("inserted", seq, name, row[0]))
            report.rows += 1
            row = next(live, None)
        if row is None or row[0] > source_id:
            report.add(Problem("deleted", seq, name, source_id))
            continue
        report.rows += 1
        while redaction is not None and redaction[0] < source_id:
            redaction = next(redactions, None)
        if redaction is not None and redaction[0] == source_id:
            digest = redaction[1]
            report.redacted += 1
        if row_digest(columns, row) != digest:
            report.add(Problem("altered", seq, name, source_id))
        row = next(live, None)
    while row is not None:  # cannot happen (top is a sealed id) unless rows appear while verifying
        report.add(Problem("inserted", 0, name, row[0]))
        row = next(live, None)


def chain_verify(*, extra_anchors: Iterable[tuple[int, str]] = (), record: bool = True) -> Report:
    """Check the chain, every sealed row and every anchor (the stored ones and those given by hand)."""
    started = time.perf_counter()
    report = Report()
    anchors: dict[int, set[str]] = {}
    for seq, wanted in [*Anchor.objects.values_list("seq", "hash"), *extra_anchors]:
        anchors.setdefault(seq, set()).add(wanted.lower())
    _walk_chain(report, anchors)
    for name in SOURCES:
        _merge(report, name)
    report.seconds = time.perf_counter() - started
    if record:
        first = report.first
        Verification.objects.create(
            ran_at=timezone.now(),
            records=report.records,
            anchors=report.anchors,
            seconds=report.seconds,
            problems=report.total,
            first_problem=first.describe() if first else "",
        )
    return report
