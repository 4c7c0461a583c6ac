"""Deployment checks of the privacy settings (``manage.py check --deploy``)."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def blind_index_key_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.BLIND_INDEX_KEY:
        return []
    return [
        Warning(
            "OUVIDORIA_BLIND_INDEX_KEY não está definida: a chave dos índices de busca deriva da primeira chave de "
            "cifra, e uma rotação de chaves reescreveria todos os índices (a busca por CPF, e-mail, nome e telefone "
            "falha até terminar).",
            hint="Defina OUVIDORIA_BLIND_INDEX_KEY com um segredo longo, que não muda nas rotações (docs/security.md).",
            id="privacy.W001",
        )
    ]
