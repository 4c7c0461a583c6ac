import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user

URL = "/painel/indicadores/"
SP = ZoneInfo("America/Sao_Paulo")


def received(entity, day: date, count: int = 1) -> None:
    for _ in range(count):
        m = register(entity, received_at=datetime(2026, 11, 2, 10, tzinfo=SP))
        Manifestation.objects.filter(pk=m.pk).update(received_on=day)


def chart_data(response):
    html = response.content.decode()
    match = re.search(r'<script id="indicadores-dados" type="application/json">(.*?)</script>', html, re.S)
    assert match is not None
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_a_manager_sees_only_the_figures_of_the_granted_entity():
    a, b = EntityFactory(name="Seguradora A"), EntityFactory(name="Banco B")
    received(a, date(2026, 10, 5), 2)
    received(b, date(2026, 10, 6), 3)
    client = signed_in(staff_user("manager", entities=[a]))

    response = client.get(URL, {"date_from": "2026-10-01", "date_to": "2026-10-31"})

    assert response.status_code == 200
    assert response.context["f"]["received"] == 2
    assert chart_data(response)["by_type"]["counts"] == [2]
    assert "Banco B" not in response.content.decode()


@pytest.mark.django_db
def test_asking_for_another_entity_is_a_form_error_not_its_figures():
    a, b = EntityFactory(), EntityFactory()
    received(b, date(2026, 10, 6), 3)
    client = signed_in(staff_user("manager", entities=[a]))

    response = client.get(URL, {"date_from": "2026-10-01", "date_to": "2026-10-31", "entity": b.slug})

    assert response.status_code == 400
    assert "entity" in response.context["form"].errors
    assert response.context["f"] is None


@pytest.mark.django_db
def test_an_auditor_of_both_entities_can_narrow_to_one():
    a, b = EntityFactory(), EntityFactory()
    received(a, date(2026, 10, 5), 2)
    received(b, date(2026, 10, 6), 3)
    client = signed_in(staff_user("auditor", entities=[a, b]))

    everything = client.get(URL, {"date_from": "2026-10-01", "date_to": "2026-10-31"})
    only_b = client.get(URL, {"date_from": "2026-10-01", "date_to": "2026-10-31", "entity": b.slug})

    assert everything.context["f"]["received"] == 5
    assert only_b.context["f"]["received"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "31/02/2026", "date_to": "2026-10-31"}, "date_from"),
        ({"date_from": "2026-10-31", "date_to": "2026-10-01"}, "date_to"),
        ({"date_from": "2010-01-01", "date_to": "2026-10-01"}, "date_to"),
        ({"date_from": "9999-01-01", "date_to": "9999-12-31"}, "date_to"),
        ({"date_from": "0001-01-01", "date_to": "0001-12-31"}, "date_from"),
        ({"date_from": "2026-10-01", "date_to": "2026-10-31", "instance": "nao-existe"}, "instance"),
    ],
)
def test_bad_filters_are_form_errors(params, field):
    client = signed_in(staff_user("manager", entities=[EntityFactory()]))
    response = client.get(URL, params)
    assert response.status_code == 400
    assert field in response.context["form"].errors


@pytest.mark.django_db
def test_without_filters_it_shows_the_current_month_with_charts_and_tables():
    client = signed_in(staff_user("manager", entities=[EntityFactory()]))
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="pt-BR"' in html
    assert "chart-4.6.1.umd.min.js" in html
    assert set(chart_data(response)) == {"by_type", "by_instance", "by_medium", "by_subject", "by_state"}
    # The period shown in the date inputs, in the ISO form they take.
    start, end = response.context["form"]["date_from"].value(), response.context["form"]["date_to"].value()
    assert f'value="{start:%Y-%m-%d}"' in html
    assert f'value="{end:%Y-%m-%d}"' in html


@pytest.mark.django_db
def test_each_chart_has_a_text_alternative():
    entity = EntityFactory()
    received(entity, date(2026, 10, 5), 2)
    client = signed_in(staff_user("manager", entities=[entity]))
    html = client.get(URL, {"date_from": "2026-10-01", "date_to": "2026-10-31"}).content.decode()
    assert html.count('role="img"') == 5
    assert html.count("<table>") == 5
    assert '<th scope="row">Reclamação</th><td class="num">2</td>' in html


@pytest.mark.django_db
def test_roles_without_the_indicators_permission_are_refused_and_see_no_link():
    entity = EntityFactory()
    attendant = signed_in(staff_user("attendant", entities=[entity]))
    manager = signed_in(staff_user("manager", entities=[entity]))

    assert attendant.get(URL).status_code == 403
    assert URL not in attendant.get("/painel/").content.decode()
    assert URL in manager.get("/painel/").content.decode()


@pytest.mark.django_db
def test_the_dashboard_opens_on_the_last_30_days_in_brazilian_dates_with_an_in_app_formulas_page():
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from ouvidoria.cases.tests.factories import EntityFactory, signed_in, staff_user

    entity = EntityFactory.create(slug="painel")
    client = signed_in(staff_user("manager", entities=[entity]))
    page = client.get(reverse("indicators:dashboard")).content.decode()
    today = timezone.localdate()
    assert f"Período de {today - timedelta(days=29):%d/%m/%Y} a {today:%d/%m/%Y}" in page
    assert "docs/indicators.md" not in page
    formulas = client.get(reverse("indicators:formulas")).content.decode()
    assert "Respondidas no prazo" in formulas
    assert signed_in(staff_user("attendant", entities=[entity])).get(reverse("indicators:formulas")).status_code == 403
