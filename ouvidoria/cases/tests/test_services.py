from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from ouvidoria.audit.services import audit_maintenance
from ouvidoria.cases import services
from ouvidoria.cases.models import Event, Manifestation, Requester
from ouvidoria.cases.tests.factories import AreaFactory, EntityFactory, register, requester_data
from ouvidoria.entities.services import entity_closure_add
from ouvidoria.rules.protocol import is_valid_protocol

pytestmark = pytest.mark.django_db
SP = ZoneInfo("America/Sao_Paulo")


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=SP)


def kinds(m: Manifestation) -> list[str]:
    return list(m.events.order_by("created_at", "id").values_list("kind", flat=True))


def test_registration_issues_a_valid_protocol_and_the_policy_deadline():
    m = register(received_at=at(2026, 11, 23))
    assert is_valid_protocol(m.protocol)
    assert m.protocol.startswith(str(timezone.localdate().year))
    assert m.policy_id == "bcb-ouvidoria"
    # Monday 23/11/2026 + 10 business days on the bank calendar: 07/12/2026.
    assert m.due_on == date(2026, 12, 7)
    assert m.status == "new"
    assert kinds(m) == ["registration"]
    assert m.interaction_count == 1


def test_protocols_are_unique_and_never_reused():
    entity = EntityFactory()
    protocols = {register(entity).protocol for _ in range(20)}
    assert len(protocols) == 20
    with audit_maintenance(actor="teste", reason="o teste recomeça sem histórico"):
        Manifestation.objects.all().delete()
    assert register(entity).protocol not in protocols


def test_personal_data_is_encrypted_at_rest_and_found_by_blind_index():
    first = register(requester=requester_data(social_name="Joana", phone="(16) 99876-5432"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT document, name, social_name, email, phone FROM cases_requester")
        raw = " ".join(cursor.fetchone())
    for clear in ("52998224725", "Maria", "Joana", "maria@example.com", "16998765432"):
        assert clear not in raw
    second = register(requester=requester_data(document="52998224725", email="MARIA@example.com"))
    assert second.requester_id == first.requester_id
    assert Requester.objects.count() == 1
    requester = Requester.objects.get()
    assert requester.display_name == "Joana"  # the social name wherever it is set
    assert str(requester) == f"Manifestante #{requester.pk}"  # never the name in logs


def test_alphanumeric_cnpj_is_accepted_for_a_company():
    m = register(requester=requester_data(document="12.ABC.345/01DE-35", name="Empresa Exemplo Ltda"))
    assert m.requester is not None
    assert m.requester.kind == "company"
    assert m.requester.document == "12ABC34501DE35"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"requester": requester_data(document="123.456.789-00")}, "requester.document"),
        ({"requester": requester_data(state="XX")}, "requester.state"),
        ({"requester": requester_data(email="maria@")}, "requester.email"),
        ({"requester": requester_data(document="")}, "requester.document"),  # the Ouvidoria requires it
        ({"subject": "assunto que não existe"}, "subject"),
        ({"record_type": "elogio", "subject": "OPIN - LGPD"}, "subject"),
        ({"instance": "balcao"}, "instance"),
        ({"description": "   "}, "description"),
        ({"received_at": timezone.now() + timedelta(days=1)}, "received_at"),
        ({"anonymous": True, "requester": None}, "anonymous"),  # only a denúncia may be anonymous
        ({"policy": "prazo-inventado"}, "policy"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(overrides, field):
    with pytest.raises(ValidationError) as exc:
        register(**overrides)
    assert field in exc.value.message_dict
    assert all(message.strip() for message in exc.value.message_dict[field])
    assert Manifestation.objects.count() == 0
    assert Requester.objects.count() == 0


def test_anonymous_denunciation_is_registered_without_requester():
    m = register(record_type="denuncia", anonymous=True, requester=None)
    assert m.requester is None
    assert m.anonymous


def test_earlier_protocols_are_linked_at_registration():
    entity = EntityFactory()
    sac = register(entity, instance="sac", record_type="reclamacao")
    ombudsman = register(entity, earlier_protocols=[sac.formatted_protocol])
    assert list(ombudsman.earlier.all()) == [sac]
    with pytest.raises(ValidationError) as exc:
        register(entity, earlier_protocols=["2026-9999999-0"])
    assert "earlier_protocols" in exc.value.message_dict


def test_full_ombudsman_journey_builds_the_timeline():
    m = register(received_at=at(2026, 11, 23))
    area = AreaFactory(entity=m.entity, name="Pós-vendas")
    m = services.manifestation_triage(
        m,
        actor=None,
        subject="Consórcios — Cobrança de tarifas, taxas, valores não previstos / não informados",
        note="Competência ok",
    )
    assert m.status == "in_analysis"
    forward = services.manifestation_forward(m, area=area, question="Houve cobrança dupla?", actor=None)
    m.refresh_from_db()
    assert m.status == "waiting_area"
    assert forward.due_on <= m.due_on
    m = services.manifestation_area_reply(m, forward_id=forward.pk, reply="Sim, estorno feito.", actor=None)
    assert m.status == "in_analysis"
    m = services.manifestation_message_in(m, body="Alguma novidade?", actor=None)
    m = services.manifestation_set_merits(m, reason="internal_process_failure", actor=None)
    assert m.merits == "upheld"
    m = services.manifestation_answer(m, body="Estornamos a parcela em duplicidade.", actor=None)
    assert m.status == "answered"
    assert m.concluded_at is not None
    m = services.manifestation_close(m, actor=None)
    m = services.manifestation_evaluate(m, resolved=True, rating=5)
    assert kinds(m) == [
        "registration",
        "triage",
        "forward",
        "area_reply",
        "message_in",
        "merits",
        "answer",
        "closure",
        "evaluation",
    ]
    # Interactions are derived from the timeline: the registration and the requester's message.
    assert m.interaction_count == m.events.filter(kind__in=Event.REQUESTER_CONTACTS).count() == 2
    assert m.practiced_days == (timezone.localdate() - date(2026, 11, 23)).days


def test_illegal_transition_is_refused_with_a_clear_message():
    m = register()
    with pytest.raises(ValidationError) as exc:
        services.manifestation_close(m, actor=None)
    assert "Ação não permitida" in exc.value.message_dict["status"][0]
    assert kinds(m) == ["registration"]


def test_ombudsman_answer_to_a_complaint_needs_merits_first():
    m = register()
    with pytest.raises(ValidationError) as exc:
        services.manifestation_answer(m, body="Resposta", actor=None)
    assert "procedente" in exc.value.message_dict["merits"][0]


def test_merits_unverifiable_facts_are_upheld_and_compliments_take_none():
    m = services.manifestation_set_merits(register(), reason="unverifiable_facts", actor=None)
    assert m.merits == "upheld"
    compliment = register(record_type="elogio", subject=None)
    with pytest.raises(ValidationError):
        services.manifestation_set_merits(compliment, reason="no_breach", actor=None)


def test_timeline_is_append_only():
    event = register().events.get()
    event.body = "alterado"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_the_sac_clock_keeps_running_while_waiting_for_the_requester():
    """Decreto 11.034/2022: the SAC's seven days count from the demand, a complement request included."""
    m = register(EntityFactory(regime="susep"), instance="sac")
    due = m.due_on
    m = services.manifestation_request_complement(m, body="Envie o boleto.", actor=None)
    assert m.status == "waiting_requester"
    assert m.paused_since is None
    assert m.due_on == due
    assert m.events.get(kind="complement_request").params["clock_paused"] is False


def test_a_policy_that_pauses_stops_the_clock_and_the_answer_moves_the_deadline(monkeypatch):
    """The mechanism, for a norm that suspends its count (none of today's does: docs/regulation.md "Pauses")."""
    import dataclasses

    from ouvidoria.rules import policies

    monkeypatch.setitem(policies.POLICIES, "sac", dataclasses.replace(policies.POLICIES["sac"], pause_allowed=True))
    entity = EntityFactory(regime="susep")
    m = register(entity, instance="sac", received_at=at(2026, 11, 3))
    assert m.policy_id == "sac"
    original_due = m.due_on
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 11, 5))
    m = services.manifestation_request_complement(m, body="Envie o boleto.", actor=None)
    assert m.status == "waiting_requester"
    assert m.paused_since == date(2026, 11, 5)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 11, 9))
    m = services.manifestation_message_in(m, body="Segue o boleto.", actor=None)
    assert m.status == "in_analysis"
    assert m.extra_days == 4
    assert m.due_on > original_due
    pause_end = m.events.get(kind="pause_end")
    assert pause_end.params["days_added"] == 4
    assert pause_end.params["old_due"] == original_due.isoformat()


def test_bcb_clock_keeps_running_while_waiting_for_the_requester():
    m = register()
    m = services.manifestation_request_complement(m, body="Envie o contrato.", actor=None)
    assert m.paused_since is None
    assert m.events.get(kind="complement_request").params["clock_paused"] is False


def test_bcb_extension_refused_past_ten_percent_of_the_month():
    entity = EntityFactory()
    cases = [register(entity, received_at=at(2026, 11, 3)) for _ in range(9)]
    with pytest.raises(ValidationError) as exc:
        services.deadline_extend(cases[0], justification="Caso complexo com perícia.", actor=None)
    assert "monthly_cap" in exc.value.message_dict
    cases.append(register(entity, received_at=at(2026, 11, 4)))
    extended = services.deadline_extend(cases[0], justification="Caso complexo com perícia.", actor=None)
    assert extended.extension_count == 1
    # An equal period: 20 business days after Tue 03/11/2026, skipping 20/11 (Consciência Negra): 02/12/2026.
    assert extended.due_on == date(2026, 12, 2)
    told = extended.events.filter(kind="message_out", params__notice="extension")
    assert told.count() == 1
    assert "02/12/2026" in told.get().body
    with pytest.raises(ValidationError):
        services.deadline_extend(extended, justification="Outra vez, por favor.", actor=None)


def test_ans_extension_up_to_thirty_business_days_when_agreed():
    entity = EntityFactory(regime="ans", state="RJ", city="Rio de Janeiro")
    m = register(entity, received_at=at(2026, 11, 3))
    assert m.policy_id == "ans-ouvidoria"
    with pytest.raises(ValidationError) as exc:
        services.deadline_extend(m, justification="Perícia médica necessária.", days=23, actor=None)
    assert "agreement" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.deadline_extend(
            m, justification="Perícia médica necessária.", days=24, agreed_with_requester=True, actor=None
        )
    m = services.deadline_extend(
        m, justification="Perícia médica necessária.", days=23, agreed_with_requester=True, actor=None
    )
    assert m.extra_days == 23


def test_calendar_change_recomputes_open_deadlines_in_one_pass():
    entity = EntityFactory()
    open_case = register(entity, received_at=at(2026, 11, 23))
    done = register(entity, received_at=at(2026, 11, 23))
    services.manifestation_set_merits(done, reason="no_breach", actor=None)
    services.manifestation_answer(done, body="Resposta.", actor=None)
    moved = entity_closure_add(entity=entity, day=date(2026, 12, 1), reason="Feriado municipal")
    assert moved == 1
    open_case.refresh_from_db()
    assert open_case.due_on == date(2026, 12, 8)
    event = open_case.events.get(kind="deadline_recomputed")
    assert event.params == {
        "old_due": "2026-12-07",
        "new_due": "2026-12-08",
        "reason": event.params["reason"],
    }
    done.refresh_from_db()
    assert done.due_on == date(2026, 12, 7)
    assert not done.events.filter(kind="deadline_recomputed").exists()


def test_link_refuses_itself_and_unknown_protocols():
    m = register()
    other = register(m.entity)
    with pytest.raises(ValidationError):
        services.manifestation_link(m, other_protocol=m.protocol, actor=None)
    with pytest.raises(ValidationError):
        services.manifestation_link(m, other_protocol="2026-0000000-0", actor=None)
    services.manifestation_link(m, other_protocol=other.formatted_protocol, actor=None)
    assert list(m.earlier.all()) == [other]


def test_evaluation_rating_must_be_one_to_five():
    m = services.manifestation_set_merits(register(), reason="no_breach", actor=None)
    m = services.manifestation_answer(m, body="Resposta.", actor=None)
    with pytest.raises(ValidationError) as exc:
        services.manifestation_evaluate(m, resolved=None, rating=6)
    assert "rating" in exc.value.message_dict


def test_closure_outside_every_counting_window_moves_nothing():
    entity = EntityFactory()
    case = register(entity, received_at=at(2026, 11, 23))
    assert entity_closure_add(entity=entity, day=date(2026, 11, 23), reason="Dia do recebimento") == 0
    assert entity_closure_add(entity=entity, day=date(2026, 12, 8), reason="Depois do prazo") == 0
    case.refresh_from_db()
    assert case.due_on == date(2026, 12, 7)
    assert entity_closure_add(entity=entity, day=date(2026, 12, 7), reason="O próprio dia do prazo") == 1
    case.refresh_from_db()
    assert case.due_on == date(2026, 12, 9)  # 08/12 was closed above, so the 10th business day is 09/12
