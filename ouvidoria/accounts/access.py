"""What a signed-in user (or an API token) may reach: entities, areas and actions.

Every page and endpoint that shows a manifestation goes through ``manifestations_for``; a case outside the
user's grants is simply not in the queryset, so opening it by URL answers "not found".
"""

import contextlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from ouvidoria.rules import roles
from ouvidoria.rules.workflow import OUVIDOR_DECIDES

_CACHE_ATTR = "_ouvidoria_access"


@dataclass(frozen=True)
class Access:
    role: str
    # None: every entity (superusers).
    entity_ids: frozenset[int] | None
    # For the internal-area role: only manifestations forwarded to these areas.
    area_ids: frozenset[int] | None = None

    def can(self, action: str, instance_kind: str = "") -> bool:
        return roles.can(self.role, action, instance_kind=instance_kind)

    @property
    def label(self) -> str:
        return roles.ROLE_LABELS.get(self.role, "Integração")


NO_ACCESS = Access(role="", entity_ids=frozenset())


def access_for(user: Any) -> Access:
    """The user's access, read once per request (cached on the user object)."""
    cached: Access | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    access = _resolve(user)
    with contextlib.suppress(AttributeError):  # read-only user shapes
        setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _resolve(user: Any) -> Access:
    token_entities = getattr(user, "entity_ids", None)
    if token_entities is not None:
        return Access(role=roles.FULL_ACCESS, entity_ids=frozenset(token_entities))
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_ACCESS
    if user.is_superuser:
        return Access(role=roles.FULL_ACCESS, entity_ids=None)
    from ouvidoria.accounts.models import StaffProfile
    from ouvidoria.entities.models import Entity

    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        return NO_ACCESS
    entity_ids = frozenset(
        Entity.objects.filter(
            Q(pk__in=profile.entities.values("pk")) | Q(group__in=profile.economic_groups.values("pk"))
        ).values_list("pk", flat=True)
    )
    area_ids = None
    if profile.role == "area":
        area_ids = frozenset(profile.areas.filter(entity_id__in=entity_ids).values_list("pk", flat=True))
    return Access(role=profile.role, entity_ids=entity_ids, area_ids=area_ids)


def restrict(qs: QuerySet[Any], access: Access, entity_field: str = "entity_id") -> QuerySet[Any]:
    if access.entity_ids is None:
        return qs
    return qs.filter(**{f"{entity_field}__in": access.entity_ids})


def manifestations_for(user: Any) -> QuerySet[Any]:
    from ouvidoria.cases.models import Forward, Manifestation

    access = access_for(user)
    qs = restrict(Manifestation.objects.all(), access)
    if access.area_ids is not None:
        forwarded = Forward.objects.filter(manifestation=OuterRef("pk"), area_id__in=access.area_ids)
        qs = qs.filter(Exists(forwarded))
    return qs


_DENIALS = {
    "answer": "A resposta conclusiva da Ouvidoria sai somente com a aprovação do Ouvidor: envie-a para aprovação.",
    "merits": "Na Ouvidoria, a classificação de mérito é decidida pelo Ouvidor.",
    "extension": "Na Ouvidoria, a prorrogação do prazo é concedida pelo Ouvidor.",
}


def denial_message(action: str, instance_kind: str = "") -> str:
    if instance_kind in OUVIDOR_DECIDES and action in _DENIALS:
        return _DENIALS[action]
    return "Seu papel não permite esta ação."


def staff_for_entity(entity: Any, roles_wanted: frozenset[str]) -> QuerySet[Any]:
    """Active users with one of ``roles_wanted`` granted ``entity`` (directly or through its economic group)."""
    from django.contrib.auth import get_user_model

    grant = Q(staff_profile__entities=entity)
    if entity.group_id is not None:
        grant |= Q(staff_profile__economic_groups=entity.group_id)
    return (
        get_user_model()
        .objects.filter(grant, is_active=True, staff_profile__role__in=roles_wanted)
        .distinct()
        .order_by("pk")
    )
