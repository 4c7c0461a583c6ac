"""The auditor lists, filters and exports the reads of personal data; the exports and the staff e-mails carry no
requester identity."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from ouvidoria.api.models import ApiToken
from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, register, signed_in, staff_user
from ouvidoria.notify.jobs import area_reminders_send, deadline_warnings_send, overdue_escalate
from ouvidoria.notify.models import OutboundEmail

pytestmark = pytest.mark.django_db

NAME, CPF, EMAIL = "Quitéria Valadares", "529.982.247-25", "quiteria@exemplo.com.br"


@pytest.fixture
def entity():
    return EntityFactory.create(slug="auditada")


@pytest.fixture
def case(entity):
    return register(entity, requester=services.RequesterData(document=CPF, name=NAME, email=EMAIL))


def _period(**extra):
    today = timezone.localdate()
    return {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat(), **extra}


def test_the_auditor_sees_each_read_by_page_api_session_and_token(entity, case):
    analyst = staff_user("analyst", entities=[entity], username="ana")
    signed_in(analyst).post(reverse("workspace:case_personal_data", args=[case.protocol]))
    session = APIClient()
    session.force_authenticate(analyst)
    session.get(f"/api/v1/manifestations/{case.protocol}/")
    _, key = ApiToken.issue(name="crm-da-casa", entities=[entity])
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    token.get(f"/api/v1/manifestations/{case.protocol}/")

    auditor = signed_in(staff_user("auditor", entities=[entity]))
    page = auditor.get(reverse("audit:reads"))
    assert page.status_code == 200
    text = page.content.decode()
    for expected in ("ana", "api:crm-da-casa", "Dados completos (a pedido)", "API (sessão)", "API (token)"):
        assert expected in text, expected
    assert case.formatted_protocol in text
    assert "nome, nome social" not in text  # no social name on file
    assert "nome, CPF/CNPJ, e-mail" in text
    # The screen names whose data was read by protocol only, never by the data itself.
    for secret in (NAME, EMAIL, "52998224725"):
        assert secret not in text


def test_the_auditor_filters_by_person_protocol_and_channel(entity, case):
    other = register(entity)
    analyst = staff_user("analyst", entities=[entity], username="ana")
    attendant = staff_user("attendant", entities=[entity], username="beto")
    signed_in(analyst).get(reverse("workspace:case", args=[case.protocol]))
    signed_in(attendant).get(reverse("workspace:case", args=[other.protocol]))
    auditor = signed_in(staff_user("auditor", entities=[entity]))

    by_person = auditor.get(reverse("audit:reads"), _period(who="beto"))
    assert [r.actor_label for r, _ in by_person.context["rows"]] == ["beto"]
    by_protocol = auditor.get(reverse("audit:reads"), _period(protocol=case.formatted_protocol))
    assert [r.manifestation_id for r, _ in by_protocol.context["rows"]] == [case.pk]
    by_channel = auditor.get(reverse("audit:reads"), _period(channel="workspace_full"))
    assert by_channel.context["rows"] == []


def test_the_period_is_checked_and_a_bad_date_is_named(entity):
    auditor = signed_in(staff_user("auditor", entities=[entity]))
    response = auditor.get(reverse("audit:reads"), {"date_from": "2026-13-01", "date_to": "2026-01-01"})
    assert response.status_code == 400
    assert "De: informe uma data válida." in response.content.decode()
    backwards = auditor.get(reverse("audit:reads"), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "Até: o fim do período é anterior ao início." in backwards.content.decode()


def test_the_period_exports_as_csv_and_xlsx(entity, case):
    analyst = staff_user("analyst", entities=[entity], username="ana")
    signed_in(analyst).post(reverse("workspace:case_personal_data", args=[case.protocol]))
    auditor = signed_in(staff_user("auditor", entities=[entity]))

    exported = auditor.get(reverse("audit:reads_export", args=["csv"]), _period())
    assert exported.status_code == 200
    assert 'filename="acessos-dados-pessoais-' in exported["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Data e hora", "Quem", "Protocolo"]
    assert [(r[1], r[2], r[4], r[5]) for r in rows[1:]] == [
        ("ana", case.formatted_protocol, "nome, CPF/CNPJ, e-mail", "Dados completos (a pedido)"),
    ]

    xlsx = auditor.get(reverse("audit:reads_export", args=["xlsx"]), _period())
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True).active
    assert sheet is not None
    assert len(list(sheet.iter_rows(values_only=True))) == 2


def test_only_auditors_reach_the_screen_and_only_for_their_entities(entity, case):
    for role in ("attendant", "analyst", "ombudsman", "area", "manager", "admin"):
        client = signed_in(staff_user(role, entities=[entity]))
        assert client.get(reverse("audit:reads")).status_code == 404, role
        assert client.get(reverse("audit:reads_export", args=["csv"])).status_code == 404, role
    analyst = staff_user("analyst", entities=[entity])
    signed_in(analyst).get(reverse("workspace:case", args=[case.protocol]))
    elsewhere = signed_in(staff_user("auditor", entities=[EntityFactory.create(slug="outra")]))
    assert elsewhere.get(reverse("audit:reads")).context["rows"] == []


def test_exports_and_staff_emails_carry_no_identity(entity, case):
    """E-mails to staff (warnings, escalations, area reminders) name the protocol, never the requester."""
    area = AreaFactory.create(entity=entity, email="financeiro@entidade.example")
    ombudsman = staff_user("ombudsman", entities=[entity], email="ouvidor@entidade.example")
    services.manifestation_forward(case, area=area, question=f"{NAME} pagou?", actor=ombudsman)
    case.refresh_from_db()
    services.manifestation_assign(case, assignee=ombudsman, actor=ombudsman)
    for day in (case.due_on - timedelta(days=1), case.due_on, case.due_on + timedelta(days=3)):
        deadline_warnings_send(today=day)
        overdue_escalate(today=day)
        area_reminders_send(today=day)
    staff_mail = OutboundEmail.objects.exclude(recipient=EMAIL)
    assert staff_mail.exists()
    for mail in staff_mail:
        text = f"{mail.subject}\n{mail.body}"
        for secret in ("Quitéria", EMAIL, "52998224725"):
            assert secret not in text


def test_the_opin_annex_and_the_dashboard_carry_no_identity(entity):
    from ouvidoria.cases.models import Manifestation
    from ouvidoria.indicators.selectors import indicators
    from ouvidoria.opin.services import opin_records
    from ouvidoria.opin.tests.test_export import case as opin_case
    from ouvidoria.rules.opin import Quarter

    entity.opin_participant = True
    entity.save()
    received = timezone.make_aware(timezone.datetime(2025, 2, 10, 10, 0))
    opin_case(entity, received, requester=services.RequesterData(document=CPF, name=NAME, email=EMAIL, gender="F"))
    records = list(opin_records(entity, Quarter(2025, 1)))
    assert records
    text = repr(records) + repr(indicators(Manifestation.objects.all(), date(2025, 1, 1), date(2025, 3, 31)))
    for secret in ("Quitéria", EMAIL, "52998224725", "982.247"):
        assert secret not in text
