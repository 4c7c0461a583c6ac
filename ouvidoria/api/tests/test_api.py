from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from ouvidoria.api.models import ApiToken
from ouvidoria.cases.models import IdempotencyKey, Manifestation
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, UserFactory, register
from ouvidoria.rules.protocol import format_protocol, is_valid_protocol

pytestmark = pytest.mark.django_db
URL = "/api/v1/manifestations/"


@pytest.fixture
def entity():
    return EntityFactory(slug="consorcio-exemplo", name="Consórcio Exemplo")


@pytest.fixture
def client(entity) -> APIClient:
    _, key = ApiToken.issue(name="crm", entities=[entity])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "entity": "consorcio-exemplo",
        "instance": "ouvidoria",
        "medium": "phone",
        "record_type": "reclamacao",
        "subject": "Consórcios — Não entrega do contrato ou documentação relacionada ao serviço",
        "description": "Meu endereço está errado no extrato.",
        "requester": {
            "document": "529.982.247-25",
            "name": "Maria da Silva",
            "social_name": "Maria Clara",
            "email": "maria@example.com",
            "phone": "16 99876-5432",
            "address": "Rua Sete de Setembro, 100, Ribeirão Preto - SP",
            "gender": "F",
            "state": "SP",
            "city": "Ribeirão Preto",
        },
    }
    body.update(overrides)
    return body


def test_register_returns_protocol_deadline_and_timeline(client):
    response = client.post(URL, payload(), format="json")
    assert response.status_code == 201, response.data
    data = response.data
    assert is_valid_protocol(data["protocol"])
    assert data["protocol_formatted"] == format_protocol(data["protocol"])
    assert data["policy"] == "bcb-ouvidoria"
    assert data["deadline"]["status"] in {"on_time", "at_risk", "due_today"}
    assert response["Location"] == data["url"] == f"{URL}{data['protocol']}/"
    data = client.get(data["url"]).data
    assert data["requester"]["name"] == "Maria Clara"
    assert data["requester"]["civil_name"] == "Maria da Silva"
    # Seed 001 triage data: phones, e-mail and the mailing address.
    assert data["requester"]["address"] == "Rua Sete de Setembro, 100, Ribeirão Preto - SP"
    assert data["requester"]["phone"] == "16998765432"
    assert [e["kind"] for e in data["timeline"]] == ["registration"]
    assert data["timeline"][0]["actor_label"] == "api:crm"


def test_idempotency_key_returns_the_same_protocol_and_creates_nothing(client):
    first = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    retry = client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.data["protocol"] == first.data["protocol"]
    assert Manifestation.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    other = client.post(URL, payload(description="Outro texto"), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert other.status_code == 400
    assert "Idempotency-Key" in other.data
    assert Manifestation.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        (
            {"requester": {"document": "111.111.111-12", "name": "X", "email": "x@example.com"}},
            "requester.document",
            "CPF",
        ),
        ({"subject": "Assunto inventado"}, "subject", "Assunto desconhecido"),
        (
            {"requester": {"document": "52998224725", "name": "X", "email": "x@example.com", "state": "ZZ"}},
            "requester.state",
            "UF",
        ),
        ({"received_at": (timezone.now() + timedelta(days=2)).isoformat()}, "received_at", "futuro"),
        ({"received_at": "ontem"}, "received_at", ""),
        ({"received_at": "1900-01-05T10:00:00-03:00"}, "received_at", "1990"),
        ({"entity": "outra-entidade"}, "entity", "Entidade"),
        ({"description": ""}, "description", ""),
        ({"record_type": "xingamento"}, "record_type", "Tipo desconhecido"),
        ({"requester": "texto"}, "requester", ""),
        ({"earlier_protocols": "2026"}, "earlier_protocols", ""),
    ],
)
def test_bad_input_answers_400_with_a_portuguese_message_per_field(client, overrides, field, fragment):
    response = client.post(URL, payload(**overrides), format="json")
    assert response.status_code == 400, response.data
    assert field in response.data
    assert fragment in str(response.data[field])
    assert Manifestation.objects.count() == 0


def test_registration_payload_fields_are_shared_but_each_validation_is_its_own():
    from ouvidoria.api.serializers import RegistrationSerializer

    bad = RegistrationSerializer(data={**payload(), "requester": {"state": "ABC"}, "received_at": "ontem"})
    good = RegistrationSerializer(data=payload(description="Texto bom"))
    assert bad.fields is good.fields  # one bound copy per class
    assert not bad.is_valid()
    assert good.is_valid(), good.errors
    assert good.validated_data["description"] == "Texto bom"
    assert good.validated_data["requester"]["state"] == "SP"
    assert set(bad.errors) == {"requester", "received_at"}
    assert "state" in bad.errors["requester"]
    assert not RegistrationSerializer(data={}).is_valid()
    assert RegistrationSerializer(data=payload()).is_valid()


def test_registration_result_is_what_the_declared_fields_would_render(client):
    from rest_framework import serializers

    from ouvidoria.api.serializers import RegistrationResultSerializer

    response = client.post(URL, payload(received_at="2026-02-13T10:00:00Z"), format="json")
    m = Manifestation.objects.select_related("entity").get(protocol=response.data["protocol"])
    result = RegistrationResultSerializer(m)
    generic = serializers.Serializer.to_representation(result, m)  # field by field, as DRF renders by default
    assert response.json() == result.data == dict(generic)
    assert list(result.data) == list(RegistrationResultSerializer._declared_fields)
    assert response.json()["received_at"] == "2026-02-13T07:00:00-03:00"


def test_malformed_json_is_a_400_not_a_500(client):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_token_sees_only_its_entities(client, entity):
    other_entity = EntityFactory(slug="alheia")
    mine = register(entity)
    theirs = register(other_entity)
    listed = client.get(URL).data["results"]
    assert [row["protocol"] for row in listed] == [mine.protocol]
    assert client.get(f"{URL}{theirs.protocol}/").status_code == 404
    assert client.post(f"{URL}{theirs.protocol}/notes/", {"body": "x"}, format="json").status_code == 404
    assert client.get(f"{URL}{mine.formatted_protocol}/").status_code == 200


def test_anonymous_caller_is_refused():
    assert APIClient().get(URL).status_code in (401, 403)
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nope")
    assert bad.get(URL).status_code == 401


def test_list_filters(client, entity):
    complaint = register(entity)
    compliment = register(entity, record_type="elogio", instance="sac")
    late = register(entity, received_at=timezone.now() - timedelta(days=40))
    assert {r["protocol"] for r in client.get(URL, {"record_type": "elogio"}).data["results"]} == {compliment.protocol}
    assert {r["protocol"] for r in client.get(URL, {"instance": "ouvidoria"}).data["results"]} == {
        complaint.protocol,
        late.protocol,
    }
    assert {r["protocol"] for r in client.get(URL, {"overdue": "true"}).data["results"]} == {late.protocol}
    since = timezone.localdate() - timedelta(days=1)
    recent = {r["protocol"] for r in client.get(URL, {"received_from": since.isoformat()}).data["results"]}
    assert recent == {complaint.protocol, compliment.protocol}
    assert client.get(URL, {"status": "perdida"}).status_code == 400
    assert client.get(URL, {"received_from": "31/02/2026"}).status_code == 400


def test_timeline_actions_through_the_api(client, entity):
    AreaFactory(entity=entity, name="Cadastro")
    protocol = client.post(URL, payload(), format="json").data["protocol"]
    case = f"{URL}{protocol}/"
    assert client.post(f"{case}triage/", {"note": "Competente"}, format="json").data["status"] == "in_analysis"
    forwarded = client.post(f"{case}forwards/", {"area": "cadastro", "question": "Endereço?"}, format="json")
    assert forwarded.status_code == 200, forwarded.data
    forward_id = forwarded.data["forwards"][0]["id"]
    replied = client.post(f"{case}area-replies/", {"forward": forward_id, "reply": "Corrigido."}, format="json")
    assert replied.data["status"] == "in_analysis"
    refused = client.post(f"{case}answer/", {"body": "Corrigimos."}, format="json")
    assert refused.status_code == 400
    assert "merits" in refused.data
    client.post(f"{case}merits/", {"reason": "internal_process_failure"}, format="json")
    answered = client.post(f"{case}answer/", {"body": "Corrigimos o endereço."}, format="json")
    assert answered.data["status"] == "answered"
    closed = client.post(f"{case}closure/", {}, format="json")
    assert closed.data["status"] == "closed"
    rated = client.post(f"{case}evaluation/", {"resolved": True, "rating": 4}, format="json")
    assert rated.data["rating"] == 4
    assert [e["kind"] for e in rated.data["timeline"]] == [
        "registration",
        "triage",
        "forward",
        "area_reply",
        "merits",
        "answer",
        "closure",
        "evaluation",
    ]


def test_illegal_action_is_a_400_with_the_reason(client):
    protocol = client.post(URL, payload(), format="json").data["protocol"]
    response = client.post(f"{URL}{protocol}/closure/", {}, format="json")
    assert response.status_code == 400
    assert "Ação não permitida" in str(response.data["status"])


def test_assignment_needs_a_known_user(client):
    protocol = client.post(URL, payload(), format="json").data["protocol"]
    assert client.post(f"{URL}{protocol}/assignment/", {"assignee": "ninguem"}, format="json").status_code == 400
    UserFactory(username="ana")
    assert client.post(f"{URL}{protocol}/assignment/", {"assignee": "ana"}, format="json").status_code == 200


def test_deadline_endpoint_matches_the_rules(client):
    response = client.get("/api/v1/deadline/", {"policy": "bcb-ouvidoria", "received": "2026-02-13"})
    assert response.status_code == 200
    assert response.data["due"] == "2026-03-03"  # Carnival Monday and Tuesday closed on the bank calendar
    assert client.get("/api/v1/deadline/", {"policy": "nada", "received": "2026-02-13"}).status_code == 400
    assert client.get("/api/v1/deadline/", {"policy": "sac", "received": "1900-01-05"}).status_code == 400
    assert client.get("/api/v1/deadline/", {"policy": "sac", "received": "2026-02-13", "uf": "XX"}).status_code == 400


def test_superuser_session_sees_everything(entity):
    register(entity)
    admin = UserFactory(username="chefe", is_superuser=True)
    api = APIClient()
    api.force_authenticate(admin)
    assert len(api.get(URL).data["results"]) == 1


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/manifestations/" in schema.content
    # The token authentication is described (ouvidoria/api/schema.py, registered when the URLs load).
    assert b"ApiToken:" in schema.content
    assert b"name: Authorization" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()  # assets are vendored (drf-spectacular-sidecar)


def test_revoked_token_is_refused_at_once_in_the_revoking_process(entity):
    token, key = ApiToken.issue(name="temporario", entities=[entity])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(URL).status_code == 200
    token.revoke()
    assert api.get(URL).status_code == 401


def test_token_is_read_again_after_the_cache_time(entity, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    token, key = ApiToken.issue(name="outro", entities=[entity])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(URL).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(active=False)  # e.g. revoked by another process
    assert api.get(URL).status_code == 401


def test_openapi_schema_is_valid_and_describes_the_token_scheme(tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "ApiToken" in text
    assert "Idempotency-Key" in text


def test_an_evaluation_without_a_rating_is_recorded_not_a_500(client):
    """A schemathesis run found `{}` and `{"resolved": true}` answered with Django's HTML 500."""
    protocol = client.post(URL, payload(), format="json").data["protocol"]
    base = f"{URL}{protocol}"
    client.post(f"{base}/merits/", {"reason": "no_breach"}, format="json")
    assert client.post(f"{base}/answer/", {"body": "Resposta."}, format="json").status_code == 200
    response = client.post(f"{base}/evaluation/", {"resolved": True}, format="json")
    assert response.status_code == 200, response.content
    assert (response.data["resolved"], response.data["rating"]) == (True, None)


def test_bad_json_and_unknown_addresses_answer_json_in_portuguese(client):
    bad = client.post(URL, data="{não é json", content_type="application/json")
    assert bad.status_code == 400
    assert bad.json() == {"body": ["JSON inválido na linha 1, coluna 2: envie um objeto JSON válido."]}
    missing = client.get(f"{URL}2026%2F1/")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/json")
    assert "não encontrado" in missing.json()["detail"]
    assert client.get(URL.rstrip("/")).status_code == 308  # only the final slash missing


def test_a_case_without_subject_says_null_as_the_schema_allows(client):
    from ouvidoria.api.serializers import ManifestationListSerializer

    assert ManifestationListSerializer().fields["subject"].allow_null
    created = client.post(URL, payload(subject=""), format="json").data
    assert client.get(created["url"]).data["subject"] is None


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("application/json", b'{"description": NaN}', "JSON inválido: NaN e Infinity não são números em JSON."),
        ("application/json", b'{"a": "\xff"}', "O corpo não é texto UTF-8 válido (byte inválido na posição 7)."),
        ("application/json; charset=base64", b"{}", "Charset não aceito no cabeçalho Content-Type: use charset=utf-8."),
        ("multipart/form-data", b"x", "multipart/form-data sem boundary válido no cabeçalho Content-Type."),
    ],
)
def test_an_unreadable_body_is_named_in_portuguese(client, content_type, body, message):
    response = client.generic("POST", URL, body, content_type=content_type)
    assert response.status_code == 400
    assert response.json() == {"body": [message]}


def test_too_many_multipart_fields_is_the_apis_json_400_not_djangos_html(client, entity, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    protocol = register(entity).protocol
    response = client.post(f"{URL}{protocol}/notes/", {"a": "1", "b": "2", "c": "3"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"body": ["Campos demais no multipart/form-data."]}


def test_unknown_api_addresses_answer_json_404_whatever_the_method_or_characters(entity):
    """A schemathesis run: a POST to an unknown address got the CSRF refusal's HTML 403 (the catch-all was not
    exempt), and an address with a newline (%0A) Django's HTML 404 (the catch-all's "." stopped at it)."""
    _, key = ApiToken.issue(name="csrf", entities=[entity])
    api = APIClient(enforce_csrf_checks=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api.cookies["sessionid"] = "qualquer"
    for method, path in [("post", f"{URL}a_b/answer/"), ("get", f"{URL}%0A/"), ("post", f"{URL}x/attachments/%0A/")]:
        response = getattr(api, method)(path)
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Endereço não encontrado na API. Veja /api/docs/."}
    assert api.get(f"{URL}not-a-protocol/").json() == {"detail": "Não encontrado."}


def test_every_operation_documents_its_error_answers_with_the_shared_components():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert {"Error", "FieldErrors", "ValidationError"} <= set(schema["components"]["schemas"])
    operations = [(m, o) for ops in schema["paths"].values() for m, o in ops.items()]
    assert len(operations) == 22
    for method, operation in operations:
        responses = operation["responses"]
        refs = {
            code: r["content"]["application/json"]["schema"]["$ref"] for code, r in responses.items() if code >= "4"
        }
        assert refs["401"] == "#/components/schemas/Error"
        assert ("403" in refs) == (method != "get")
        if "requestBody" in operation:
            assert refs["400"] == refs["415"] == "#/components/schemas/ValidationError"
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert refs["404"] == "#/components/schemas/Error"
