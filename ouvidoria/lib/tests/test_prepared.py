from datetime import date

import pytest
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.db.models.signals import post_save
from django.utils import timezone

from ouvidoria.cases.models import Event, Requester
from ouvidoria.cases.tests.factories import register
from ouvidoria.entities.models import Entity
from ouvidoria.lib.prepared import PreparedInsert, PreparedSelect

pytestmark = pytest.mark.django_db


def by_hashes() -> PreparedSelect[Requester]:
    return PreparedSelect(
        lambda document_hash, email_hash: Requester.objects.filter(
            Q(document_hash=document_hash) | Q(email_hash=email_hash, document_hash__in=["", document_hash])
        ).order_by("pk"),
        "document_hash",
        "email_hash",
    )


def test_select_gives_what_the_queryset_gives_with_other_values() -> None:
    a = Requester.objects.create(name="Ana Souza", document="52998224725", document_hash="d1", email_hash="e1")
    b = Requester.objects.create(name="Bruno Lima", email="bruno@example.com", email_hash="e2")
    Requester.objects.create(name="Outra Pessoa", document_hash="d9", email_hash="e2")
    prepared = by_hashes()

    assert prepared.fetch(document_hash="d1", email_hash="e2") == [a, b]
    # By e-mail only someone without a document or with this one: Ana (document d1) is not taken for d9.
    assert prepared.fetch(document_hash="d9", email_hash="e1") == [Requester.objects.get(document_hash="d9")]
    assert prepared.fetch(document_hash="none", email_hash="none") == []
    # Same values, same answer as the ORM compiling it each time.
    orm = Requester.objects.filter(Q(document_hash="d1") | Q(email_hash="e2", document_hash__in=["", "d1"]))
    assert prepared.fetch(document_hash="d1", email_hash="e2") == list(orm.order_by("pk"))


def test_select_converts_columns_as_the_orm_does() -> None:
    Requester.objects.create(name="Ana Souza", document="52998224725", email="ana@example.com", document_hash="d1")
    found = by_hashes().first(document_hash="d1", email_hash="x")

    assert found is not None
    # Encrypted in the table, in clear on the instance; the datetime is aware; the instance is a saved one.
    assert (found.name, found.document, found.email) == ("Ana Souza", "52998224725", "ana@example.com")
    assert timezone.is_aware(found.created_at)
    assert found._state.adding is False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM cases_requester")
        assert cursor.fetchone()[0] != "Ana Souza"


def test_select_keeps_constants_and_respects_them() -> None:
    Entity.objects.create(name="Ativa", slug="ativa", regime="susep", state="RJ", city="Rio de Janeiro")
    Entity.objects.create(name="Inativa", slug="inativa", regime="susep", active=False)
    prepared = PreparedSelect(lambda slug: Entity.objects.filter(slug=slug, active=True), "slug")

    ativa = prepared.first(slug="ativa")
    assert ativa is not None
    assert ativa.name == "Ativa"
    assert ativa.state == "RJ"
    assert prepared.first(slug="inativa") is None


def test_a_placeholder_the_orm_would_transform_is_refused() -> None:
    prepared = PreparedSelect(lambda name: Entity.objects.filter(name__icontains=name), "name")
    with pytest.raises(ValueError, match="unchanged"):
        prepared.fetch(name="x")


def test_a_select_across_relations_is_refused() -> None:
    prepared = PreparedSelect(lambda slug: Event.objects.select_related("manifestation").filter(kind=slug), "slug")
    with pytest.raises(ValueError, match="one model"):
        prepared.fetch(slug="x")


def test_insert_writes_the_row_as_save_would() -> None:
    fields = [f.name for f in Requester._meta.concrete_fields if not f.primary_key]
    requester = Requester(kind="company", document="11222333000181", name="Empresa X", email_hash="h", state="SP")

    PreparedInsert(Requester, fields).insert(requester)

    assert requester.pk is not None
    assert requester._state.adding is False
    stored = Requester.objects.get(pk=requester.pk)
    assert (stored.kind, stored.document, stored.name, stored.email_hash, stored.state) == (
        "company",
        "11222333000181",
        "Empresa X",
        "h",
        "SP",
    )
    # auto_now_add and auto_now are filled in as by save(); the document is encrypted in the table.
    assert stored.created_at is not None
    assert stored.updated_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT document FROM cases_requester WHERE id = %s", [requester.pk])
        assert cursor.fetchone()[0] not in ("", "11222333000181")


def test_insert_of_json_and_foreign_keys() -> None:
    case = register()
    fields = [f.name for f in Event._meta.concrete_fields if not f.primary_key]
    params = {"due": str(date.today())}
    event = Event(manifestation=case, kind="internal_note", created_at=timezone.now(), params=params)

    PreparedInsert(Event, fields).insert(event)

    stored = Event.objects.get(pk=event.pk)
    assert stored.manifestation_id == case.pk
    assert stored.params == {"due": str(date.today())}


def test_insert_falls_back_to_save_where_save_does_more() -> None:
    fields = [f.name for f in Requester._meta.concrete_fields if not f.primary_key]
    prepared = PreparedInsert(Requester, fields)
    seen: list[int] = []

    def receiver(sender: type[Requester], instance: Requester, created: bool, **kwargs: object) -> None:
        seen.append(instance.pk)

    post_save.connect(receiver, sender=Requester)
    try:
        requester = prepared.insert(Requester(name="Com receptor"))
    finally:
        post_save.disconnect(receiver, sender=Requester)
    assert seen == [requester.pk]  # the receiver ran, as with save()
    # An expression is resolved by the database, as save() does.
    computed = prepared.insert(Requester(name="Calculado", city=Upper(Value("santos"))))
    assert Requester.objects.get(pk=computed.pk).city == "SANTOS"
