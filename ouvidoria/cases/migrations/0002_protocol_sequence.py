from django.db import migrations

SEQUENCE = "cases_protocol_serial"


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} START 1")
    else:
        apps.get_model("cases", "ProtocolCounter").objects.get_or_create(pk=1, defaults={"value": 0})


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create_sequence, drop_sequence)]
