"""The periodic jobs: warnings, escalations and area reminders, each given once."""

import json
import logging
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, register, staff_user
from ouvidoria.entities.services import entity_calendar
from ouvidoria.notify.jobs import area_reminders_send, deadline_warnings_send, overdue_escalate

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity():
    return EntityFactory(regime="ans", ombudsman_email="ouvidoria@entidade.example")


@pytest.fixture
def ombudsman(entity):
    return staff_user("ombudsman", entities=[entity], email="ouvidor@entidade.example")


def recipients():
    return sorted(address for email in mail.outbox for address in email.to)


def test_warning_before_the_deadline_goes_to_the_assignee_and_the_ouvidor_once(entity, ombudsman):
    analyst = staff_user("analyst", entities=[entity], email="analista@entidade.example")
    m = services.manifestation_assign(register(entity), assignee=analyst, actor=None)
    mail.outbox.clear()
    day_before = entity_calendar(entity).add_business_days(m.due_on, -1)
    result = deadline_warnings_send(today=day_before)
    assert result["warnings"] == 1
    assert recipients() == ["analista@entidade.example", "ouvidor@entidade.example", "ouvidoria@entidade.example"]
    assert "Prazo próximo" in mail.outbox[0].subject
    assert deadline_warnings_send(today=day_before)["warnings"] == 0
    assert len(mail.outbox) == 3


def test_due_today_is_a_second_warning_and_nothing_outside_the_window(entity, ombudsman):
    m = register(entity)
    calendar = entity_calendar(entity)
    assert deadline_warnings_send(today=calendar.add_business_days(m.due_on, -3))["cases"] == 0
    deadline_warnings_send(today=calendar.add_business_days(m.due_on, -2))
    deadline_warnings_send(today=m.due_on)
    deadline_warnings_send(today=m.due_on)
    subjects = [email.subject for email in mail.outbox if email.to == ["ouvidor@entidade.example"]]
    assert len(subjects) == 2
    assert "vence hoje" in subjects[1]


def test_a_deadline_moved_by_an_extension_is_warned_again(entity, ombudsman):
    m = register(entity)
    first_due = m.due_on
    deadline_warnings_send(today=first_due)
    m = services.deadline_extend(
        m, justification="Aguardamos o laudo da perícia.", days=5, agreed_with_requester=True, actor=None
    )
    assert m.due_on > first_due
    mail.outbox.clear()
    deadline_warnings_send(today=m.due_on)
    assert recipients() == ["ouvidor@entidade.example", "ouvidoria@entidade.example"]


def test_closed_or_answered_cases_get_no_warning(entity, ombudsman):
    m = register(entity)
    m = services.manifestation_set_merits(m, reason="no_breach", actor=None)
    services.manifestation_answer(m, body="Resposta.", actor=None)
    mail.outbox.clear()
    assert deadline_warnings_send(today=m.due_on)["cases"] == 0
    assert overdue_escalate(today=entity_calendar(entity).add_business_days(m.due_on, 1))["cases"] == 0
    assert mail.outbox == []


def test_overdue_case_is_escalated_once_with_an_event_and_an_email_to_the_ouvidor(entity, ombudsman):
    m = register(entity)
    late = entity_calendar(entity).add_business_days(m.due_on, 2)
    assert overdue_escalate(today=late) == {"cases": 1, "escalations": 1, "emails": 2}
    assert overdue_escalate(today=late)["escalations"] == 0
    (event,) = m.events.filter(kind="escalation")
    assert event.params["due"] == m.due_on.isoformat()
    assert event.params["business_days_late"] == 2
    assert recipients() == ["ouvidor@entidade.example", "ouvidoria@entidade.example"]
    assert "em atraso" in mail.outbox[0].subject


def test_escalation_is_recorded_even_with_no_ouvidor_to_write_to():
    entity = EntityFactory()
    m = register(entity)
    late = entity_calendar(entity).add_business_days(m.due_on, 1)
    assert overdue_escalate(today=late)["escalations"] == 1
    assert m.events.filter(kind="escalation").count() == 1
    assert mail.outbox == []


def test_internal_area_is_reminded_before_its_due_date_and_when_overdue(entity):
    area = AreaFactory(entity=entity, email="financeiro@entidade.example")
    m = register(entity)
    forward = services.manifestation_forward(m, area=area, question="Houve estorno?", actor=None)
    mail.outbox.clear()
    calendar = entity_calendar(entity)
    assert area_reminders_send(today=calendar.add_business_days(forward.due_on, -2))["forwards"] == 0
    day_before = calendar.add_business_days(forward.due_on, -1)
    assert area_reminders_send(today=day_before)["reminders"] == 1
    assert area_reminders_send(today=forward.due_on)["reminders"] == 0  # same level, same due date
    assert area_reminders_send(today=calendar.add_business_days(forward.due_on, 1))["reminders"] == 1
    assert recipients() == ["financeiro@entidade.example"] * 2
    assert "Houve estorno?" not in mail.outbox[0].body
    services.manifestation_area_reply(m, forward_id=forward.pk, reply="Sim.", actor=None)
    assert area_reminders_send(today=calendar.add_business_days(forward.due_on, 2))["forwards"] == 0


def test_jobs_log_no_personal_data(entity, ombudsman, caplog):
    caplog.set_level(logging.DEBUG)
    area = AreaFactory(entity=entity, email="financeiro@entidade.example")
    m = register(entity)
    services.manifestation_forward(m, area=area, question="Houve estorno?", actor=None)
    late = entity_calendar(entity).add_business_days(m.due_on, 1)
    for job in (deadline_warnings_send, overdue_escalate, area_reminders_send):
        job(today=m.due_on)
        job(today=late)
    assert mail.outbox
    assert "Deadline warnings" in caplog.text
    for personal in ("Maria", "maria@example.com", "529.982.247-25", "52998224725", "@entidade.example"):
        assert personal not in caplog.text
    assert m.protocol not in caplog.text


def test_run_jobs_command_runs_each_job_once_and_reports(entity, ombudsman):
    m = register(entity)
    out = StringIO()
    call_command("run_jobs", "--json", f"--today={m.due_on.isoformat()}", stdout=out)
    done = json.loads(out.getvalue())
    assert done["deadline_warnings"]["warnings"] == 1
    assert set(done) == {"outbox_requeued", "deadline_warnings", "overdue_escalations", "area_reminders"}
    out = StringIO()
    call_command("run_jobs", f"--today={m.due_on.isoformat()}", stdout=out)
    assert "deadline_warnings: cases: 1, warnings: 0" in out.getvalue()
