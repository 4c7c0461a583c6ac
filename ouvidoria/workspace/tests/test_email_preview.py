"""The sender and the approver see the exact e-mail the requester will receive before it goes."""

import pytest
from django.urls import reverse

from ouvidoria.accounts.models import PersonalDataView
from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import EntityFactory, register, requester_data, signed_in, staff_user
from ouvidoria.notify.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity():
    return EntityFactory.create(regime="bcb", name="Banco Alfa", slug="banco-alfa")


def preview(client, m, action, body, **extra):
    url = reverse("workspace:case_email_preview", args=[m.protocol, action])
    return client.post(url, {"body": body, **extra}, HTTP_HX_REQUEST="true")


def test_the_approver_sees_the_e_mail_as_it_will_go_with_the_fill_ins_named(entity):
    m = register(entity, instance="ouvidoria")
    draft = services.answer_propose(
        m,
        body="Olá, Maria.\n\nO estorno foi feito.\n\nAtenciosamente,\nOuvidoria",
        merits_reason="no_breach",
        actor=None,
    )
    ouvidor = signed_in(staff_user("ombudsman", entities=[entity]))
    page = ouvidor.get(reverse("workspace:case", args=[m.protocol])).content.decode()
    assert 'hx-target="#previa-aprovar-resposta"' in page
    edited = "Olá, Maria.\n\nO estorno foi feito em [confirmar data com o Financeiro].\n\nAtenciosamente,\nOuvidoria"
    shown = preview(ouvidor, m, "aprovar-resposta", edited, draft=draft.pk)
    assert shown.status_code == 200
    body = shown.content.decode()
    assert "Resposta à sua manifestação — protocolo" in body
    assert "maria@example.com" in body
    # The same text the sending builds: one greeting, the footer of a conclusive answer, one sign-off.
    assert body.count("Olá, Maria.") == 1
    assert "Maria da Silva" not in body
    assert "consumidor.gov.br" in body
    assert "[confirmar data com o Financeiro]" in body
    assert "Complete o texto antes de enviar" in body
    assert PersonalDataView.objects.filter(channel="email_preview", manifestation=m).count() == 1
    # A preview sends nothing and changes nothing.
    assert not OutboundEmail.objects.filter(key__startswith="requester:").exclude(key__contains="registration").exists()
    m.refresh_from_db()
    assert m.status != "answered"


def test_without_javascript_the_preview_opens_in_the_case_page_with_the_text_kept(entity):
    m = register(entity, instance="sac")
    attendant = signed_in(staff_user("attendant", entities=[entity]))
    url = reverse("workspace:case_email_preview", args=[m.protocol, "mensagem"])
    page = attendant.post(url, {"body": "Seu cartão foi desbloqueado."})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Prévia do e-mail ao manifestante" in html
    assert "Nova mensagem sobre a sua manifestação" in html
    assert html.count("Seu cartão foi desbloqueado.") == 2  # in the preview and still in the form


def test_no_e_mail_goes_to_an_anonymous_requester_and_the_preview_says_so(entity):
    m = register(entity, instance="ouvidoria", requester=None, anonymous=True, record_type="denuncia")
    analyst = signed_in(staff_user("analyst", entities=[entity]))
    body = preview(analyst, m, "propor-resposta", "Resposta.").content.decode()
    assert "nada será enviado por e-mail" in body
    assert not PersonalDataView.objects.filter(channel="email_preview").exists()


def test_only_those_who_may_send_preview_and_an_unknown_form_is_not_found(entity):
    m = register(entity, instance="ouvidoria", requester=requester_data())
    manager = signed_in(staff_user("manager", entities=[entity]))
    assert preview(manager, m, "mensagem", "Texto.").status_code == 404
    analyst = signed_in(staff_user("analyst", entities=[entity]))
    assert preview(analyst, m, "nota", "Texto.").status_code == 404
    assert analyst.get(reverse("workspace:case_email_preview", args=[m.protocol, "mensagem"])).status_code == 405
