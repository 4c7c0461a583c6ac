"""The staff queue over 1,000,000 manifestations on PostgreSQL: each tab, a search and the tab counts.

    scripts/with-postgres.sh .venv/bin/python bench/workspace_queue.py [--cases 1000000] [--requests 50] [--explain]

1. Loads the cases with one ``INSERT … SELECT … FROM generate_series`` (every NOT NULL column filled, the way
   ``bench/recompute.py`` does) and one message in two cases, one internal note in five, with the secondary indexes
   dropped during the load and rebuilt afterwards from their own definitions, then ``VACUUM ANALYZE``. Spread: eight
   entities (the analyst is granted six), three years of receipts, open cases mostly recent (≈ 5 % open in all),
   deadlines from 7 to 24 days, 40 % of the cases assigned to one of ten people, descriptions and messages built
   from Portuguese phrases of a SAC.
2. Signs in an analyst (``StaffProfile``, role ``analyst``: no second factor) with Django's test ``Client`` and
   requests the queue page for each tab, with a search, and a later page, ``--requests`` times each after five warm-ups:
   p50/p95 of the whole request (view, queries, template). Also times ``tab_counts`` alone, and counts the queries of
   one request of each kind.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

TARGET_P95_MS = 300.0
ENTITIES = 8
GRANTED = 6
PEOPLE = 10
# The first part of each description, the second, and the messages: a SAC's usual complaints.
SUBJECTS = (
    "Cobrança em duplicidade na fatura do cartão de crédito",
    "Tarifa de manutenção de conta cobrada sem autorização",
    "Pedido de reembolso de despesa médica não analisado",
    "Sinistro de automóvel negado sem justificativa",
    "Portabilidade de crédito recusada pelo banco",
    "Atendimento demorado na central telefônica",
    "Cancelamento do seguro de vida não efetuado",
    "Juros cobrados acima do contratado no empréstimo consignado",
    "Dados cadastrais compartilhados sem consentimento",
    "Cartão bloqueado sem aviso prévio",
    "Estorno de compra não creditado na conta",
    "Renegociação de dívida com parcelas erradas",
)
DETAILS = (
    "O cliente já ligou três vezes e não obteve resposta.",
    "Solicita a devolução dos valores em dobro.",
    "Informa que o problema se repete há meses.",
    "Pede o cancelamento imediato do contrato.",
    "Anexou extratos e comprovantes de pagamento.",
    "Registrou reclamação também no Procon.",
    "Quer falar com o gerente da agência.",
    "Não reconhece as transações listadas.",
    "Aguarda retorno desde o mês passado.",
    "Pede explicação sobre a cobrança das parcelas.",
)
MESSAGES = (
    "Bom dia, envio em anexo o comprovante de pagamento da fatura.",
    "Ainda não recebi o estorno prometido pela central.",
    "Informamos que a área responsável está analisando o seu pedido.",
    "A portabilidade foi concluída, confirme o recebimento.",
    "Preciso da segunda via do boleto com urgência.",
    "O reembolso foi aprovado e será creditado em cinco dias úteis.",
    "Continuo sendo cobrado pela tarifa que foi cancelada.",
)
NOTES = ("Cliente reincidente, verificar histórico de fraude.", "Conferir com o jurídico antes de responder.")
# (label, query string): what an analyst opens all day long.
SCENARIOS = (
    ("open", {"tab": "open"}),
    ("due_today", {"tab": "due_today"}),
    ("overdue", {"tab": "overdue"}),
    ("at_risk", {"tab": "at_risk"}),
    ("mine", {"tab": "mine"}),
    ("unassigned", {"tab": "unassigned"}),
    ("all", {"tab": "all"}),
    ("open_page_20", {"tab": "open", "page": "20"}),
    ("search_open_reembolso", {"tab": "open", "q": "reembolso"}),
    ("search_all_estorno_nao_creditado", {"tab": "all", "q": "estorno não creditado"}),
    ("search_all_cobrancas_cartao", {"tab": "all", "q": "cobranças cartao"}),
)


def _sql_array(values: tuple[str, ...]) -> str:
    return "(ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "])"


def _secondary_indexes(cursor: Any, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of every index that backs no constraint, as PostgreSQL itself spells it."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [list(tables)],
    )
    return list(cursor.fetchall())


def load(count: int, entity_ids: list[int], people_ids: list[int], today: date) -> dict[str, float]:
    """Insert ``count`` cases and their messages; returns the seconds each step took."""
    from django.db import connection, transaction

    from ouvidoria.cases.models import Event, Manifestation

    cases, events = Manifestation._meta.db_table, Event._meta.db_table
    # age: days since receipt, uniform over three years. Open cases are the young ones, plus a few stragglers.
    status = (
        "CASE WHEN d.age <= 30 AND i %% 10 < 9 OR d.age BETWEEN 31 AND 60 AND i %% 10 < 3 OR i %% 50 = 0 "
        "THEN (ARRAY['new','in_analysis','in_analysis','waiting_area','waiting_requester'])[1 + (i / 7) %% 5] "
        "WHEN d.age <= 30 THEN 'answered' ELSE (ARRAY['answered','closed','closed'])[1 + i %% 3] END"
    )
    columns = {
        "protocol": "'9' || lpad(i::text, 11, '0')",  # digits, unique, outside the real year range
        "entity_id": "(%(entities)s::bigint[])[1 + i %% %(n_entities)s]",
        "instance_id": "(ARRAY['sac','sac','ouvidoria','consumidor-gov','fale-conosco'])[1 + (i / 3) %% 5]",
        "medium_id": "(ARRAY['phone','web-form','email','chat','whatsapp'])[1 + (i / 5) %% 5]",
        "record_type_id": "(ARRAY['reclamacao','reclamacao','solicitacao','informacao','denuncia'])[1 + i %% 5]",
        "policy_id": "(ARRAY['sac','sac','bcb-ouvidoria','consumidor-gov','sac'])[1 + (i / 3) %% 5]",
        "anonymous": "false",
        "name_confidential": "false",
        "description": f"{_sql_array(SUBJECTS)}[1 + (i * 31) %% {len(SUBJECTS)}] || '. ' || "
        f"{_sql_array(DETAILS)}[1 + (i * 17) %% {len(DETAILS)}] || ' Referência ' || i || '.'",
        "state": "'SP'",
        "city": "'São Paulo'",
        "status": status,
        "assignee_id": "CASE WHEN i %% 5 < 2 THEN (%(people)s::integer[])[1 + (i / 5) %% %(n_people)s] END",
        "earlier_reference": "''",
        "external_reference": "''",
        "received_at": "(d.received_on + time '09:00' + (i %% 480) * interval '1 minute') AT TIME ZONE "
        "'America/Sao_Paulo'",
        "received_on": "d.received_on",
        "extra_days": "0",
        "extension_count": "0",
        # 7 to 24 days: what the SAC, consumidor.gov and BCB policies give, without the calendars (not measured here).
        "due_on": "d.received_on + 7 + (i * 13) %% 18",
        "concluded_at": "CASE WHEN d.age > 30 OR i %% 10 = 9 THEN (d.received_on + 5) + time '15:00' END",
        "merits": "''",
        "merits_reason": "''",
        "interaction_count": "1",
        "imported": "false",
        "source_key": "''",
        "created_at": "now()",
        "updated_at": "now()",
    }
    common.check_not_null_filled(cases, columns)

    timings: dict[str, float] = {}
    # One transaction: a load that fails leaves the database as it was, indexes included.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        # Foreign keys checked at each statement: CREATE INDEX refuses to run with deferred checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        indexes = _secondary_indexes(cursor, (cases, events))
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        start = time.perf_counter()
        names, exprs = ", ".join(columns), ", ".join(columns.values())
        cursor.execute(
            f"INSERT INTO {cases} ({names}) SELECT {exprs} FROM generate_series(1, %(count)s) AS i "
            "CROSS JOIN LATERAL (SELECT (i::bigint * 7919) %% 1095 AS age, "
            "  %(today)s::date - ((i::bigint * 7919) %% 1095)::int AS received_on) AS d",
            {"count": count, "today": today, "entities": entity_ids, "n_entities": len(entity_ids),
             "people": people_ids, "n_people": len(people_ids)},
        )  # fmt: skip
        if cursor.rowcount != count:
            raise RuntimeError(f"inserted {cursor.rowcount} cases, expected {count}")
        timings["insert_cases_s"] = time.perf_counter() - start
        start = time.perf_counter()
        # One message for every other case, one internal note for every fifth (notes must never be searched).
        cursor.execute(
            f"INSERT INTO {events} (manifestation_id, kind, created_at, actor_label, body, params) "
            "SELECT m.id, 'message_in', m.received_at + interval '1 day', '', "
            f"{_sql_array(MESSAGES)}[1 + (m.id * 7) %% {len(MESSAGES)}], '{{}}'::jsonb "
            f"FROM {cases} m WHERE m.id %% 2 = 0 "
            "UNION ALL SELECT m.id, 'internal_note', m.received_at + interval '2 days', '', "
            f"{_sql_array(NOTES)}[1 + m.id %% {len(NOTES)}], '{{}}'::jsonb FROM {cases} m WHERE m.id %% 5 = 0",
            {},  # no parameters, but "%%" is unescaped only when there are
        )
        timings["insert_events_s"] = time.perf_counter() - start
        start = time.perf_counter()
        for _, statement in indexes:
            cursor.execute(statement)
        timings["rebuild_indexes_s"] = time.perf_counter() - start
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(f"VACUUM ANALYZE {cases}")
        cursor.execute(f"VACUUM ANALYZE {events}")
        timings["vacuum_analyze_s"] = time.perf_counter() - start
    return timings


def measure(client: Any, url: str, params: dict[str, str], requests: int) -> dict[str, Any]:
    for _ in range(5):
        client.get(url, params)
    times = []
    rows = 0
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} {params} answered {response.status_code}")
        rows = response.content.count(b'<td class="mono">')
    times.sort()
    return {
        "p50_ms": round(common.percentile(times, 50), 1),
        "p95_ms": round(common.percentile(times, 95), 1),
        "max_ms": round(times[-1], 1),
        "rows_on_page": rows,
    }


def count_queries(client: Any, url: str, params: dict[str, str]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return len(captured.captured_queries)


def explain(user: Any, today: date) -> None:
    """EXPLAIN ANALYZE of each tab's page query, on stderr."""
    from django.db import connection

    from ouvidoria.workspace.selectors import QueueFilters, queue

    for label, params in SCENARIOS:
        page = int(params.get("page", "1"))
        filters = QueueFilters(tab=params["tab"], q=params.get("q", ""))
        qs = queue(user, filters, today)[(page - 1) * 50 : page * 50 + 1]
        sql, sql_params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        common.log(f"--- {label}\n{plan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50, help="measured requests per scenario")
    parser.add_argument("--explain", action="store_true", help="print each page query's plan on stderr")
    parser.add_argument("--reuse", action="store_true", help="keep the cases of an earlier run of this script")
    args = parser.parse_args()
    if not common.is_postgres_url():
        common.emit({"benchmark": "queue", "error": "DATABASE_URL must point at PostgreSQL"})
        sys.exit(2)

    common.log("migrating")
    common.migrate()
    common.manage("load_catalogues")
    common.setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from ouvidoria.accounts.models import StaffProfile
    from ouvidoria.entities.models import Entity
    from ouvidoria.workspace.selectors import tab_counts

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = timezone.localdate()
    users = get_user_model().objects
    entities = [
        Entity.objects.get_or_create(
            slug=f"bench-queue-{n}",
            defaults={"name": f"Entidade de carga {n}", "regime": "bcb" if n % 2 else "ans", "state": "SP",
                      "city": "São Paulo"},
        )[0]
        for n in range(ENTITIES)
    ]  # fmt: skip
    people = [users.get_or_create(username=f"bench-queue-{n}")[0] for n in range(PEOPLE)]
    analyst = people[0]
    for person in people:
        profile, _ = StaffProfile.objects.get_or_create(user=person, defaults={"role": "analyst"})
        profile.entities.set(entities[:GRANTED])

    load_s: dict[str, float] = {}
    if args.reuse and connection.cursor().execute("SELECT 1 FROM cases_manifestation LIMIT 1").fetchone():
        common.log("reusing the cases already loaded")
    else:
        common.log(f"loading {args.cases:,} cases")
        load_s = load(args.cases, [e.pk for e in entities], [p.pk for p in people], today)
        common.log(f"loaded: {', '.join(f'{k} {v:.1f}' for k, v in load_s.items())}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status IN ('new','in_analysis','waiting_area',"
            "'waiting_requester')) FROM cases_manifestation"
        )
        total, open_cases = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM cases_event")
        (total_events,) = cursor.fetchone()

    if args.explain:
        explain(analyst, today)

    client = Client()
    client.force_login(analyst)
    url = reverse("workspace:queue")
    results: dict[str, Any] = {}
    for label, params in SCENARIOS:
        results[label] = measure(client, url, params, args.requests)
        results[label]["queries"] = count_queries(client, url, params)
        common.log(f"{label}: {results[label]}")

    counts_ms = []
    for n in range(args.requests + 5):
        if hasattr(analyst, "_ouvidoria_access"):
            del analyst._ouvidoria_access  # each request resolves the access again
        start = time.perf_counter()
        counts = tab_counts(analyst, today)
        if n >= 5:
            counts_ms.append((time.perf_counter() - start) * 1000)
    counts_ms.sort()
    worst_p95 = max(r["p95_ms"] for r in results.values())
    pg = common.postgres_facts()
    connection.close()
    common.emit({
        "benchmark": "queue",
        "cases": total,
        "open_cases": open_cases,
        "events": total_events,
        "entities": ENTITIES,
        "granted_entities": GRANTED,
        "requests_per_scenario": args.requests,
        "load_s": {k: round(v, 1) for k, v in load_s.items()},
        "queue": results,
        "tab_counts": {"p50_ms": round(common.percentile(counts_ms, 50), 1),
                       "p95_ms": round(common.percentile(counts_ms, 95), 1), "counts": counts},
        "worst_p95_ms": worst_p95,
        "target_p95_ms": TARGET_P95_MS,
        "met": worst_p95 < TARGET_P95_MS,
        "postgres": pg,
        "machine": common.machine_facts(),
    })  # fmt: skip


if __name__ == "__main__":
    main()
