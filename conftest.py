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


@pytest.fixture(autouse=True)
def _fresh_caches(request: pytest.FixtureRequest) -> Iterator[None]:
    # Imported here so the pure-rules tests also run without Django (`-p no:django`).
    from django.core.cache import cache

    from ouvidoria.cases import catalogue_cache
    from ouvidoria.entities.services import calendars_forget

    catalogue_cache.clear()
    calendars_forget()
    cache.clear()  # the portal's rate limits
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and bool(marker.kwargs.get("transaction"))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        # Transactional tests flush the database, catalogues included: put them back.
        from ouvidoria.catalogue.services import catalogues_load

        request.getfixturevalue("transactional_db")
        catalogues_load()
    yield
    catalogue_cache.clear()
