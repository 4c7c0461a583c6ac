"""``Authorization: Token <key>`` for integrations; the request's user is a TokenUser bound to entities."""

import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
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


# key hash -> (valid until, token, its entity ids). Integrations call in bursts; re-reading the token and its
# entities on every request was a fifth of a registration's cost. A revocation or a change of entities reaches
# other processes within API_TOKEN_CACHE_SECONDS; in this process at once (forget_token).
_verified: dict[str, tuple[float, ApiToken, frozenset[int]]] = {}


def forget_token(token: ApiToken) -> None:
    _verified.pop(token.key_hash, None)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Cabeçalho Authorization inválido: use “Token <chave>”.")
        try:
            digest = hash_key(header[1].decode())
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Token inválido.") from exc
        now = time.monotonic()
        cached = _verified.get(digest)
        if cached is not None and cached[0] > now:
            _, token, entity_ids = cached
        else:
            found = ApiToken.objects.filter(key_hash=digest, active=True).first()
            if found is None:
                _verified.pop(digest, None)
                raise exceptions.AuthenticationFailed("Token inválido ou revogado.")
            token, entity_ids = found, frozenset(found.entities.values_list("pk", flat=True))
            _verified[digest] = (now + settings.API_TOKEN_CACHE_SECONDS, token, entity_ids)
        moment = timezone.now()
        if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 60:
            # Coarse on purpose: one write a minute, not one per request.
            token.last_used_at = moment
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
        return TokenUser(token=token, entity_ids=entity_ids), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """Staff signed in to the workspace use the API with their session — but only once the second factor that the
    workspace asks of them is given (TOTP enrolled, or required by the role)."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        from ouvidoria.accounts.decorators import second_factor_pending

        found = super().authenticate(request)
        if found is not None and second_factor_pending(request._request):
            return None
        return found
