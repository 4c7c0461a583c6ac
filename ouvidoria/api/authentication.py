"""``Authorization: Token <key>`` for integrations; the request's user is a TokenUser bound to entities."""

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from ouvidoria.api.models import ApiToken, hash_key


@dataclass
class TokenUser:
    """What ``request.user`` is for a token: authenticated, no staff rights, limited to its entities."""

    token: ApiToken
    entity_ids: frozenset[int] = field(default_factory=frozenset)
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    pk: None = None

    def get_username(self) -> str:
        return f"api:{self.token.name}"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Cabeçalho Authorization inválido: use “Token <chave>”.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Token inválido.") from exc
        token = ApiToken.objects.filter(key_hash=hash_key(key), active=True).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Token inválido ou revogado.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            # Coarse on purpose: one write a minute, not one per request.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        entity_ids = frozenset(token.entities.values_list("pk", flat=True))
        return TokenUser(token=token, entity_ids=entity_ids), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
