import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ouvidoria.cases import services
from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def insurer():
    return EntityFactory.create(slug="horizonte", name="Seguradora Horizonte", regime="susep", opin_participant=True)


@pytest.fixture
def health():
    return EntityFactory.create(slug="vida", name="Saúde Vida", regime="ans")


def form_data(**overrides):
    data = {
        "name": "Joana Souza",
        "social_name": "Jo Souza",
        "email": "joana@example.com",
        "record_type": "reclamacao",
        "description": "Meu sinistro foi negado sem explicação.",
    }
    data.update(overrides)
    return data


def test_the_entity_page_shows_the_funnel_contacts_and_deadlines(insurer):
    page = Client().get(reverse("portal:entity", args=["horizonte"])).content.decode()
    for text in ("SAC", "Ouvidoria", "consumidor.gov.br", "Prazo de resposta", "protocolo do atendimento anterior"):
        assert text in page


def test_fale_conosco_gives_the_protocol_and_the_deadline_on_screen_and_by_email(
    insurer, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:contact", args=["horizonte"]), form_data(), follow=True)
    m = Manifestation.objects.get()
    # A participant's own form is its SAC (seed 000 §4.2.5), not the OPIN structure's Service Desk.
    assert m.instance_id == "fale-conosco"
    assert m.policy_id == "sac"
    assert 7 <= (m.due_on - m.received_on).days <= 9  # 7 calendar days, moved past a weekend
    page = response.content.decode()
    assert m.formatted_protocol in page
    assert f"{m.due_on:%d/%m/%Y}" in page
    [email] = mail.outbox
    assert email.to == ["joana@example.com"]
    assert m.formatted_protocol in email.body
    assert "Jo Souza" in email.body  # the social name, wherever it is set


def test_bad_input_names_the_field_in_portuguese_and_writes_nothing(insurer):
    response = Client().post(reverse("portal:contact", args=["horizonte"]), form_data(email="joana", description=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "E-mail inválido" in page
    assert "Descreva sua manifestação" in page
    assert not Manifestation.objects.exists()


@pytest.fixture
def frozen_clock(monkeypatch):
    """The rate limit counts in fixed windows of the clock: a test must not straddle two."""
    from ouvidoria.portal import ratelimit

    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_030.0)


def test_the_honeypot_registers_nothing_and_the_rate_limit_stops_floods(insurer, frozen_clock):
    client = Client()
    assert (
        client.post(reverse("portal:contact", args=["horizonte"]), form_data(website="http://spam")).status_code == 302
    )
    assert not Manifestation.objects.exists()
    statuses = [client.post(reverse("portal:contact", args=["horizonte"]), form_data()).status_code for _ in range(6)]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


def test_attachments_are_checked_on_content(insurer):
    fake = SimpleUploadedFile("nota.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = Client().post(reverse("portal:contact", args=["horizonte"]), form_data(attachments=[fake]))
    assert response.status_code == 400
    assert not Manifestation.objects.exists()
    good = SimpleUploadedFile("nota.txt", b"texto simples do comprovante", "text/plain")
    assert (
        Client().post(reverse("portal:contact", args=["horizonte"]), form_data(attachments=[good])).status_code == 302
    )
    assert Manifestation.objects.get().attachments.count() == 1


def test_the_ouvidoria_of_an_opin_participant_requires_the_earlier_protocol_and_explains_why(insurer):
    url = reverse("portal:ombudsman", args=["horizonte"])
    page = Client().get(url).content.decode()
    assert "última instância" in page
    response = Client().post(url, form_data(document="529.982.247-25"))
    assert response.status_code == 400
    assert "protocolo do atendimento anterior" in response.content.decode()


def test_the_ouvidoria_refuses_a_first_instance_protocol_still_fresh(insurer):
    sac = register(insurer, instance="sac")
    response = Client().post(
        reverse("portal:ombudsman", args=["horizonte"]),
        form_data(document="529.982.247-25", earlier_protocol=sac.protocol),
    )
    assert response.status_code == 400
    assert "3 dias úteis" in response.content.decode()


def test_the_ans_ouvidoria_asks_for_the_earlier_protocol_but_never_requires_it(health):
    url = reverse("portal:ombudsman", args=["vida"])
    assert "não tem problema" in Client().get(url).content.decode()
    assert Client().post(url, form_data(document="529.982.247-25", phone="(21) 3333-4444")).status_code == 302
    assert Manifestation.objects.get().instance_id == "ouvidoria"


def test_the_ouvidoria_form_asks_the_triage_data_name_cpf_phone_email_and_mailing_address(health):
    """Seed 001 "Atendimento das Solicitações": name, CPF and contact data — phones, e-mail, mailing address."""
    url = reverse("portal:ombudsman", args=["vida"])
    page = Client().get(url).content.decode()
    for label in ("Nome completo", "CPF ou CNPJ", "Telefone com DDD", "E-mail", "Endereço para correspondência"):
        assert label in page
    refused = Client().post(url, form_data(document="529.982.247-25"))
    assert refused.status_code == 400
    assert "Informe um telefone com DDD" in refused.content.decode()
    bad = Client().post(url, form_data(document="529.982.247-25", phone="123"))
    assert "Telefone inválido" in bad.content.decode()
    assert not Manifestation.objects.exists()
    data = form_data(document="529.982.247-25", phone="(21) 3333-4444", address="Rua A, 10, Niterói - RJ")
    assert Client().post(url, data).status_code == 302
    requester = Manifestation.objects.get().requester
    assert (str(requester.phone), str(requester.address)) == ("2133334444", "Rua A, 10, Niterói - RJ")


def test_lookup_reveals_nothing_for_a_wrong_pair_and_shows_only_public_events(insurer):
    m = register(insurer, instance="sac")
    services.manifestation_note(m, body="Cliente já reclamou antes (nota interna)", actor=None)
    services.manifestation_message_out(m, body="Estamos analisando.", actor=None)
    client = Client()
    wrong = client.post(reverse("portal:lookup"), {"protocol": m.protocol, "contact": "outra@example.com"})
    missing = client.post(reverse("portal:lookup"), {"protocol": "2026-0000999-0", "contact": "maria@example.com"})
    assert wrong.status_code == missing.status_code == 400
    message = "Não encontramos uma manifestação com esse protocolo e esse e-mail ou CPF."
    assert message in wrong.content.decode()
    assert message in missing.content.decode()
    # A saved link without the proof of e-mail or CPF: to the look-up, the protocol filled in, nothing shown.
    saved = client.get(reverse("portal:case", args=[m.protocol]))
    assert saved.status_code == 302
    assert saved["Location"] == f"{reverse('portal:lookup')}?protocolo={m.formatted_protocol}"
    assert f'value="{m.formatted_protocol}"' in client.get(saved["Location"]).content.decode()
    ok = client.post(
        reverse("portal:lookup"), {"protocol": m.formatted_protocol, "contact": "maria@example.com"}, follow=True
    )
    page = ok.content.decode()
    assert "Estamos analisando." in page
    assert "nota interna" not in page
    by_cpf = Client().post(reverse("portal:lookup"), {"protocol": m.protocol, "contact": "529.982.247-25"})
    assert by_cpf.status_code == 302


def test_lookup_attempts_are_rate_limited(insurer, frozen_clock):
    client = Client()
    codes = [
        client.post(reverse("portal:lookup"), {"protocol": "1", "contact": "x@example.com"}).status_code
        for _ in range(11)
    ]
    assert codes[-1] == 429


def test_the_requester_adds_a_complement_and_evaluates_the_closed_case(insurer):
    m = register(insurer, instance="sac")
    client = Client()
    client.post(reverse("portal:lookup"), {"protocol": m.protocol, "contact": "maria@example.com"})
    client.post(reverse("portal:complement", args=[m.protocol]), {"body": "Segue o número do sinistro: 123."})
    assert m.events.filter(kind="message_in", body__contains="sinistro: 123").exists()
    services.manifestation_answer(m, body="Pagamento liberado.", actor=None)
    services.manifestation_close(m, actor=None)
    page = client.get(reverse("portal:case", args=[m.protocol])).content.decode()
    assert "Avalie o atendimento" in page
    assert "citando este protocolo" in page
    bad = client.post(reverse("portal:evaluate", args=[m.protocol]), {"resolved": "no"})
    assert bad.status_code == 400
    assert "Dê uma nota de 1 a 5" in bad.content.decode()
    client.post(reverse("portal:evaluate", args=[m.protocol]), {"resolved": "no", "rating": "2", "comment": "Demorou."})
    m.refresh_from_db()
    assert (m.resolved, m.rating) == (False, 2)
    again = client.post(reverse("portal:evaluate", args=[m.protocol]), {"resolved": "yes", "rating": "5"})
    assert again.status_code == 400
    next_url = client.get(reverse("portal:case", args=[m.protocol])).context["next_instance_url"]
    assert next_url == f"/atendimento/horizonte/ouvidoria/?protocolo={m.protocol}"


def test_a_participants_own_web_form_is_its_sac_and_goes_into_the_opin_file(insurer):
    """Seed 000 §8.4: the quarterly file includes the participant's SAC cases; its form is one of them."""
    from ouvidoria.opin.services import opin_selection
    from ouvidoria.rules.opin import Quarter

    Client().post(reverse("portal:contact", args=["horizonte"]), form_data())
    m = Manifestation.objects.get()
    today = m.received_on
    quarter = Quarter(today.year, (today.month - 1) // 3 + 1)
    assert list(opin_selection(insurer, quarter).values_list("protocol", flat=True)) == [m.protocol]


def test_only_the_opin_structure_answers_its_web_form_through_the_service_desk_in_15_days():
    EntityFactory.create(slug="opin", name="Estrutura do Open Insurance", regime="susep", opin_structure=True)
    Client().post(reverse("portal:contact", args=["opin"]), form_data())
    m = Manifestation.objects.get()
    assert (m.instance_id, m.policy_id) == ("opin-service-desk", "opin-service-desk")
    assert (m.due_on - m.received_on).days >= 15


def test_an_office_behind_one_address_is_limited_per_email_and_told_when_to_try_again(insurer, frozen_clock):
    """The first week: 5 submissions per address per 10 minutes blocked a whole office behind one address."""
    client = Client()
    url = reverse("portal:contact", args=["horizonte"])
    for person in range(4):
        for _ in range(5):
            assert client.post(url, form_data(email=f"pessoa{person}@escritorio.example")).status_code == 302
    refused = client.post(url, form_data(email="pessoa0@escritorio.example"))
    assert refused.status_code == 429
    assert "Tente de novo em 10 minutos" in refused.content.decode()
    assert client.post(url, form_data(email="pessoa9@escritorio.example")).status_code == 302


def test_phones_and_emails_are_links_and_the_assistant_icon_is_an_svg(insurer):
    insurer.sac_phone, insurer.ombudsman_email = "0800 111 2222", "ouvidoria@horizonte.example"
    insurer.save()
    page = Client().get(reverse("portal:entity", args=["horizonte"])).content.decode()
    assert 'href="tel:08001112222"' in page
    assert 'href="mailto:ouvidoria@horizonte.example"' in page
    assert "💬" not in page
    assert '<svg aria-hidden="true"' in page


def test_the_citizen_sees_their_own_description_on_the_look_up(insurer):
    client = Client()
    client.post(
        reverse("portal:contact", args=["horizonte"]), form_data(description="Cobraram duas vezes a parcela 3.")
    )
    m = Manifestation.objects.get()
    page = client.get(reverse("portal:case", args=[m.protocol])).content.decode()
    assert "Cobraram duas vezes a parcela 3." in page


@pytest.fixture
def bank():
    return EntityFactory.create(slug="banco", name="Banco Alfa", regime="bcb")


def test_a_protocol_in_our_format_that_does_not_exist_is_refused_as_the_earlier_one(bank):
    """The first week: 2026-0000999-9 (no such case) was accepted as the earlier protocol."""
    response = Client().post(
        reverse("portal:ombudsman", args=["banco"]),
        form_data(document="529.982.247-25", phone="(11) 3333-4444", earlier_protocol="2026-0000999-9"),
    )
    assert response.status_code == 400
    assert "Não encontramos o protocolo 2026-0000999-9 em Banco Alfa" in response.content.decode()
    assert not Manifestation.objects.filter(instance_id="ouvidoria").exists()
    other_system = Client().post(
        reverse("portal:ombudsman", args=["banco"]),
        form_data(document="529.982.247-25", phone="(11) 3333-4444", earlier_protocol="SAC-ANTIGO-77"),
    )
    assert other_system.status_code == 302  # another system's reference is kept as such


def test_the_look_up_and_the_ouvidoria_form_ask_the_same_rule_of_an_answered_case(bank):
    """The first week: a real answered case rated "resolvida: sim" was refused by the form although the look-up page
    had just offered the escalation. Citing it there is the requester saying it did not satisfy them."""
    sac = register(bank, instance="sac", requester=services.RequesterData(document="529.982.247-25", name="Joana",
                                                                          email="joana@example.com"))  # fmt: skip
    services.manifestation_answer(sac, body="Resolvido.", actor=None)
    services.manifestation_evaluate(sac, resolved=True, rating=5, actor=None)
    client = Client()
    client.post(reverse("portal:lookup"), {"protocol": sac.protocol, "contact": "joana@example.com"})
    page = client.get(reverse("portal:case", args=[sac.protocol])).content.decode()
    assert f"/atendimento/banco/ouvidoria/?protocolo={sac.protocol}" in page
    response = client.post(
        reverse("portal:ombudsman", args=["banco"]),
        form_data(document="529.982.247-25", phone="(11) 3333-4444", earlier_protocol=sac.formatted_protocol),
    )
    assert response.status_code == 302
    assert Manifestation.objects.filter(instance_id="ouvidoria").get().earlier.get() == sac


def test_no_floating_assistant_button_covers_the_form_fields(insurer):
    """The first week: on a phone the floating assistant button covered form fields."""
    page = Client().get(reverse("portal:contact", args=["horizonte"])).content.decode()
    assert "chat-button" not in page
    assert "Dúvidas? Fale com o assistente virtual" in page
    assert "chat-button" in Client().get(reverse("portal:entity", args=["horizonte"])).content.decode()
