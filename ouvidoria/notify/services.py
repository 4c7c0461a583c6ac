"""Writes of the notify app: filling a reply template, and the escalation of an overdue case."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from ouvidoria.cases.models import Event, Manifestation
from ouvidoria.notify.models import ReplyTemplate
from ouvidoria.notify.selectors import placeholder_values
from ouvidoria.rules.answers import render_placeholders
from ouvidoria.rules.errors import RuleViolation


def reply_template_render(*, template: ReplyTemplate, manifestation: Manifestation, reveal_name: bool = True) -> str:
    """The template's text filled for the manifestation, ready to edit and send; without ``reveal_name`` (a writer
    who may not see a confidential name) the requester is greeted as "cliente"."""
    try:
        return render_placeholders(template.body, placeholder_values(manifestation, reveal_name=reveal_name))
    except RuleViolation as exc:
        raise ValidationError({exc.field: [exc.message]}) from exc


def manifestation_escalate(*, manifestation: Manifestation, today: date, business_days_late: int) -> Event:
    """Write the "escalonamento por atraso" event on the timeline (the job calls it once per due date)."""
    return Event.objects.create(
        manifestation=manifestation,
        kind="escalation",
        created_at=timezone.now(),
        actor_label="sistema",
        body=(f"Prazo vencido em {manifestation.due_on:%d/%m/%Y} sem resposta conclusiva; o Ouvidor foi avisado."),
        params={
            "due": manifestation.due_on.isoformat(),
            "on": today.isoformat(),
            "business_days_late": business_days_late,
        },
    )
