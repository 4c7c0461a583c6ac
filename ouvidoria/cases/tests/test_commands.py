import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from ouvidoria.cases.tests.factories import EntityFactory, register
from ouvidoria.entities.models import Closure
from ouvidoria.entities.services import entity_closure_add


def deadline(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("deadline", *args, "--json", stdout=out)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


@pytest.mark.django_db
def test_deadline_command_prints_policy_received_and_due():
    result = deadline("--policy", "bcb-ouvidoria", "--received", "2026-02-13")
    assert result["policy"] == "bcb-ouvidoria"
    assert result["received"] == "2026-02-13"
    assert result["due"] == "2026-03-03"


@pytest.mark.django_db
def test_deadline_command_uses_state_and_city_calendars():
    # 9 July (Revolução Constitucionalista) closes São Paulo state; 25 January closes only the capital.
    assert deadline("--policy", "ans-ouvidoria", "--received", "2026-07-08")["due"] == "2026-07-17"
    assert deadline("--policy", "ans-ouvidoria", "--received", "2026-07-08", "--uf", "SP")["due"] == "2026-07-20"
    sp_city = deadline("--policy", "ans-ouvidoria", "--received", "2027-01-22", "--uf", "SP", "--city", "São Paulo")
    sp_state = deadline("--policy", "ans-ouvidoria", "--received", "2027-01-22", "--uf", "SP")
    assert (sp_city["due"], sp_state["due"]) == ("2027-02-03", "2027-02-02")


@pytest.mark.django_db
def test_deadline_command_uses_the_entity_calendar_with_its_closures():
    entity = EntityFactory(slug="cidade-x", regime="susep", state="MG", city="Uberaba")
    before = deadline("--policy", "susep-ouvidoria", "--received", "2026-03-02", "--entity", "cidade-x")
    assert before["due"] == "2026-03-17"
    entity_closure_add(entity=entity, day=date(2026, 3, 17), reason="Aniversário da cidade")
    after = deadline("--policy", "susep-ouvidoria", "--received", "2026-03-02", "--entity", "cidade-x")
    assert after["due"] == "2026-03-18"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--policy", "inexistente", "--received", "2026-01-05"], "--policy"),
        (["--policy", "sac", "--received", "05/01/2026"], "--received"),
        (["--policy", "sac", "--received", "1900-01-05"], "--received"),
        (["--policy", "sac", "--received", "2026-01-05", "--uf", "XX"], "--uf"),
        (["--policy", "sac", "--received", "2026-01-05", "--entity", "nao-existe"], "--entity"),
    ],
)
def test_deadline_command_refuses_bad_input_naming_the_option(args, fragment):
    with pytest.raises(CommandError, match=fragment):
        call_command("deadline", *args, "--json", stdout=StringIO())


@pytest.mark.django_db
def test_recompute_deadlines_command_reports_what_moved():
    entity = EntityFactory(slug="recalc")
    case = register(entity, received_at=datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("America/Sao_Paulo")))
    # A closure written behind the services' back (e.g. restored from a backup) is caught up by the command.
    Closure.objects.create(entity=entity, date=date(2026, 12, 1), reason="Feriado municipal")
    entity.calendar_version += 1
    entity.save()
    out = StringIO()
    call_command("recompute_deadlines", "--entity", "recalc", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"moved": {"recalc": 1}, "total": 1}
    case.refresh_from_db()
    assert case.due_on == date(2026, 12, 8)
    with pytest.raises(CommandError):
        call_command("recompute_deadlines", "--entity", "nenhuma", stdout=StringIO())


@pytest.mark.django_db
def test_demo_login_creates_one_user_per_role_granted_the_demo_entities():
    from ouvidoria.accounts.access import access_for
    from ouvidoria.accounts.models import StaffProfile
    from ouvidoria.imports.demo import demo_entities_ensure

    entities, _ = demo_entities_ensure()
    call_command("demo_login", stdout=StringIO())
    printed = StringIO()
    call_command("demo_login", "--url", "http://127.0.0.1:8765/painel/", stdout=printed)  # twice is fine
    assert "http://127.0.0.1:8765/painel/" in printed.getvalue()  # the port make run serves on
    roles = dict(StaffProfile.objects.values_list("user__username", "role"))
    assert roles == {"demo": "analyst", "ouvidor": "ombudsman", "atendente": "attendant", "financeiro": "area",
                     "gestor": "manager", "auditor": "auditor"}  # fmt: skip
    assert "“auditor” (Auditor)" in printed.getvalue()
    assert "(analyst)" not in printed.getvalue()  # the roles in Portuguese
    demo = StaffProfile.objects.get(user__username="demo").user
    assert access_for(demo).entity_ids == {e.pk for e in entities}
    assert demo.check_password("ouvidoria-demo-2026")
    assert not demo.is_superuser
