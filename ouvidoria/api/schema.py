"""OpenAPI description of the API beyond what drf-spectacular infers: the token authentication and the error answers
(extensions registered on import; ``AutoSchema`` is REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ComponentRegistry, ResolvedComponent


class ApiTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "ouvidoria.api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "“Token <chave>”. Cada token vê apenas as entidades a que foi vinculado.",
        }


class VerifiedSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The workspace's session cookie (with its second factor), as drf-spectacular describes Django sessions."""

    target_class = "ouvidoria.api.authentication.VerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


# The two shapes of an error body (ouvidoria/api/errors.py): DRF's {"detail": "..."} for 401, 403 and 404, and the
# messages per field for 400 and 415 (a field of the body or of the query, "body" for an unreadable body,
# "non_field_errors" for a rule of the service, a header's name for a bad header; nested for nested objects).
ERROR_COMPONENTS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string", "description": "O motivo, em português."}},
        "required": ["detail"],
        "additionalProperties": False,
    },
    "FieldErrors": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/FieldErrors"}},
        ],
    },
    "ValidationError": {
        "type": "object",
        "description": "Mensagens em português por campo (ou “body”, “non_field_errors”, nome do cabeçalho).",
        "minProperties": 1,
        "additionalProperties": {"$ref": "#/components/schemas/FieldErrors"},
    },
}
ERROR_DESCRIPTIONS = {
    "400": ("ValidationError", "Entrada inválida ou corpo ilegível."),
    "401": ("Error", "Sem credenciais, ou token inválido ou revogado."),
    "403": ("Error", "O papel não permite esta ação."),
    "404": ("Error", "Manifestação, anexo ou página (cursor) não encontrados, ou fora das entidades do token."),
    "415": ("ValidationError", "Content-Type não aceito."),
}


def error_codes(method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation really answers: every one needs credentials; a body or a query can be
    invalid; only writes check the role (and a session's CSRF); a protocol, an id or a page cursor can be unknown."""
    where = {p["in"] for p in operation.get("parameters", [])}
    names = {p["name"] for p in operation.get("parameters", [])}
    body = "requestBody" in operation
    codes = ["401"]
    if body or where & {"query", "header"}:
        codes.append("400")
    if method.upper() != "GET":
        codes.append("403")
    if "path" in where or "cursor" in names:
        codes.append("404")
    if body:
        codes.append("415")
    return sorted(codes)


class AutoSchema(SpectacularAutoSchema):
    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: ComponentRegistry
    ) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for name, schema in ERROR_COMPONENTS.items():
            registry.register_on_missing(
                ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)  # type: ignore[no-untyped-call]
            )
        for code in error_codes(method, operation):
            component, description = ERROR_DESCRIPTIONS[code]
            operation["responses"].setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                },
            )
        return operation
