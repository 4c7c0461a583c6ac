"""Registrations through the REST API on PostgreSQL behind gunicorn, 16 concurrent keep-alive clients on loopback.

    scripts/with-postgres.sh .venv/bin/python bench/api_register.py [--workers 4 --worker-class sync ...]

Set-up: migrate, one entity (regime bcb, SP), one API token; then gunicorn is started on a free loopback port with
the same DATABASE_URL, ``OUVIDORIA_ENV=development DEBUG=0 LOG_LEVEL=WARNING``. The client is 16 Python threads,
each with its own ``http.client`` connection (kept alive when the server allows it), sending pre-encoded realistic
payloads: a warm-up, then a fixed number of measured requests under a time cap. Reports registrations per second,
latency percentiles and where the CPU went (gunicorn, PostgreSQL, the client itself), as one JSON line.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common

URL = "/api/v1/manifestations/"
ENTITY_SLUG = "bench-api"
TARGET_RPS = 300.0
TARGET_P95_MS = 100.0

# (instance, weight): the channels an integration pushes, for an entity under the Banco Central.
INSTANCES = (("sac", 35), ("fale-conosco", 10), ("transactional", 10), ("ouvidoria", 30), ("consumidor-gov", 10),
             ("bacen-rdr", 5))  # fmt: skip
MEDIA = (("phone", 30), ("web-form", 25), ("email", 15), ("chat", 15), ("whatsapp", 15))
RECORD_TYPES = (("reclamacao", 50), ("solicitacao", 20), ("informacao", 14), ("sugestao", 5), ("elogio", 5),
                ("denuncia", 6))  # fmt: skip
# Subjects of the consórcio catalogue (rules/data/subjects.toml): a Banco Central entity that is no OPIN participant
# is refused the OPIN ones (issue 14).
REQUEST_SUBJECTS = (
    "Consórcios — Não entrega / demora na entrega do produto",
    "Consórcios — SAC - Demanda não resolvida / não respondida",
    "Consórcios — Dificuldade na devolução de valores pagos / reembolso / retenção de valores",
    "Consórcios — Contemplação: sorteio, prazo ou liberação da carta de crédito",
    "Consórcios — Lance: oferta, apuração ou devolução do lance",
    "consorcios-exceto-imoveis--assembleia-data-resultado-ou-informa-894c01",  # codes are accepted as well
)
DESCRIPTIONS = (
    "Meu endereço está errado no extrato enviado em {month}. Já liguei duas vezes e não corrigiram.",
    "Cobrança em duplicidade na parcela de {month}; peço o estorno do valor de R$ {value},00.",
    "Autorizei o compartilhamento dos meus dados e a outra instituição recebeu informações desatualizadas.",
    "O aplicativo não abre desde {month} e o site fica fora do ar no fim do mês.",
    "Gostaria de saber como revogar o consentimento de compartilhamento de dados dado em {month}.",
    "Atendente encerrou a ligação sem resolver; protocolo anterior informado por telefone não consta no sistema.",
    "Solicito cópia do contrato e do histórico de pagamentos dos últimos {value} meses.",
    "Parabéns pelo atendimento da equipe da agência, resolveram meu problema em poucos minutos.",
    "Sugiro que o extrato mostre a data de vencimento de cada parcela do consórcio.",
    "Tarifa de manutenção cobrada em {month} sem previsão no contrato; quero a devolução em dobro.",
)
MONTHS = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
          "novembro", "dezembro")  # fmt: skip


def _pick(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


def make_payloads(count: int, seed: int = 20260101) -> list[bytes]:
    """Valid, varied registrations; one in five comes from a requester seen before (same CPF and e-mail)."""
    from django.utils import timezone

    rng = random.Random(seed)
    seen: list[dict[str, str]] = []
    now = timezone.now()
    out = []
    for _ in range(count):
        instance = _pick(rng, INSTANCES)
        record_type = _pick(rng, RECORD_TYPES)
        body: dict[str, Any] = {
            "entity": ENTITY_SLUG,
            "instance": instance,
            "medium": _pick(rng, MEDIA) if instance != "consumidor-gov" else "external-platform",
            "record_type": record_type,
            "description": rng.choice(DESCRIPTIONS).format(month=rng.choice(MONTHS), value=rng.randrange(2, 900)),
        }
        if record_type in ("sugestao", "elogio"):
            body["subject"] = "OPIN - Sugestão ou elogio"
        elif record_type != "denuncia" and rng.random() < 0.75:
            body["subject"] = rng.choice(REQUEST_SUBJECTS)
        if rng.random() < 0.3:
            body["received_at"] = (now - timedelta(minutes=rng.randrange(1, 2 * 24 * 60))).isoformat()
        if instance in ("consumidor-gov", "bacen-rdr"):
            body["external_reference"] = f"{instance.upper()}-{rng.randrange(10**8):08d}"
        if record_type == "denuncia" and rng.random() < 0.5:
            body["anonymous"] = True  # an anonymous denúncia carries no requester
        else:
            if seen and rng.random() < 0.2:
                requester = dict(rng.choice(seen))
            else:
                person = common.random_person(rng)
                requester = {"document": common.random_cpf(rng), "name": person["name"]}
                if rng.random() < 0.9:
                    requester["email"] = person["email"]
                if "email" not in requester or rng.random() < 0.5:
                    requester["phone"] = common.random_phone(rng, person["state"])
                if rng.random() < 0.6:
                    requester["gender"] = rng.choice(("F", "M", "F", "M", "NB", "Outro"))
                requester["state"], requester["city"] = person["state"], person["city"]
                seen.append(requester)
            body["requester"] = requester
            if rng.random() < 0.05:
                body["name_confidential"] = True
        out.append(json.dumps(body, ensure_ascii=False).encode())
    return out


# --- CPU accounting from /proc --------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _processes() -> list[tuple[int, int, str]]:
    """(pid, ppid, comm) of every process."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        out.append((int(entry.name), ppid, comm))
    return out


def postmaster_pid() -> int | None:
    """The PID of the PostgreSQL server we talk to (from its data directory), to count only its processes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_dir = cursor.fetchone()[0]
    try:
        return int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None  # another machine, or no permission: PostgreSQL's CPU is then not counted


def cpu_snapshot(gunicorn_pid: int, pg_pid: int | None) -> dict[str, float]:
    """CPU seconds so far of gunicorn (master + workers), our PostgreSQL server, this client, and the machine."""
    procs = _processes()
    server = [pid for pid, ppid, _ in procs if gunicorn_pid in (pid, ppid)]
    postgres = [pid for pid, ppid, _ in procs if pg_pid is not None and pg_pid in (pid, ppid)]
    with open("/proc/stat") as f:
        total = [int(x) for x in f.readline().split()[1:]]
    usage = os.times()
    return {
        "gunicorn": sum(_proc_cpu_seconds(p) for p in server),
        "postgres": sum(_proc_cpu_seconds(p) for p in postgres),
        "client": usage.user + usage.system,
        "machine_busy": (sum(total) - total[3] - total[4]) / CLOCK_TICKS,
        "machine_all": sum(total) / CLOCK_TICKS,
    }


# --- the load ---------------------------------------------------------------------------------------------------


class Load:
    """16 (or --clients) threads pulling payloads from one shared list until it is empty or the time is up."""

    def __init__(self, port: int, key: str, payloads: list[bytes], clients: int, time_cap: float) -> None:
        self.port, self.payloads, self.clients, self.time_cap = port, payloads, clients, time_cap
        self.headers = {"Authorization": f"Token {key}", "Content-Type": "application/json; charset=utf-8",
                        "Accept": "application/json"}  # fmt: skip
        self.next_index = 0
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.failures: list[str] = []
        self.reconnects = 0

    def _take(self) -> bytes | None:
        with self.lock:
            if self.next_index >= len(self.payloads) or time.monotonic() > self.deadline:
                return None
            self.next_index += 1
            return self.payloads[self.next_index - 1]

    def _client(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        failures: list[str] = []
        connects = 0
        while (body := self._take()) is not None:
            if conn.sock is None:
                connects += 1
            start = time.perf_counter()
            try:
                conn.request("POST", URL, body=body, headers=self.headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                failures.append(f"{type(exc).__name__}: {exc}")
                statuses[0] = statuses.get(0, 0) + 1
                continue
            latencies.append(time.perf_counter() - start)
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status != 201 and len(failures) < 5:
                failures.append(f"{response.status}: {data[:300]!r}")
        conn.close()
        with self.lock:
            self.latencies.extend(latencies)
            for code, n in statuses.items():
                self.statuses[code] = self.statuses.get(code, 0) + n
            self.failures.extend(failures)
            self.reconnects += connects

    def run(self) -> float:
        self.deadline = time.monotonic() + self.time_cap
        threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(self.time_cap + 60)
        return time.perf_counter() - start


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, key: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/catalogues/", headers={"Authorization": f"Token {key}"})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
            raise RuntimeError(f"gunicorn answered {response.status} to the readiness probe")
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not become ready in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (see docs/benchmarks.md)")
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread only)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=400)
    parser.add_argument("--time-cap", type=float, default=120.0, help="seconds for the measured phase")
    args = parser.parse_args()

    if not common.is_postgres_url():
        common.emit({"benchmark": "api_register", "error": "DATABASE_URL must point at PostgreSQL "
                     "(run it through scripts/with-postgres.sh)"})  # fmt: skip
        sys.exit(2)

    common.log("migrating")
    common.migrate()
    common.setup_django()
    from ouvidoria.api.models import ApiToken
    from ouvidoria.cases.models import Manifestation

    entity = common.consortium_entity(ENTITY_SLUG)
    _, key = ApiToken.issue(name="bench", entities=[entity])
    before_rows = Manifestation.objects.filter(entity=entity).count()
    pg = common.postgres_facts()
    pg_pid = postmaster_pid()
    from django.db import connection

    connection.close()

    payloads = make_payloads(args.warmup + args.requests)
    port = free_port()
    env = dict(os.environ, OUVIDORIA_ENV="development", DEBUG="0", LOG_LEVEL="WARNING")
    cmd = [str(Path(common.PYTHON).parent / "gunicorn"), "ouvidoria.wsgi", "-b", f"127.0.0.1:{port}",
           "-w", str(args.workers), "--worker-class", args.worker_class, "--backlog", "2048",
           "--log-level", "warning", "--keep-alive", "30"]  # fmt: skip
    if args.worker_class == "gthread":
        cmd += ["--threads", str(args.threads)]
    common.log(f"starting {' '.join(cmd[1:])}")
    server = subprocess.Popen(cmd, cwd=common.ROOT, env=env)
    try:
        wait_ready(port, key, server)
        common.log(f"warm-up: {args.warmup} requests")
        warm = Load(port, key, payloads[: args.warmup], args.clients, 60)
        warm.run()
        if warm.statuses.get(201, 0) != args.warmup:
            common.log(f"warm-up statuses {warm.statuses}: {warm.failures[:3]}")
        common.log(f"measuring: {args.requests} requests, {args.clients} clients, cap {args.time_cap:.0f}s")
        load = Load(port, key, payloads[args.warmup :], args.clients, args.time_cap)
        cpu_before = cpu_snapshot(server.pid, pg_pid)
        wall = load.run()
        cpu_after = cpu_snapshot(server.pid, pg_pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()

    created = load.statuses.get(201, 0)
    done = len(load.latencies)
    lat = sorted(x * 1000 for x in load.latencies)
    rps = created / wall if wall else 0.0
    p95 = common.percentile(lat, 95)
    cpu = {k: cpu_after[k] - cpu_before[k] for k in cpu_before}
    # Whatever else ran on the machine meanwhile (other people's jobs on a shared machine skew the figures).
    own_cpu = cpu["gunicorn"] + cpu["postgres"] + cpu["client"]
    cpu["other"] = max(0.0, cpu["machine_busy"] - own_cpu)
    rows = Manifestation.objects.filter(entity=entity).count() - before_rows
    result = {
        "benchmark": "api_register",
        "requests_sent": done,
        "created": created,
        "statuses": {str(k): v for k, v in sorted(load.statuses.items())},
        "failures_sample": load.failures[:5],
        "rows_in_db": rows,
        "wall_s": round(wall, 2),
        "registrations_per_s": round(rps, 1),
        "latency_ms": {
            "mean": round(sum(lat) / len(lat), 1) if lat else None,
            "p50": round(common.percentile(lat, 50), 1),
            "p95": round(p95, 1),
            "p99": round(common.percentile(lat, 99), 1),
            "max": round(lat[-1], 1) if lat else None,
        },
        "cpu_ms_per_request": {
            k: round(cpu[k] * 1000 / max(done, 1), 2) for k in ("gunicorn", "postgres", "client", "other")
        },
        "other_processes_cpu_cores": round(cpu["other"] / wall, 2) if wall else None,
        # What the cores could sustain if they did nothing but this: nproc / CPU seconds per registration.
        "cpu_bound_ceiling_per_s": round((os.cpu_count() or 1) * done / own_cpu) if own_cpu else None,
        "machine_cpu_busy_pct": round(100 * cpu["machine_busy"] / cpu["machine_all"], 1)
        if cpu["machine_all"]
        else None,
        "server": {
            "gunicorn_workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads if args.worker_class == "gthread" else 1,
        },
        "client": f"{args.clients} Python threads, one http.client keep-alive connection each",
        "client_connects": load.reconnects,
        "warmup_requests": args.warmup,
        "postgres": pg,
        "machine": common.machine_facts(),
        "target": {"registrations_per_s": TARGET_RPS, "p95_ms": TARGET_P95_MS},
        "met": rps >= TARGET_RPS and p95 < TARGET_P95_MS and created == done and rows == created,
        "peer": {"name": common.PEER_NAME, "tickets_per_s": common.PEER_TICKETS_PER_S, "p95_ms": common.PEER_P95_MS},
        "vs_peer": {
            "throughput_ratio": round(rps / common.PEER_TICKETS_PER_S, 2),
            "p95_ratio": round(p95 / common.PEER_P95_MS, 2),
        },
    }
    common.emit(result)


if __name__ == "__main__":
    main()
