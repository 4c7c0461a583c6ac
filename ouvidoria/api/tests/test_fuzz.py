"""Whatever a client sends, the API answers 201 or 400 — never 500."""

from datetime import UTC

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from ouvidoria.api.models import ApiToken
from ouvidoria.cases.tests.factories import EntityFactory

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    # Well-formed dates far in the past or future must be refused cleanly too.
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
    st.dates().map(str),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
fields = [
    "entity",
    "instance",
    "medium",
    "record_type",
    "subject",
    "description",
    "requester",
    "anonymous",
    "received_at",
    "policy",
    "earlier_protocols",
    "state",
    "city",
]
valid = {
    "entity": "fuzz",
    "instance": "sac",
    "medium": "phone",
    "record_type": "informacao",
    "description": "Quero saber o saldo.",
    "requester": {"name": "Ana", "email": "ana@example.com"},
}


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    overrides=st.dictionaries(st.sampled_from(fields), json_values, max_size=4),
    requester_overrides=st.dictionaries(
        st.sampled_from(["document", "name", "email", "phone", "gender", "state", "city", "social_name"]),
        json_values,
        max_size=3,
    ),
)
def test_registration_never_answers_500(overrides, requester_overrides):
    entity = EntityFactory(slug="fuzz")
    _, key = ApiToken.issue(name="fuzz", entities=[entity])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = {**valid, **overrides}
    if isinstance(body.get("requester"), dict):
        body["requester"] = {**body["requester"], **requester_overrides}
    response = client.post("/api/v1/manifestations/", body, format="json")
    assert response.status_code in (201, 400), (body, response.content)
