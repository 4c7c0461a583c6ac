"""What happens to a generated report: the Diretor's sign-off, its publication on the entity's portal, its sending to
the regulator, and the reminders to the Ouvidor before the regulator's due date (``ouvidoria.rules.reports``)."""

import logging
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ouvidoria.entities.models import Entity
from ouvidoria.notify.jobs import ombudsman_addresses
from ouvidoria.notify.outbox import email_queue
from ouvidoria.reports.models import Report, ReportReminder
from ouvidoria.rules import reports as rules

logger = logging.getLogger(__name__)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _final(report: Report) -> Report:
    locked = Report.objects.select_for_update().select_related("entity").get(pk=report.pk)
    if not locked.is_final:
        raise _invalid("status", "O relatório ainda não foi gerado.")
    return locked


@transaction.atomic
def report_sign_off(report: Report, *, actor: AbstractBaseUser) -> Report:
    """The Diretor responsável pela Ouvidoria answers for the semiannual report (seed 001 VIII)."""
    report = _final(report)
    if not rules.report_kind(report.kind).director_signs:
        raise _invalid("kind", "Este relatório não leva a aprovação do Diretor.")
    if report.signed_off_at is not None:
        raise _invalid("status", "O relatório já foi aprovado pelo Diretor.")
    report.signed_off_at, report.signed_off_by = timezone.now(), actor  # type: ignore[assignment]
    report.save(update_fields=["signed_off_at", "signed_off_by"])
    return report


@transaction.atomic
def report_publish(report: Report, *, actor: AbstractBaseUser) -> Report:
    """Publish the semiannual report on the entity's portal (seed 001 "Relatório Semestral"), once signed off; a new
    version of the same semester takes the place of the one published before."""
    report = _final(report)
    spec = rules.report_kind(report.kind)
    if not spec.published:
        raise _invalid("kind", "Este relatório não é publicado no portal.")
    if spec.director_signs and report.signed_off_at is None:
        raise _invalid("status", "Publique depois da aprovação do Diretor responsável pela Ouvidoria.")
    Report.objects.filter(entity=report.entity, kind=report.kind, period_start=report.period_start).exclude(
        pk=report.pk
    ).update(published_at=None, published_by=None)
    report.published_at, report.published_by = timezone.now(), actor  # type: ignore[assignment]
    report.save(update_fields=["published_at", "published_by"])
    return report


@transaction.atomic
def report_mark_sent(report: Report, *, actor: AbstractBaseUser, reference: str = "") -> Report:
    """Record that the report reached its regulator (RN 323 art. 4 §1), with the protocol of the sending."""
    report = _final(report)
    if not rules.report_kind(report.kind).sent_to:
        raise _invalid("kind", "Este relatório não é enviado a um regulador.")
    if report.sent_at is not None:
        raise _invalid("status", "O envio deste relatório já foi registrado.")
    report.sent_at, report.sent_by = timezone.now(), actor  # type: ignore[assignment]
    report.sent_reference = reference.strip()[:100]
    report.save(update_fields=["sent_at", "sent_by", "sent_reference"])
    return report


def published_reports(entity: Entity) -> QuerySet[Report]:
    return Report.objects.filter(entity=entity, status="done", published_at__isnull=False).order_by("-period_start")


def report_reminders_send(*, today: date) -> list[ReportReminder]:
    """Remind the Ouvidor(es) of each report due to a regulator (the ANS yearly report) as its due date nears and
    while its sending is not recorded: 20, 10, 5 and 1 days before, and on the day or late; each level once."""
    given: list[ReportReminder] = []
    for spec in rules.KINDS.values():
        if not spec.sent_to:
            continue
        start, end = rules.report_period(spec, date(today.year - 1, 12, 31))
        due = rules.send_by(spec, end)
        assert due is not None
        level = rules.reminder_level((due - today).days)
        if level is None:
            continue
        for entity in Entity.objects.filter(regime__in=spec.regimes, active=True, is_external=False).order_by("pk"):
            if Report.objects.filter(entity=entity, kind=spec.code, period_start=start, sent_at__isnull=False).exists():
                continue
            if ReportReminder.objects.filter(entity=entity, kind=spec.code, period_start=start, level=level).exists():
                continue
            recipients = ombudsman_addresses(entity)
            if not recipients:
                logger.warning("Report reminder for entity %s: no Ouvidor e-mail to send it to", entity.pk)
                continue
            late = today > due
            when = f"venceu em {due:%d/%m/%Y}" if late else f"vence em {due:%d/%m/%Y}"
            subject = f"{spec.label} de {start.year} — {entity.name}: envio à {spec.sent_to} {when}"
            body = (
                f"O {spec.label.lower()} de {start.year} de {entity.name} ainda não tem o envio à {spec.sent_to} "
                f"registrado, e o prazo {when} ({spec.source}).\n\n"
                "Gere o relatório em Relatórios, no painel, envie-o e registre o envio com o protocolo recebido.\n"
            )
            try:
                with transaction.atomic():
                    reminder = ReportReminder.objects.create(
                        entity=entity, kind=spec.code, period_start=start, level=level, recipients=", ".join(recipients)
                    )
                    for recipient in recipients:
                        email_queue(
                            key=f"report-reminder:{entity.pk}:{spec.code}:{start.isoformat()}:{level}:{recipient}",
                            to=recipient,
                            subject=subject,
                            body=body,
                        )
            except IntegrityError:  # another worker gave it meanwhile
                continue
            given.append(reminder)
    return given
