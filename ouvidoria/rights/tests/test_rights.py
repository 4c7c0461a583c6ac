"""The data subject's rights end to end: the portal request, the analyst's panel, the citizen's download."""

import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.cases import services as cases
from ouvidoria.cases.models import Event, Manifestation, Requester
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.portal.models import ChatConversation, ChatMessage
from ouvidoria.privacy.rotation import keys_rotate, values_under_old_keys
from ouvidoria.retention.services import legal_hold_place
from ouvidoria.rights import services
from ouvidoria.rights.models import Consent, ProcessingBlock, RightsDocument, RightsDownload
from ouvidoria.rules import rights as rule

pytestmark = pytest.mark.django_db

CPF = "529.982.247-25"
EMAIL = "quiteria@exemplo.com.br"


@pytest.fixture
def world():
    insurer = EntityFactory.create(slug="horizonte", name="Seguradora Horizonte", regime="susep")
    bank = EntityFactory.create(slug="banco", name="Banco Aurora", regime="bcb")
    person = cases.RequesterData(name="Quitéria Valadares", document=CPF, email=EMAIL, phone="11987654321")
    old = register(
        insurer, requester=person, description="Sinistro negado.", received_at=datetime(2024, 3, 4, 15, tzinfo=UTC)
    )
    recent = register(bank, requester=person, description="Tarifa indevida.")
    cases.manifestation_attach(
        recent, upload=SimpleUploadedFile("recibo.txt", b"recibo de pagamento", "text/plain"), actor=None
    )
    analyst = staff_user("analyst", entities=[insurer, bank])
    return {"insurer": insurer, "bank": bank, "old": old, "recent": recent, "analyst": analyst}


def _portal_request(client, rights, **extra):
    data = {"name": "Quitéria Valadares", "document": CPF, "email": EMAIL, "rights": rights} | extra
    response = client.post(reverse("rights:request_form", args=["banco"]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Manifestation.objects.get(policy_id="lgpd-titular")


def _fifteen_days(m):
    from ouvidoria.entities.services import entity_calendar
    from ouvidoria.rules.deadlines import due_date
    from ouvidoria.rules.policies import get_policy

    return due_date(get_policy("lgpd-titular"), m.received_on, entity_calendar(m.entity))


def _lookup(client, m):
    response = client.post(reverse("portal:lookup"), {"protocol": m.formatted_protocol, "contact": EMAIL})
    assert response.status_code == 302


def _act(user, m, action, **data):
    return signed_in(user).post(reverse("rights:action", args=[m.protocol, action]), data)


def test_the_portal_request_registers_a_15_day_case_with_its_protocol_and_acknowledgement(world, mailoutbox):
    citizen = Client()
    page = citizen.get(reverse("rights:request_form", args=["banco"])).content.decode()
    assert "Exercer meus direitos sobre dados pessoais (LGPD)" in page
    assert all(r.plain in page for r in rule.RIGHTS)
    m = _portal_request(citizen, ["a", "b", "j"])
    assert m.due_on == _fifteen_days(m)
    assert m.due_on >= m.received_on + timedelta(days=15)
    assert m.rights_request.rights == ["a", "b", "j"]
    assert Event.objects.filter(manifestation=m, kind="registration", params__policy="lgpd-titular").exists()
    ack = OutboundEmail.objects.get(key=f"requester:registration:{m.pk}")
    assert m.formatted_protocol in ack.body
    assert f"{m.due_on:%d/%m/%Y}" in ack.body
    # The same registration service's validation: a bad CPF is refused on its field.
    bad = citizen.post(
        reverse("rights:request_form", args=["banco"]),
        {"name": "X", "document": "111.111.111-12", "email": EMAIL, "rights": ["a"]},
    )
    assert bad.status_code == 400
    assert "CPF inválido" in bad.content.decode()
    none = citizen.post(reverse("rights:request_form", args=["banco"]), {"name": "X", "document": CPF, "email": EMAIL})
    assert none.status_code == 400
    assert "Escolha ao menos uma opção" in none.content.decode()


def test_the_panel_finds_the_person_across_two_entities_and_records_each_read(world):
    m = _portal_request(Client(), ["a"])
    page = signed_in(world["analyst"]).get(reverse("rights:panel", args=[m.protocol]))
    assert page.status_code == 200
    text = page.content.decode()
    for case in (world["old"], world["recent"]):
        assert case.formatted_protocol in text
    assert "Seguradora Horizonte" in text
    assert "Banco Aurora" in text
    read = set(PersonalDataView.objects.filter(channel="rights").values_list("manifestation_id", flat=True))
    assert {world["old"].pk, world["recent"].pk, m.pk} <= read


@pytest.mark.parametrize("role", ["attendant", "area", "manager", "auditor", "admin"])
def test_only_analysts_and_the_ombudsman_reach_the_panel(world, role):
    m = _portal_request(Client(), ["a"])
    user = staff_user(role, entities=[world["bank"], world["insurer"]])
    client = signed_in(user)
    assert client.get(reverse("rights:panel", args=[m.protocol])).status_code == 404
    assert client.post(reverse("rights:action", args=[m.protocol, "confirmar"])).status_code == 404
    ombudsman = signed_in(staff_user("ombudsman", entities=[world["bank"]]))
    assert ombudsman.get(reverse("rights:panel", args=[m.protocol])).status_code == 200
    # An ordinary case has no panel, for anyone.
    assert signed_in(world["analyst"]).get(reverse("rights:panel", args=[world["recent"].protocol])).status_code == 404


def test_confirmation_and_sharing_go_on_the_requests_timeline_without_personal_data(world):
    m = _portal_request(Client(), ["a", "g"])
    assert _act(world["analyst"], m, "confirmar").status_code == 302
    assert _act(world["analyst"], m, "compartilhamento").status_code == 302
    events = list(Event.objects.filter(manifestation=m, kind="data_subject_right"))
    assert [e.params["right"] for e in events] == ["a", "g"]
    assert "Banco Aurora" in events[0].body
    assert "Manifestações" in events[0].body
    for e in events:
        dumped = e.body + json.dumps(e.params)
        assert CPF not in dumped
        assert "52998224725" not in dumped
        assert EMAIL not in dumped
        assert "Quitéria" not in dumped


def test_export_is_complete_valid_and_downloaded_only_through_the_lookup(world, tmp_path):
    chat = ChatConversation.objects.create(protocol=world["recent"].protocol)  # a chat that became a case
    ChatMessage.objects.create(conversation=chat, author="user", text="quero falar da tarifa")
    services.consent_record(
        purpose="chat_transcript", channel="assistente virtual", conversation_protocol=chat.protocol
    )
    citizen = Client()
    m = _portal_request(citizen, ["b", "e", "j"])
    assert _act(world["analyst"], m, "exportar").status_code == 302
    assert _act(world["analyst"], m, "declaracao").status_code == 302
    export = RightsDocument.objects.get(request=m, kind="export")
    with connection.cursor() as cursor:  # encrypted at rest: the column holds a token, not the ZIP
        cursor.execute("SELECT sealed FROM rights_rightsdocument WHERE id = %s", [export.pk])
        stored = bytes(cursor.fetchone()[0])
    assert not stored.startswith(b"PK")
    assert b"recibo" not in stored
    assert bytes(export.sealed).startswith(b"PK")
    # Not released yet: the citizen sees nothing.
    _lookup(citizen, m)
    assert "documentos-lgpd" not in citizen.get(reverse("portal:case", args=[m.protocol])).content.decode()
    for doc in RightsDocument.objects.filter(request=m):
        assert _act(world["analyst"], m, "liberar", document=doc.pk).status_code == 302
    notice = OutboundEmail.objects.get(key=f"rights:document:{export.pk}")
    assert "Acompanhar manifestação" in notice.body
    assert "http" not in notice.body
    page = citizen.get(reverse("portal:case", args=[m.protocol])).content.decode()
    assert reverse("rights:portal_document", args=[m.protocol, export.pk]) in page
    # Another browser, without the look-up, gets nothing.
    assert Client().get(reverse("rights:portal_document", args=[m.protocol, export.pk])).status_code == 404
    response = citizen.get(reverse("rights:portal_document", args=[m.protocol, export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["requesters"][0]["document"] == "52998224725"
    assert {c["protocol"] for c in data["cases"]} >= {
        world["old"].formatted_protocol,
        world["recent"].formatted_protocol,
    }
    recent = next(c for c in data["cases"] if c["protocol"] == world["recent"].formatted_protocol)
    attachment = recent["attachments"][0]
    assert archive.read(attachment["file"]) == b"recibo de pagamento"
    assert len(attachment["sha256"]) == 64
    assert recent["timeline"]
    assert data["chats"][0]["messages"][0]["text"] == "quero falar da tarifa"
    assert data["consents"][0]["purpose"] == "chat_transcript"
    assert any(e["subject"].startswith("Recebemos") for e in data["emails"])
    assert "Quitéria" in PdfReader(io.BytesIO(archive.read("dados.pdf"))).pages[0].extract_text()
    declaration = RightsDocument.objects.get(request=m, kind="declaration")
    pdf = citizen.get(reverse("rights:portal_document", args=[m.protocol, declaration.pk])).content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Declaração de tratamento de dados pessoais" in text
    assert "art. 7" in text
    assert RightsDownload.objects.filter(document__request=m).count() == 2
    assert Event.objects.filter(manifestation=m, kind="data_subject_right", params__action="download").count() == 2


def test_correction_keeps_the_old_value_on_the_timeline_and_refreshes_the_blind_index(world):
    m = _portal_request(Client(), ["c"])
    requester = world["recent"].requester
    response = _act(world["analyst"], m, "corrigir", requester=requester.pk, email="nova@exemplo.com.br")
    assert response.status_code == 302
    requester.refresh_from_db()
    assert requester.email == "nova@exemplo.com.br"
    from ouvidoria.privacy.crypto import blind_index

    assert requester.email_hash == blind_index("nova@exemplo.com.br")
    for case in (world["old"], world["recent"], m):
        e = Event.objects.get(manifestation=case, kind="requester_correction")
        assert e.params["fields"]["email"] == {"old": EMAIL, "new": "nova@exemplo.com.br"}
    bad = _act(world["analyst"], m, "corrigir", requester=requester.pk, email="não é e-mail")
    assert bad.status_code == 400
    assert "E-mail inválido" in bad.content.decode()


def test_erasure_deletes_what_rests_on_consent_and_refuses_the_rest_with_reason_and_date(world):
    loose = ChatConversation.objects.create(protocol="202600999991")
    OutboundEmail.objects.create(key="x", recipient=EMAIL, subject="Aviso", body="...")
    legal_hold_place(user=world["analyst"], reason="Processo 123", manifestation=world["old"], until=date(2031, 1, 1))
    m = _portal_request(Client(), ["d", "f"], chat_protocols=loose.formatted_protocol)
    assert _act(world["analyst"], m, "eliminar").status_code == 302
    assert not ChatConversation.objects.filter(pk=loose.pk).exists()
    assert not OutboundEmail.objects.filter(key="x").exists()
    assert Manifestation.objects.filter(pk=world["recent"].pk).exists()
    e = Event.objects.get(manifestation=m, kind="data_subject_right", params__right="d")
    kept = {k["item"].split(" ")[1]: k for k in e.params["kept"]}
    assert kept[world["old"].formatted_protocol]["until"] == "2031-01-01"
    assert "art. 7 VI" in kept[world["old"].formatted_protocol]["source"]
    five_years = date(world["recent"].received_on.year + 5, world["recent"].received_on.month,
                      world["recent"].received_on.day)  # fmt: skip
    assert kept[world["recent"].formatted_protocol]["until"] == five_years.isoformat()
    assert "Processo 123" in e.body
    assert "5 anos" in e.body


def test_the_rule_anonymises_a_case_past_five_years_and_refuses_an_open_ended_hold():
    assert rule.decide_case(date(2020, 1, 2), today=date(2026, 1, 1)).action == "anonymise"
    held = rule.decide_case(date(2020, 1, 2), today=date(2026, 1, 1), holds=(rule.HoldFact("PROCON", None),))
    assert held.action == "keep"
    assert held.keep_until is None
    assert "PROCON" in held.reason
    assert rule.decide_case(date(2024, 2, 29), today=date(2026, 1, 1)).keep_until == date(2029, 2, 28)
    with pytest.raises(ValueError, match="not erasable"):
        rule.decide_consented("case")


def test_block_and_consent_revocation(world):
    chat = ChatConversation.objects.create(protocol="202600888883")
    consent = services.consent_record(
        purpose="chat_transcript", channel="assistente", conversation_protocol=chat.protocol
    )
    marketing = services.consent_record(purpose="marketing", channel="portal", subject=EMAIL)
    messaging = services.consent_record(purpose="rn593_channels", channel="central", subject=CPF)
    m = _portal_request(Client(), ["i", "h"], chat_protocols=chat.protocol)
    assert _act(world["analyst"], m, "revogar", consent=consent.pk).status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert consent.revoked_via.startswith("pedido LGPD")
    assert not ChatConversation.objects.filter(pk=chat.pk).exists()
    assert Consent.objects.filter(pk=consent.pk).exists()  # the proof of consent stays (art. 8 §2)
    assert _act(world["analyst"], m, "revogar", consent=marketing.pk).status_code == 302
    assert _act(world["analyst"], m, "revogar", consent=messaging.pk).status_code == 302  # found by the CPF
    assert Consent.objects.filter(revoked_at__isnull=False).count() == 3
    assert _act(world["analyst"], m, "informar-consentimento").status_code == 302
    panel = signed_in(world["analyst"]).get(reverse("rights:panel", args=[m.protocol])).content.decode()
    # Inside a template's {% block %} "block" is the block itself: the panel once said "bloqueado desde ." of nothing.
    assert "bloqueado desde" not in panel
    assert _act(world["analyst"], m, "bloquear").status_code == 302
    panel = signed_in(world["analyst"]).get(reverse("rights:panel", args=[m.protocol])).content.decode()
    assert f"bloqueado desde {timezone.localdate():%d/%m/%Y}." in panel
    assert ProcessingBlock.objects.filter(requester=world["recent"].requester, lifted_at__isnull=True).exists()
    assert services.processing_blocked(world["recent"].requester_id)
    case_page = signed_in(world["analyst"]).get(reverse("workspace:case", args=[world["recent"].protocol]))
    assert "Tratamento não essencial bloqueado" in case_page.content.decode()
    summary = services.answer_summary(m)
    assert "Revogação do consentimento" in summary
    assert "consentimento" in summary


def test_identity_is_confirmed_before_acting_when_cpf_and_email_do_not_meet(world):
    from ouvidoria.privacy.crypto import blind_index

    other = "outra@exemplo.com.br"
    # Someone else registered earlier with this e-mail and no CPF: found by the e-mail alone.
    Requester.objects.create(email=other, email_hash=blind_index(other))
    data = {"name": "Outra Pessoa", "document": CPF, "email": other, "rights": ["b"]}
    assert Client().post(reverse("rights:request_form", args=["banco"]), data).status_code == 302
    m = Manifestation.objects.get(policy_id="lgpd-titular")
    refused = _act(world["analyst"], m, "exportar")
    assert refused.status_code == 400
    assert "Confirme antes a identidade" in refused.content.decode()
    assert not RightsDocument.objects.filter(request=m).exists()
    too_few = _act(world["analyst"], m, "identidade", checks=["cpf", "name"])
    assert too_few.status_code == 400
    assert _act(world["analyst"], m, "identidade", checks=["cpf", "name", "birth_date"]).status_code == 302
    assert _act(world["analyst"], m, "exportar").status_code == 302
    assert RightsDocument.objects.filter(request=m).exists()


def test_expired_documents_are_purged(world):
    m = _portal_request(Client(), ["b"])
    _act(world["analyst"], m, "exportar")
    doc = RightsDocument.objects.get(request=m)
    services.document_release(doc, actor=world["analyst"])
    assert services.documents_purge(today=timezone_today() + timedelta(days=29)) == 0
    assert services.documents_purge(today=timezone_today() + timedelta(days=31)) == 1
    doc.refresh_from_db()
    assert doc.deleted_at is not None
    assert bytes(doc.sealed) == b""
    assert services.documents_purge(today=timezone_today() + timedelta(days=31)) == 0


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def test_staff_register_a_request_on_the_registration_screen_with_the_identity_checked(world):
    from ouvidoria.workspace.tests.test_workspace import registration_payload

    client = signed_in(world["analyst"])
    _page, data = registration_payload(
        client, entity="banco", record_type="solicitacao", email=EMAIL, description="Quer cópia dos dados."
    )
    missing = client.post(reverse("workspace:register"), data | {"lgpd_request": "on"})
    assert missing.status_code == 400
    assert "marque ao menos um direito" in missing.content.decode()
    response = client.post(reverse("workspace:register"), data | {"lgpd_request": "on", "lgpd_rights": ["a", "b"]})
    assert response.status_code == 302
    m = Manifestation.objects.get(policy_id="lgpd-titular")
    assert m.due_on == _fifteen_days(m)
    assert m.rights_request.rights == ["a", "b"]
    assert m.rights_request.identity_confirmed_at is not None
    case_page = client.get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert reverse("rights:panel", args=[m.protocol]) in case_page
    assert _act(world["analyst"], m, "confirmar").status_code == 302


def test_the_assistant_says_what_it_keeps_before_the_first_message_and_records_the_consent(world):
    client = Client()
    page = client.get(reverse("portal:chat"), {"entidade": "banco"}).content.decode()
    assert rule.PURPOSES_BY_CODE["chat_transcript"].text in page
    assert not Consent.objects.exists()
    client.post(reverse("portal:chat"), {"entidade": "banco", "text": "como peço meus dados"})
    conversation = ChatConversation.objects.get()
    consent = Consent.objects.get()
    assert consent.purpose == "chat_transcript"
    assert consent.conversation_protocol == conversation.protocol
    assert consent.text_version == rule.PURPOSES_BY_CODE["chat_transcript"].text_version
    assert consent.revoked_at is None


def test_the_privacy_faq_and_the_entity_page_link_to_the_request_form(world):
    from ouvidoria.faq.services import faq_articles_load

    faq_articles_load()
    form = reverse("rights:request_form", args=["banco"])
    assert form in Client().get(reverse("portal:entity", args=["banco"])).content.decode()
    article = Client().get(reverse("portal:faq_article", args=["comum-direitos-lgpd"]), {"entidade": "banco"})
    assert form in article.content.decode()


def test_an_attachment_that_fails_authentication_is_listed_but_left_out_of_the_export(world):
    stored = world["recent"].attachments.get()
    path = Path(stored.file.storage.path(stored.file.name))
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    m = _portal_request(Client(), ["b"])
    assert _act(world["analyst"], m, "exportar").status_code == 302
    archive = zipfile.ZipFile(io.BytesIO(bytes(RightsDocument.objects.get(request=m, kind="export").sealed)))
    content = json.loads(archive.read("data.json"))
    recent = next(c for c in content["cases"] if c["protocol"] == world["recent"].formatted_protocol)
    assert recent["attachments"][0]["sha256"] == stored.sha256
    assert recent["attachments"][0]["file"] is None
    assert not [n for n in archive.namelist() if n.startswith("anexos/")]


def test_the_documents_are_rotated_with_the_other_encrypted_values(world):
    m = _portal_request(Client(), ["b"])
    assert _act(world["analyst"], m, "exportar").status_code == 302
    export = RightsDocument.objects.get(request=m, kind="export")
    plain = bytes(export.sealed)
    new_key = Fernet.generate_key().decode()
    with override_settings(ENCRYPTION_KEYS=[new_key, *settings.ENCRYPTION_KEYS]):
        assert values_under_old_keys() > 0
        keys_rotate()
        assert values_under_old_keys() == 0
    with override_settings(ENCRYPTION_KEYS=[new_key]):  # the old key removed
        assert bytes(RightsDocument.objects.get(pk=export.pk).sealed) == plain
