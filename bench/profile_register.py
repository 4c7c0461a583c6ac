"""One process, no HTTP server: registrations through the WSGI application, to see where a registration's CPU goes.

    scripts/with-postgres.sh .venv/bin/python bench/profile_register.py [--requests 2000] [--profile 40]

Calls ``ouvidoria.wsgi.application`` directly with a WSGI environ (so every middleware, DRF, the view, the services
and the ORM run as under gunicorn, without the socket and the HTTP parsing), sequentially, with the benchmark's
payloads. Prints the CPU milliseconds of this process per registration (PostgreSQL's own CPU is not counted), the
queries of one registration, and with ``--profile N`` the top of a cProfile of N% of the sort by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.update(OUVIDORIA_ENV="development", DEBUG="0", LOG_LEVEL="WARNING")

from bench import common
from bench.api_register import ENTITY_SLUG, URL, make_payloads


def environ(body: bytes, key: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": URL,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json; charset=utf-8",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Token {key}",
        "HTTP_ACCEPT": "application/json",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--profile", type=float, default=0, help="print the top N%% of a cProfile (by own time)")
    args = parser.parse_args()

    common.migrate()
    common.setup_django()
    from django.db import connection

    from ouvidoria.api.models import ApiToken
    from ouvidoria.wsgi import application

    entity = common.consortium_entity(ENTITY_SLUG)
    _, key = ApiToken.issue(name="bench-profile", entities=[entity])
    payloads = make_payloads(args.warmup + args.requests + 1, seed=7)
    statuses: dict[str, int] = {}

    def call(body: bytes) -> None:
        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> Callable[[bytes], object]:
            statuses[status[:3]] = statuses.get(status[:3], 0) + 1
            return lambda data: None

        result = application(environ(body, key), start_response)
        b"".join(result)
        close = getattr(result, "close", None)
        if close:
            close()

    for body in payloads[: args.warmup]:
        call(body)
    queries: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call(payloads[args.warmup])
    measured = payloads[args.warmup + 1 :]
    # CPU time, not wall time: waiting on PostgreSQL is not what we are after here.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for body in measured:
        call(body)
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    common.emit(
        {
            "benchmark": "profile_register",
            "requests": len(measured),
            "statuses": statuses,
            "cpu_ms_per_request": round(cpu * 1000 / len(measured), 2),
            "wall_ms_per_request": round(wall * 1000 / len(measured), 2),
            "queries_per_registration": len(queries),
            "queries": [sql[:200] for sql in queries],
            "profiled": bool(profiler),
        }
    )
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.profile / 100)
        stats.sort_stats("cumulative").print_stats(args.profile / 100)
        stats.sort_stats("cumulative").print_callees(
            r"views.py:\d+\(create\)|_requester_upsert|services.py:\d+\(_register\)|manifestation_register|wsgi.py:\d+\(__call__\)"
        )
        print(out.getvalue(), file=sys.stderr)


if __name__ == "__main__":
    main()
