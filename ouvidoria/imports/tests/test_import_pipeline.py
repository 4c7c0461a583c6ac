"""Big files are checked in a second process while this one writes: the outcome must be the single-process one."""

import os
import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from ouvidoria.audit.services import audit_maintenance
from ouvidoria.cases.models import Event, Manifestation, Requester
from ouvidoria.cases.services import RequesterData, requester_find_or_create
from ouvidoria.cases.tests.factories import EntityFactory
from ouvidoria.catalogue.models import Subject
from ouvidoria.entities.models import Entity
from ouvidoria.imports import pipeline
from ouvidoria.imports.pipeline import Batches, Written, cases_write
from ouvidoria.imports.readers import open_table
from ouvidoria.imports.services import ImportResult, cases_import
from ouvidoria.imports.tests.test_import_cases import ANNEX_II, HEADER, write_csv
from ouvidoria.imports.writer import CaseRecord, EventRecord
from ouvidoria.rules.policies import default_policy_code

ROWS = 3000
BATCH = 200
ON_FILE = ("111.444.777-35", "Carlos Souza", "carlos@example.com")
PEOPLE = [
    ("529.982.247-25", "Joana Pereira Lima", "joana.lima@example.com"),
    ("111.444.777-35", "Carlos S.", "outro@example.com"),  # on file by CPF: reused, not overwritten
    ("", "Sem Documento", "sem.documento@example.com"),  # found by e-mail
]


def generated_csv(tmp_path: Path) -> Path:
    """Rows whose people recur across batches, repeated rows and protocols, bad rows, an entity created mid-file."""
    rng = random.Random(7)
    start = timezone.localdate() - timedelta(days=600)
    header = [*HEADER, "CPF", "Nome", "E-mail", "Protocolo"]
    rows: list[list[object]] = []
    for i in range(ROWS):
        opin = list(ANNEX_II[i % len(ANNEX_II)])
        opin[0] = "Nova Seguradora S.A." if i >= ROWS // 2 and i % 7 == 0 else "Empresa 1"
        opin[7] = str(i % 30)
        person = PEOPLE[i % len(PEOPLE)] if i % 4 == 0 else ("", "", "")
        if i % 5 == 1:
            person = ("", f"Pessoa {i}", f"pessoa{i}@example.com")
        protocol = f"LEG-{i % 50}" if i % 11 == 0 else ""  # the same protocol every 550 rows
        rows.append([*opin, start + timedelta(days=rng.randrange(500)), *person, protocol])
    for i in range(0, ROWS, 97):  # repeated rows, in another batch than the first copy
        rows[(i + 1000) % ROWS] = list(rows[i])
    rows[10][4] = "XX"
    rows[1500][9] = "31/02/2025"
    rows[2900][10] = "123.456.789-00"
    return write_csv(tmp_path / "grande.csv", header, rows)


def outcome(result: ImportResult) -> dict[str, Any]:
    """What an import did, without what depends on ids, the order of writes or the clock."""
    people = {r.pk: (r.kind, r.document, r.name, r.email) for r in Requester.objects.all()}  # decrypted
    return {
        "result": result.as_dict(),
        "entities_created": result.entities_created,
        "cases": Manifestation.objects.count(),
        "protocols": Manifestation.objects.values("protocol").distinct().count(),
        "events": sorted(Event.objects.values_list("kind", flat=True)),
        "requesters": sorted(people.values()),
        "rows": sorted(
            (
                m.entity.slug,  # not the source key: it has the entity's id, which the created one changes
                m.description,
                m.status,
                str(m.received_on),
                str(m.due_on),
                "issued" if m.protocol.isdigit() else m.protocol,
                people.get(m.requester_id) if m.requester_id else None,
            )
            for m in Manifestation.objects.select_related("entity")
        ),
    }


def assert_no_personal_data_in_clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT document, name, email FROM cases_requester")
        stored = [str(value) for row in cursor.fetchall() for value in row]
        cursor.execute("SELECT description, source_key, city FROM cases_manifestation")
        stored += [str(value) for row in cursor.fetchall() for value in row]
        cursor.execute("SELECT body, params FROM cases_event")
        stored += [str(value) for row in cursor.fetchall() for value in row]
    text = " ".join(stored)
    for clear in ("52998224725", "11144477735", "Joana", "Carlos", "Pessoa 6", "example.com"):
        assert clear not in text


def test_the_pipelined_import_gives_the_single_process_outcome(transactional_db, tmp_path, monkeypatch):
    EntityFactory(name="Empresa 1", slug="empresa-1")
    on_file = requester_find_or_create(RequesterData(document=ON_FILE[0], name=ON_FILE[1], email=ON_FILE[2]))
    path = generated_csv(tmp_path)
    pipelined: list[bool] = []
    original = pipeline._write_from_worker

    def spy(*args: Any, **kwargs: Any) -> Any:
        pipelined.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_write_from_worker", spy)

    def run(threshold: int) -> tuple[dict[str, Any], int]:
        done: list[int] = []
        result = cases_import(
            open_table(path), create_entities=True, batch_size=BATCH, progress=done.append, pipeline_threshold=threshold
        )
        return outcome(result), sum(done)

    single, single_done = run(threshold=ROWS)
    assert not pipelined
    assert single_done == ROWS
    assert [(e["line"], e["field"]) for e in single["result"]["errors"]] == [
        (12, "UF"),
        (1502, "Data de abertura"),
        (2902, "CPF"),
    ]
    assert single["entities_created"] == ["nova-seguradora-sa"]
    assert single["result"]["already_present"] > 40  # repeated rows and protocols
    assert single["result"]["imported"] == single["cases"] == single["protocols"]
    assert single["cases"] + single["result"]["already_present"] == ROWS - 3
    documents = [person[1] for person in single["requesters"]]
    emails = [person[3] for person in single["requesters"]]
    assert documents.count("52998224725") == documents.count("11144477735") == 1
    assert emails.count("sem.documento@example.com") == emails.count("pessoa6@example.com") == 1
    assert ("person", "11144477735", "Carlos Souza", "carlos@example.com") in single["requesters"]
    assert_no_personal_data_in_clear()

    with audit_maintenance(actor="teste", reason="o teste recomeça sem histórico"):
        Manifestation.objects.all().delete()  # and their events
    Requester.objects.exclude(pk=on_file.pk).delete()
    Entity.objects.exclude(slug="empresa-1").delete()
    piped, piped_done = run(threshold=500)
    assert pipelined
    assert piped_done == ROWS
    assert piped == single
    assert_no_personal_data_in_clear()

    # Imported again, by either path, nothing is added.
    again, _ = run(threshold=500)
    assert again["result"] == {"imported": 0, "already_present": ROWS - 3, "errors": single["result"]["errors"]}
    assert again["cases"] == single["cases"]
    assert cases_import(open_table(path), create_entities=True).imported == 0


def test_an_error_in_the_worker_stops_the_import_and_is_raised_here(transactional_db):
    EntityFactory(name="Empresa 1", slug="empresa-1")
    start = timezone.localdate() - timedelta(days=100)

    def rows() -> Iterator[dict[str, object]]:
        for i in range(50):
            yield dict(zip(HEADER, [*ANNEX_II[0][:7], "1", "1", start + timedelta(days=i)], strict=True))
        raise ValueError("broken file")

    with pytest.raises(ValueError, match="broken file"):
        cases_import(rows(), batch_size=10, pipeline_threshold=20)
    # The batches before the error are written, each in its transaction, as without a worker.
    assert Manifestation.objects.count() == 50


# -- cases_write, whatever the check ------------------------------------------------------------------------------

CASES = 1000
REPEATED = CASES // 100 + CASES // 500


def _entity_named(name: str) -> int:
    """Run by the writing process on a check's behalf (``Batches.call`` sends a function by name)."""
    return Entity.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0].pk


def a_case(entity_id: int, n: int) -> CaseRecord:
    day = date(2025, 1, 1) + timedelta(days=n % 300)
    at = datetime.combine(day, time(12), tzinfo=UTC)
    return CaseRecord(
        entity_id=entity_id,
        instance="consumidor-gov",
        medium="external-platform",
        record_type="reclamacao",
        subject_id=None,
        policy=default_policy_code("consumidor-gov", "other"),
        description=f"Caso {n}",
        state="SP",
        city="Santos",
        received_at=at,
        received_on=day,
        due_on=day + timedelta(days=10),
        status="in_analysis",
        interaction_count=1,
        events=[EventRecord("registration", at, {"n": n})],
        source_key=f"caso-{n}",
        imported=True,
    )


def counting_check(entity_id: int) -> Callable[[Batches], dict[str, int]]:
    """Cases with an entity created half-way and every hundredth case repeated, in its batch or a later one; every
    five hundredth, some seven batches later."""

    def check(batches: Batches) -> dict[str, int]:
        owner = entity_id
        for n in range(CASES):
            if n == CASES // 2:
                owner = batches.call(_entity_named, "Criada no Meio")
            batches.add(a_case(owner, n))
            if n % 100 == 99:
                batches.add(a_case(entity_id, n - 50))
            if n % 500 == 499:  # about as many batches back as can be on their way to the writing process
                batches.add(a_case(entity_id, n - 400))
            batches.done(1)
        return {"pid": os.getpid(), "created": owner}

    return check


def written_cases() -> list[tuple[str, str, str, list[str]]]:
    return sorted(
        (m.source_key, m.entity.slug, m.description, [e.kind for e in m.events.all()])
        for m in Manifestation.objects.select_related("entity").prefetch_related("events")
    )


def test_cases_write_in_a_second_process_gives_the_outcome_of_one(transactional_db):
    entity = EntityFactory(name="Empresa 1", slug="empresa-1")

    def run(second_process: bool) -> tuple[Written[dict[str, int]], int, list[Any]]:
        done: list[int] = []
        written = cases_write(
            counting_check(entity.pk), second_process=second_process, batch_size=64, progress=done.append
        )
        return written, sum(done), written_cases()

    here, here_done, here_cases = run(second_process=False)
    assert here.outcome["pid"] == os.getpid()
    assert (here.imported, here.already_present, here_done) == (CASES, REPEATED, CASES)
    assert len(here_cases) == CASES
    assert Entity.objects.get(pk=here.outcome["created"]).slug == "criada-no-meio"

    with audit_maintenance(actor="teste", reason="o teste recomeça sem histórico"):
        Manifestation.objects.all().delete()
    Entity.objects.filter(slug="criada-no-meio").delete()
    piped, piped_done, piped_cases = run(second_process=True)
    assert piped.outcome["pid"] != os.getpid()
    assert (piped.imported, piped.already_present, piped_done) == (CASES, REPEATED, CASES)
    assert piped_cases == here_cases

    # Written again, nothing is added: every case is in the database already.
    again, _, again_cases = run(second_process=True)
    assert (again.imported, again.already_present) == (0, CASES + REPEATED)
    assert again_cases == here_cases


def test_the_second_process_may_read_but_not_write(transactional_db):
    entity = EntityFactory(name="Empresa 1", slug="empresa-1")

    def check(batches: Batches) -> str:
        name = Entity.objects.get(pk=entity.pk).name  # reading is allowed
        Entity.objects.create(name="Escrita Direta", slug="escrita-direta")
        return name

    assert cases_write(check, second_process=False).outcome == "Empresa 1"
    Entity.objects.filter(slug="escrita-direta").delete()
    with pytest.raises(RuntimeError, match="must not write"):
        cases_write(check, second_process=True)
    assert not Entity.objects.filter(slug="escrita-direta").exists()


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("sem cópia")
        self.callback = lambda: None


def test_an_error_that_cannot_travel_arrives_as_its_traceback(transactional_db):
    def check(batches: Batches) -> None:
        raise _Unpicklable

    with pytest.raises(RuntimeError, match="_Unpicklable: sem cópia"):
        cases_write(check, second_process=True)


def _new_entity(name: str) -> Entity:
    return Entity.objects.create(name=name, slug=slugify(name))


def _new_subject(code: str) -> Subject:
    return Subject.objects.create(code=code, label=code.title())


def _slug_of_entity_named(name: str) -> str:
    return Entity.objects.get(name=name).slug


def test_what_is_deferred_is_created_before_the_cases_that_refer_to_it(transactional_db):
    entity = EntityFactory(name="Empresa 1", slug="empresa-1")

    def check(batches: Batches) -> dict[str, Any]:
        owner, subject, seen = entity.pk, None, list[int | str]()
        for n in range(300):
            if n == 100:
                owner = batches.defer(_new_entity, "Adiada")
                seen.append(owner)
            if n == 200:
                subject = batches.defer(_new_subject, "assunto-adiado")
                seen.append(subject)
                # A call waits for what was deferred before it.
                seen.append(batches.call(_slug_of_entity_named, "Adiada"))
            case = a_case(owner, n)
            case.subject_id = subject
            batches.add(case)
        return {"pid": os.getpid(), "ids": seen}

    def written() -> list[tuple[str, str, str | None]]:
        return sorted(
            (m.source_key, m.entity.slug, m.subject.code if m.subject else None)
            for m in Manifestation.objects.select_related("entity", "subject")
        )

    here = cases_write(check, second_process=False, batch_size=64)
    assert here.outcome["pid"] == os.getpid()
    created = Entity.objects.get(slug="adiada"), Subject.objects.get(code="assunto-adiado")
    assert here.created == list(created)
    assert here.outcome["ids"] == [created[0].pk, created[1].pk, "adiada"]
    here_cases = written()
    by_key = {key: rest for key, *rest in here_cases}
    assert [by_key["caso-50"], by_key["caso-150"], by_key["caso-250"]] == [
        ["empresa-1", None],
        ["adiada", None],
        ["adiada", "assunto-adiado"],
    ]

    with audit_maintenance(actor="teste", reason="o teste recomeça sem histórico"):
        Manifestation.objects.all().delete()
    for created_object in created:
        created_object.delete()
    piped = cases_write(check, second_process=True, batch_size=64)
    assert piped.outcome["pid"] != os.getpid()
    # The worker had stand-ins; the cases have the real ids.
    assert piped.outcome["ids"] == [-1, -2, "adiada"]
    assert [(type(o), o.pk) for o in piped.created] == [
        (Entity, Entity.objects.get(slug="adiada").pk),
        (Subject, Subject.objects.get(code="assunto-adiado").pk),
    ]
    assert written() == here_cases
