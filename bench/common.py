"""Helpers shared by the benchmark scripts: Django set-up, machine facts, percentiles, realistic requester data.

Every benchmark is a plain script that prints exactly one JSON line of results on stdout (progress goes to
stderr), so ``bench/run_all.py`` and a person can both run it.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ouvidoria.imports.people import FEMALE_NAMES, MALE_NAMES, SURNAMES

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS_DIR = ROOT / "bench" / "results"

# The peer we compare registrations with, measured on this kind of machine (2 cores) through its REST API.
PEER_NAME = "django-helpdesk"
PEER_TICKETS_PER_S = 105.0
PEER_P95_MS = 170.0


def log(message: str) -> None:
    # UTC: Django's set-up changes the process's local time zone half-way through a run.
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", file=sys.stderr, flush=True)


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(x) for x in f.readline().split()[1:8]]
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(values) - values[3] - values[4]) / ticks, sum(values) / ticks


def emit(result: dict[str, Any]) -> None:
    """The one JSON line a benchmark prints on stdout."""
    print(json.dumps(result, ensure_ascii=False, default=str), flush=True)


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouvidoria.settings")
    import django

    django.setup()


def is_postgres_url(url: str | None = None) -> bool:
    url = os.environ.get("DATABASE_URL", "") if url is None else url
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def manage(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py`` in a child process (its own settings and connections); with ``check``, failing loudly."""
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return done


def migrate(env: dict[str, str] | None = None) -> None:
    manage("migrate", "--no-input", "-v0", env=env)


def consortium_entity(slug: str) -> Any:
    """The Banco Central consórcio administrator the registration benchmarks send their cases to."""
    from ouvidoria.entities.models import Entity

    entity, _ = Entity.objects.update_or_create(
        slug=slug,
        defaults={
            "name": "Consórcio Benchmark S.A.",
            "regime": "bcb",
            "institution_kind": "consortium",
            "state": "SP",
            "city": "São Paulo",
        },
    )
    return entity


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list (p in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def _meminfo_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def postgres_facts() -> dict[str, Any]:
    """Server version and the durability settings in force (``scripts/with-postgres.sh`` turns fsync off)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        facts: dict[str, Any] = {"version": version}
        for name in ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "max_connections"):
            cursor.execute(f"SHOW {name}")
            facts[name] = cursor.fetchone()[0]
    facts["durable"] = facts["fsync"] == "on" and facts["synchronous_commit"] != "off"
    return facts


def machine_facts() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "mem_total_gib": _meminfo_total_gib(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


# The request subjects of the OPIN tables (seed 000 §6), as the payloads and files of the benchmarks name them.
OPIN_REQUEST_SUBJECTS = (
    "OPIN Erro Dado Cadastral",
    "OPIN Erro no Compartilhamento do(s) Dado(s)",
    "OPIN Problema com o Atendimento",
    "OPIN Site fora do AR",
    "OPIN - Dúvidas gerais do OPIN",
    "OPIN - LGPD",
)


# --- realistic requesters -----------------------------------------------------------------------------------

# The same people as the demo data (plain data, importable before Django is set up).
FIRST_NAMES = FEMALE_NAMES + MALE_NAMES
LAST_NAMES = SURNAMES
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com.br", "uol.com.br", "bol.com.br", "terra.com.br")
PLACES = (
    ("SP", "São Paulo"), ("SP", "Campinas"), ("SP", "Guarulhos"), ("SP", "Ribeirão Preto"), ("RJ", "Rio de Janeiro"),
    ("RJ", "Niterói"), ("MG", "Belo Horizonte"), ("MG", "Uberlândia"), ("BA", "Salvador"), ("PE", "Recife"),
    ("CE", "Fortaleza"), ("RS", "Porto Alegre"), ("PR", "Curitiba"), ("GO", "Goiânia"), ("ES", "Vitória"),
    ("AM", "Manaus"), ("PA", "Belém"), ("DF", "Brasília"), ("SC", "Florianópolis"), ("RR", "Boa Vista"),
)  # fmt: skip
# (UF, DDD) for plausible phone numbers.
DDD = {"SP": "11", "RJ": "21", "MG": "31", "BA": "71", "PE": "81", "CE": "85", "RS": "51", "PR": "41", "GO": "62",
       "ES": "27", "AM": "92", "PA": "91", "DF": "61", "SC": "48", "RR": "95"}  # fmt: skip


def _strip_accents(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def random_cpf(rng: random.Random, *, formatted: bool | None = None) -> str:
    """A valid CPF (check digits from python-stdnum), formatted half of the time."""
    from stdnum.br import cpf

    # python-stdnum 2.x made the helper private; older releases call it calc_check_digits.
    check_digits = getattr(cpf, "calc_check_digits", None) or cpf._calc_check_digits
    while True:
        base = f"{rng.randrange(10**9):09d}"
        number = base + check_digits(base)
        if cpf.is_valid(number):  # 111.111.111-11 and friends are refused
            break
    if formatted is None:
        formatted = rng.random() < 0.5
    return cpf.format(number) if formatted else number


def random_person(rng: random.Random) -> dict[str, str]:
    first = rng.choice(FIRST_NAMES)
    last = f"{rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}" if rng.random() < 0.6 else rng.choice(LAST_NAMES)
    name = f"{first} {last}"
    slug = _strip_accents(f"{first}.{last.split()[-1]}").lower()
    email = f"{slug}{rng.randrange(1, 9999)}@{rng.choice(EMAIL_DOMAINS)}"
    state, city = rng.choice(PLACES)
    return {"name": name, "email": email, "state": state, "city": city}


def random_phone(rng: random.Random, state: str) -> str:
    return f"({DDD.get(state, '11')}) 9{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"


def check_not_null_filled(table: str, columns: Any) -> None:
    """Fail early when a bulk INSERT … SELECT of a benchmark leaves out a NOT NULL column added since it was written."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' "
            "AND column_default IS NULL",
            [table],
        )
        missing = {row[0] for row in cursor.fetchall()} - set(columns) - {"id"}
    if missing:
        raise RuntimeError(f"{table} has NOT NULL columns this benchmark does not fill: {sorted(missing)}")
