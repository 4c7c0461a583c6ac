"""Shared test fixtures: catalogues present, fresh per-process caches, three kinds of caller."""

import logging
import re
from collections.abc import Iterator

import pytest

# Issue 19: no personal data in application logs. Every record any logger emits during the suite, at the levels the
# product logs at, is searched for a CPF/CNPJ or an e-mail address; the session fails naming each one (the journeys of
# the suite register, answer, forward and export cases for requesters with CPFs and e-mails).
_PERSONAL = re.compile(
    r"(?<!\d)(\d{3}\.\d{3}\.\d{3}-\d{2}|\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2})(?!\d)|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)


class _PersonalDataInLogs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a badly formatted record is not this check's business
            text = str(record.msg)
        if _PERSONAL.search(text):
            self.found.append(f"{record.name} [{record.levelname}] {text[:300]}")


_LOG_WATCH = _PersonalDataInLogs()


def pytest_configure(config: pytest.Config) -> None:
    # First among the root's handlers: it reads each record as the code wrote it, before the handlers' filter takes
    # personal data out of it (ouvidoria/lib/logfilter.py), so it still catches code that logs some.
    logging.getLogger().handlers.insert(0, _LOG_WATCH)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _LOG_WATCH.found:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["Dados pessoais nos logs da aplicação (CPF/CNPJ ou e-mail):", *sorted(set(_LOG_WATCH.found))[:50]]
        if reporter is not None:
            reporter.write_line("\n" + "\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and bool(marker.kwargs.get("transaction"))
    if transactional or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        # Transactional tests flush the database, catalogues included: put them back.
        from ouvidoria.catalogue.services import catalogues_load

        request.getfixturevalue("transactional_db")
        catalogues_load()
    yield
    catalogue_cache.clear()
