"""Issuing protocol numbers: a database sequence behind the format of ``ouvidoria.rules.protocol``."""

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ouvidoria.cases.models import ProtocolCounter
from ouvidoria.rules.protocol import make_protocol

PG_SEQUENCE = "cases_protocol_serial"


def next_serial() -> int:
    """A serial never handed out before, safe under concurrent registrations."""
    if connection.vendor == "postgresql":
        # Sequences are non-transactional: no lock is held until commit and a number is never reused.
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [PG_SEQUENCE])
            row = cursor.fetchone()
        assert row is not None
        return int(row[0])
    with transaction.atomic():
        # SQLite serializes writers (IMMEDIATE transactions), so increment-then-read cannot interleave.
        if not ProtocolCounter.objects.filter(pk=1).update(value=F("value") + 1):
            ProtocolCounter.objects.create(pk=1, value=1)
        return ProtocolCounter.objects.values_list("value", flat=True).get(pk=1)


def next_serials(count: int) -> list[int]:
    """``count`` fresh serials at once, for bulk imports."""
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [PG_SEQUENCE, count])
            return [int(row[0]) for row in cursor.fetchall()]
    with transaction.atomic():
        if not ProtocolCounter.objects.filter(pk=1).update(value=F("value") + count):
            ProtocolCounter.objects.create(pk=1, value=count)
        last = ProtocolCounter.objects.values_list("value", flat=True).get(pk=1)
    return list(range(last - count + 1, last + 1))


def protocol_issue() -> str:
    """A new protocol, given to the requester at once (seed 004: "Fornecer de imediato o número do protocolo")."""
    return make_protocol(timezone.localdate().year, next_serial())
