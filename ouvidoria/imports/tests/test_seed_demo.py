import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from stdnum.br import cnpj, cpf

from ouvidoria.audit.services import audit_maintenance
from ouvidoria.cases.models import Event, Forward, Manifestation, Requester
from ouvidoria.entities.models import Area, Entity, KeyContact
from ouvidoria.entities.services import entity_calendar
from ouvidoria.rules import deadlines
from ouvidoria.rules.calendars import BRAZILIAN_STATES
from ouvidoria.rules.policies import get_policy

pytestmark = pytest.mark.django_db
SLUGS = {"prisma-consorcios", "vitalis-saude", "horizonte-seguros", "horizonte-nordeste-seguros"}


def seed(*args: str) -> dict[str, int]:
    out = StringIO()
    call_command("seed_demo", "--json", *args, stdout=out)
    result: dict[str, int] = json.loads(out.getvalue())
    return result


def test_seed_creates_the_entities_and_the_cases():
    assert seed("--cases", "300") == {"entities": 4, "cases": 300}

    entities = {e.slug: e for e in Entity.objects.all()}
    assert set(entities) == SLUGS
    assert {e.regime for e in entities.values()} == {"bcb", "ans", "susep"}
    assert (entities["prisma-consorcios"].city, entities["prisma-consorcios"].state) == ("Ribeirão Preto", "SP")
    assert (entities["vitalis-saude"].city, entities["vitalis-saude"].state) == ("Rio de Janeiro", "RJ")
    assert entities["horizonte-seguros"].opin_participant
    assert entities["horizonte-nordeste-seguros"].state == "BA"
    assert entities["horizonte-seguros"].group == entities["horizonte-nordeste-seguros"].group is not None
    for entity in entities.values():
        assert cnpj.is_valid(entity.cnpj)
        assert all((entity.ombudsman_name, entity.ombudsman_email, entity.substitute_name, entity.substitute_email))
        assert Area.objects.filter(entity=entity).count() == 6
        assert KeyContact.objects.filter(entity=entity).count() == 1

    cases = Manifestation.objects.all()
    assert cases.count() == 300
    assert Event.objects.filter(kind="registration").count() == 300
    statuses = Counter(cases.values_list("status", flat=True))
    assert statuses["closed"] > 0
    assert statuses["answered"] + statuses["closed"] > 150
    assert sum(statuses[s] for s in ("new", "in_analysis", "waiting_area")) > 0
    assert len(set(cases.values_list("instance_id", flat=True))) >= 6
    assert len(set(cases.values_list("record_type_id", flat=True))) >= 4
    assert len(set(cases.values_list("state", flat=True))) >= 10
    assert set(cases.values_list("state", flat=True)) <= set(BRAZILIAN_STATES)
    assert cases.exclude(merits="").exists()
    assert cases.filter(rating__isnull=False).exists()
    assert Forward.objects.exists()

    today = timezone.localdate()
    concluded = list(cases.filter(concluded_at__isnull=False))
    late = [m for m in concluded if timezone.localtime(m.concluded_at).date() > m.due_on]
    assert 0 < len(late) < len(concluded) / 2
    assert cases.filter(concluded_at__isnull=True, due_on__lt=today).exists()  # overdue and still open
    oldest = cases.order_by("received_on").first()
    assert (today - oldest.received_on).days > 365

    for m in cases.select_related("entity")[:50]:
        policy = get_policy(m.policy_id)
        assert m.due_on == deadlines.due_date(policy, m.received_on, entity_calendar(m.entity))
        assert m.interaction_count == m.events.filter(kind__in=Event.REQUESTER_CONTACTS).count()
    for requester in Requester.objects.all():
        valid = cpf.is_valid(requester.document) if requester.kind == "person" else cnpj.is_valid(requester.document)
        assert valid
        assert requester.email.endswith("@example.com")


def test_seed_is_idempotent_for_entities_and_if_empty_does_nothing_the_second_time():
    assert seed("--cases", "300", "--if-empty") == {"entities": 4, "cases": 300}
    assert seed("--cases", "300", "--if-empty") == {"entities": 0, "cases": 0}
    assert Manifestation.objects.count() == 300
    assert seed("--cases", "20") == {"entities": 0, "cases": 20}
    assert Entity.objects.count() == 4
    assert Area.objects.count() == 24
    assert Manifestation.objects.count() == 320


def test_the_same_seed_draws_the_same_cases():
    def drawn() -> list[tuple]:
        fields = ("entity__slug", "instance_id", "record_type_id", "description", "state", "city", "received_on")
        return list(Manifestation.objects.order_by("pk").values_list(*fields))

    seed("--cases", "50", "--seed", "7")
    first = drawn()
    with audit_maintenance(actor="teste", reason="o teste recomeça sem histórico"):
        Event.objects.all().delete()
        Forward.objects.all().delete()
        Manifestation.objects.all().delete()
    seed("--cases", "50", "--seed", "7")
    assert drawn() == first
    seed("--cases", "50", "--seed", "8")
    assert drawn()[50:] != first
