import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from ouvidoria.cases import agreements
from ouvidoria.cases import services as cases
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.entities.models import Entity
from ouvidoria.reports import services
from ouvidoria.reports.models import Report

pytestmark = pytest.mark.django_db
SP = ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def bank():
    return EntityFactory.create(regime="bcb", slug="consorcio", name="Consórcio Alfa")


def test_a_generated_report_is_final_and_a_change_opens_a_new_version(bank, django_capture_on_commit_callbacks):
    first = services.report_open(entity=bank, kind="bcb-agreements", reference=date(2026, 10, 5))
    assert services.report_open(entity=bank, kind="bcb-agreements", reference=date(2026, 10, 20)) == first
    with django_capture_on_commit_callbacks(execute=True):
        services.report_generate(first, actor=None)
    first.refresh_from_db()
    assert first.status == "done"
    with pytest.raises(ValidationError):
        services.report_sections_save(first, sections={})
    second = services.report_open(entity=bank, kind="bcb-agreements", reference=date(2026, 10, 1))
    assert second.version == 2


def test_reports_of_another_regime_are_refused(bank):
    with pytest.raises(ValidationError, match="não se aplica"):
        services.report_open(entity=bank, kind="ans-yearly", reference=date(2025, 1, 1))


def test_the_qualitative_sections_are_required_before_generating(bank):
    report = services.report_open(entity=bank, kind="bcb-monthly", reference=date(2026, 10, 1))
    with pytest.raises(ValidationError, match="Ações desenvolvidas"):
        services.report_generate(report, actor=None)


def test_the_agreements_spreadsheet_lists_the_month_agreements_in_pdf_and_xlsx(
    bank, django_capture_on_commit_callbacks
):
    case = register(bank, instance="ouvidoria", received_at=datetime(2026, 10, 14, 10, tzinfo=SP))
    agreements.manifestation_agreement(
        case, agreed_on=case.received_on, description="Estorno de duas parcelas", amount=Decimal("1234.56"), actor=None
    )
    report = services.report_open(entity=bank, kind="bcb-agreements", reference=case.received_on)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_generate(report, actor=None)
    report.refresh_from_db()
    assert report.status == "done", report.error
    assert report.pdf.read().startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(report.xlsx.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Protocolo"
    assert rows[1][0] == case.formatted_protocol
    assert rows[1][5] == 1234.56
    assert report.keep_until.year == report.generated_at.year + 5
    assert len(report.pdf_sha256) == 64


def test_reports_past_five_years_are_purged_with_their_files(bank, django_capture_on_commit_callbacks):
    report = services.report_open(entity=bank, kind="bcb-agreements", reference=date(2026, 10, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_generate(report, actor=None)
    report.refresh_from_db()
    path = report.pdf.path
    assert services.reports_purge(today=report.keep_until) == 0
    assert services.reports_purge(today=date(report.keep_until.year, 12, 31)) == 1
    assert not Report.objects.exists()
    import os

    assert not os.path.exists(path)


def test_the_ouvidor_writes_and_generates_managers_download_analysts_do_not_see_reports(
    bank, django_capture_on_commit_callbacks
):
    ouvidor = signed_in(staff_user("ombudsman", entities=[bank]))
    response = ouvidor.post(
        reverse("reports:new"), {"entity": "consorcio", "kind": "bcb-agreements", "period": "2026-10"}
    )
    report = Report.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        ouvidor.post(reverse("reports:detail", args=[report.pk]), {"generate": "1"})
    report.refresh_from_db()
    assert report.status == "done"
    progress = ouvidor.get(reverse("reports:progress", args=[report.pk])).content.decode()
    assert "Baixar PDF" in progress
    manager = signed_in(staff_user("manager", entities=[bank]))
    assert manager.get(reverse("reports:file", args=[report.pk, "pdf"])).status_code == 200
    assert manager.post(reverse("reports:new"), {"entity": "consorcio"}).status_code == 404
    analyst = signed_in(staff_user("analyst", entities=[bank]))
    assert analyst.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    stranger = signed_in(staff_user("manager", entities=[EntityFactory.create()]))
    assert stranger.get(reverse("reports:file", args=[report.pk, "pdf"])).status_code == 404


def test_bad_period_gets_a_portuguese_message(bank):
    ouvidor = signed_in(staff_user("ombudsman", entities=[bank]))
    page = ouvidor.post(
        reverse("reports:new"), {"entity": "consorcio", "kind": "bcb-monthly", "period": "outubro"}, follow=True
    )
    assert "Período inválido" in page.content.decode()


def generated(entity: Any, kind: str, reference: date, capture_on_commit: Any) -> Report:
    """The report of ``kind`` for the period of ``reference``, its sections written, generated (and checked done)."""
    report = services.report_open(entity=entity, kind=kind, reference=reference)
    services.report_sections_save(
        report, sections={"analysis": "Estável.", "actions": "Revisão do roteiro.", "recommendations": "Treinar."}
    )
    with capture_on_commit(execute=True):
        services.report_generate(report, actor=None)
    report.refresh_from_db()
    assert report.status == "done", report.error
    return report


def test_the_ans_yearly_report_compares_each_month_with_the_year_before(django_capture_on_commit_callbacks):
    health = EntityFactory.create(regime="ans", slug="vida")
    for when in (
        datetime(2024, 3, 10, 10, tzinfo=SP),
        datetime(2025, 3, 11, 10, tzinfo=SP),
        datetime(2025, 3, 12, 10, tzinfo=SP),
    ):
        m = register(health, instance="ouvidoria", received_at=when)
        cases.manifestation_set_merits(m, reason="contract_breach", actor=None)
        cases.manifestation_answer(m, body="Resolvido.", actor=None)
    report = generated(health, "ans-yearly", date(2025, 1, 1), django_capture_on_commit_callbacks)
    book = load_workbook(io.BytesIO(report.xlsx.read()))
    monthly = list(book["Mensal"].iter_rows(values_only=True))
    column = {title: i for i, title in enumerate(monthly[0])}
    assert len(monthly) == 1 + 12 + 1  # the header, the months, the period
    march, period = monthly[3], monthly[-1]
    assert march[0] == "mar/25"
    assert march[column["Recebidas"]] == 2  # received in March 2025
    assert march[column["Recebidas — ano anterior"]] == 1  # received in March 2024
    assert march[column["Procedentes (%)"]] == 100.0  # in percent
    assert march[column["Procedentes (%) — ano anterior"]] == 100.0
    assert period[0] == "Período"
    assert (period[column["Recebidas"]], period[column["Recebidas — ano anterior"]]) == (2, 1)
    # Every figure of the year beside the year before, with the change.
    comparison = list(book["Comparação anual"].iter_rows(values_only=True))
    assert comparison[0] == ("Indicador", "Período", "Mesmo período do ano anterior", "Variação")
    rows = {row[0]: row[1:] for row in comparison[1:]}
    assert rows["Recebidas"] == (2, 1, "+100,0 %")
    assert rows["Procedentes"] == (100.0, 100.0, "0,0 p.p.")
    assert len(rows) == 9
    assert report.pdf.read().startswith(b"%PDF")


def test_a_failure_while_building_is_recorded_in_portuguese(bank, monkeypatch, django_capture_on_commit_callbacks):
    from ouvidoria.reports import documents

    def broken(report, progress):
        raise ValueError("year 0 is out of range")

    monkeypatch.setattr(documents, "build", broken)
    report = services.report_open(entity=bank, kind="bcb-agreements", reference=date(2026, 10, 5))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_generate(report, actor=None)
    report.refresh_from_db()
    assert (report.status, report.error) == ("failed", "erro inesperado, registrado no log do servidor")


@pytest.mark.parametrize(
    ("kind", "reference", "months"), [("bcb-monthly", date(2026, 3, 1), 1), ("bcb-semiannual", date(2026, 2, 1), 6)]
)
def test_the_banco_central_statistical_reports_are_generated(
    bank, django_capture_on_commit_callbacks, kind, reference, months
):
    for day in (10, 11, 12):
        register(bank, instance="ouvidoria", received_at=datetime(2026, 3, day, 10, tzinfo=SP))
    report = generated(bank, kind, reference, django_capture_on_commit_callbacks)
    assert report.pdf.read().startswith(b"%PDF")
    book = load_workbook(io.BytesIO(report.xlsx.read()))
    assert book.sheetnames == ["Mensal", "Distribuição"]  # no year-before comparison: the Banco Central asks none
    monthly = list(book["Mensal"].iter_rows(values_only=True))
    assert len(monthly) == 1 + months + 1
    assert monthly[-1][:2] == ("Período", 3)


def test_a_report_is_generated_only_once_its_period_is_over(bank):
    from django.utils import timezone

    today = timezone.localdate()
    report = services.report_open(entity=bank, kind="bcb-agreements", reference=today)
    with pytest.raises(ValidationError, match="gere o relatório a partir do dia seguinte"):
        services.report_generate(report, actor=None)
    report.refresh_from_db()
    assert report.status not in {"queued", "running", "done"}


def test_the_report_form_offers_only_the_regimes_kinds_and_keeps_the_choice_after_a_refusal(bank):
    """The first week: the form offered report kinds the entity's regime cannot have, and reset after an error."""
    EntityFactory.create(regime="ans", slug="vida", name="Vida Saúde")
    client = signed_in(staff_user("ombudsman", entities=[bank, Entity.objects.get(slug="vida")]))
    page = client.get(reverse("reports:list")).content.decode()
    assert 'value="consorcio|bcb-monthly"' in page
    assert 'value="vida|ans-yearly"' in page
    assert 'value="vida|bcb-monthly"' not in page
    assert 'value="consorcio|ans-yearly"' not in page
    refused = client.post(reverse("reports:new"), {"target": "consorcio|bcb-monthly", "period": "outubro"}, follow=True)
    body = refused.content.decode()
    assert 'value="consorcio|bcb-monthly" selected' in body
    assert 'value="outubro"' in body


def test_the_periods_figures_are_shown_before_the_ouvidor_writes_the_text(bank):
    """The first week: the Ouvidor wrote the qualitative text without seeing the period's figures."""
    register(bank, instance="ouvidoria", received_at=datetime(2026, 10, 14, 10, tzinfo=SP))
    report = services.report_open(entity=bank, kind="bcb-monthly", reference=date(2026, 10, 1))
    page = signed_in(staff_user("ombudsman", entities=[bank])).get(reverse("reports:detail", args=[report.pk]))
    body = page.content.decode()
    assert "Números do período" in body
    assert "<dt>Recebidas</dt><dd>1</dd>" in body
