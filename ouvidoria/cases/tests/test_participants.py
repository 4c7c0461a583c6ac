"""Seed 000 §4.3.1 and §5: a demand that involves another participant is handed to its key contact, by phone or
e-mail, with 7 calendar days of its own, the requester's deadline preserved, and the participant's answer recorded."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from ouvidoria.cases.participants import participant_handoff, participant_reply
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.entities.models import KeyContact

pytestmark = pytest.mark.django_db
SP = ZoneInfo("America/Sao_Paulo")


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=SP)


@pytest.fixture
def structure():
    return EntityFactory.create(slug="opin", name="Estrutura do Open Insurance", regime="susep", opin_structure=True)


@pytest.fixture
def participant():
    entity = EntityFactory.create(slug="aurora", name="Aurora Seguros", regime="susep", opin_participant=True)
    KeyContact.objects.create(
        entity=entity, name="Paula Chave", role="Ouvidoria", email="paula@aurora.example", phone="1133334444"
    )
    return entity


def _contact(entity):
    return KeyContact.objects.get(entity=entity)


def test_the_service_desk_hands_a_case_to_a_participant_with_seven_days_and_the_requesters_fifteen_preserved(
    structure, participant, django_capture_on_commit_callbacks
):
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 3, 2)):
        m = register(structure, instance="opin-service-desk", received_at=at(2026, 3, 2))
        assert (m.policy_id, m.due_on) == ("opin-service-desk", date(2026, 3, 17))
        with django_capture_on_commit_callbacks(execute=True):
            handoff = participant_handoff(
                m, contact=_contact(participant), channel="email", question="Conferir o consentimento.", actor=None
            )
    assert handoff.due_on == date(2026, 3, 9)  # 7 calendar days from the hand-off
    m.refresh_from_db()
    assert m.due_on == date(2026, 3, 17)  # the requester's deadline does not move
    event = m.events.get(kind="participant_handoff")
    assert event.params["contact"] == "Paula Chave"
    assert event.params["channel"] == "e-mail"
    assert event.params["participant_due"] == "2026-03-09"
    (email,) = mail.outbox
    assert email.to == ["paula@aurora.example"]
    assert m.formatted_protocol in email.subject
    assert "09/03/2026" in email.body
    participant_reply(m, handoff_id=handoff.pk, reply="Consentimento revogado em 01/03.", actor=None)
    handoff.refresh_from_db()
    assert handoff.replied_at is not None
    assert m.events.get(kind="participant_reply").body == "Consentimento revogado em 01/03."


def test_a_participant_handed_the_case_late_gets_no_more_than_the_case_has_left(structure, participant):
    with mock.patch("django.utils.timezone.now", return_value=at(2026, 3, 13)):
        m = register(structure, instance="opin-service-desk", received_at=at(2026, 3, 2))
        handoff = participant_handoff(m, contact=_contact(participant), channel="phone", question="?", actor=None)
    assert handoff.due_on == m.due_on == date(2026, 3, 17)
    assert handoff.reached_at == "1133334444"


def test_only_another_participants_key_contact_by_a_channel_it_has(structure, participant):
    m = register(structure, instance="opin-service-desk")
    own = KeyContact.objects.create(entity=structure, name="Da casa", email="casa@opin.example")
    with pytest.raises(ValidationError) as refused:
        participant_handoff(m, contact=own, channel="email", question="?", actor=None)
    assert "contact" in refused.value.message_dict
    no_phone = KeyContact.objects.create(entity=participant, name="Sem telefone", email="x@aurora.example")
    with pytest.raises(ValidationError) as refused:
        participant_handoff(m, contact=no_phone, channel="phone", question="?", actor=None)
    assert refused.value.message_dict["channel"] == ["Este contato-chave não tem telefone: acione por e-mail."]
    assert not m.handoffs.exists()


def test_attendants_see_the_key_contacts_on_a_participants_case_and_record_the_hand_off(participant):
    own = EntityFactory.create(slug="horizonte", name="Horizonte", regime="susep", opin_participant=True)
    m = register(own, instance="sac")
    client = signed_in(staff_user("attendant", entities=[own]))
    page = client.get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert "Contatos-chave das participantes" in page
    assert 'href="tel:1133334444"' in page
    assert "mailto:paula@aurora.example" in page
    response = client.post(
        reverse("workspace:case_action", args=[m.protocol, "acionar-participante"]),
        {"contact": _contact(participant).pk, "channel": "phone", "question": "Houve compartilhamento indevido?"},
    )
    assert response.status_code == 302
    page = client.get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert "Aurora Seguros" in page
    assert "Acionamento de outra participante" in page
    refused = client.post(
        reverse("workspace:case_action", args=[m.protocol, "acionar-participante"]), {"contact": "", "channel": ""}
    )
    assert refused.status_code == 400
    assert "Contato-chave: escolha o contato de outra participante." in refused.content.decode()


def test_a_case_of_an_entity_outside_open_insurance_shows_no_participants(participant):
    bank = EntityFactory.create(slug="banco", regime="bcb")
    m = register(bank)
    page = signed_in(staff_user("analyst", entities=[bank])).get(reverse("workspace:case", args=[m.protocol]))
    assert "Outras participantes do Open Insurance" not in page.content.decode()
