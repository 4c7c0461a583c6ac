"""The OPIN quarterly file rules (seed 000 §8, §10): quarters, due dates, the Annex I layout and its reader."""

import io
import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ouvidoria.rules import opin

# The first record of Annex I (seed 000 §10.1), as printed.
ANNEX_RECORD = {
    "Entidade": "Empresa 1",
    "Canal": "SAC",
    "Tipo de manifestação": "Informação",
    "Gênero": "F",
    "UF": "MG",
    "Cidade": "Belo Horizonte",
    "Assunto": "OPIN - LGPD",
    "Prazo de conclusão praticado": 5,
    "Número de interações por cliente": 1,
}


def problems_of(text: str) -> list[opin.Problem]:
    return list(opin.StreamCheck(io.StringIO(text)))


def test_keys_are_the_nine_of_annex_one_in_order() -> None:
    assert tuple(ANNEX_RECORD) == opin.KEYS


def test_quarter_parses_and_names_its_file() -> None:
    q = opin.parse_quarter("2025Q1")
    assert (q.first_day, q.last_day, q.file_stem) == (date(2025, 1, 1), date(2025, 3, 31), "202501")
    assert opin.parse_quarter(" 2024q4 ").last_day == date(2024, 12, 31)


@pytest.mark.parametrize("text", ["2025", "2025Q5", "2025Q0", "25Q1", "2025-1", ""])
def test_quarter_refuses_other_spellings_in_portuguese(text: str) -> None:
    with pytest.raises(ValueError, match="AAAAQn"):
        opin.parse_quarter(text)


@pytest.mark.parametrize(
    ("quarter", "due"),
    [
        (opin.Quarter(2025, 1), date(2025, 5, 10)),
        (opin.Quarter(2025, 2), date(2025, 8, 10)),
        (opin.Quarter(2025, 3), date(2025, 11, 10)),
        (opin.Quarter(2025, 4), date(2026, 2, 10)),
    ],
)
def test_due_dates_of_section_8_2(quarter: opin.Quarter, due: date) -> None:
    assert quarter.due_date == due


def test_due_date_on_a_weekend_is_anticipated_to_the_last_business_day() -> None:
    # 10 May 2025 is a Saturday: the file is sent by Friday the 9th.
    def weekday(d: date) -> bool:
        return d.weekday() < 5

    assert opin.Quarter(2025, 1).send_by(weekday) == date(2025, 5, 9)
    # 10 November 2025 is a Monday: unchanged.
    assert opin.Quarter(2025, 3).send_by(weekday) == date(2025, 11, 10)


def test_quarter_being_reported_is_the_last_one_ended() -> None:
    assert opin.quarter_being_reported(date(2025, 4, 1)) == opin.Quarter(2025, 1)
    assert opin.quarter_being_reported(date(2026, 1, 20)) == opin.Quarter(2025, 4)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_every_day_belongs_to_its_quarter(day: date) -> None:
    q = opin.Quarter.of(day)
    assert q.first_day <= day <= q.last_day
    assert q.next().first_day == q.last_day + timedelta(days=1)
    assert q.next().previous() == q
    assert q.due_date > q.last_day


def test_annex_one_example_passes() -> None:
    assert opin.record_problems(ANNEX_RECORD) == []


def test_blank_or_missing_gender_is_allowed_for_companies() -> None:
    assert opin.record_problems({**ANNEX_RECORD, "Gênero": ""}) == []
    assert opin.record_problems({**ANNEX_RECORD, "Gênero": None}) == []
    assert opin.record_problems({k: v for k, v in ANNEX_RECORD.items() if k != "Gênero"}) == []


@pytest.mark.parametrize(
    ("change", "key", "fragment"),
    [
        ({"UF": "XX"}, "UF", '"XX" não é uma UF'),
        ({"Canal": "Telefone"}, "Canal", "não é um canal"),
        ({"Tipo de manifestação": "Denúncia"}, "Tipo de manifestação", "não é um tipo de manifestação"),
        ({"Gênero": "X"}, "Gênero", "não é um gênero"),
        ({"Assunto": "Cobrança indevida"}, "Assunto", "não é um assunto da seção 6"),
        ({"Assunto": "OPIN - Sugestão ou elogio"}, "Assunto", "não se aplica ao tipo Informação"),
        ({"Canal": "Ouvidoria", "Assunto": "OPIN Problema com o Atendimento"}, "Assunto", "canal Ouvidoria"),
        ({"Prazo de conclusão praticado": "5"}, "Prazo de conclusão praticado", "não é um número inteiro"),
        ({"Prazo de conclusão praticado": 5.0}, "Prazo de conclusão praticado", "não é um número inteiro"),
        ({"Número de interações por cliente": True}, "Número de interações por cliente", "não é um número inteiro"),
        ({"Número de interações por cliente": -1}, "Número de interações por cliente", "negativo"),
        ({"Cidade": ""}, "Cidade", "obrigatória vazia"),
        ({"Entidade": 7}, "Entidade", "não é um texto"),
        ({"Genero": "F"}, "Genero", "fora do layout"),
    ],
)
def test_each_kind_of_error_names_the_key(change: dict[str, object], key: str, fragment: str) -> None:
    problems = opin.record_problems({**ANNEX_RECORD, **change})
    assert any(k == key and fragment in message for k, message in problems), problems


def test_missing_required_key() -> None:
    record = {k: v for k, v in ANNEX_RECORD.items() if k != "Cidade"}
    assert opin.record_problems(record) == [("Cidade", "chave obrigatória ausente")]


def test_reader_gives_index_key_and_problem_in_portuguese() -> None:
    records = [ANNEX_RECORD] * 16 + [{**ANNEX_RECORD, "UF": "XX"}]
    (problem,) = problems_of(json.dumps({"Ocorrencias": records}, ensure_ascii=False))
    assert str(problem) == 'registro 17, chave "UF": "XX" não é uma UF'
    assert problem.as_dict() == {"registro": 17, "chave": "UF", "problema": '"XX" não é uma UF'}


@pytest.mark.parametrize("indent", [None, 2])
def test_reader_streams_records_across_small_chunks(indent: int | None) -> None:
    text = json.dumps({"Ocorrencias": [ANNEX_RECORD, {**ANNEX_RECORD, "Prazo de conclusão praticado": 123456}]},
                      indent=indent)  # fmt: skip
    reader = opin.OpinFileReader(io.StringIO(text), chunk_chars=7)
    records = list(reader.records())
    assert records[1]["Prazo de conclusão praticado"] == 123456
    assert records[0] == ANNEX_RECORD
    assert reader.problems == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("not json", "objeto JSON"),
        ("[]", "objeto JSON"),
        ('{"Registros": []}', "não tem a chave"),
        ('{"Ocorrencias": {}}', "deve ser uma lista"),
        ('{"Ocorrencias": [{"UF": "SP"} {"UF": "SP"}]}', "“,” ou “]”"),
        ('{"Ocorrencias": [', "JSON inválido"),
    ],
)
def test_reader_reports_a_file_off_the_layout(text: str, fragment: str) -> None:
    problems = problems_of(text)
    assert any(p.index is None and fragment in p.message for p in problems), problems


def test_reader_reports_extra_top_level_keys_and_trailing_text() -> None:
    text = '\ufeff{"Ocorrencias": [], "Total": 0} x'
    messages = [str(p) for p in problems_of(text)]
    assert messages == ['arquivo, chave "Total": chave fora do layout do Anexo I',
                        "arquivo: conteúdo após o fim do objeto JSON (caractere 34)"]  # fmt: skip


def test_stream_check_counts_records() -> None:
    check = opin.StreamCheck(io.StringIO(json.dumps({"Ocorrencias": [ANNEX_RECORD] * 3})))
    assert list(check) == []
    assert check.records == 3
