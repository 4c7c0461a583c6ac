"""Reply templates: the starter library, which templates a case offers, and filling their placeholders."""

import pytest
from django.core.exceptions import ValidationError

from ouvidoria.cases.tests.factories import EntityFactory, register, requester_data
from ouvidoria.notify.library import LIBRARY, reply_library_load
from ouvidoria.notify.models import ReplyTemplate
from ouvidoria.notify.selectors import reply_templates_for
from ouvidoria.notify.services import reply_template_render
from ouvidoria.rules.answers import placeholders_in, render_placeholders

pytestmark = pytest.mark.django_db


def test_starter_library_is_installed_shared_and_loads_once():
    assert sum(t.category == "standard_answer" for t in LIBRARY) >= 6
    assert ReplyTemplate.objects.filter(entity=None).count() == len(LIBRARY)
    assert reply_library_load() == 0


def test_every_starter_template_uses_only_known_placeholders():
    values = dict.fromkeys(["protocolo", "nome", "prazo", "entidade", "data_recebimento"], "x")
    for template in LIBRARY:
        render_placeholders(template.body, values)
        assert "protocolo" in placeholders_in(template.body)


def test_a_case_sees_its_entitys_and_shared_templates_for_its_record_type():
    entity, other = EntityFactory(), EntityFactory()
    own = ReplyTemplate.objects.create(entity=entity, title="Própria", body="Olá, {nome}.")
    ReplyTemplate.objects.create(entity=other, title="De outra entidade", body="x")
    ReplyTemplate.objects.create(entity=entity, title="Inativa", body="x", active=False)
    praise_only = ReplyTemplate.objects.create(entity=entity, title="Só elogio", body="x")
    praise_only.record_types.set(["elogio"])
    titles = set(reply_templates_for(register(entity)).values_list("title", flat=True))
    assert own.title in titles
    assert "Cobrança em duplicidade — estorno" in titles  # shared, for reclamações
    assert "Elogio — agradecimento" not in titles
    assert not titles & {"De outra entidade", "Inativa", "Só elogio"}


def test_template_is_filled_for_the_case():
    m = register(requester=requester_data(social_name="Mariana"))
    template = ReplyTemplate.objects.get(title="Confirmação de recebimento e prazo")
    text = reply_template_render(template=template, manifestation=m)
    assert "Olá, Mariana." in text
    assert m.formatted_protocol in text
    assert f"{m.due_on:%d/%m/%Y}" in text
    assert m.entity.name in text


def test_unknown_placeholder_is_refused_naming_it():
    template = ReplyTemplate(title="Erro", body="Olá, {cliente}.")
    with pytest.raises(ValidationError) as exc:
        reply_template_render(template=template, manifestation=register())
    assert "{cliente}" in exc.value.message_dict["body"][0]


def test_admin_refuses_a_template_with_an_unknown_placeholder():
    from ouvidoria.cases.tests.factories import UserFactory, signed_in

    client = signed_in(UserFactory(username="adm", is_superuser=True))
    response = client.post(
        "/admin/notify/replytemplate/add/",
        {"title": "Novo", "category": "message", "body": "Prazo: {prazo_final}", "active": "on"},
    )
    assert response.status_code == 200
    assert "{prazo_final}" in response.content.decode()
    assert not ReplyTemplate.objects.filter(title="Novo").exists()
