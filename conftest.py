"""Shared test fixtures: catalogues present, fresh per-process caches, three kinds of caller."""

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_at_once() -> None:
    """Background jobs run at once, in the test's thread, on huey's in-memory storage."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from huey.contrib.djhuey import HUEY
    except ImproperlyConfigured:  # the pure-rules tests run without Django (`-p no:django`)
        return
    HUEY.immediate = True


@pytest.fixture(autouse=True, scope="session")
def _flushes_pass_the_audit_triggers() -> Iterator[None]:
    """Transactional tests end with a flush (TRUNCATE), which PostgreSQL's append-only triggers refuse: the test
    connection opens the audit's maintenance hatch for the flush alone, at session level (docs/security.md)."""
    try:
        from django.test import TransactionTestCase
    except ImportError:  # pragma: no cover
        yield
        return
    from django.db import connections

    original = getattr(TransactionTestCase, "_fixture_teardown")  # noqa: B009 (private, not in the stubs)

    def teardown(self: TransactionTestCase) -> None:
        postgres = [c for c in connections.all() if c.vendor == "postgresql"]
        for conn in postgres:
            with conn.cursor() as cursor:
                cursor.execute("SET ouvidoria.audit_maintenance = 'on'")
        try:
            original(self)
        finally:
            for conn in postgres:
                with conn.cursor() as cursor:
                    cursor.execute("RESET ouvidoria.audit_maintenance")

    setattr(TransactionTestCase, "_fixture_teardown", teardown)  # noqa: B010
    yield
    setattr(TransactionTestCase, "_fixture_teardown", original)  # noqa: B010


@pytest.fixture(autouse=True)
def _fresh_caches(request: pytest.FixtureRequest) -> Iterator[None]:
    # Imported here so the pure-rules tests also run without Django (`-p no:django`).
    from django.core.cache import cache

    from ouvidoria.cases import catalogue_cache
    from ouvidoria.entities.services import calendars_forget

    catalogue_cache.clear()
    calendars_forget()
    cache.clear()  # the portal's rate limits
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        # Transactional tests flush the database, catalogues included: put them back.
        from ouvidoria.catalogue.services import catalogues_load

        request.getfixturevalue("transactional_db")
        catalogues_load()
    yield
    catalogue_cache.clear()
