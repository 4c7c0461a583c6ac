"""Issue 19: anonymisation keeps every statistic. A realistic book of cases (an OPIN participant, a Banco Central
entity, an ANS operator; types, subjects, channels, states, ratings, merits, extensions, forwards, agreements,
requesters with several cases) is measured with the real builders of the dashboard, the OPIN quarterly file and the
BCB and ANS reports; five years and a day later the retention job runs and the same measures give the same figures.

The one output that carries text written about the requester, the agreements' spreadsheet ("Termos do acordo"),
keeps every other column and has that one emptied."""

import contextlib
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.urls import reverse

from ouvidoria.audit.services import chain_seal
from ouvidoria.audit.verify import chain_verify
from ouvidoria.cases import agreements, services
from ouvidoria.cases.models import Manifestation, Requester
from ouvidoria.cases.tests.factories import EntityFactory, register, requester_data, signed_in, staff_user
from ouvidoria.catalogue.selectors import entity_subjects
from ouvidoria.entities.models import Area, Entity
from ouvidoria.indicators.selectors import indicators
from ouvidoria.indicators.views import EXPORT_TABLES, kpi_rows
from ouvidoria.opin.services import opin_records
from ouvidoria.reports import documents, figures
from ouvidoria.reports.models import Report
from ouvidoria.retention.services import retention_run
from ouvidoria.rules.opin import Quarter

pytestmark = pytest.mark.django_db
SP = ZoneInfo("America/Sao_Paulo")
PEOPLE = [
    {"document": "529.982.247-25", "name": "Maria Aparecida Souza", "email": "maria.souza@example.com",
     "phone": "(11) 98765-4321", "gender": "F", "state": "MG", "city": "Belo Horizonte"},
    {"document": "111.444.777-35", "name": "João Pereira Lima", "email": "joao.lima@example.org",
     "phone": "(21) 91234-5678", "gender": "M", "state": "RJ", "city": "Niterói"},
    {"document": "11.222.333/0001-81", "name": "Padaria Estrela Ltda", "email": "contato@estrela.example"},
    {"document": "390.533.447-05", "name": "Ana Beatriz Costa", "email": "ana.costa@example.net", "gender": "NB"},
]  # fmt: skip
PLACES = [("SP", "São Paulo"), ("MG", "Belo Horizonte"), ("RJ", "Rio de Janeiro"), ("BA", "Salvador")]
MEDIA = ["phone", "email", "web-form", "whatsapp", "letter"]
EXTENSION = "Aguardando a resposta da área financeira sobre os pagamentos do contrato."
FIRST_DAY, LAST_DAY = date(2024, 3, 4), date(2025, 6, 27)


@contextmanager
def clock(day: date, hour: int = 10) -> Iterator[None]:
    when = datetime(day.year, day.month, day.day, hour, tzinfo=SP)
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def _subjects(entity: Entity, record_type: str) -> list[str]:
    qs = entity_subjects(entity).filter(Q(record_types=None) | Q(record_types=record_type))
    if entity.opin_participant:
        qs = qs.filter(is_opin=True)
    return list(qs.order_by("code").values_list("code", flat=True)[:4])


def _book(entity: Entity, instances: list[str], types: list[str], n: int, analyst: Any) -> None:
    area, _ = Area.objects.get_or_create(entity=entity, name="Financeiro")
    step = (LAST_DAY - FIRST_DAY).days // n
    for i in range(n):
        received = FIRST_DAY + timedelta(days=i * step + i % 3)
        instance, record_type = instances[i % len(instances)], types[i % len(types)]
        subjects = _subjects(entity, record_type)
        state, city = PLACES[i % len(PLACES)]
        with clock(received, 9 + i % 8):
            m = register(
                entity,
                instance=instance,
                medium=MEDIA[i % len(MEDIA)],
                record_type=record_type,
                subject=subjects[i % len(subjects)] if subjects and i % 7 else None,
                description=f"Relato {i} de {PEOPLE[i % 4]['name']}, CPF {PEOPLE[i % 4]['document']}.",
                requester=requester_data(**PEOPLE[i % 4]),
                received_at=datetime(received.year, received.month, received.day, 9 + i % 8, tzinfo=SP),
                state=state,
                city=city,
            )
        day = received + timedelta(days=1)
        with clock(day):
            if i % 3 == 1:
                services.manifestation_message_in(m, body=f"Sou {PEOPLE[i % 4]['name']}, alguma novidade?", actor=None)
            if i % 4 == 1:
                forward = services.manifestation_forward(m, area=area, question="Houve pagamento?", actor=analyst)
                services.manifestation_area_reply(m, forward_id=forward.pk, reply="Sim, em dia.", actor=analyst)
            if i % 5 == 3:
                upload = SimpleUploadedFile(f"doc-{i}.txt", f"comprovante {i}".encode(), "text/plain")
                services.manifestation_attach(m, upload=upload, actor=analyst)
            if i % 3 == 0:
                # The BCB policy's monthly cap (10 % of the month's cases) refuses most: the ANS ones go through.
                with contextlib.suppress(ValidationError):
                    services.deadline_extend(
                        m, justification=EXTENSION, actor=analyst, days=10, agreed_with_requester=True
                    )
            if entity.regime == "bcb" and instance == "ouvidoria" and i % 4 == 2:
                agreements.manifestation_agreement(
                    m, agreed_on=day, description=f"Estorno a {PEOPLE[i % 4]['name']}", amount=Decimal(100 + i),
                    actor=None, paid_on=day if i % 8 == 2 else None,
                )  # fmt: skip
            m = Manifestation.objects.get(pk=m.pk)
            if record_type in {"reclamacao", "denuncia"} and (instance != "sac" or i % 2):
                reason = "no_breach" if i % 3 == 2 else "contract_breach"
                services.manifestation_set_merits(m, reason=reason, actor=analyst)
        # Most are answered within days; every fifth much later, pending at the end of its month or quarter.
        answered = received + timedelta(days=(70 + i) if i % 5 == 4 else 2 + (i % 4) * 3)
        with clock(answered, 15):
            services.manifestation_answer(m, body=f"Prezado(a) {PEOPLE[i % 4]['name']}, resolvido.", actor=analyst)
        with clock(answered + timedelta(days=1)):
            if i % 2 == 0:
                services.manifestation_evaluate(m, resolved=i % 3 != 0, rating=1 + i % 5, comment="Obrigado")
            if i % 6 == 0:
                services.manifestation_close(m, actor=analyst)


@pytest.fixture
def book(settings: Any, tmp_path: Any) -> dict[str, Entity]:
    settings.MEDIA_ROOT = tmp_path / "media"
    opin = EntityFactory.create(name="Seguradora Horizonte S.A.", slug="horizonte", opin_participant=True)
    bank = EntityFactory.create(name="Consórcio Alfa", slug="consorcio", regime="bcb")
    health = EntityFactory.create(name="Vida Saúde", slug="vida", regime="ans")
    analyst = staff_user("analyst", entities=[opin, bank, health])
    _book(opin, ["sac", "ouvidoria"], ["solicitacao", "reclamacao", "informacao"], 18, analyst)
    _book(bank, ["sac", "ouvidoria", "ouvidoria"], ["reclamacao", "solicitacao", "denuncia", "elogio"], 22, analyst)
    _book(health, ["ouvidoria", "sac"], ["reclamacao", "sugestao", "solicitacao"], 20, analyst)
    return {"opin": opin, "bank": bank, "health": health}


def _months(start: date, end: date) -> list[tuple[date, date]]:
    out, first = [], start.replace(day=1)
    while first <= end:
        nxt = (first + timedelta(days=32)).replace(day=1)
        out.append((first, nxt - timedelta(days=1)))
        first = nxt
    return out


def measure(book: dict[str, Entity], client: Any) -> dict[str, Any]:
    """Every figure the product publishes for the book's periods, through the real builders."""
    out: dict[str, Any] = {}
    everything = Manifestation.objects.all()
    for entity in [None, *book.values()]:
        slug = entity.slug if entity else "todas"
        for start, end in [(date(2024, 1, 1), date(2025, 12, 31)), *_months(FIRST_DAY, LAST_DAY)]:
            result = indicators(everything, start, end, entity=entity)
            out[f"indicators:{slug}:{start}"] = result
            out[f"kpis:{slug}:{start}"] = kpi_rows(result)
        for instance in ("sac", "ouvidoria"):
            out[f"indicators:{slug}:{instance}"] = indicators(everything, FIRST_DAY, LAST_DAY, entity, instance)
    # The dashboard's own exports (CSV), as the manager downloads them.
    for table in EXPORT_TABLES:
        response = client.get(
            reverse("indicators:export", args=[table, "csv"]),
            {"date_from": "2024-01-01", "date_to": "2025-12-31"},
        )
        assert response.status_code == 200
        out[f"export:{table}"] = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    # The OPIN quarterly file's records (seed 000 §8.5), every quarter of the book.
    for year, number in [(2024, 1), (2024, 2), (2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3)]:
        out[f"opin:{year}Q{number}"] = list(opin_records(book["opin"], Quarter(year, number)))
    # BCB: the monthly report and the semiannual one (their spreadsheets' every cell); ANS: the yearly report with
    # the year before.
    bank, health = book["bank"], book["health"]
    for start, end in _months(FIRST_DAY, LAST_DAY):
        out[f"bcb-monthly:{start}"] = figures.sheets(figures.report_figures(bank, start, end, False), False)
        out[f"bcb-agreements:{start}"] = documents.agreement_rows(
            Report(entity=bank, kind="bcb-agreements", period_start=start, period_end=end)
        )
    for start, end in [(date(2024, 1, 1), date(2024, 6, 30)), (date(2024, 7, 1), date(2024, 12, 31)),
                       (date(2025, 1, 1), date(2025, 6, 30))]:  # fmt: skip
        out[f"bcb-semiannual:{start}"] = figures.sheets(figures.report_figures(bank, start, end, False), False)
    stats = figures.report_figures(health, date(2025, 1, 1), date(2025, 12, 31), True)
    out["ans-yearly:sheets"] = figures.sheets(stats, True)
    out["ans-yearly:comparison"] = stats.comparison()
    return out


def test_no_figure_changes_when_the_book_is_anonymised(book):
    manager = staff_user("manager", entities=list(book.values()))
    # The dataset is what the issue asks for.
    cases = Manifestation.objects.all()
    assert cases.filter(extension_count__gt=0).exists()
    assert cases.filter(merits="upheld").exists()
    assert cases.filter(merits="not_upheld").exists()
    assert cases.filter(rating__isnull=False).values("rating").distinct().count() == 5
    assert cases.filter(forwards__isnull=False).exists()
    assert cases.filter(agreements__isnull=False).exists()
    assert Requester.objects.count() == 4
    assert cases.count() == 60

    with clock(date(2026, 1, 20)):
        before = measure(book, signed_in(manager))
    assert before["opin:2025Q1"], "the OPIN file of 2025Q1 has records"
    assert any(rows for key, rows in before.items() if key.startswith("bcb-agreements:"))

    # Five years and a day after the last protocol: the daily job anonymises every case.
    day = date(2030, 6, 28)
    with clock(day, 3):
        assert retention_run(today=day).anonymised == 60
        assert retention_run(today=day).anonymised == 0
    assert not cases.filter(anonymised_at__isnull=True).exists()
    assert set(Requester.objects.values_list("name", flat=True)) == {""}
    assert not cases.exclude(description="").exists()

    with clock(day):
        after = measure(book, signed_in(manager))
    # The agreements' spreadsheet: every column the same but "Termos do acordo" (index 4), which is now empty.
    for key in [k for k in before if k.startswith("bcb-agreements:")]:
        old, new = before.pop(key), after.pop(key)
        assert [r[:4] + r[5:] for r in new] == [r[:4] + r[5:] for r in old], key
        assert {r[4] for r in new} <= {""}, key
        assert all(r[4] for r in old), key
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    chain_seal()
    assert chain_verify(record=False).first is None
