"""Each table of the dashboard as CSV and XLSX: the figures on the screen, for the same filters."""

import csv
import html
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, register, signed_in, staff_user
from ouvidoria.catalogue.models import Subject
from ouvidoria.indicators.views import EXPORT_TABLES

pytestmark = pytest.mark.django_db

URL = "/painel/indicadores/"
SP = ZoneInfo("America/Sao_Paulo")
OCTOBER = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


def history(entity, n: int) -> None:
    """Cases of October 2026 spread over types, instances, media, subjects and states (and one of September)."""
    subjects = list(Subject.objects.order_by("pk")[:3])
    kinds = [("ouvidoria", "phone", "reclamacao"), ("sac", "email", "informacao"), ("sac", "phone", "elogio")]
    for i in range(n):
        instance, medium, record_type = kinds[i % len(kinds)]
        m = register(
            entity,
            instance=instance,
            medium=medium,
            record_type=record_type,
            received_at=datetime(2026, 10, 2, 10, tzinfo=SP),
        )
        Manifestation.objects.filter(pk=m.pk).update(
            received_on=date(2026, 9, 30) if i == 0 else date(2026, 10, 1 + i % 28),
            state=["SP", "RJ", "", "SP"][i % 4],
            subject=subjects[i % len(subjects)] if i % 5 else None,
        )


@pytest.fixture
def manager():
    a, b = EntityFactory(name="Seguradora Aurora", slug="aurora"), EntityFactory(name="Banco Boreal", slug="boreal")
    history(a, 14)
    history(b, 9)
    return signed_in(staff_user("manager", entities=[a, b]))


def on_screen(page: str, key: str) -> list[tuple[str, int]]:
    """The rows of one chart's table, as the dashboard shows them."""
    section = page[page.index(f'id="titulo-{key}"') :]
    section = section[: section.index("</section>")]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td class="num">(\d+)</td></tr>', section)
    return [(html.unescape(label), int(count)) for label, count in rows]


def exported(response) -> list[tuple[str, int]]:
    body = b"".join(response.streaming_content)
    if response["Content-Disposition"].endswith('.csv"'):
        text = body.decode("utf-8")
        assert text.startswith("\ufeff")  # Excel in pt-BR reads the accents right
        lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    else:
        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        assert sheet is not None
        lines = [[str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert lines[0] == ["Categoria", "Quantidade"]
    return [(label, int(count)) for label, count in lines[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("table", "key"), sorted(EXPORT_TABLES.items()))
@pytest.mark.parametrize(
    "filters", [OCTOBER, OCTOBER | {"entity": "aurora"}, OCTOBER | {"instance": "sac"}], ids=["all", "entity", "sac"]
)
def test_each_table_exports_the_figures_shown_for_the_same_filters(manager, table, key, fmt, filters):
    page = manager.get(URL, filters).content.decode()
    shown = on_screen(page, key)
    assert shown, "the data set fills every table"

    response = manager.get(reverse("indicators:export", args=[table, fmt]), filters)

    assert response.status_code == 200
    assert exported(response) == shown


def test_the_export_links_keep_the_filters_of_the_screen(manager):
    page = manager.get(URL, OCTOBER | {"entity": "aurora", "instance": "sac"}).content.decode()
    links = re.findall(r'href="(/painel/indicadores/exportar/[^"]+)"', page)
    assert len(links) == 2 * len(EXPORT_TABLES)
    query = "?date_from=2026-10-01&amp;date_to=2026-10-31&amp;entity=aurora&amp;instance=sac"
    assert all(link.endswith(query) for link in links), links
    assert "/painel/indicadores/exportar/assunto.xlsx" + query in links


def test_the_default_period_is_spelled_out_in_the_links(manager):
    from django.utils import timezone

    from ouvidoria.indicators.selectors import default_period

    start, end = default_period(timezone.localdate())
    register(Manifestation.objects.first().entity)  # received today: the tables of the last 30 days have a row
    page = manager.get(URL).content.decode()
    assert f"exportar/tipo.csv?date_from={start:%Y-%m-%d}&amp;date_to={end:%Y-%m-%d}&amp;entity=&amp;" in page


def test_the_file_is_named_in_portuguese_after_the_table_the_period_and_the_filters(manager):
    everything = manager.get(reverse("indicators:export", args=["meio-de-contato", "csv"]), OCTOBER)
    narrowed = manager.get(
        reverse("indicators:export", args=["assunto", "xlsx"]), OCTOBER | {"entity": "aurora", "instance": "sac"}
    )
    assert (
        everything["Content-Disposition"] == 'attachment; filename="indicadores-meio-de-contato-20261001-20261031.csv"'
    )
    assert everything["Content-Type"] == "text/csv; charset=utf-8"
    assert narrowed["Content-Disposition"] == (
        'attachment; filename="indicadores-assunto-20261001-20261031-aurora-sac.xlsx"'
    )


def test_the_csv_is_streamed(manager):
    response = manager.get(reverse("indicators:export", args=["tipo", "csv"]), OCTOBER)
    assert response.streaming


def test_a_manager_exports_only_the_granted_entities():
    a, b = EntityFactory(name="Seguradora Aurora"), EntityFactory(name="Banco Boreal")
    history(a, 4)
    history(b, 6)
    client = signed_in(staff_user("manager", entities=[a]))
    rows = exported(client.get(reverse("indicators:export", args=["tipo", "csv"]), OCTOBER))
    assert sum(count for _, count in rows) == 3  # a's four cases less the one of September


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "31/02/2026", "date_to": "2026-10-31"}, "date_from", "Informe uma data válida"),
        ({"date_from": "2026-10-31", "date_to": "2026-10-01"}, "date_to", "O fim do período é anterior ao início."),
        (OCTOBER | {"entity": "outra"}, "entity", "Faça uma escolha válida"),
    ],
)
def test_bad_filters_answer_the_dashboard_with_the_fields_message_not_a_file(manager, params, field, message):
    response = manager.get(reverse("indicators:export", args=["tipo", "xlsx"]), params)
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert field in response.context["form"].errors
    assert message in response.content.decode()


def test_an_unknown_table_or_format_is_not_found(manager):
    assert manager.get("/painel/indicadores/exportar/protocolos.csv", OCTOBER).status_code == 404
    assert manager.get(reverse("indicators:export", args=["tipo", "pdf"]), OCTOBER).status_code == 404


@pytest.mark.parametrize("role", ["attendant", "area"])
def test_roles_without_the_dashboard_cannot_export_it(role):
    entity = EntityFactory()
    client = signed_in(staff_user(role, entities=[entity]))
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("indicators:export", args=["tipo", fmt]), OCTOBER).status_code == 403


@pytest.mark.parametrize("role", ["manager", "director", "auditor", "admin", "analyst"])
def test_every_role_that_sees_the_dashboard_exports_it(role):
    entity = EntityFactory()
    history(entity, 3)
    client = signed_in(staff_user(role, entities=[entity]))
    assert client.get(URL, OCTOBER).status_code == 200
    assert client.get(reverse("indicators:export", args=["uf", "xlsx"]), OCTOBER).status_code == 200
