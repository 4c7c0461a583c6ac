"""Calendar changes recompute open deadlines in the background, after the change commits."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from ouvidoria.cases.tests.factories import EntityFactory, register
from ouvidoria.entities.services import entity_closure_add
from ouvidoria.notify import tasks

pytestmark = pytest.mark.django_db


def test_closure_queues_the_recompute_for_after_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    entity = EntityFactory()
    case = register(entity, received_at=datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("America/Sao_Paulo")))
    queued = []
    monkeypatch.setattr(tasks, "HUEY", SimpleNamespace(immediate=False))
    monkeypatch.setattr(tasks, "deadlines_recompute_task", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert entity_closure_add(entity=entity, day=date(2026, 12, 1), reason="Feriado municipal") is None
        assert queued == []  # nothing before the commit
    assert len(callbacks) == 1
    assert queued == [(entity.pk, "Calendário da entidade alterado (01/12/2026).", date(2026, 12, 1))]
    case.refresh_from_db()
    assert case.due_on == date(2026, 12, 7)  # the worker moves it


def test_in_immediate_mode_the_recompute_runs_at_once_and_says_how_many_moved():
    entity = EntityFactory()
    case = register(entity, received_at=datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("America/Sao_Paulo")))
    assert entity_closure_add(entity=entity, day=date(2026, 12, 1), reason="Feriado municipal") == 1
    case.refresh_from_db()
    assert case.due_on == date(2026, 12, 8)
