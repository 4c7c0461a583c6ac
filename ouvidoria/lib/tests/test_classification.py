"""Every field of every model of ouvidoria/ is classified (rules/classification.FIELDS), and nothing else is: a new
field cannot land unclassified, and the failure says which line to add where."""

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from ouvidoria.accounts.exports import export_plan
from ouvidoria.audit.views import CHAIN_COLUMNS, COLUMNS
from ouvidoria.indicators.views import EXPORT_COLUMNS
from ouvidoria.rules import classification
from ouvidoria.rules.roles import FULL_ACCESS
from ouvidoria.workspace.views import QUEUE_EXPORT_COLUMNS

TABLE = "ouvidoria/rules/classification.py"


def _our_fields() -> dict[str, models.Field[Any, Any]]:
    found = {}
    for model in apps.get_models():
        if not model.__module__.startswith("ouvidoria."):
            continue
        for field in [*model._meta.concrete_fields, *model._meta.local_many_to_many]:
            found[f"{model._meta.label}.{field.name}"] = field
    return found


def _suggested(field: models.Field[Any, Any]) -> str:
    """The likeliest classification of ``field``, as the line's value (the developer confirms it)."""
    if field.is_relation and field.related_model is get_user_model():
        return "_STAFF_USER,"
    if isinstance(field, models.AutoField):
        return "_ID,"
    if isinstance(field, models.DateField):  # DateTimeField too
        return "_WHEN,"
    return 'internal("…"),  # or public(), personal(REQUESTER | STAFF | CONTACT, "…"), sensitive(REQUESTER, "…")'


def _after(key: str) -> str:
    """Where the line goes: after the last entry of the same model, or else of the same app."""
    model, app = key.rpartition(".")[0], key.partition(".")[0]
    same_model = [k for k in classification.FIELDS if k.rpartition(".")[0] == model]
    same_app = [k for k in classification.FIELDS if k.partition(".")[0] == app]
    if same_model:
        return f'after "{same_model[-1]}"'
    if same_app:
        return f'after "{same_app[-1]}"'
    return f'at the end, under a new comment "# {app}: …"'


def missing_lines(fields: dict[str, models.Field[Any, Any]]) -> list[str]:
    lines = []
    for key, field in fields.items():
        if key not in classification.FIELDS:
            lines.append(f'    "{key}": {_suggested(field)}\n        ({_after(key)})')
    return lines


def test_every_field_of_every_model_is_classified():
    lines = missing_lines(_our_fields())
    assert not lines, (
        f"Campos sem classificação. Add each line below to FIELDS in {TABLE} (docs/security.md, "
        '"Classificação da informação"), choosing its level:\n' + "\n".join(lines)
    )


def test_every_entry_of_the_table_is_a_field_that_exists():
    stale = sorted(set(classification.FIELDS) - set(_our_fields()))
    lines = "\n".join(f'    "{key}": …' for key in stale)
    assert not stale, f"Entries of FIELDS in {TABLE} for fields that no longer exist; remove these lines:\n{lines}"


def test_the_external_entries_exist():
    for key in classification.EXTERNAL_FIELDS:
        app_model, _, name = key.rpartition(".")
        apps.get_model(app_model)._meta.get_field(name)


def test_the_failure_names_the_line_to_add_and_where():
    """What a developer reads after adding a date to Manifestation and a new app's text field."""
    extra = models.DateTimeField(name="reviewed_at")
    text = models.TextField(name="note")
    lines = missing_lines({"cases.Manifestation.reviewed_at": extra, "seal.Service.note": text})
    assert lines[0].startswith('    "cases.Manifestation.reviewed_at": _WHEN,\n        (after "cases.Manifestation.')
    assert lines[1].startswith('    "seal.Service.note": internal("…"),  # or public(), personal(')
    assert lines[1].endswith('(at the end, under a new comment "# seal: …")')


def test_each_export_is_classified_as_its_highest_column():
    """The FILES entries of the exports say what the exports write (for the role that reads every column)."""
    for kind, columns in [
        ("export.queue", QUEUE_EXPORT_COLUMNS),
        ("export.audit_reads", COLUMNS),
        ("export.audit_chain", CHAIN_COLUMNS),
        ("export.indicators", EXPORT_COLUMNS),
    ]:
        assert export_plan(FULL_ACCESS, columns).level == classification.level_of(kind), kind


def test_every_kind_of_attachment_is_a_classified_kind_of_file():
    from ouvidoria.cases.models import Attachment

    for kind, _ in Attachment.KIND_CHOICES:
        assert f"attachment.{kind}" in classification.FILES, f'add "attachment.{kind}" to FILES in {TABLE}'
