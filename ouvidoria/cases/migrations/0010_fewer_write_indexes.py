"""Drop the indexes of six foreign keys that no query needs, without rebuilding the tables.

``db_index=False`` on ``Manifestation.entity`` (the composite indexes start with it), ``instance``, ``medium``,
``record_type``, ``policy`` (a handful of values each, rows never deleted) and ``Event.manifestation`` (covered by
``event_case_kind``). Django's own AlterField would drop and re-validate each foreign key on PostgreSQL and copy
both tables on SQLite, six times over; only the indexes change, so only they are dropped here (on PostgreSQL also
the ``_like`` index Django adds beside a text key). Each index was an insert per registration and imported row.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, column) of the indexes that go.
DROPPED = (
    ("cases_event", "manifestation_id"),
    ("cases_manifestation", "entity_id"),
    ("cases_manifestation", "instance_id"),
    ("cases_manifestation", "medium_id"),
    ("cases_manifestation", "policy_id"),
    ("cases_manifestation", "record_type_id"),
)


def _single_column_indexes(schema_editor, table, column):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and not info["primary_key"] and info["columns"] == [column]
    ]


def drop(apps, schema_editor):
    for table, column in DROPPED:
        for name in _single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def create(apps, schema_editor):
    for table, column in DROPPED:
        model = apps.get_model("cases", "Event" if table == "cases_event" else "Manifestation")
        field = model._meta.get_field(column.removesuffix("_id"))
        field.db_index = True  # as before this migration
        if not _single_column_indexes(schema_editor, table, column):
            for sql in schema_editor._field_indexes_sql(model, field):
                schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_queue_unassigned_index"),
        ("catalogue", "0002_load_catalogues"),
        ("entities", "0002_portal_contacts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="manifestation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="cases.manifestation",
                    ),
                ),
                migrations.AlterField(
                    model_name="manifestation",
                    name="entity",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="entities.entity",
                        verbose_name="entidade",
                    ),
                ),
                migrations.AlterField(
                    model_name="manifestation",
                    name="instance",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.instance",
                        verbose_name="instância",
                    ),
                ),
                migrations.AlterField(
                    model_name="manifestation",
                    name="medium",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.medium",
                        verbose_name="meio",
                    ),
                ),
                migrations.AlterField(
                    model_name="manifestation",
                    name="policy",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.deadlinepolicy",
                        verbose_name="política de prazo",
                    ),
                ),
                migrations.AlterField(
                    model_name="manifestation",
                    name="record_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="catalogue.recordtype",
                        verbose_name="tipo",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
