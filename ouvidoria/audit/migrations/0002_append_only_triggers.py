"""PostgreSQL refuses UPDATE, DELETE and TRUNCATE on the timeline, the reads of personal data and the audit tables,
unless the transaction opened the escape hatch (``ouvidoria.audit.services.audit_maintenance``). SQLite keeps the
model-level guards (``Event.save``/``delete``)."""

from typing import Any

from django.db import migrations

TABLES = [
    "cases_event",
    "accounts_personaldataview",
    "audit_chainrecord",
    "audit_anchor",
    "audit_maintenanceuse",
    "audit_verification",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION ouvidoria_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('ouvidoria.audit_maintenance', true), '') = 'on' THEN
        IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Registro de auditoria: % em % recusado; a tabela só aceita inclusões.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'Apagar ou alterar o histórico só pela manutenção do registro (audit_maintenance).';
END;
$$;
"""


def _create() -> list[str]:
    sql = [FUNCTION]
    for table in TABLES:
        sql += [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ouvidoria_append_only();",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ouvidoria_append_only();",
        ]
    return sql


def _drop() -> list[str]:
    sql = []
    for table in TABLES:
        sql += [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        ]
    return [*sql, "DROP FUNCTION IF EXISTS ouvidoria_append_only();"]


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        # Without parameters, so the function's "%" placeholders reach PL/pgSQL as they are.
        with schema_editor.connection.cursor() as cursor:
            for statement in _create():
                cursor.execute(statement)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in _drop():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_chain"),
        ("cases", "0015_requester_tokens"),
        ("accounts", "0003_director_role"),
    ]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
