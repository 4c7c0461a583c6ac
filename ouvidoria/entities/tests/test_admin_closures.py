from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ouvidoria.cases.tests.factories import EntityFactory, UserFactory, register, signed_in
from ouvidoria.entities.models import Closure

pytestmark = pytest.mark.django_db


def test_closure_added_in_the_admin_recomputes_open_deadlines():
    entity = EntityFactory()
    case = register(entity, received_at=datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("America/Sao_Paulo")))
    client = signed_in(UserFactory(username="adm", is_superuser=True))
    response = client.post(
        "/admin/entities/closure/add/",
        {"entity": entity.pk, "date": "01/12/2026", "reason": "Aniversário da cidade"},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 prazos recalculados" in response.content.decode()
    case.refresh_from_db()
    assert case.due_on == date(2026, 12, 8)
    closure = Closure.objects.get()
    client.post(f"/admin/entities/closure/{closure.pk}/delete/", {"post": "yes"})
    case.refresh_from_db()
    assert case.due_on == date(2026, 12, 7)
    assert not Closure.objects.exists()
