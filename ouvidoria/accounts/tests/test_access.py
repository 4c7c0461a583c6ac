import pytest
from rest_framework.test import APIClient

from ouvidoria.accounts.access import access_for, staff_for_entity
from ouvidoria.cases import services
from ouvidoria.cases.selectors import accessible_entities, manifestations_for
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, UserFactory, register, staff_user
from ouvidoria.entities.models import EconomicGroup

pytestmark = pytest.mark.django_db


def test_a_user_sees_only_the_entities_granted_to_them():
    mine, other = EntityFactory.create(), EntityFactory.create()
    case_mine, case_other = register(mine), register(other)
    user = staff_user("analyst", entities=[mine])
    assert set(manifestations_for(user)) == {case_mine}
    assert case_other not in manifestations_for(user)
    assert list(accessible_entities(user)) == [mine]


def test_a_group_ombudsman_sees_every_entity_of_the_group_even_later_ones():
    group = EconomicGroup.objects.create(name="Grupo Alfa", slug="alfa")
    first = EntityFactory.create(group=group)
    outside = EntityFactory.create()
    ouvidor = staff_user("ombudsman", groups=[group])
    later = EntityFactory.create(group=group)
    assert set(accessible_entities(ouvidor)) == {first, later}
    assert outside not in accessible_entities(ouvidor)
    assert list(staff_for_entity(later, frozenset({"ombudsman"}))) == [ouvidor]
    assert list(staff_for_entity(outside, frozenset({"ombudsman"}))) == []


def test_an_internal_area_sees_only_what_was_forwarded_to_it():
    entity = EntityFactory.create()
    legal, finance = AreaFactory.create(entity=entity), AreaFactory.create(entity=entity)
    forwarded, other_area, not_forwarded = register(entity), register(entity), register(entity)
    services.manifestation_forward(forwarded, area=legal, question="Confirma o estorno?", actor=None)
    services.manifestation_forward(other_area, area=finance, question="Houve cobrança?", actor=None)
    area_user = staff_user("area", entities=[entity], areas=[legal])
    assert list(manifestations_for(area_user)) == [forwarded]
    assert not_forwarded not in manifestations_for(area_user)


def test_a_user_without_a_profile_or_inactive_sees_nothing():
    entity = EntityFactory.create()
    register(entity)
    assert not manifestations_for(UserFactory.create()).exists()
    inactive = staff_user("analyst", entities=[entity], is_active=False)
    assert not manifestations_for(inactive).exists()


def test_access_is_read_once_per_request():
    entity = EntityFactory.create()
    user = staff_user("attendant", entities=[entity])
    first = access_for(user)
    assert access_for(user) is first
    assert first.role == "attendant"
    assert first.entity_ids == {entity.pk}


def test_the_api_refuses_what_the_role_may_not_do(settings):
    entity = EntityFactory.create(regime="susep")
    case = register(entity, instance="ouvidoria")
    services.manifestation_triage(case, actor=None)
    api = APIClient()
    api.force_authenticate(staff_user("analyst", entities=[entity]))
    url = f"/api/v1/manifestations/{case.protocol}"
    response = api.post(f"{url}/answer/", {"body": "Resposta"}, format="json")
    assert response.status_code == 403
    assert "aprovação do Ouvidor" in response.json()["detail"]
    assert api.post(f"{url}/notes/", {"body": "Ligar amanhã"}, format="json").status_code == 200

    auditor = APIClient()
    auditor.force_authenticate(staff_user("auditor", entities=[entity]))
    assert auditor.get(f"{url}/").status_code == 200
    assert auditor.post(f"{url}/notes/", {"body": "x"}, format="json").status_code == 403
    payload = {
        "entity": entity.slug,
        "instance": "sac",
        "medium": "phone",
        "record_type": "elogio",
        "description": "Bom atendimento",
    }
    assert auditor.post("/api/v1/manifestations/", payload, format="json").status_code == 403


def test_an_area_may_answer_only_its_own_forwards():
    entity = EntityFactory.create()
    legal, finance = AreaFactory.create(entity=entity), AreaFactory.create(entity=entity)
    case = register(entity)
    services.manifestation_forward(case, area=legal, question="Confirma?", actor=None)
    services.manifestation_forward(case, area=finance, question="E aqui?", actor=None)
    own, foreign = case.forwards.get(area=legal), case.forwards.get(area=finance)
    api = APIClient()
    api.force_authenticate(staff_user("area", entities=[entity], areas=[legal]))
    url = f"/api/v1/manifestations/{case.protocol}/area-replies/"
    refused = api.post(url, {"forward": foreign.pk, "reply": "Sim"}, format="json")
    assert refused.status_code == 400
    assert "forward" in refused.json()
    assert api.post(url, {"forward": own.pk, "reply": "Sim, estornado"}, format="json").status_code == 200
