"""Seed 001: "Definições propostas de acordo — Ouvidor/Gerente Administrativo/Diretor" (Matriz de Responsabilidade),
and "Planilha Mensal de Controle dos Acordos Realizados pela Ouvidoria" (Obrigações legais VII)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ouvidoria.cases import agreements
from ouvidoria.cases.models import Agreement
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.reports.documents import agreement_rows
from ouvidoria.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return EntityFactory.create(slug="consorcio", regime="bcb")


def _post(client, m, slug, data):
    return client.post(reverse("workspace:case_action", args=[m.protocol, slug]), data)


@pytest.mark.parametrize("decider", ["ombudsman", "manager", "director"])
def test_a_proposal_of_agreement_is_decided_by_the_ouvidor_the_gerente_administrativo_or_the_diretor(bank, decider):
    m = register(bank)
    analyst = signed_in(staff_user("analyst", entities=[bank]))
    response = _post(analyst, m, "acordo", {"description": "Estorno da taxa", "amount": "150,00"})
    assert response.status_code == 302
    proposal = Agreement.objects.get()
    assert proposal.status == "proposed"
    user = staff_user(decider, entities=[bank])
    page = signed_in(user).get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert "Aprovar proposta" in page
    assert (
        _post(signed_in(user), m, "decidir-acordo", {"agreement": proposal.pk, "decision": "approve"}).status_code
        == 302
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == ("approved", user)
    assert m.events.filter(kind="agreement_decision").exists()


@pytest.mark.parametrize("role", ["attendant", "analyst", "area", "auditor", "admin"])
def test_no_one_else_decides_a_proposal_of_agreement(bank, role):
    m = register(bank)
    proposal = agreements.manifestation_agreement(
        m, agreed_on=m.received_on, description="Estorno", decided=False, actor=None
    )
    client = signed_in(staff_user(role, entities=[bank]))
    response = _post(client, m, "decidir-acordo", {"agreement": proposal.pk, "decision": "approve"})
    assert response.status_code in (403, 404)
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_a_refusal_says_why_and_the_ouvidor_recording_an_agreement_decides_it_at_once(bank):
    m = register(bank)
    proposal = agreements.manifestation_agreement(
        m, agreed_on=m.received_on, description="X", decided=False, actor=None
    )
    director = signed_in(staff_user("director", entities=[bank]))
    refused = _post(director, m, "decidir-acordo", {"agreement": proposal.pk, "decision": "refuse"})
    assert refused.status_code == 400
    assert "Escreva o motivo da recusa da proposta de acordo." in refused.content.decode()
    _post(director, m, "decidir-acordo", {"agreement": proposal.pk, "decision": "refuse", "note": "Valor alto."})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == ("refused", "Valor alto.")
    ouvidor = signed_in(staff_user("ombudsman", entities=[bank]))
    _post(ouvidor, m, "acordo", {"description": "Estorno parcial", "amount": "50"})
    assert Agreement.objects.get(description="Estorno parcial").status == "approved"


def test_the_payment_is_recorded_later_and_the_monthly_spreadsheet_lists_the_ouvidorias_approved_agreements(bank):
    today = timezone.localdate()
    ouvidoria_case = register(bank, instance="ouvidoria")
    procon_case = register(bank, instance="procon", medium="external-platform")
    sac_case = register(bank, instance="sac")
    approved = agreements.manifestation_agreement(
        ouvidoria_case, agreed_on=today, description="Estorno", amount=Decimal("10"), actor=None
    )
    agreements.manifestation_agreement(procon_case, agreed_on=today, description="Do PROCON", actor=None)
    agreements.manifestation_agreement(
        ouvidoria_case, agreed_on=today, description="Ainda proposto", decided=False, actor=None
    )
    agreements.manifestation_agreement(sac_case, agreed_on=today, description="Do SAC", actor=None)
    with pytest.raises(ValidationError) as refused:
        agreements.agreement_paid(
            ouvidoria_case, agreement_id=approved.pk, paid_on=today + timedelta(days=1), actor=None
        )
    assert "paid_on" in refused.value.message_dict
    agreements.agreement_paid(ouvidoria_case, agreement_id=approved.pk, paid_on=today, actor=None)
    report = Report(entity=bank, kind="bcb-agreements", period_start=today.replace(day=1), period_end=today)
    rows = agreement_rows(report)
    assert [(r[4], r[6]) for r in rows] == [("Estorno", today), ("Do PROCON", None)]
