"""Issue 14: a Banco Central entity's subjects came from the admin's catalogue choice and its FAQ from its name;
one field, "tipo de instituição", now decides both."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from ouvidoria.cases.tests.factories import EntityFactory, UserFactory, signed_in
from ouvidoria.catalogue.models import SubjectCatalogue
from ouvidoria.catalogue.selectors import entity_catalogues
from ouvidoria.entities.models import Entity
from ouvidoria.faq.selectors import audience_of

pytestmark = pytest.mark.django_db


def test_the_kind_decides_both_the_subject_catalogue_and_the_faq_set():
    entity = EntityFactory(regime="bcb", institution_kind="consortium", name="Banco Prisma")
    assert (entity_catalogues(entity), audience_of(entity)) == (("consortium",), "consorcio")
    entity.institution_kind = "bank"
    entity.name = "Prisma Consórcios"  # the name no longer decides anything
    assert (entity_catalogues(entity), audience_of(entity)) == (("bank",), "banco")


@pytest.mark.parametrize(
    ("regime", "kind", "message"),
    [
        ("bcb", "", "Informe o tipo de instituição"),
        ("susep", "consortium", "só se aplica ao regime do Banco Central"),
    ],
)
def test_a_kind_that_does_not_fit_the_regime_is_refused_naming_the_field(regime, kind, message):
    entity = EntityFactory.build(regime=regime, institution_kind=kind)
    with pytest.raises(ValidationError) as caught:
        entity.full_clean(exclude=["slug", "group"])
    assert message in " ".join(caught.value.message_dict["institution_kind"])


def test_the_admin_asks_for_the_kind():
    client = signed_in(UserFactory(username="adm", is_superuser=True))
    page = client.get("/admin/entities/entity/add/").content.decode()
    assert "Tipo de instituição" in page
    assert "Administradora de consórcios" in page


def test_the_migration_gives_each_banco_central_entity_its_kind():
    migration = importlib.import_module("ouvidoria.entities.migrations.0004_institution_kind")
    by_name = EntityFactory(regime="bcb", name="Alfa Administradora de Consórcio")
    narrowed = EntityFactory(regime="bcb", name="Beta Participações")
    SubjectCatalogue.objects.get(code="consortium").entities.add(narrowed)
    bank = EntityFactory(regime="bcb", name="Banco Gama")
    insurer = EntityFactory(regime="susep", name="Delta Seguros")
    Entity.objects.update(institution_kind="")
    migration.kinds_set(apps, None)
    kinds = dict(Entity.objects.values_list("pk", "institution_kind"))
    assert [kinds[e.pk] for e in (by_name, narrowed, bank, insurer)] == ["consortium", "consortium", "bank", ""]
