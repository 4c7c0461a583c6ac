"""The exports read the classification: a personal column only for a role that may read it, and each file says its
highest level (X-Classification, the file name, the workbook's properties). docs/security.md, "Classificação da
informação"."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ouvidoria.accounts.exports import classified_export, export_plan
from ouvidoria.cases.tests.factories import EntityFactory, UserFactory, register, signed_in, staff_user
from ouvidoria.lib.exports import classified_name
from ouvidoria.rules.classification import INTERNAL, PERSONAL, SENSITIVE
from ouvidoria.rules.disclosure import RESTRICTED

pytestmark = pytest.mark.django_db

WORKSPACE_ROLES = ["attendant", "analyst", "ombudsman", "area", "manager", "director", "auditor", "admin"]
# A made-up export with the requester's name and the description beside the protocol.
COLUMNS = [
    ("Protocolo", "cases.Manifestation.protocol"),
    ("Manifestante", "cases.Requester.name"),
    ("Descrição", "cases.Manifestation.description"),
]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(
    ("role", "shown", "level"),
    [
        ("analyst", [True, True, True], SENSITIVE),
        ("auditor", [True, True, True], SENSITIVE),
        ("manager", [True, False, True], SENSITIVE),  # the demand without the requester
        ("area", [True, False, True], SENSITIVE),
        ("admin", [True, False, False], INTERNAL),  # the case's facts only
        ("nobody", [True, False, False], INTERNAL),
    ],
)
def test_a_personal_column_is_written_only_for_a_role_that_may_read_it(role, shown, level):
    plan = export_plan(role, COLUMNS)
    assert plan.shown == shown
    assert plan.level is level
    row = plan.row(["OUV-1", "Quitéria Valadares", "Meu plano negou a cirurgia"])
    assert [value != RESTRICTED for value in row] == shown
    assert plan.row(["OUV-2", "", None]) == ["OUV-2", "", None]  # nothing to restrict where nothing is


def test_a_role_without_the_identity_gets_a_file_without_it_labelled_by_what_it_holds():
    area = staff_user("area")
    response = classified_export(area, "csv", "teste.csv", "Teste", COLUMNS[:2], [["OUV-1", "Quitéria Valadares"]])
    assert _csv(response) == [["Protocolo", "Manifestante"], ["OUV-1", RESTRICTED]]
    assert response["X-Classification"] == "interna"
    assert response["Content-Disposition"] == 'attachment; filename="teste.csv"'
    analyst = staff_user("analyst")
    response = classified_export(analyst, "csv", "teste.csv", "Teste", COLUMNS[:2], [["OUV-1", "Quitéria Valadares"]])
    assert _csv(response)[1] == ["OUV-1", "Quitéria Valadares"]
    assert response["X-Classification"] == "pessoal"
    assert response["Content-Disposition"] == 'attachment; filename="teste-pessoal.csv"'


def test_the_file_name_carries_the_level_only_of_personal_data():
    assert classified_name("fila-20261202.csv", INTERNAL) == "fila-20261202.csv"
    assert classified_name("fila-20261202.csv", PERSONAL) == "fila-20261202-pessoal.csv"
    assert classified_name("dossie.v2.xlsx", SENSITIVE) == "dossie.v2-sensivel.xlsx"
    assert classified_name("sem-extensao", PERSONAL) == "sem-extensao-pessoal"


@pytest.mark.parametrize("role", WORKSPACE_ROLES)
def test_the_queue_export_names_the_assignee_to_every_role_and_says_it_is_personal_data(role):
    entity = EntityFactory.create()
    assignee = UserFactory.create(first_name="Rosângela", last_name="Tavares")
    m = register(entity, instance="sac")
    m.assignee = assignee
    m.save(update_fields=["assignee"])
    client = signed_in(staff_user(role, entities=[entity]))
    response = client.get(reverse("workspace:queue_export", args=["csv"]), {"tab": "all"})
    assert response.status_code == 200
    assert response["X-Classification"] == "pessoal"
    assert response["Content-Disposition"].endswith('-pessoal.csv"')
    rows = _csv(response)
    assert rows[0][-1] == "Responsável"
    assert len(rows) == (1 if role == "area" else 2)  # an area's queue is what was forwarded to it
    assert all(r[-1] == "Rosângela Tavares" for r in rows[1:])
    body = "\n".join(";".join(r) for r in rows)
    # Never the requester (the factories' requester).
    assert "Maria" not in body
    assert "529.982.247-25" not in body


def test_a_workbook_states_its_level_in_its_document_properties(auditor_client):
    client, _ = auditor_client
    response = client.get(reverse("audit:reads_export", args=["xlsx"]))
    assert response["X-Classification"] == "pessoal"
    assert response["Content-Disposition"].endswith('-pessoal.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.properties.category == "Classificação: Dado pessoal"
    assert book.properties.contentStatus == "Dado pessoal"
    assert book.custom_doc_props["Classificação"].value == "Dado pessoal"
    chain = client.get(reverse("audit:chain_export", args=["xlsx"]))
    assert chain["X-Classification"] == "interna"
    assert load_workbook(io.BytesIO(b"".join(chain.streaming_content))).properties.category == "Classificação: Interna"


def test_the_dashboards_counts_are_internal_and_keep_their_file_name():
    entity = EntityFactory.create()
    register(entity)
    client = signed_in(staff_user("manager", entities=[entity]))
    response = client.get(reverse("indicators:export", args=["tipo", "csv"]))
    assert response.status_code == 200
    assert response["X-Classification"] == "interna"
    assert "-pessoal" not in response["Content-Disposition"]


@pytest.fixture
def auditor_client():
    entity = EntityFactory.create()
    register(entity)
    auditor = staff_user("auditor", entities=[entity])
    return signed_in(auditor), auditor
