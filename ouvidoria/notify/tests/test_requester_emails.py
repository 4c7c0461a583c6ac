"""What the requester receives by e-mail when the case services act."""

import pytest
from django.core import mail

from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import EntityFactory, register, requester_data
from ouvidoria.notify.models import OutboundEmail
from ouvidoria.rules.answers import CONSUMIDOR_GOV_URL

pytestmark = pytest.mark.django_db


def answered(m, body="Verificamos a cobrança e faremos o estorno em 5 dias úteis."):
    m = services.manifestation_set_merits(m, reason="contract_breach", actor=None)
    return services.manifestation_answer(m, body=body, actor=None)


def test_final_answer_email_ends_with_the_new_manifestation_and_consumidor_gov_br_footer():
    m = answered(register(requester=requester_data(social_name="Mariana")))
    (email,) = mail.outbox
    assert email.to == ["maria@example.com"]
    assert m.formatted_protocol in email.subject
    assert email.body.startswith("Olá, Mariana.")  # the social name, never the registered one
    assert "Maria da Silva" not in email.body
    assert "faremos o estorno" in email.body
    footer = email.body[email.body.index("Se você não ficou satisfeito") :]
    assert f"citando o protocolo {m.formatted_protocol}" in footer
    assert CONSUMIDOR_GOV_URL in footer


def test_first_instance_answer_points_to_the_ouvidoria():
    m = register(instance="sac", record_type="solicitacao")
    services.manifestation_answer(m, body="Segunda via enviada.", actor=None)
    (email,) = mail.outbox
    assert f"na nossa Ouvidoria, informando o protocolo {m.formatted_protocol}" in email.body
    assert CONSUMIDOR_GOV_URL in email.body


def test_answer_to_a_case_from_an_external_body_goes_back_to_the_body_not_by_email():
    m = answered(register(instance="procon"))
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()
    assert m.events.get(kind="answer").params["to_external_body"] is True


def test_no_email_without_an_address_or_for_anonymous_requesters():
    no_email = register(requester=requester_data(email="", phone="11987654321"))
    services.manifestation_message_out(no_email, body="Estamos analisando.", actor=None)
    anonymous = register(record_type="denuncia", anonymous=True, requester=None)
    services.manifestation_message_out(anonymous, body="Estamos analisando.", actor=None)
    assert mail.outbox == []


def test_message_and_request_for_complement_reach_the_requester():
    m = register()
    services.manifestation_message_out(m, body="Estamos analisando o seu caso.", actor=None)
    services.manifestation_request_complement(m, body="Envie a fatura de outubro.", actor=None)
    message, complement = mail.outbox
    assert "Estamos analisando o seu caso." in message.body
    assert "Envie a fatura de outubro." in complement.body
    assert "mais informações" in complement.subject


def test_a_request_for_complement_tells_the_requester_the_clock_keeps_running():
    """Seed 000 §4.3.1 and Decreto 11.034/2022 count straight through: the requester is told the date that holds."""
    m = register(instance="sac")
    services.manifestation_request_complement(m, body="Envie a fatura.", actor=None)
    (email,) = mail.outbox
    assert "O prazo de resposta não é suspenso" in email.body
    assert f"responderemos até {m.due_on:%d/%m/%Y}" in email.body
    assert "suspenso até recebermos" not in email.body


def test_extension_email_tells_the_requester_why_and_until_when():
    entity = EntityFactory(regime="ans")
    m = register(entity)
    m = services.deadline_extend(
        m, justification="Aguardamos o laudo da perícia médica.", days=5, agreed_with_requester=True, actor=None
    )
    (email,) = mail.outbox
    assert "Prorrogação" in email.subject
    assert "Aguardamos o laudo da perícia médica." in email.body
    assert f"{m.due_on:%d/%m/%Y}" in email.body


def test_each_action_is_emailed_once():
    m = register()
    services.manifestation_message_out(m, body="Primeira mensagem.", actor=None)
    event = m.events.get(kind="message_out")
    from ouvidoria.notify.requester import requester_notify

    m.refresh_from_db()
    requester_notify(m, event=event, notice="message_out")
    assert len(mail.outbox) == 1


def test_a_template_that_greets_and_signs_off_is_greeted_and_signed_once():
    """The first week: "Olá, Vanessa Araújo Almeida." … "Olá, Vanessa." in the same e-mail."""
    m = register()
    services.manifestation_message_out(
        m, body="Olá, Maria.\n\nSeu estorno foi feito.\n\nAtenciosamente,\nEquipe da Ouvidoria", actor=None
    )
    (email,) = mail.outbox
    assert email.body.count("Olá") == 1
    assert email.body.count("Atenciosamente") == 1
    assert email.body.startswith("Olá, Maria.")
    assert "Seu estorno foi feito." in email.body


def test_text_with_an_unfilled_fill_in_or_placeholder_never_reaches_the_requester():
    """An Ouvidor approved "[confirmar data com o Financeiro]" and the citizen received it verbatim."""
    from django.core.exceptions import ValidationError

    m = register()
    for body in ("O estorno sai em [confirmar data com o Financeiro].", "Seu protocolo é {protocolo}."):
        with pytest.raises(ValidationError) as refused:
            services.manifestation_message_out(m, body=body, actor=None)
        assert "Complete o texto antes de enviar" in refused.value.message_dict["body"][0]
    with pytest.raises(ValidationError):
        services.answer_propose(m, body="Resposta: [descreva].", merits_reason="no_breach", actor=None)
    assert mail.outbox == []
    services.manifestation_message_out(m, body="Veja o item [1] do contrato.", actor=None)  # a number is not a fill-in
    assert len(mail.outbox) == 1
