"""factory-boy factories for the domain models."""

from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from ouvidoria.cases import services
from ouvidoria.cases.models import Manifestation
from ouvidoria.entities.models import Area, Entity


class EntityFactory(factory.django.DjangoModelFactory[Entity]):
    class Meta:
        model = Entity
        django_get_or_create = ("slug",)

    name = factory.declarations.Sequence(lambda n: f"Entidade {n}")
    slug = factory.declarations.Sequence(lambda n: f"entidade-{n}")
    regime = "bcb"
    # The default entity is seed 001's consórcio administrator (its subjects are the consórcio catalogue's).
    institution_kind = factory.declarations.LazyAttribute(lambda e: "consortium" if e.regime == "bcb" else "")
    state = "SP"
    city = "Ribeirão Preto"


class AreaFactory(factory.django.DjangoModelFactory[Area]):
    class Meta:
        model = Area

    entity = factory.declarations.SubFactory(EntityFactory)
    name = factory.declarations.Sequence(lambda n: f"Área {n}")


class UserFactory(factory.django.DjangoModelFactory[AbstractUser]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.declarations.Sequence(lambda n: f"user{n}")
    is_staff = True


def requester_data(**overrides: Any) -> services.RequesterData:
    values = {"document": "529.982.247-25", "name": "Maria da Silva", "email": "maria@example.com"}
    values.update(overrides)
    return services.RequesterData(**values)


def register(entity: Entity | None = None, **overrides: Any) -> Manifestation:
    """Register through the real service, as every entry point does."""
    values: dict[str, Any] = {
        "entity": entity or EntityFactory.create(),
        "instance": "ouvidoria",
        "medium": "phone",
        "record_type": "reclamacao",
        "description": "Cobrança em duplicidade na parcela de outubro.",
        "requester": requester_data(),
        "actor": None,
    }
    values.update(overrides)
    return services.manifestation_register(**values)


def staff_user(role: str, *, entities: Any = (), groups: Any = (), areas: Any = (), **fields: Any) -> AbstractUser:
    """A workspace user with a role and grants (entities, economic groups, internal areas)."""
    from ouvidoria.accounts.models import StaffProfile

    user = UserFactory.create(**fields)
    profile = StaffProfile.objects.create(user=user, role=role)  # type: ignore[misc]
    profile.entities.set(entities)
    profile.economic_groups.set(groups)
    profile.areas.set(areas)
    return user


def signed_in(user: Any) -> Any:
    """A test client signed in as ``user``; roles that need the second factor get a verified TOTP device."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ouvidoria.accounts.access import access_for
    from ouvidoria.rules.roles import TOTP_REQUIRED

    client = Client()
    client.force_login(user)
    if user.is_superuser or access_for(user).role in TOTP_REQUIRED:
        device = TOTPDevice.objects.create(user=user, name="teste", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
