import csv
import json
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from ouvidoria.cases.models import Event, Manifestation, Requester
from ouvidoria.cases.services import RequesterData, requester_find_or_create
from ouvidoria.cases.tests.factories import EntityFactory
from ouvidoria.entities.models import Entity
from ouvidoria.imports.services import cases_import
from ouvidoria.privacy.crypto import blind_index

pytestmark = pytest.mark.django_db

HEADER = [
    "Entidade",
    "Canal",
    "Tipo de manifestação",
    "Gênero",
    "UF",
    "Cidade",
    "Assunto",
    "Prazo de conclusão praticado",
    "Número de interações por cliente",
    "Data de abertura",
]
SHARING = "OPIN Erro no Compartilhamento do(s) Dado(s)"
# Seed 000 §10.2 (Annex II) as printed lists nine rows; the tenth is the last example of Annex I (§10.1).
ANNEX_II = [
    ["Empresa 1", "SAC", "Informação", "F", "MG", "Belo Horizonte", "OPIN - LGPD", 5, 1],
    ["Empresa 1", "SAC", "Reclamação", "M", "SP", "São Paulo", "OPIN Erro Dado Cadastral", 2, 2],
    ["Empresa 1", "Ouvidoria", "Reclamação", "F", "RR", "Bela Vista", SHARING, 9, 7],
    ["Empresa 1", "Transacional", "Sugestão", "M", "RS", "Porto Alegre", "OPIN - Sugestão ou elogio", 1, 5],
    ["Empresa 1", "SAC", "Reclamação", "NB", "SP", "Guarulhos", "OPIN - Dúvidas gerais do OPIN", 12, 9],
    ["Empresa 1", "SAC", "Reclamação", "F", "RJ", "Niterói", SHARING, 9, 1],
    ["Empresa 1", "Ouvidoria", "Solicitação", "M", "RJ", "Rio de Janeiro", SHARING, 7, 1],
    ["Empresa 1", "Chatbot", "Solicitação", "Outro", "BA", "Salvador", "OPIN - Dúvidas gerais do OPIN", 15, 2],
    ["Empresa 1", "SAC", "Solicitação", "F", "GO", "Goiânia", "OPIN - Dúvidas gerais do OPIN", 10, 3],
    ["Empresa 1", "SAC", "Solicitação", "F", "ES", "Vitória", "OPIN - Dúvidas gerais do OPIN", 3, 2],
]  # fmt: skip
OPENED = [date(2025, 3, 3) + timedelta(days=7 * i) for i in range(len(ANNEX_II))]


def write_csv(
    path: Path, header: list[str], rows: list[list[object]], *, delimiter: str = ";", encoding: str = "utf-8"
) -> Path:
    with path.open("w", newline="", encoding=encoding) as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def annex_csv(tmp_path: Path) -> Path:
    rows = [[*row, opened.strftime("%d/%m/%Y")] for row, opened in zip(ANNEX_II, OPENED, strict=True)]
    return write_csv(tmp_path / "opin.csv", HEADER, rows)


def annex_xlsx(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(HEADER)
    for row, opened in zip(ANNEX_II, OPENED, strict=True):
        sheet.append([*row, datetime(opened.year, opened.month, opened.day)])  # a real date cell
    path = tmp_path / "opin.xlsx"
    workbook.save(path)
    return path


def run(path: Path, *args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("import_cases", str(path), "--json", *args, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def run_failing(path: Path, *args: str) -> dict[str, Any]:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(path), "--json", *args, stdout=out, stderr=StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def assert_annex_cases_imported() -> None:
    entity = Entity.objects.get(slug="empresa-1")
    assert entity.name == "Empresa 1"
    assert entity.regime == "other"
    cases = {m.description: m for m in Manifestation.objects.filter(entity=entity)}
    assert len(cases) == 10
    for line, (row, opened) in enumerate(zip(ANNEX_II, OPENED, strict=True), start=2):
        m = cases[f"Registro histórico importado (linha {line})."]
        assert m.imported
        assert m.received_on == opened
        assert m.state == row[4]
        assert m.city == row[5]
        assert m.practiced_days == row[7]
        assert m.interaction_count == row[8]
        assert m.status == "closed"
        assert m.closed_at == m.concluded_at
        # OPIN files carry no identity; the declared gender is kept, on a requester with nothing else.
        assert m.requester is not None
        assert (m.requester.gender, m.requester.name, m.requester.document, m.requester.email) == (row[3], "", "", "")
        kinds = list(m.events.order_by("created_at").values_list("kind", "params"))
        assert kinds == [
            ("registration", {"imported": True, "policy": m.policy_id, "due": m.due_on.isoformat()}),
            ("closure", {"imported": True}),
        ]
    by_line = {line: cases[f"Registro histórico importado (linha {line})."] for line in range(2, 12)}
    assert by_line[2].instance_id == "sac"
    assert by_line[2].medium_id == "phone"
    assert by_line[2].record_type_id == "informacao"
    assert by_line[2].subject is not None
    assert by_line[2].subject.label == "OPIN - LGPD"
    assert by_line[4].instance_id == "ouvidoria"
    # An entity under no regulator gets the SUSEP ombudsman reading: 15 calendar days (rules/policies.py).
    assert by_line[4].policy_id == "susep-ouvidoria"
    assert by_line[5].instance_id == "transactional"
    assert by_line[5].policy_id == "sac"
    assert by_line[9].instance_id == "chatbot"
    assert by_line[9].medium_id == "chat"
    # Received Monday 03/03/2025 (Carnival Monday: the SAC rule counts calendar days), due 7 days later.
    assert by_line[2].due_on == date(2025, 3, 10)
    assert timezone.localtime(by_line[2].received_at).hour == 12


def test_annex_ii_rows_import_with_their_practiced_days_and_interactions(tmp_path):
    path = annex_csv(tmp_path)
    assert run(path, "--create-entities") == {"imported": 10, "already_present": 0, "errors": []}
    assert_annex_cases_imported()
    assert Event.objects.count() == 20


def test_importing_the_same_file_again_adds_nothing(tmp_path):
    path = annex_csv(tmp_path)
    run(path, "--create-entities")
    assert run(path, "--create-entities") == {"imported": 0, "already_present": 10, "errors": []}
    assert Manifestation.objects.count() == 10
    assert Entity.objects.filter(slug="empresa-1").count() == 1


def test_xlsx_imports_the_same_and_is_recognized_as_the_same_rows(tmp_path):
    assert run(annex_xlsx(tmp_path), "--create-entities") == {"imported": 10, "already_present": 0, "errors": []}
    assert_annex_cases_imported()
    # The CSV holds the same rows (dates as text): nothing new.
    assert run(annex_csv(tmp_path)) == {"imported": 0, "already_present": 10, "errors": []}


def test_windows_1252_csv_with_commas_and_loose_headers(tmp_path):
    EntityFactory(name="Empresa 1", slug="empresa-1", regime="susep")
    header = ["  ENTIDADE ", "canal", "Tipo de Manifestacao", "genero", "uf", "cidade", "ASSUNTO", "Data de abertura"]
    row = ["empresa-1", "ouvidoria", "reclamacao", "f", "sp", "São Paulo", "opin-lgpd", "2025-06-02"]
    path = write_csv(tmp_path / "legado.csv", [*header, "Data de conclusão"], [[*row, "09/06/2025"]], delimiter=",",
                     encoding="cp1252")  # fmt: skip
    assert run(path) == {"imported": 1, "already_present": 0, "errors": []}
    m = Manifestation.objects.get()
    assert (m.instance_id, m.record_type_id, m.state, m.city) == ("ouvidoria", "reclamacao", "SP", "São Paulo")
    assert m.policy_id == "susep-ouvidoria"
    assert m.practiced_days == 7
    assert m.interaction_count == 1


def test_bad_rows_are_reported_by_line_and_column_and_good_rows_still_import(tmp_path):
    EntityFactory(name="Empresa 1", slug="empresa-1")
    header = [*HEADER, "CPF"]
    good = ["Empresa 1", "SAC", "Reclamação", "F", "SP", "Santos", "OPIN - LGPD", "3", "2", "10/02/2025", ""]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    def bad(column: str, value: str) -> list[object]:
        row = list(good)
        row[header.index(column)] = value
        return row

    rows = [
        good,  # line 2
        bad("Entidade", "Empresa Fantasma"),  # 3
        bad("UF", "XX"),  # 4
        bad("CPF", "123.456.789-00"),  # 5
        bad("Assunto", "Assunto que não existe"),  # 6
        bad("Data de abertura", "31/02/2025"),  # 7
        bad("Data de abertura", tomorrow),  # 8
        bad("Prazo de conclusão praticado", "-3"),  # 9
        bad("Cidade", "Guarujá"),  # 10: good
    ]
    result = run_failing(write_csv(tmp_path / "erros.csv", header, rows))
    assert set(result) == {"imported", "already_present", "errors"}
    assert all(set(error) == {"line", "field", "message"} for error in result["errors"])
    assert [(e["line"], e["field"]) for e in result["errors"]] == [
        (3, "Entidade"),
        (4, "UF"),
        (5, "CPF"),
        (6, "Assunto"),
        (7, "Data de abertura"),
        (8, "Data de abertura"),
        (9, "Prazo de conclusão praticado"),
    ]
    messages = {e["line"]: e["message"] for e in result["errors"]}
    assert "Empresa Fantasma" in messages[3]
    assert messages[4] == "UF inexistente: XX."
    assert "CPF inválido" in messages[5]
    assert "futuro" in messages[8]
    assert "negativo" in messages[9]
    assert result["imported"] == 2
    assert sorted(Manifestation.objects.values_list("city", flat=True)) == ["Guarujá", "Santos"]
    # Only the two rows imported have a requester (their declared gender); the refused rows left nothing behind.
    assert sorted(Requester.objects.values_list("gender", "document_hash")) == [("F", ""), ("F", "")]


def test_a_file_without_a_required_column_imports_nothing(tmp_path):
    EntityFactory(name="Empresa 1", slug="empresa-1")
    path = write_csv(tmp_path / "sem-data.csv", HEADER[:-1], [ANNEX_II[0]])
    result = run_failing(path)
    assert result["errors"] == [
        {"line": 1, "field": "Data de abertura", "message": "Coluna obrigatória ausente no cabeçalho."}
    ]
    assert not Manifestation.objects.exists()


def test_human_output_summarizes_and_lists_errors(tmp_path):
    EntityFactory(name="Empresa 1", slug="empresa-1")
    rows = [[*ANNEX_II[0], "2025-03-03"], [*ANNEX_II[1][:4], "ZZ", *ANNEX_II[1][5:], "2025-03-03"]]
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(write_csv(tmp_path / "f.csv", HEADER, rows)), stdout=out, stderr=err)
    assert "Importadas: 1. Já presentes: 0. Linhas com erro: 1." in out.getvalue()
    assert "Linha 3, coluna “UF”: UF inexistente: ZZ." in err.getvalue()


def test_personal_data_is_stored_encrypted_and_the_requester_reused(tmp_path):
    EntityFactory(name="Empresa 1", slug="empresa-1", regime="bcb")
    header = [*HEADER, "CPF", "Nome", "E-mail", "Protocolo", "Situação", "Descrição"]
    person = ["529.982.247-25", "Joana Pereira Lima", "Joana.Lima@example.com"]
    rows = [
        ["Empresa 1", "Ouvidoria", "Reclamação", "F", "MG", "Uberaba", "", "4", "3", "2025-05-05", *person,
         "OLD-123/45", "Encerrada", "Cobrança indevida na parcela de abril."],
        ["Empresa 1", "SAC", "Solicitação", "F", "MG", "Uberaba", "", "", "1", "2025-06-02", *person,
         "", "Em andamento", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "legado.csv", header, rows)
    assert run(path) == {"imported": 2, "already_present": 0, "errors": []}

    with connection.cursor() as cursor:
        cursor.execute("SELECT document, name, email FROM cases_requester")
        stored = cursor.fetchall()
        cursor.execute("SELECT description, source_key, state, city FROM cases_manifestation")
        cases = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert len(stored) == 1
    raw = " ".join(stored[0])
    for clear in ("52998224725", "529.982.247-25", "Joana", "Lima", "joana.lima@example.com"):
        assert clear not in raw
        assert clear not in cases
    requester = Requester.objects.get()
    assert (requester.document, requester.name, requester.email) == (
        "52998224725",
        "Joana Pereira Lima",
        "joana.lima@example.com",
    )
    assert requester.document_hash == blind_index("52998224725")
    assert (requester.gender, requester.state, requester.city) == ("F", "MG", "Uberaba")

    closed = Manifestation.objects.get(protocol="OLD12345")
    assert closed.requester == requester
    assert closed.status == "closed"
    assert closed.practiced_days == 4
    assert closed.policy_id == "bcb-ouvidoria"
    assert closed.description == "Cobrança indevida na parcela de abril."
    pending = Manifestation.objects.exclude(pk=closed.pk).get()
    assert pending.requester == requester
    assert pending.status == "in_analysis"
    assert pending.concluded_at is None
    assert pending.description == "Registro histórico importado (linha 3)."
    assert list(pending.events.values_list("kind", flat=True)) == ["registration"]
    assert run(path) == {"imported": 0, "already_present": 2, "errors": []}


def test_a_row_repeated_in_the_file_counts_once(tmp_path):
    rows = [[*ANNEX_II[0], "2025-03-03"]] * 2 + [[*ANNEX_II[1], "2025-03-03"]]
    path = write_csv(tmp_path / "repetido.csv", HEADER, rows)
    assert run(path, "--create-entities") == {"imported": 2, "already_present": 1, "errors": []}


def test_service_writes_in_batches_and_reports_progress():
    EntityFactory(name="Empresa 1", slug="empresa-1")
    start = timezone.localdate() - timedelta(days=700)
    rows = [
        dict(zip(HEADER, [*ANNEX_II[i % 10][:7], str(i % 20), "1", start + timedelta(days=i)], strict=True))
        for i in range(620)
    ]
    done = []
    result = cases_import(rows, progress=done.append, batch_size=100)
    assert (result.imported, result.already_present, result.errors) == (620, 0, [])
    assert sum(done) == 620
    assert Manifestation.objects.count() == 620
    assert Event.objects.filter(kind="registration").count() == 620
    protocols = dict(Manifestation.objects.values_list("protocol", "received_on"))
    assert len(protocols) == 620
    # Fresh protocols carry the year of the opening date.
    assert all(protocol.startswith(str(opened.year)) for protocol, opened in protocols.items())


def test_requesters_on_file_are_found_by_cpf_or_email_and_not_overwritten(tmp_path):
    EntityFactory(name="Empresa 1", slug="empresa-1")
    maria = requester_find_or_create(
        RequesterData(document="529.982.247-25", name="Maria da Silva", email="maria@example.com")
    )
    joao = requester_find_or_create(RequesterData(name="João Souza", email="joao@example.com"))
    header = [*HEADER, "CPF", "Nome", "E-mail"]
    base = [*ANNEX_II[0][:7], "1", "1"]
    rows = [
        [*base, "2025-04-01", "52998224725", "Maria S.", "outra@example.com"],  # Maria, by CPF
        [*base, "2025-04-02", "", "João", "JOAO@example.com"],  # João, by e-mail
        [*base, "2025-04-03", "111.444.777-35", "Outra Pessoa", "maria@example.com"],  # another CPF: a new person
    ]
    assert run(write_csv(tmp_path / "f.csv", header, rows))["imported"] == 3
    by_day = {m.received_on.day: m.requester_id for m in Manifestation.objects.all()}
    assert by_day[1] == maria.pk
    assert by_day[2] == joao.pk
    assert by_day[3] not in (maria.pk, joao.pk)
    maria.refresh_from_db()
    assert (maria.name, maria.email) == ("Maria da Silva", "maria@example.com")  # history does not overwrite
    assert Requester.objects.get(pk=by_day[3]).document == "11144477735"


def test_gender_survives_an_import_without_identity_and_the_annex_comes_back_as_it_was(tmp_path):
    """Seed 000 §8.5, §10.1: import the annex's own records, export the quarters, get the annex's values back."""
    from ouvidoria.opin.services import opin_records
    from ouvidoria.rules.opin import Quarter

    # Every record opened and concluded within the first quarter, so the quarter's file holds each once.
    opened = [date(2025, 1, 6) + timedelta(days=7 * i) for i in range(len(ANNEX_II))]
    rows = [[*row, day.strftime("%d/%m/%Y")] for row, day in zip(ANNEX_II, opened, strict=True)]
    run(write_csv(tmp_path / "anexo.csv", HEADER, rows), "--create-entities")
    entity = Entity.objects.get(slug="empresa-1")
    exported = list(opin_records(entity, Quarter(2025, 1)))
    columns = ["Entidade", "Canal", "Tipo de manifestação", "Gênero", "UF", "Cidade", "Assunto",
               "Prazo de conclusão praticado", "Número de interações por cliente"]  # fmt: skip
    assert sorted(tuple(r[c] for c in columns) for r in exported) == sorted(tuple(row) for row in ANNEX_II)
