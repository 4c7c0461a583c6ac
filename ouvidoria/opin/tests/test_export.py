"""export_opin and validate_opin (seed 000 §8.4, §8.5, §10): selection, fields, privacy, the validator's report."""

import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from ouvidoria.cases import services
from ouvidoria.cases.models import Manifestation
from ouvidoria.cases.tests.factories import EntityFactory, register, requester_data
from ouvidoria.entities.models import Entity
from ouvidoria.opin.models import OpinTransmission
from ouvidoria.rules import opin

pytestmark = pytest.mark.django_db

SP = ZoneInfo("America/Sao_Paulo")
PEOPLE = [
    {"document": "529.982.247-25", "name": "Maria Aparecida Souza", "social_name": "Duda Souza",
     "email": "maria.souza@example.com", "phone": "(11) 98765-4321", "gender": "F"},
    {"document": "111.444.777-35", "name": "João Pereira Lima", "email": "joao.lima@example.org",
     "phone": "(21) 91234-5678", "gender": "M"},
]  # fmt: skip


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=SP)


@contextmanager
def clock(when: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def entity() -> Entity:
    return EntityFactory.create(name="Seguradora Horizonte S.A.", slug="horizonte", opin_participant=True)


def case(entity: Entity, received: datetime, *, person: int = 0, **overrides: Any) -> Manifestation:
    values: dict[str, Any] = {
        "instance": "sac",
        "record_type": "solicitacao",
        "subject": "opin-erro-dado-cadastral",
        "received_at": received,
        "requester": requester_data(**PEOPLE[person]),
        "state": "MG",
        "city": "Belo Horizonte",
    }
    values.update(overrides)
    with clock(received):
        return register(entity, **values)


def answer(m: Manifestation, when: datetime) -> Manifestation:
    with clock(when):
        return services.manifestation_answer(m, body="Dados corrigidos.", actor=None)


def message(m: Manifestation, when: datetime) -> Manifestation:
    with clock(when):
        return services.manifestation_message_in(m, body="Alguma novidade?", actor=None)


def export(entity: Entity, out: Path, *extra: str) -> dict[str, Any]:
    stdout = io.StringIO()
    call_command("export_opin", "--entity", entity.slug, "--quarter", "2025Q1", "--out", str(out), "--json", *extra,
                 stdout=stdout)  # fmt: skip
    summary: dict[str, Any] = json.loads(stdout.getvalue())
    return summary


def records_of(zip_path: Path) -> list[dict[str, Any]]:
    with zipfile.ZipFile(zip_path) as archive:
        records: list[dict[str, Any]] = json.loads(archive.read(f"{zip_path.stem}.json"))["Ocorrencias"]
    return records


def test_file_name_entry_and_keys_follow_annex_one(entity: Entity, tmp_path: Path) -> None:
    case(entity, at(2025, 2, 3))
    summary = export(entity, tmp_path / "out")
    path = Path(summary["arquivo"])
    assert path == tmp_path / "out" / "202501.zip"
    assert summary["registros"] == 1
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["202501.json"]
        document = json.loads(archive.read("202501.json"))
        raw = archive.read("202501.json").decode()
    assert list(document) == ["Ocorrencias"]
    (record,) = document["Ocorrencias"]
    assert tuple(record) == opin.KEYS
    assert '"Tipo de manifestação": "Solicitação"' in raw  # accents written as such, as in the annex
    assert record == {
        "Entidade": "Seguradora Horizonte S.A.",
        "Canal": "SAC",
        "Tipo de manifestação": "Solicitação",
        "Gênero": "F",
        "UF": "MG",
        "Cidade": "Belo Horizonte",
        "Assunto": "OPIN Erro Dado Cadastral",
        "Prazo de conclusão praticado": 56,  # pending: 3 February to 31 March
        "Número de interações por cliente": 1,
    }


def test_selection_is_concluded_in_quarter_plus_pending_at_its_end(entity: Entity, tmp_path: Path) -> None:
    old_concluded_in_q = case(entity, at(2024, 11, 10), city="Old In")
    answer(old_concluded_in_q, at(2025, 2, 15))
    old_pending = case(entity, at(2024, 12, 2), city="Old Pending")
    concluded_before = case(entity, at(2024, 10, 1), city="Concluded Before")
    answer(concluded_before, at(2024, 12, 20))
    case(entity, at(2025, 4, 2, 9), city="Received After")
    concluded_after_end = case(entity, at(2025, 3, 25), city="Pending At End")
    answer(concluded_after_end, at(2025, 4, 15))
    case(entity, at(2025, 1, 8), city="Not OPIN", instance="consumidor-gov", medium="external-platform")
    other = EntityFactory.create(opin_participant=True)
    case(other, at(2025, 1, 9), city="Other Entity")
    assert old_pending.concluded_at is None

    by_city = {r["Cidade"]: r for r in records_of(Path(export(entity, tmp_path)["arquivo"]))}

    assert set(by_city) == {"Old In", "Old Pending", "Pending At End"}
    assert by_city["Old In"]["Prazo de conclusão praticado"] == 97  # 10 Nov 2024 → 15 Feb 2025
    assert by_city["Old Pending"]["Prazo de conclusão praticado"] == 119  # 2 Dec 2024 → 31 Mar 2025
    assert by_city["Pending At End"]["Prazo de conclusão praticado"] == 6  # days so far at the end of March


def test_interactions_come_from_the_timeline_up_to_conclusion_or_quarter_end(entity: Entity, tmp_path: Path) -> None:
    answered = case(entity, at(2025, 1, 6), city="Answered")
    message(answered, at(2025, 1, 8))
    message(answered, at(2025, 1, 9))
    answer(answered, at(2025, 1, 20))
    message(answered, at(2025, 1, 22))  # after the conclusion: not an interaction "to conclude" it
    pending = case(entity, at(2025, 3, 10), city="Pending")
    message(pending, at(2025, 3, 31, 23))
    message(pending, at(2025, 4, 1, 0))  # the next quarter
    answered.refresh_from_db()
    assert answered.interaction_count == 4

    by_city = {r["Cidade"]: r for r in records_of(Path(export(entity, tmp_path)["arquivo"]))}

    assert by_city["Answered"]["Número de interações por cliente"] == 3
    assert by_city["Answered"]["Prazo de conclusão praticado"] == 14
    assert by_city["Pending"]["Número de interações por cliente"] == 2


def test_practiced_days_use_the_local_date_of_the_conclusion(entity: Entity, tmp_path: Path) -> None:
    # 23:00 in São Paulo is already the next day in UTC: the file counts local calendar days.
    late = case(entity, at(2025, 1, 6, 22), city="Late")
    answer(late, at(2025, 1, 7, 23))
    message(late, datetime(2025, 1, 7, 23, 1, tzinfo=SP))  # a minute after the answer: not counted
    at_end = case(entity, at(2025, 3, 30), city="Answered At Midnight")
    answer(at_end, datetime(2025, 4, 1, 0, 0, tzinfo=SP))  # the next quarter: pending at the end of this one

    by_city = {r["Cidade"]: r for r in records_of(Path(export(entity, tmp_path)["arquivo"]))}

    assert by_city["Late"]["Prazo de conclusão praticado"] == 1
    assert by_city["Late"]["Número de interações por cliente"] == 1
    assert by_city["Answered At Midnight"]["Prazo de conclusão praticado"] == 1  # 30 → 31 March
    assert by_city["Answered At Midnight"]["Número de interações por cliente"] == 1


def test_imported_cases_keep_their_source_count(entity: Entity, tmp_path: Path) -> None:
    imported = case(entity, at(2025, 1, 6), city="Imported")
    message(imported, at(2025, 1, 7))
    Manifestation.objects.filter(pk=imported.pk).update(imported=True, interaction_count=7)

    (record,) = records_of(Path(export(entity, tmp_path)["arquivo"]))

    assert record["Número de interações por cliente"] == 7


def test_a_negative_time_is_refused_even_when_the_texts_fit(entity: Entity, tmp_path: Path) -> None:
    # The same text columns twice: the layout check of the texts is done once, the numbers on every record.
    good = case(entity, at(2025, 1, 6))
    bad = case(entity, at(2025, 1, 9))
    answer(good, at(2025, 1, 8))
    answer(bad, at(2025, 1, 10))
    Manifestation.objects.filter(pk=bad.pk).update(concluded_at=at(2025, 1, 8))

    summary = export(entity, tmp_path, "--omit-invalid")

    assert summary["registros"] == 1
    assert summary["deixadas_de_fora"] == [
        {"protocolo": bad.protocol, "problemas": f"{bad.protocol}: Prazo de conclusão praticado: -1 é negativo"}
    ]


@pytest.mark.parametrize(
    "texts",
    [
        ("Seguradora Horizonte S.A.", "SAC", "Solicitação", "F", "MG", "Belo Horizonte", "OPIN Erro Dado Cadastral"),
        ('Aspas "duplas" \\ barra', "Ouvidoria", "Reclamação", "", "SP", "São Paulo\t\n", "ç\u2028\x7f\x00"),
    ],
)
def test_the_record_text_is_what_json_dumps_writes(texts: tuple[str, ...]) -> None:
    from ouvidoria.opin.services import _head, _Row

    for days, contacts in [(0, 0), (56, 1), (1234567, 89)]:
        row = _Row("1", texts, days, contacts, _head(texts))
        assert tuple(row.record()) == opin.KEYS
        assert row.json() == json.dumps(row.record(), ensure_ascii=False)


def test_companies_and_undeclared_genders_are_blank(entity: Entity, tmp_path: Path) -> None:
    case(entity, at(2025, 1, 6), city="Company", requester=requester_data(document="11.222.333/0001-81",
         name="Comércio Ltda", gender=""))  # fmt: skip
    case(entity, at(2025, 1, 7), city="Undeclared", requester=requester_data(gender=""))

    by_city = {r["Cidade"]: r for r in records_of(Path(export(entity, tmp_path)["arquivo"]))}

    assert {city: r["Gênero"] for city, r in by_city.items()} == {"Company": "", "Undeclared": ""}


def test_not_one_byte_of_personal_data_in_the_json_nor_the_spreadsheet(entity: Entity, tmp_path: Path) -> None:
    for index in range(len(PEOPLE)):
        m = case(entity, at(2025, 1, 6 + index), person=index)
        message(m, at(2025, 1, 10))
    summary = export(entity, tmp_path, "--xlsx")
    with zipfile.ZipFile(summary["arquivo"]) as archive:
        json_bytes = archive.read("202501.json")
    workbook = load_workbook(summary["planilha"], read_only=True)
    cells = " | ".join(str(v) for row in workbook.active.iter_rows(values_only=True) for v in row if v is not None)  # type: ignore[union-attr]
    assert summary["registros"] == 2
    assert "Ocorrencias" in workbook.sheetnames
    for person in PEOPLE:
        digits = "".join(c for c in person["document"] if c.isdigit())
        phone_digits = "".join(c for c in person["phone"] if c.isdigit())
        secrets = [person["name"], person.get("social_name", ""), person["document"], digits, person["email"],
                   person["phone"], phone_digits, person["name"].split()[0]]  # fmt: skip
        for secret in filter(None, secrets):
            assert secret.encode() not in json_bytes, secret
            assert secret.casefold() not in cells.casefold(), secret


def test_spreadsheet_has_the_annex_two_columns(entity: Entity, tmp_path: Path) -> None:
    case(entity, at(2025, 2, 3))
    summary = export(entity, tmp_path, "--xlsx")
    assert Path(summary["planilha"]) == tmp_path / "202501.xlsx"
    rows = list(load_workbook(summary["planilha"], read_only=True).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0] == opin.KEYS
    assert rows[1] == ("Seguradora Horizonte S.A.", "SAC", "Solicitação", "F", "MG", "Belo Horizonte",
                       "OPIN Erro Dado Cadastral", 56, 1)  # fmt: skip


def test_each_generation_is_recorded_with_a_kept_copy(entity: Entity, tmp_path: Path, settings: Any) -> None:
    case(entity, at(2025, 2, 3))
    summary = export(entity, tmp_path / "out")
    transmission = OpinTransmission.objects.get()
    assert (transmission.quarter, transmission.record_count, transmission.sent_at) == ("2025Q1", 1, None)
    kept = Path(settings.VAR_DIR) / transmission.file
    assert kept.read_bytes() == Path(summary["arquivo"]).read_bytes()
    assert transmission.sha256 == summary["sha256"]
    assert "export_opin" in transmission.generated_by


def test_unrepresentable_cases_stop_the_export_unless_omitted(entity: Entity, tmp_path: Path) -> None:
    case(entity, at(2025, 2, 3))
    bad = case(entity, at(2025, 2, 4), subject=None)  # no subject: "Assunto" is required
    ouvidoria_subject = case(entity, at(2025, 2, 5), instance="ouvidoria", subject="opin-problema-atendimento")
    denuncia = case(entity, at(2025, 2, 6), record_type="denuncia", subject=None)

    with pytest.raises(CommandError, match="3 manifestação") as excinfo:
        export(entity, tmp_path / "refused")
    assert bad.formatted_protocol not in str(excinfo.value)  # protocols as stored, digits only
    assert bad.protocol in str(excinfo.value)
    assert not (tmp_path / "refused" / "202501.zip").exists()
    assert not list((tmp_path / "refused").iterdir())
    assert not OpinTransmission.objects.exists()

    summary = export(entity, tmp_path / "kept", "--omit-invalid")
    assert summary["registros"] == 1
    assert {o["protocolo"] for o in summary["deixadas_de_fora"]} == {
        bad.protocol,
        ouvidoria_subject.protocol,
        denuncia.protocol,
    }
    assert OpinTransmission.objects.get().omitted_count == 3
    call_command("validate_opin", summary["arquivo"], stdout=io.StringIO())


def test_the_export_always_passes_the_validator(entity: Entity, tmp_path: Path) -> None:
    for i, (instance, record_type, subject) in enumerate([
        ("sac", "informacao", "opin-lgpd"),
        ("fale-conosco", "reclamacao", "opin-site-fora-do-ar"),
        ("transactional", "sugestao", "opin-sugestao-elogio"),
        ("chatbot", "solicitacao", "opin-duvidas-gerais"),
        ("sac", "elogio", "opin-sugestao-elogio"),
    ]):  # fmt: skip
        case(entity, at(2025, 1, 10 + i), instance=instance, record_type=record_type, subject=subject,
             medium="chat" if instance == "chatbot" else "phone")  # fmt: skip
    summary = export(entity, tmp_path)
    assert summary["registros"] == 5
    stdout = io.StringIO()
    call_command("validate_opin", summary["arquivo"], "--json", stdout=stdout)
    assert json.loads(stdout.getvalue()) == {"arquivo": summary["arquivo"], "registros": 5, "problemas": 0,
                                             "valido": True, "erros": []}  # fmt: skip


def test_an_empty_quarter_gives_an_empty_list(entity: Entity, tmp_path: Path) -> None:
    assert records_of(Path(export(entity, tmp_path)["arquivo"])) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--entity", "horizonte", "--quarter", "2025-1"], "--quarter: “2025-1” não é um trimestre"),
        (["--entity", "nenhuma", "--quarter", "2025Q1"], "--entity: Entidade desconhecida: “nenhuma”"),
        (["--entity", "comum", "--quarter", "2025Q1"], "não é participante do Open Insurance"),
    ],
)
def test_export_refuses_in_portuguese(entity: Entity, tmp_path: Path, args: list[str], message: str) -> None:
    EntityFactory.create(slug="comum", opin_participant=False)
    with pytest.raises(CommandError, match=message):
        call_command("export_opin", *args, "--out", str(tmp_path))


# --- validate_opin ----------------------------------------------------------------------------------------------

GOOD = {
    "Entidade": "Empresa 1", "Canal": "SAC", "Tipo de manifestação": "Informação", "Gênero": "F", "UF": "MG",
    "Cidade": "Belo Horizonte", "Assunto": "OPIN - LGPD", "Prazo de conclusão praticado": 5,
    "Número de interações por cliente": 1,
}  # fmt: skip


def validate(path: Path, *extra: str) -> tuple[str, str | None]:
    stdout = io.StringIO()
    try:
        call_command("validate_opin", str(path), *extra, stdout=stdout)
    except CommandError as exc:
        return stdout.getvalue(), str(exc)
    return stdout.getvalue(), None


def test_validator_reports_index_key_and_problem_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "202501.json"
    records = [GOOD, {**GOOD, "UF": "XX"}, {**GOOD, "Gênero": "Feminino", "Prazo de conclusão praticado": "5"}]
    path.write_text(json.dumps({"Ocorrencias": records}, ensure_ascii=False), encoding="utf-8")
    out, error = validate(path)
    assert out.splitlines() == [
        'registro 2, chave "UF": "XX" não é uma UF',
        'registro 3, chave "Gênero": "Feminino" não é um gênero do layout (F, M, NB, Outro ou vazio)',
        'registro 3, chave "Prazo de conclusão praticado": "5" não é um número inteiro',
    ]
    assert error is not None
    assert "3 registro(s) lidos, 3 problema(s)" in error


def test_validator_json_report(tmp_path: Path) -> None:
    path = tmp_path / "202502.json"
    path.write_text(json.dumps({"Ocorrencias": [{**GOOD, "Canal": "Telefone"}]}), encoding="utf-8")
    out, error = validate(path, "--json")
    report = json.loads(out)
    assert report["valido"] is False
    assert report["erros"] == [{"registro": 1, "chave": "Canal", "problema": report["erros"][0]["problema"]}]
    assert "não é um canal" in report["erros"][0]["problema"]
    assert error is not None


def test_validator_accepts_a_zip_made_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "202503.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("202503.json", json.dumps({"Ocorrencias": [GOOD] * 3}, indent=4, ensure_ascii=False))
    out, error = validate(path)
    assert error is None
    assert "3 registro(s), nenhum problema" in out


def test_validator_reports_a_zip_without_the_expected_entry(tmp_path: Path) -> None:
    path = tmp_path / "202503.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("dados.json", json.dumps({"Ocorrencias": [GOOD]}))
    out, error = validate(path)
    assert out.strip() == "arquivo: o zip não contém “202503.json” (contém: dados.json)"
    assert error is not None


def test_validator_reports_a_file_off_the_layout(tmp_path: Path) -> None:
    path = tmp_path / "trimestre.json"
    path.write_text('{"Registros": []}', encoding="utf-8")
    out, error = validate(path)
    assert "não indica o trimestre" in out
    assert "não tem a chave “Ocorrencias”" in out
    assert error is not None


def test_validator_says_in_portuguese_where_the_json_breaks(tmp_path: Path) -> None:
    path = tmp_path / "202501.json"
    text = json.dumps({"Ocorrencias": [GOOD, GOOD]}, ensure_ascii=False)
    broken = text.replace('"UF": "MG", "Cidade"', '"UF": "MG" "Cidade"', 1)  # a comma missing in record 1
    path.write_text(broken, encoding="utf-8")
    out, error = validate(path)
    position = broken.index('"MG" "Cidade"') + len('"MG" ') + 1  # 1 for the first character
    assert f"JSON inválido no caractere {position}: falta uma vírgula." in out
    assert error is not None


def test_validator_reports_a_damaged_zip_and_deep_nesting_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "202503.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("202503.json", json.dumps({"Ocorrencias": [GOOD] * 200}))
    data = bytearray(path.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 40] = bytes(40)  # the compressed stream damaged
    path.write_bytes(bytes(data))
    out, error = validate(path)
    assert "o zip está danificado ou incompleto" in out
    assert error is not None

    deep = tmp_path / "202504.json"
    deep.write_text('{"Ocorrencias": [' + "[" * 100_000 + "]" * 100_000 + "]}", encoding="utf-8")
    out, error = validate(deep)
    assert "JSON aninhado demais" in out
    assert error is not None


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("0000Q1", "--quarter: Ano fora do intervalo aceito: 0 (use 1900 a 2999)."),
        ("9999Q4", "--quarter: Ano fora do intervalo aceito: 9999 (use 1900 a 2999)."),
        ("2999Q4", "--quarter: o 4º trimestre de 2999 ainda não terminou."),
    ],
)
def test_export_refuses_quarters_out_of_range_or_not_ended(entity: Entity, tmp_path: Path, quarter, message) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("export_opin", "--entity", entity.slug, "--quarter", quarter, "--out", str(tmp_path))
    assert str(raised.value) == message


def test_export_to_a_file_instead_of_a_directory_is_a_clear_error(entity: Entity, tmp_path: Path) -> None:
    taken = tmp_path / "arquivo"
    taken.write_text("já existe")
    with pytest.raises(CommandError, match="é um arquivo, não um diretório"):
        call_command("export_opin", "--entity", entity.slug, "--quarter", "2025Q1", "--out", str(taken))


def test_a_refused_export_with_the_spreadsheet_leaves_no_file_and_no_error_behind(
    entity: Entity, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import sys

    bad = case(entity, at(2025, 1, 9))
    answer(bad, at(2025, 1, 10))
    Manifestation.objects.filter(pk=bad.pk).update(concluded_at=at(2025, 1, 8))  # a negative time: refused
    unraisable: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)

    with pytest.raises(CommandError, match="não cabem no layout OPIN"):
        export(entity, tmp_path, "--xlsx")
    gc.collect()

    assert unraisable == []  # the write-only sheet was closed, not left to write to a deleted file
    assert list(tmp_path.iterdir()) == []
