import multiprocessing

import pytest
from django.db import connection, connections

from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, register
from ouvidoria.entities.models import Entity
from ouvidoria.rules.protocol import is_valid_protocol

PROCESSES = 4
PER_PROCESS = 15


def _register_many(entity_id: int) -> list[str]:
    connections.close_all()  # a forked child must open its own connection
    entity = Entity.objects.get(pk=entity_id)
    protocols = [register(entity).protocol for _ in range(PER_PROCESS)]
    connections.close_all()
    return protocols


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_share_a_protocol():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server shared between processes (PostgreSQL)")
    entity = EntityFactory()
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        batches = pool.map(_register_many, [entity.pk] * PROCESSES)
    protocols = [p for batch in batches for p in batch]
    assert len(protocols) == PROCESSES * PER_PROCESS
    assert len(set(protocols)) == len(protocols)
    assert all(is_valid_protocol(p) for p in protocols)
    assert Manifestation.objects.count() == len(protocols)
