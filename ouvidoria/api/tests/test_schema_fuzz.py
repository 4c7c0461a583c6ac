"""Every operation of the OpenAPI schema, fuzzed by schemathesis with valid and invalid data: never a 5xx, and every
answer (errors included) has a status, a content type and a body that the schema documents.

Bounded so it stays in the normal suite: a few derandomized examples per operation, no example database, no
coverage or stateful phase; the requests go straight to Django's WSGI handler, in the test's transaction.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ouvidoria.api.models import ApiToken
from ouvidoria.cases.tests.factories import EntityFactory, register

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 12
KNOWN_CODES = {
    "entity": "fuzz",
    "instance": "ouvidoria",
    "medium": "phone",
    "record_type": "reclamacao",
    "policy": "bcb-ouvidoria",
    "received": "2026-02-13",
}


def openapi() -> dict[str, object]:
    """The schema /api/schema/ serves, as JSON (lazy translations rendered)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded: dict[str, object] = json.loads(OpenApiJsonRenderer().render(generated))
    return loaded


schema = schemathesis.openapi.from_dict(
    openapi(),
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}),
)


@dataclass
class Api:
    app: WSGIHandler
    headers: dict[str, str]
    protocol: str


@pytest.fixture
def api(db, settings, tmp_path) -> Iterator[Api]:
    settings.MEDIA_ROOT = tmp_path
    entity = EntityFactory.create(slug="fuzz")
    _, key = ApiToken.issue(name="fuzz", entities=[entity])
    # Django's test client does the same: neither end of a request may close the test transaction's connection
    # (SQLite's in-memory database never closes, PostgreSQL's does).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield Api(app=WSGIHandler(), headers={"Authorization": f"Token {key}"}, protocol=register(entity).protocol)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@schema.parametrize()
@schema.given(existing_case=st.booleans())
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_what_the_schema_documents(case, existing_case, api):
    if existing_case:
        # Half the examples name a case and codes that exist, to reach past the look-ups into the services.
        if case.path_parameters and "protocol" in case.path_parameters:
            case.path_parameters["protocol"] = api.protocol
        for values in (case.body, case.query):
            if isinstance(values, dict):
                values.update({k: v for k, v in KNOWN_CODES.items() if k in values})
    case.call_and_validate(app=api.app, headers=api.headers, checks=CHECKS)
