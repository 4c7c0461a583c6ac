"""A case of an entity not granted to the user is "not found" on every page and endpoint, for every role."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from ouvidoria.cases import services
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, register, signed_in, staff_user
from ouvidoria.rules.roles import ROLE_LABELS
from ouvidoria.workspace.views import ACTIONS

pytestmark = pytest.mark.django_db

API_ACTIONS = [
    "triage", "assignment", "messages-in", "messages-out", "notes", "forwards", "area-replies",
    "complement-requests", "extension", "merits", "answer", "closure", "reopening", "evaluation", "links",
]  # fmt: skip


@pytest.fixture
def foreign_case():
    other = EntityFactory.create(slug="outra")
    m = register(other)
    area = AreaFactory.create(entity=other)
    services.manifestation_forward(m, area=area, question="?", actor=None)
    attachment = services.manifestation_attach(
        m, upload=SimpleUploadedFile("a.txt", b"texto simples", "text/plain"), actor=None
    )
    return m, attachment


@pytest.mark.parametrize("role", sorted(ROLE_LABELS))
def test_every_page_and_endpoint_answers_not_found_for_another_entitys_case(role, foreign_case):
    m, attachment = foreign_case
    mine = EntityFactory.create(slug="minha")
    user = staff_user(role, entities=[mine], areas=[AreaFactory.create(entity=mine)])
    client = signed_in(user)
    p = m.protocol
    assert client.get(reverse("workspace:case", args=[p])).status_code == 404
    assert client.post(reverse("workspace:case_personal_data", args=[p])).status_code == 404
    assert client.get(reverse("workspace:case_attachment", args=[p, attachment.pk])).status_code == 404
    for action in ACTIONS:
        response = client.post(reverse("workspace:case_action", args=[p, action]), {"body": "x"})
        assert response.status_code == 404, action
    queue = client.get(reverse("workspace:queue"), {"tab": "all", "q": p})
    assert queue.status_code == 200
    assert queue.context["rows"] == []

    api = APIClient()
    api.force_authenticate(user)
    base = f"/api/v1/manifestations/{p}"
    assert api.get(f"{base}/").status_code == 404
    assert api.get(f"{base}/attachments/{attachment.pk}/").status_code == 404
    for action in API_ACTIONS:
        assert api.post(f"{base}/{action}/", {"body": "x"}, format="json").status_code == 404, action
    assert p not in str(api.get("/api/v1/manifestations/").json())


def test_a_user_with_the_entity_sees_the_same_case(foreign_case):
    m, _ = foreign_case
    client = signed_in(staff_user("analyst", entities=[m.entity]))
    assert client.get(reverse("workspace:case", args=[m.protocol])).status_code == 200
