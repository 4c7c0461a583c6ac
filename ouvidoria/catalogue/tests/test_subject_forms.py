"""Each registration screen offers the entity's own subjects, grouped, and refuses the others (issue 14)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ouvidoria.api.models import ApiToken
from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, signed_in, staff_user
from ouvidoria.catalogue.models import Subject
from ouvidoria.catalogue.tests.test_catalogues import CARD_LABEL, CONSORTIUM_LABEL, HEALTH_LABEL

pytestmark = pytest.mark.django_db


@pytest.fixture
def health():
    return EntityFactory(slug="vida", name="Saúde Vida", regime="ans")


@pytest.fixture
def bank():
    return EntityFactory(slug="banco", name="Banco Alfa", regime="bcb", institution_kind="bank")


def code(label: str) -> str:
    return Subject.objects.get(label=label).code


def _select(html: str) -> str:
    found = re.search(r'<select name="subject".*?</select>', html, re.S)
    assert found is not None
    return found.group(0)


def options(html: str) -> set[str]:
    return set(re.findall(r'<option value="([^"]+)"', _select(html)))


def groups(html: str) -> list[str]:
    return re.findall(r'<optgroup label="([^"]+)"', _select(html))


def test_the_staff_registration_offers_the_chosen_entitys_catalogue_and_reloads_it(health, bank):
    client = signed_in(staff_user("analyst", entities=[bank, health]))
    page = client.get(reverse("workspace:register")).content.decode()
    assert code(CARD_LABEL) in options(page)
    assert code(HEALTH_LABEL) not in options(page)
    assert "Serviços Financeiros — Cartão de Crédito / Cartão de Débito / Cartão de Loja" in groups(page)
    swapped = client.get(reverse("workspace:subjects"), {"entity": "vida"}).content.decode()
    assert code(HEALTH_LABEL) in options(swapped)
    assert code(CARD_LABEL) not in options(swapped)
    assert not any(o.startswith("opin-") for o in options(swapped))
    # Another entity's slug, not granted: only the user's own entities are offered.
    stranger = EntityFactory(slug="outra", regime="ans")
    assert code(HEALTH_LABEL) not in options(
        client.get(reverse("workspace:subjects"), {"entity": stranger.slug}).content.decode()
    )


def test_the_staff_registration_refuses_a_subject_of_another_regime_naming_the_field(health):
    client = signed_in(staff_user("analyst", entities=[health]))
    page = client.get(reverse("workspace:register"))
    data = {
        "protocol_token": page.context["form"].initial["protocol_token"],
        "entity": "vida", "instance": "sac", "medium": "phone", "record_type": "reclamacao",
        "subject": code(CARD_LABEL), "description": "Negaram a consulta.", "document": "529.982.247-25",
        "name": "Maria da Silva", "email": "maria@example.com", "phone": "11987654321", "personal_matters": "on",
        "identity_checks": ["cpf", "name", "mother_name"],
    }  # fmt: skip
    refused = client.post(reverse("workspace:register"), data)
    assert refused.status_code == 400
    assert "Assunto: escolha um dos assuntos da entidade" in refused.content.decode()
    assert not Manifestation.objects.exists()
    accepted = client.post(reverse("workspace:register"), data | {"subject": code(HEALTH_LABEL)})
    assert accepted.status_code == 302
    assert Manifestation.objects.get().subject.label == HEALTH_LABEL


@pytest.mark.parametrize("url", ["portal:contact", "portal:ombudsman"])
def test_the_citizen_forms_show_only_the_entitys_subjects_grouped(health, url):
    page = Client().get(reverse(url, args=["vida"])).content.decode()
    offered = options(page)
    assert code(HEALTH_LABEL) in offered
    assert code(CARD_LABEL) not in offered
    assert not any(o.startswith("opin-") for o in offered)
    assert "Saúde — Plano de Saúde (convênio, autogestão, seguro saúde)" in groups(page)


def test_an_opin_participant_sees_opin_subjects_first_and_its_insurers(health):
    EntityFactory(slug="seguradora", regime="susep", opin_participant=True)
    page = Client().get(reverse("portal:contact", args=["seguradora"])).content.decode()
    assert groups(page)[0].startswith("Open Insurance (OPIN)")
    assert "opin-lgpd" in options(page)
    assert code(HEALTH_LABEL) not in options(page)


def test_the_citizen_form_refuses_another_regimes_subject(health):
    data = {"name": "Joana Souza", "email": "joana@example.com", "record_type": "reclamacao",
            "description": "Negaram a consulta.", "subject": code(CONSORTIUM_LABEL)}  # fmt: skip
    refused = Client().post(reverse("portal:contact", args=["vida"]), data)
    assert refused.status_code == 400
    assert "Assunto: escolha um dos assuntos da lista." in refused.content.decode()
    assert not Manifestation.objects.exists()


def test_the_api_lists_each_entitys_catalogues_and_refuses_a_subject_outside_them(health):
    _, key = ApiToken.issue(name="crm", entities=[health])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listed = api.get("/api/v1/catalogues/").json()
    assert listed["entities"][0]["subject_catalogues"] == ["health"]
    assert {"code": code(HEALTH_LABEL), "catalogues": ["health"]}.items() <= next(
        s for s in listed["subjects"] if s["label"] == HEALTH_LABEL
    ).items()
    requester = {"document": "529.982.247-25", "name": "Maria da Silva", "email": "maria@example.com"}
    body = {"entity": "vida", "instance": "sac", "medium": "phone", "record_type": "reclamacao",
            "description": "Negaram a consulta.", "subject": CARD_LABEL, "requester": requester}  # fmt: skip
    refused = api.post("/api/v1/manifestations/", body, format="json")
    assert refused.status_code == 400
    assert refused.json()["subject"][0].startswith("Assunto: ")
    assert api.post("/api/v1/manifestations/", body | {"subject": HEALTH_LABEL}, format="json").status_code == 201
