"""Seed 001 "Manifestações Provenientes de Outros Órgãos": "o mesmo tratamento", the Ouvidor's final decision on the
merits, and the answer sent back to the body that originated the case, by its own rules."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ouvidoria.cases import services
from ouvidoria.cases.external import external_answer_send, external_body_record
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.rules.roles import can, needs_approval

pytestmark = pytest.mark.django_db
BODIES = ["procon", "bacen-rdr", "ans", "consumidor-gov"]


@pytest.mark.parametrize("action", ["merits", "extension", "answer"])
def test_on_an_external_bodys_case_the_ouvidor_decides_merits_extensions_and_the_answer(action):
    assert not can("attendant", action, instance_kind="external")
    assert not can("analyst", action, instance_kind="external")
    assert can("ombudsman", action, instance_kind="external")
    assert needs_approval("analyst", "external")
    assert not needs_approval("ombudsman", "external")


@pytest.mark.parametrize("instance", BODIES)
def test_an_attendant_cannot_classify_extend_or_answer_a_case_an_external_body_sent(instance):
    entity = EntityFactory.create(slug="banco", regime="bcb")
    m = register(entity, instance=instance, medium="external-platform")
    client = signed_in(staff_user("attendant", entities=[entity]))
    for slug, data in (
        ("merito", {"reason": "no_breach"}),
        ("prorrogar", {"justification": "Aguardando documentos."}),
        ("responder", {"body": "Resposta."}),
    ):
        response = client.post(reverse("workspace:case_action", args=[m.protocol, slug]), data)
        assert response.status_code == 403, (instance, slug)
    m.refresh_from_db()
    assert (m.merits, m.extension_count, m.concluded_at) == ("", 0, None)


def test_the_answer_to_a_complaint_from_an_external_body_states_its_merits():
    m = register(EntityFactory.create(regime="bcb"), instance="procon", medium="external-platform")
    with pytest.raises(ValidationError) as refused:
        services.manifestation_answer(m, body="Resposta.", actor=None)
    assert "procedente ou improcedente" in refused.value.message_dict["merits"][0]
    services.manifestation_set_merits(m, reason="no_breach", actor=None)
    assert services.manifestation_answer(m, body="Resposta.", actor=None).status == "answered"


def test_the_analyst_drafts_and_the_ouvidor_approves_the_answer_to_the_body():
    entity = EntityFactory.create(slug="banco", regime="bcb")
    m = register(entity, instance="bacen-rdr", medium="external-platform")
    analyst = staff_user("analyst", entities=[entity])
    services.answer_propose(m, body="Resposta ao Banco Central.", merits_reason="no_breach", actor=analyst)
    draft = m.answer_drafts.get()
    m = services.answer_approve(m, draft_id=draft.pk, actor=staff_user("ombudsman", entities=[entity]))
    assert (m.status, m.merits) == ("answered", "not_upheld")
    assert m.events.get(kind="answer").params["to_external_body"] is True


def test_the_bodys_reference_and_an_earlier_deadline_become_the_cases():
    m = register(EntityFactory.create(regime="bcb"), instance="procon", medium="external-platform")
    policy_due = m.due_on
    earlier = m.received_on + timedelta(days=3)
    m = external_body_record(m, reference="PROCON-SP 2026/123", body_due_on=earlier, actor=None)
    assert (m.external_reference, m.external_due_on, m.due_on) == ("PROCON-SP 2026/123", earlier, earlier)
    event = m.events.get(kind="external_data")
    assert (event.params["old_due"], event.params["new_due"]) == (policy_due.isoformat(), earlier.isoformat())
    later = m.external_due_on + timedelta(days=60)
    assert external_body_record(m, reference="", body_due_on=later, actor=None).due_on == earlier
    with pytest.raises(ValidationError) as refused:
        external_body_record(m, reference="", body_due_on=m.received_on - timedelta(days=1), actor=None)
    assert "body_due_on" in refused.value.message_dict


def test_the_answer_sent_to_consumidor_gov_is_recorded_and_the_rating_that_comes_back_is_the_evaluation():
    """seed 000 §1.2: 10 days to answer; the consumer then has 20 days to rate, "resolvida / não resolvida"."""
    entity = EntityFactory.create(regime="susep")
    m = register(entity, instance="consumidor-gov", medium="external-platform")
    assert m.policy_id == "consumidor-gov"
    with pytest.raises(ValidationError):
        external_answer_send(m, via="platform", actor=None)  # nothing answered yet
    services.manifestation_set_merits(m, reason="contract_breach", actor=None)
    m = services.manifestation_answer(m, body="Estornamos a cobrança.", actor=None)
    sender = staff_user("ombudsman", entities=[entity], username="ouvidora")
    event = external_answer_send(m, via="platform", reference="CG-998877", actor=sender)
    today = timezone.localdate()
    assert event.params == {"via": "Plataforma ou sistema do órgão", "reference": "CG-998877",
                            "rating_until": (today + timedelta(days=20)).isoformat()}  # fmt: skip
    assert event.actor == sender
    with pytest.raises(ValidationError) as refused:
        external_answer_send(m, via="pombo", actor=None)
    assert "via" in refused.value.message_dict
    m = services.manifestation_evaluate(m, resolved=False, rating=2, comment="Não resolveu.", actor=None)
    assert (m.resolved, m.rating) == (False, 2)


def test_the_case_page_shows_the_body_and_records_the_sending():
    entity = EntityFactory.create(slug="banco", regime="bcb")
    m = register(entity, instance="procon", medium="external-platform")
    services.manifestation_set_merits(m, reason="no_breach", actor=None)
    services.manifestation_answer(m, body="Resposta.", actor=None)
    client = signed_in(staff_user("analyst", entities=[entity]))
    page = client.get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert "Órgão externo" in page
    assert "Registrar envio da resposta ao órgão" in page
    response = client.post(
        reverse("workspace:case_action", args=[m.protocol, "envio-orgao"]),
        {"via": "letter", "sent_on": date.today().isoformat(), "reference": "OF-12"},
    )
    assert response.status_code == 302
    page = client.get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert "Ofício ou carta" in page
    assert "OF-12" in page
    refused = client.post(reverse("workspace:case_action", args=[m.protocol, "envio-orgao"]), {"via": ""})
    assert "Meio de envio: escolha como a resposta chegou ao órgão." in refused.content.decode()
