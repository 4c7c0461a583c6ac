"""Seed 001: the Diretor answers for the semiannual report (VIII), which is published on the entity's site
("Relatório Semestral": "divulgar semestralmente, nos respectivos sítios eletrônicos"); RN 323 art. 4 §1: the ANS
yearly report is sent to the ANS at the end of each calendar year, and the Ouvidor is reminded before."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from ouvidoria.cases.tests.factories import EntityFactory, signed_in, staff_user
from ouvidoria.reports import publication
from ouvidoria.reports.tests.test_reports import generated

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return EntityFactory.create(regime="bcb", slug="consorcio", name="Consórcio Alfa")


def test_the_diretor_signs_off_the_semiannual_report_and_only_then_it_is_published_on_the_portal(
    bank, django_capture_on_commit_callbacks
):
    report = generated(bank, "bcb-semiannual", date(2026, 3, 1), django_capture_on_commit_callbacks)
    ouvidor = signed_in(staff_user("ombudsman", entities=[bank]))
    url = reverse("reports:detail", args=[report.pk])
    ouvidor.post(url, {"publish": "1"})
    report.refresh_from_db()
    assert report.published_at is None  # not before the Diretor's sign-off
    assert Client().get(reverse("portal:reports", args=["consorcio"])).content.decode().count(".pdf") == 0

    assert ouvidor.post(url, {"signoff": "1"}).status_code == 404  # the Ouvidor does not sign for the Diretor
    director = staff_user("director", entities=[bank], first_name="Dora", last_name="Diretora")
    page = signed_in(director).get(url).content.decode()
    assert "Aprovar como Diretor responsável pela Ouvidoria" in page
    signed_in(director).post(url, {"signoff": "1"})
    report.refresh_from_db()
    assert report.signed_off_by == director
    assert "aprovado por Dora Diretora" in ouvidor.get(url).content.decode()

    ouvidor.post(url, {"publish": "1"})
    report.refresh_from_db()
    assert report.published_at is not None
    public = Client().get(reverse("portal:reports", args=["consorcio"])).content.decode()
    assert "Relatório semestral — 1º semestre de 2026" in public
    pdf = Client().get(reverse("portal:report_pdf", args=["consorcio", report.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert (
        "Relatórios semestrais da Ouvidoria"
        in Client().get(reverse("portal:entity", args=["consorcio"])).content.decode()
    )


def test_an_unpublished_report_is_not_on_the_portal(bank, django_capture_on_commit_callbacks):
    monthly = generated(bank, "bcb-monthly", date(2026, 10, 1), django_capture_on_commit_callbacks)
    assert Client().get(reverse("portal:report_pdf", args=["consorcio", monthly.pk])).status_code == 404
    with pytest.raises(ValidationError):
        publication.report_publish(monthly, actor=staff_user("ombudsman", entities=[bank]))


def test_the_ans_yearly_report_is_marked_sent_and_the_ouvidor_is_reminded_until_it_is(
    django_capture_on_commit_callbacks,
):
    health = EntityFactory.create(regime="ans", slug="vida", ombudsman_email="ouvidoria@vida.example")
    # Before the window: nothing; 10 days before 31/01: one reminder, once.
    assert publication.report_reminders_send(today=date(2026, 1, 5)) == []
    with django_capture_on_commit_callbacks(execute=True):
        given = publication.report_reminders_send(today=date(2026, 1, 21))
    assert [(r.kind, r.period_start, r.level) for r in given] == [("ans-yearly", date(2025, 1, 1), 10)]
    assert publication.report_reminders_send(today=date(2026, 1, 22)) == []
    (email,) = mail.outbox
    assert email.to == ["ouvidoria@vida.example"]
    assert "31/01/2026" in email.subject
    assert "Ouvidoria da ANS" in email.body

    report = generated(health, "ans-yearly", date(2025, 6, 1), django_capture_on_commit_callbacks)
    ouvidor = signed_in(staff_user("ombudsman", entities=[health]))
    ouvidor.post(reverse("reports:detail", args=[report.pk]), {"sent": "1", "reference": "ANS-2026-0042"})
    report.refresh_from_db()
    assert (report.sent_reference, report.sent_at is not None) == ("ANS-2026-0042", True)
    assert publication.report_reminders_send(today=date(2026, 1, 31)) == []  # sent: no more reminders
    with pytest.raises(ValidationError):
        publication.report_mark_sent(report, actor=staff_user("ombudsman", entities=[health], username="outro"))


def test_a_late_yearly_report_keeps_being_recalled_on_the_day_and_after(django_capture_on_commit_callbacks):
    EntityFactory.create(regime="ans", slug="vida", ombudsman_email="ouvidoria@vida.example")
    levels = [
        [r.level for r in publication.report_reminders_send(today=day)]
        for day in (date(2027, 1, 30), date(2027, 1, 31), date(2027, 2, 3))
    ]
    assert levels == [[1], [0], []]  # "vence hoje" once; late is the same level, not repeated daily
