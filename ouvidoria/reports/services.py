"""Opening a report, writing its qualitative sections, generating its files in the background, and the purge of
reports past their five years."""

import hashlib
import logging
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ouvidoria.entities.models import Entity
from ouvidoria.reports.models import Report
from ouvidoria.rules import reports as rules
from ouvidoria.rules.errors import RuleViolation

logger = logging.getLogger(__name__)
SECTION_LIMIT = 20_000


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


@transaction.atomic
def report_open(*, entity: Entity, kind: str, reference: date) -> Report:
    """The report of the period that contains ``reference``: the draft in progress, or a new version (the sections
    of the last version copied) when the last one was already generated."""
    try:
        spec = rules.report_kind(kind)
    except RuleViolation as exc:
        raise _invalid(exc.field, exc.message) from exc
    if entity.regime not in spec.regimes:
        raise _invalid("kind", f"{spec.label} não se aplica a {entity.name} (regime {entity.get_regime_display()}).")
    start, end = rules.report_period(spec, reference)
    if start > timezone.localdate():
        raise _invalid("period", "O período ainda não começou.")
    versions = Report.objects.select_for_update().filter(entity=entity, kind=kind, period_start=start)
    latest = versions.order_by("-version").first()
    if latest is not None and not latest.is_final:
        return latest
    number = (versions.aggregate(n=Max("version"))["n"] or 0) + 1
    return Report.objects.create(
        entity=entity,
        kind=kind,
        period_start=start,
        period_end=end,
        version=number,
        sections=dict(latest.sections) if latest is not None else {},
    )


@transaction.atomic
def report_sections_save(report: Report, *, sections: dict[str, str]) -> Report:
    """The Ouvidor's qualitative text, kept with the report."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_final or report.status in {"queued", "running"}:
        raise _invalid(
            "sections", "Este relatório já foi gerado ou está sendo gerado; abra uma nova versão para alterar."
        )
    allowed = dict(rules.report_kind(report.kind).sections)
    cleaned = {}
    for code, text in sections.items():
        if code not in allowed:
            raise _invalid(code, f"Seção desconhecida: {code}.")
        if len(text) > SECTION_LIMIT:
            raise _invalid(code, f"{allowed[code]}: no máximo {SECTION_LIMIT} caracteres.")
        cleaned[code] = text.strip()
    report.sections = cleaned
    report.save(update_fields=["sections", "updated_at"])
    return report


@transaction.atomic
def report_generate(report: Report, *, actor: AbstractBaseUser | None) -> Report:
    """Queue the generation; the files are built in the background (huey) with progress on the report page."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_final:
        raise _invalid("status", "Este relatório já foi gerado.")
    if report.status in {"queued", "running"}:
        return report
    if report.period_end >= timezone.localdate():
        # A generated report is final: made before its base date, it would be final with part of the figures.
        raise _invalid(
            "period", f"O período termina em {report.period_end:%d/%m/%Y}: gere o relatório a partir do dia seguinte."
        )
    spec = rules.report_kind(report.kind)
    missing = [label for code, label in spec.sections if not report.sections.get(code)]
    if missing:
        raise _invalid("sections", f"Escreva antes de gerar: {', '.join(missing)}.")
    report.status, report.progress, report.error = "queued", 0, ""
    report.generated_by = actor  # type: ignore[assignment]
    report.save(update_fields=["status", "progress", "error", "generated_by", "updated_at"])
    from ouvidoria.reports.tasks import report_build_task

    transaction.on_commit(lambda: report_build_task(report.pk))
    return report


def _progress(report: Report, value: int, status: str = "running") -> None:
    Report.objects.filter(pk=report.pk).update(progress=value, status=status)


def report_build(report_id: int) -> Report:
    """Compute, draw and write the files. Runs in the background worker; a failure is recorded, not raised."""
    report = Report.objects.select_related("entity").get(pk=report_id)
    if report.status not in {"queued", "failed"}:
        return report
    _progress(report, 5)
    try:
        from ouvidoria.reports import documents

        pdf, xlsx = documents.build(report, progress=lambda value: _progress(report, value))
    except Exception:  # recorded for the Ouvidor; the worker goes on
        logger.exception("report %s failed", report.pk)
        # The Ouvidor sees a sentence; the exception, with its traceback, is in the log.
        error = "erro inesperado, registrado no log do servidor"
        Report.objects.filter(pk=report.pk).update(status="failed", error=error)
        return Report.objects.get(pk=report.pk)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        stem = f"{report.kind}-{report.entity.slug}-{report.period_start:%Y-%m}-v{report.version}"
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        report.xlsx_sha256 = hashlib.sha256(xlsx).hexdigest()
        report.generated_at = timezone.now()
        report.keep_until = rules.keep_until(timezone.localdate())
        report.status, report.progress = "done", 100
        report.save()
    return report


def reports_purge(*, today: date | None = None) -> int:
    """Delete generated reports (files included) whose five years are over, unless a legal hold keeps them."""
    from ouvidoria.retention.selectors import reports_due

    today = today or timezone.localdate()
    expired = list(reports_due(today))
    for report in expired:
        for field in (report.pdf, report.xlsx):
            if field:
                field.delete(save=False)
        report.delete()
    return len(expired)


def report_sections_for_display(report: Report) -> list[dict[str, Any]]:
    return [
        {"code": code, "label": label, "text": report.sections.get(code, "")}
        for code, label in rules.report_kind(report.kind).sections
    ]
