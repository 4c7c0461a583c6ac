"""API tokens for integrations, each bound to the entities it may see."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ouvidoria.entities.models import Entity


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    name = models.CharField(_("nome"), max_length=120)
    # Only the hash is stored: a leaked database gives no usable token.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    entities = models.ManyToManyField(Entity, verbose_name=_("entidades"), related_name="api_tokens")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(_("ativo"), default=True)

    class Meta:
        verbose_name = _("token de API")
        verbose_name_plural = _("tokens de API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_authenticated(self) -> bool:
        return True

    def revoke(self) -> None:
        from ouvidoria.api.authentication import forget_token

        ApiToken.objects.filter(pk=self.pk).update(active=False)
        self.active = False
        forget_token(self)

    @classmethod
    def issue(cls, *, name: str, entities: list[Entity], created_by: object = None) -> tuple["ApiToken", str]:
        """Create a token; the clear key is returned once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(name=name, key_hash=hash_key(key), prefix=key[:8], created_by=created_by)
        token.entities.set(entities)
        return token, key
