"""Entity calendars: the business days every deadline of an entity is counted on."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from ouvidoria.entities.models import Closure, Entity
from ouvidoria.rules.calendars import BusinessCalendar, calendar_for

# Keyed by what defines a calendar: closures bump the version, the rest is the head office and the regime.
_calendars: dict[tuple[int, int, str, str, bool], BusinessCalendar] = {}


def entity_calendar(entity: Entity) -> BusinessCalendar:
    """National + state + city holidays, bank holidays for BCB entities, and the entity's own closures."""
    key = (entity.pk, entity.calendar_version, entity.state, entity.city, entity.uses_bank_calendar)
    calendar = _calendars.get(key)
    if calendar is None:
        closures = frozenset((c.date, c.reason) for c in Closure.objects.filter(entity=entity))
        calendar = calendar_for(
            entity.state or None, entity.city or None, bank=entity.uses_bank_calendar, closures=closures
        )
        _calendars[key] = calendar
    return calendar


def calendars_forget() -> None:
    """Drop the memo (tests, or after editing entities outside the services)."""
    _calendars.clear()


def _calendar_changed(entity: Entity, day: date | None = None) -> int | None:
    """Bump the calendar and have the open deadlines recomputed in the background once this commits.

    Returns how many deadlines moved when the job ran at once (huey's immediate mode), None when it was queued.
    """
    from ouvidoria.notify.tasks import deadlines_recompute_task, enqueue_on_commit

    Entity.objects.filter(pk=entity.pk).update(calendar_version=F("calendar_version") + 1)
    entity.refresh_from_db(fields=["calendar_version"])
    reason = f"Calendário da entidade alterado ({day:%d/%m/%Y})." if day else "Calendário da entidade alterado."
    result = enqueue_on_commit(deadlines_recompute_task, entity.pk, reason, day)
    return None if result is None else int(result.get())


@transaction.atomic
def entity_closure_add(*, entity: Entity, day: date, reason: str) -> int | None:
    """Add a closure day and have the entity's open deadlines recomputed (see ``_calendar_changed``)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Informe o motivo do fechamento."})
    if Closure.objects.filter(entity=entity, date=day).exists():
        raise ValidationError({"date": f"Já existe um fechamento em {day:%d/%m/%Y}."})
    Closure.objects.create(entity=entity, date=day, reason=reason)
    return _calendar_changed(entity, day)


@transaction.atomic
def entity_closure_remove(*, entity: Entity, day: date) -> int | None:
    deleted, _ = Closure.objects.filter(entity=entity, date=day).delete()
    if not deleted:
        raise ValidationError({"date": f"Não há fechamento em {day:%d/%m/%Y}."})
    return _calendar_changed(entity, day)


@transaction.atomic
def entity_relocate(*, entity: Entity, state: str, city: str) -> int | None:
    """Move the head office (which picks the state and city holidays) and recompute open deadlines."""
    from ouvidoria.rules.calendars import BRAZILIAN_STATES

    state = state.strip().upper()
    if state and state not in BRAZILIAN_STATES:
        raise ValidationError({"state": f"UF inexistente: {state}."})
    entity.state, entity.city = state, city.strip()
    entity.save(update_fields=["state", "city"])
    return _calendar_changed(entity)


def deadline_answer(
    *, policy_code: str, received: date, state: str = "", city: str = "", entity: Entity | None = None
) -> dict[str, object]:
    """The due date of a policy for a receipt date, on the entity's calendar or on the one of a place.

    Without an entity the calendar is the policy regime's (the bank calendar for ``bcb-ouvidoria``) in the given
    state and city, or the national one. Shared by ``manage.py deadline`` and the API.
    """
    from ouvidoria.rules import deadlines
    from ouvidoria.rules.calendars import BRAZILIAN_STATES
    from ouvidoria.rules.policies import get_policy

    try:
        policy = get_policy(policy_code)
    except ValueError as exc:
        raise ValidationError({"policy": [str(exc)]}) from exc
    if entity is not None:
        calendar = entity_calendar(entity)
        state, city = entity.state, entity.city
    else:
        state = state.strip().upper()
        if state and state not in BRAZILIAN_STATES:
            raise ValidationError({"uf": [f"UF inexistente: {state}."]})
        if city and not state:
            raise ValidationError({"uf": ["Informe a UF da cidade."]})
        calendar = calendar_for(state or None, city.strip() or None, bank=policy.bank_calendar)
    try:
        due = deadlines.due_date(policy, received, calendar)
    except ValueError as exc:  # a date outside the years the calendars cover
        raise ValidationError({"received": [str(exc)]}) from exc
    return {
        "policy": policy.code,
        "received": received.isoformat(),
        "due": due.isoformat(),
        "unit": policy.unit,
        "days": policy.days,
        "uf": state or None,
        "city": city or None,
        "entity": entity.slug if entity is not None else None,
        "bank_calendar": entity.uses_bank_calendar if entity is not None else policy.bank_calendar,
        "holidays": [{"date": d.isoformat(), "name": name} for d, name in calendar.holidays_between(received, due)],
        "source": policy.source,
    }
