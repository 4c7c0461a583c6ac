"""The team is told of assignments, forwards, area replies, answers to approve and the Ouvidor's decisions: in the
workspace, and by e-mail for the kinds each person chose."""

import pytest
from django.urls import reverse

from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, register, signed_in, staff_user
from ouvidoria.inbox.models import StaffNotification
from ouvidoria.inbox.services import preferences_save
from ouvidoria.notify.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity():
    return EntityFactory.create(name="Horizonte Seguros")


@pytest.fixture
def people(entity):
    area = AreaFactory.create(entity=entity, name="Financeiro")
    return {
        "analyst": staff_user("analyst", entities=[entity], first_name="Ana", email="ana@empresa.com"),
        "other": staff_user("analyst", entities=[entity], first_name="Beto", email="beto@empresa.com"),
        "ouvidor": staff_user("ombudsman", entities=[entity], first_name="Olga", email="olga@empresa.com"),
        "area": staff_user("area", entities=[entity], areas=[area], first_name="Fábio", email="fabio@empresa.com"),
        "elsewhere": staff_user("area", entities=[entity], areas=[AreaFactory.create(entity=entity)]),
        "other_ouvidor": staff_user("ombudsman", entities=[EntityFactory.create()]),
        "_area": area,
    }


def told(user) -> list[str]:
    return list(StaffNotification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True))


def test_each_movement_tells_the_people_it_concerns_and_never_the_one_who_acted(entity, people):
    m = register(entity, instance="ouvidoria")
    services.manifestation_assign(m, assignee=people["analyst"], actor=people["other"])
    services.manifestation_assign(m, assignee=people["analyst"], actor=people["analyst"])  # took it: not told
    forward = services.manifestation_forward(
        m, area=people["_area"], question="Houve o pagamento?", actor=people["other"]
    )
    services.manifestation_area_reply(m, forward_id=forward.pk, reply="Sim, em 10/11.", actor=people["area"])
    draft = services.answer_propose(m, body="Resposta.", merits_reason="no_breach", actor=people["analyst"])
    services.answer_return(m, draft_id=draft.pk, note="Cite a data.", actor=people["ouvidor"])
    draft = services.answer_propose(m, body="Resposta com a data.", merits_reason="no_breach", actor=people["analyst"])
    services.answer_approve(m, draft_id=draft.pk, actor=people["ouvidor"])

    assert told(people["analyst"]) == ["assignment", "area_reply", "draft_returned", "draft_approved"]
    # The forwarder hears of the reply too; the area's people (and only that area's) of the forward.
    assert told(people["other"]) == ["area_reply"]
    assert told(people["area"]) == ["forward"]
    assert told(people["elsewhere"]) == []
    assert told(people["ouvidor"]) == ["approval_request", "approval_request"]
    assert told(people["other_ouvidor"]) == []
    text = StaffNotification.objects.get(user=people["analyst"], kind="assignment").text
    assert m.formatted_protocol in text
    assert "Beto" in text
    assert "Horizonte Seguros" in text
    # Nobody chose e-mail: nothing but the requester's own answer went out by e-mail.
    assert not OutboundEmail.objects.filter(key__startswith="inbox:").exists()


def test_the_kinds_a_person_chose_also_come_by_e_mail_without_the_requesters_data(entity, people):
    preferences_save(people["area"], email_kinds=["forward"])
    preferences_save(people["ouvidor"], email_kinds=["approval_request", "nonsense"])
    m = register(entity, instance="ouvidoria")
    services.manifestation_assign(m, assignee=people["analyst"], actor=people["other"])
    services.manifestation_forward(m, area=people["_area"], question="Maria da Silva pagou?", actor=people["analyst"])
    services.answer_propose(m, body="Prezada Maria da Silva, ...", merits_reason="no_breach", actor=people["analyst"])
    emails = {e.recipient: e for e in OutboundEmail.objects.filter(key__startswith="inbox:")}
    assert set(emails) == {"fabio@empresa.com", "olga@empresa.com"}
    forward = emails["fabio@empresa.com"]
    assert forward.subject == f"Encaminhamento para a sua área — protocolo {m.formatted_protocol}"
    assert f"http://127.0.0.1:8000/painel/m/{m.protocol}/" in forward.body
    assert "/painel/notificacoes/preferencias/" in forward.body
    for email in emails.values():
        assert "Maria" not in email.body
        assert "529" not in email.body
        assert "maria@example.com" not in email.body


def test_the_list_the_bell_and_reading(entity, people):
    m = register(entity, instance="ouvidoria")
    services.manifestation_assign(m, assignee=people["analyst"], actor=people["other"])
    services.manifestation_assign(register(entity), assignee=people["analyst"], actor=people["other"])
    client = signed_in(people["analyst"])
    queue = client.get(reverse("workspace:queue")).content.decode()
    assert '<span class="count">2<span class="sr-only"> não lidas</span></span>' in queue
    page = client.get(reverse("inbox:list"))
    assert len(page.context["rows"]) == 2
    assert "Manifestação atribuída a você" in page.content.decode()
    mine = StaffNotification.objects.get(user=people["analyst"], manifestation=m)
    opened = client.post(reverse("inbox:open", args=[mine.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("workspace:case", args=[m.protocol])
    assert len(client.get(reverse("inbox:list")).context["rows"]) == 1
    assert len(client.get(reverse("inbox:list"), {"mostrar": "todas"}).context["rows"]) == 2
    client.post(reverse("inbox:mark_read"))
    assert client.get(reverse("inbox:list")).context["rows"] == []
    assert 'class="count"' not in client.get(reverse("workspace:queue")).content.decode()
    # Someone else's notification cannot be opened (nor learnt to exist).
    theirs = StaffNotification.objects.create(user=people["other"], kind="assignment", manifestation=m, text="x")
    assert client.post(reverse("inbox:open", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("inbox:open", args=[mine.pk])).status_code == 405


def test_looking_at_the_case_reads_what_one_was_told_of_it(entity, people):
    m = register(entity, instance="ouvidoria")
    services.manifestation_assign(m, assignee=people["analyst"], actor=people["other"])
    client = signed_in(people["analyst"])
    client.get(reverse("workspace:case", args=[m.protocol]))
    assert StaffNotification.objects.get(user=people["analyst"]).read_at is not None


def test_the_preferences_page_saves_the_kinds_and_warns_without_an_address(entity, people):
    client = signed_in(people["analyst"])
    page = client.get(reverse("inbox:preferences")).content.decode()
    assert "Resposta devolvida para ajustes" in page
    assert "não tem e-mail cadastrado" not in page
    client.post(reverse("inbox:preferences"), {"email_kinds": ["assignment", "draft_returned"]})
    assert people["analyst"].inbox_preference.email_kinds == ["assignment", "draft_returned"]
    refused = client.post(reverse("inbox:preferences"), {"email_kinds": ["everything"]})
    assert refused.status_code == 200
    assert "Receber também por e-mail" in refused.content.decode()
    assert "Faça uma escolha válida" in refused.content.decode()
    no_address = signed_in(staff_user("analyst", entities=[entity]))
    assert "não tem e-mail cadastrado" in no_address.get(reverse("inbox:preferences")).content.decode()
