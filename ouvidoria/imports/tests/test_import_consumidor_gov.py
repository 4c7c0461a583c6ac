"""``import_consumidor_gov`` over the real open-data sample, checked against a direct computation over the files."""

import contextlib
import csv
import hashlib
import importlib
import json
from collections import Counter
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from statistics import fmean
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection

from ouvidoria.audit.services import audit_maintenance
from ouvidoria.cases.models import Event, Manifestation
from ouvidoria.catalogue.models import Subject
from ouvidoria.entities.models import Entity
from ouvidoria.imports import pipeline
from ouvidoria.imports.consumidor_gov import consumidor_gov_import
from ouvidoria.rules.calendars import BRAZILIAN_STATES, calendar_for
from ouvidoria.rules.deadlines import due_date
from ouvidoria.rules.policies import get_policy

SAMPLES = sorted(Path("/work/shared/data/consumidor-gov").glob("*.csv"))
if not SAMPLES:  # the copy next to the repository, wherever it is checked out
    SAMPLES = sorted((Path(__file__).resolve().parents[4] / "shared/data/consumidor-gov").glob("*.csv"))
needs_samples = pytest.mark.skipif(not SAMPLES, reason="consumidor.gov.br sample files not found")

# The 27 UFs, as the importer keeps them (anything else is "not informed").
UFS = frozenset(BRAZILIAN_STATES)


def run(command: str, *args: str) -> dict[str, Any]:
    out = StringIO()
    with contextlib.suppress(CommandError):
        call_command(command, *args, "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def tidy(value: str) -> str:
    return " ".join(value.split())


def br(value: str) -> date:
    day, month, year = value.split("/")
    return date(int(year), int(month), int(day))


def read_sample(path: Path) -> list[list[str]]:
    """The lines of a sample file, with nothing but the csv module: windows-1252 unless it is UTF-8."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return list(csv.reader(StringIO(text, newline=""), delimiter=";"))


def direct_indicators(paths: list[Path], start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Every indicator computed straight from the files, by the definitions of docs/indicators.md.

    The period is ``start``–``end``, by default from the first to the last ``Data Abertura``.
    """
    rows = [r for p in paths for r in read_sample(p)]
    opened = [br(r[7]) for r in rows]
    start, end = start or min(opened), end or max(opened)
    calendar = calendar_for()  # an external company: no head office known, national holidays
    policy = get_policy("consumidor-gov")
    concluded = pending = 0
    days: list[int] = []
    on_time = 0
    resolved = Counter[str]()
    scores: list[int] = []
    subjects = Counter[str]()
    states = Counter[str]()
    received_count = 0
    for r, received in zip(rows, opened, strict=True):
        answered = received + timedelta(days=int(r[10])) if r[10] else None
        finalized = r[20].startswith("Finalizada")
        closed = max(br(r[9]) if r[9] else received, answered or received) if finalized else None
        concluded += answered is not None and start <= answered <= end
        if received <= end and (answered is None or answered > end) and (closed is None or closed > end):
            pending += 1
        if not start <= received <= end:
            continue
        received_count += 1
        if answered is not None:
            days.append(int(r[10]))
            on_time += answered <= due_date(policy, received, calendar)
        resolved[r[21]] += 1
        if r[22]:
            scores.append(int(r[22]))
        # Cells are read with their spaces tidied (trimmed, single): "Vivo - Telefônica " is "Vivo - Telefônica".
        subjects[f"{tidy(r[15])}: {tidy(r[16])}"] += 1
        states[r[1] if r[1] in UFS else ""] += 1
    yes, no = resolved["Resolvida"], resolved["Não Resolvida"]
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "received": received_count,
        "concluded": concluded,
        "pending": pending,
        "by_type": {"reclamacao": received_count},
        "by_instance": {"consumidor-gov": received_count},
        "by_medium": {"external-platform": received_count},
        "by_subject": dict(subjects),
        "by_state": dict(states),
        "avg_response_days": round(fmean(days), 2),
        "on_time_rate": round(on_time / len(days), 4),
        "upheld_rate": None,
        "resolved_rate": round(yes / (yes + no), 4),
        "satisfaction_avg": round(fmean(scores), 2),
        "extension_rate": 0.0,
    }


@needs_samples
@pytest.mark.django_db
def test_indicators_after_import_equal_a_direct_computation_over_the_files():
    result = run("import_consumidor_gov", *map(str, SAMPLES))
    assert result["errors"] == []
    assert result["imported"] == 5517 + 5901  # repeated lines are real complaints: all kept

    expected = direct_indicators(SAMPLES)
    period = expected["period"]
    got = run("indicators", "--from", period["from"], "--to", period["to"], "--instance", "consumidor-gov")
    labels = dict(Subject.objects.values_list("code", "label"))
    got["by_subject"] = {labels[code]: n for code, n in got["by_subject"].items()}

    for key, value in expected.items():
        assert got[key] == value, key

    # A period that ends while complaints are still open: pending ones, and complaints concluded after it.
    part = direct_indicators(SAMPLES, date(2014, 8, 1), date(2014, 8, 31))
    got = run("indicators", "--from", "2014-08-01", "--to", "2014-08-31", "--instance", "consumidor-gov")
    got["by_subject"] = {labels[code]: n for code, n in got["by_subject"].items()}
    assert part["pending"] > 0
    assert part["received"] < expected["received"]
    for key, value in part.items():
        assert got[key] == value, key


@needs_samples
@pytest.mark.django_db
def test_importing_the_same_file_again_adds_nothing():
    first = run("import_consumidor_gov", str(SAMPLES[0]))
    again = run("import_consumidor_gov", str(SAMPLES[0]))
    assert (first["imported"], again["imported"], again["already_present"]) == (5517, 0, 5517)
    assert Manifestation.objects.count() == 5517


@needs_samples
@pytest.mark.django_db
def test_source_keys_start_with_the_day_the_complaint_was_opened():
    run("import_consumidor_gov", str(SAMPLES[0]))
    lines = [line for line in read_sample(SAMPLES[0]) if any(v.strip() for v in line)]
    digest = hashlib.sha256(f"consumidor-gov\x1f{';'.join(lines[0])}\x1f0".encode()).hexdigest()
    first = Manifestation.objects.order_by("pk").values_list("source_key", "received_on").first()
    assert first == (br(lines[0][7]).strftime("%Y%m%d") + digest[:56], br(lines[0][7]))
    keys = Manifestation.objects.values_list("source_key", "received_on")
    assert all(len(k) == 64 and k[:8] == day.strftime("%Y%m%d") for k, day in keys)


@needs_samples
@pytest.mark.django_db
def test_the_migration_gives_earlier_imports_the_dated_keys_so_a_new_import_adds_nothing():
    dated_keys = importlib.import_module("ouvidoria.imports.migrations.0002_consumidor_gov_dated_keys").dated_keys
    run("import_consumidor_gov", str(SAMPLES[0]))
    new_keys = dict(Manifestation.objects.values_list("pk", "source_key"))
    # As the importer wrote them before: the line's whole SHA-256 (the 56 digits kept, then 8 more).
    for pk, key in new_keys.items():
        Manifestation.objects.filter(pk=pk).update(source_key=key[8:] + "0123abcd")
    # A case of import_cases (a keyed hash, no "source" in its registration) on the same instance is left alone.
    other = Manifestation.objects.order_by("pk").first()
    assert other is not None
    with audit_maintenance(actor="teste", reason="o teste recomeça sem histórico"):
        Event.objects.filter(manifestation=other, kind="registration").update(params={"imported": True})
    Manifestation.objects.filter(pk=other.pk).update(source_key="f" * 64)

    # What the function uses of a schema editor (SQLite's refuses to open inside the test's transaction).
    dated_keys(django_apps, SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name))

    assert dict(Manifestation.objects.values_list("pk", "source_key")) == new_keys | {other.pk: "f" * 64}
    again = run("import_consumidor_gov", str(SAMPLES[0]))
    assert (again["imported"], again["already_present"]) == (1, 5516)  # the case left alone is imported anew


@needs_samples
@pytest.mark.django_db
def test_companies_become_external_entities_and_cases_carry_the_mapping():
    run("import_consumidor_gov", str(SAMPLES[0]))
    sky = Entity.objects.get(name="SKY")
    assert sky.is_external
    assert sky.regime == "other"
    m = Manifestation.objects.filter(entity=sky, resolved=False, rating=1).order_by("pk").first()
    assert m is not None
    assert (m.instance_id, m.medium_id, m.record_type_id, m.policy_id) == (
        "consumidor-gov",
        "external-platform",
        "reclamacao",
        "consumidor-gov",
    )
    assert m.status == "closed"
    assert m.imported
    assert m.practiced_days is not None
    assert m.closed_at is not None
    assert m.concluded_at is not None
    assert m.closed_at >= m.concluded_at
    assert m.requester is not None
    assert m.requester.gender in ("F", "M")
    assert not m.requester.document
    kinds = set(Event.objects.filter(manifestation=m).values_list("kind", flat=True))
    assert kinds == {"registration", "closure"}
    closure = Event.objects.get(manifestation=m, kind="closure")
    assert closure.params == {"imported": True, "answered": True, "resolved": False, "rating": 1}


@pytest.mark.django_db
def test_a_header_utf8_file_with_lost_accents_and_bad_lines(tmp_path):
    header = (
        "Regi\ufffdo;UF;Cidade;Sexo;Faixa Et\ufffdria;Ano Abertura;M\ufffds Abertura;Data Abertura;Data Resposta;"
        "Data Finaliza\ufffd\ufffdo;Tempo Resposta;Nome Fantasia;Segmento de Mercado;\ufffdrea;Assunto;"
        "Grupo Problema;Problema;Como Comprou Contratou;Procurou Empresa;Respondida;Situa\ufffd\ufffdo;"
        "Avalia\ufffd\ufffdo Reclama\ufffd\ufffdo;Nota do Consumidor;Canal de Origem"
    )
    place = "SE;SP;Santos"
    company = "Loja X;Varejo;Varejo;Celular;Entrega;Atraso;Internet;S"
    good = f"{place};F;entre 31 a 40 anos;2015;3;02/03/2015;05/03/2015;20/03/2015;3;{company};S;Finalizada avaliada;"
    good += "N\ufffdo Resolvida;2;Plataforma Web"
    unanswered = f"{place};M;entre 31 a 40 anos;2015;3;02/03/2015;;20/03/2015;;{company};N;"
    unanswered += "Finalizada n\ufffdo avaliada;N\ufffdo Avaliada;;"
    bad_date = good.replace("02/03/2015", "31/02/2015")
    bad_score = good.replace(";2;Plataforma", ";9;Plataforma")
    path = tmp_path / "2015-03.csv"
    path.write_text("\r\n".join([header, good, bad_date, unanswered, bad_score, good]) + "\r\n", encoding="utf-8")

    result = run("import_consumidor_gov", str(path))

    assert result["imported"] == 3  # the repeated line is a second complaint
    assert [(e["line"], e["message"].split("”")[0]) for e in result["errors"]] == [
        (3, "“Data Abertura"),
        (5, "“Nota do Consumidor"),
    ]
    cases = list(Manifestation.objects.order_by("pk"))
    assert [m.resolved for m in cases] == [False, None, False]
    assert cases[1].concluded_at is None
    assert cases[1].status == "closed"
    assert cases[0].practiced_days == 3
    assert cases[0].rating == 2


@pytest.mark.django_db
def test_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="Arquivo não encontrado"):
        call_command("import_consumidor_gov", "/nao/existe.csv", "--json", stdout=StringIO())


def imported_cases() -> list[tuple[Any, ...]]:
    """The cases as written, without ids (the entities and subjects created get new ones on each run)."""
    return sorted(
        Manifestation.objects.values_list(
            "source_key", "entity__slug", "subject__label", "status", "received_on", "due_on", "description"
        )
    )


@needs_samples
def test_a_big_file_read_by_a_second_process_gives_the_outcome_of_one(transactional_db, tmp_path, monkeypatch):
    workers: list[bool] = []
    with_worker = pipeline._write_from_worker

    def spy(*args: Any, **kwargs: Any) -> Any:
        workers.append(True)
        return with_worker(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_write_from_worker", spy)
    lines = read_sample(SAMPLES[0])[:1500]
    lines += [lines[10], [*lines[20][:7], "31/02/2015", *lines[20][8:]]]  # the same complaint again; a bad date
    path = tmp_path / "grande.csv"
    with path.open("w", encoding="cp1252", newline="") as file:
        csv.writer(file, delimiter=";", lineterminator="\r\n").writerows(lines)

    def run(threshold: int) -> tuple[dict[str, Any], list[tuple[Any, ...]], int]:
        done: list[int] = []
        result = consumidor_gov_import([path], progress=done.append, batch_size=200, pipeline_threshold=threshold)
        return result.as_dict(), imported_cases(), sum(done)

    single, single_cases, single_done = run(threshold=path.stat().st_size)
    assert single["imported"] == len(single_cases) == 1501
    assert [(e["line"], e["message"].split("”")[0]) for e in single["errors"]] == [(1502, "“Data Abertura")]
    assert single_done == 1502
    assert not workers
    assert len(single["entities_created"]) > 10

    with audit_maintenance(actor="teste", reason="o teste recomeça sem histórico"):
        Manifestation.objects.all().delete()  # and their events
    Entity.objects.filter(slug__in=single["entities_created"]).delete()
    Subject.objects.filter(code__startswith="cgov-").delete()
    piped, piped_cases, piped_done = run(threshold=0)
    assert workers
    assert (piped, piped_cases, piped_done) == (single, single_cases, single_done)

    again, again_cases, _ = run(threshold=0)
    assert (again["imported"], again["already_present"], again["entities_created"]) == (0, 1501, [])
    assert again_cases == single_cases


@pytest.mark.django_db
def test_lines_that_used_to_stop_the_import_are_reported_and_skipped(tmp_path):
    place = "SE;SP;Santos;F;entre 31 a 40 anos;2015;3"
    company = "Loja X;Varejo;Varejo;Celular;Entrega;Atraso;Internet;S"

    def line(days: str, note: str = "2") -> str:
        return f"{place};02/03/2015;05/03/2015;20/03/2015;{days};{company};S;Finalizada avaliada;Resolvida;{note};"

    lines = [
        line("3"),
        line("99999999"),  # a date beyond the calendar
        line("²"),  # a digit to Python, not a number of days
        line("3").replace("Loja X", "x" * 200_000),  # a field over the csv module's limit
        line("4"),
        line("5"),
    ]
    path = tmp_path / "2015-03.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")

    result = run("import_consumidor_gov", str(path))

    assert [(e["line"], e["message"]) for e in result["errors"]] == [
        (2, "“Tempo Resposta” de 99999999 dias: mais que o máximo aceito (3650 dias)."),
        (3, "“Tempo Resposta” inválido: “²”; informe dias inteiros."),
        (4, "CSV inválido: um campo passa de 131.072 caracteres."),
    ]
    assert result["imported"] == 3  # the lines after the bad ones too
    assert sorted(m.practiced_days for m in Manifestation.objects.all()) == [3, 4, 5]
