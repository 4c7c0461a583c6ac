"""The redactions of sealed rows (an authorised anonymisation), append-only like the other chain tables: the same
trigger function as 0002 refuses UPDATE, DELETE and TRUNCATE on PostgreSQL outside ``audit_maintenance``."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


TABLE = "audit_redaction"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION ouvidoria_append_only();"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ouvidoria_append_only();"
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.AlterField(
            model_name='chainrecord',
            name='source',
            field=models.CharField(choices=[('event', 'Linha do tempo'), ('read', 'Acesso a dados pessoais'), ('maintenance', 'Manutenção do registro'), ('redaction', 'Anonimização de registro')], max_length=12, verbose_name='origem'),
        ),
        migrations.CreateModel(
            name='Redaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=12, verbose_name='origem')),
                ('source_id', models.BigIntegerField(verbose_name='id na origem')),
                ('digest', models.CharField(max_length=64, verbose_name='novo resumo do conteúdo')),
                ('created_at', models.DateTimeField(verbose_name='em')),
                ('maintenance', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='redactions', to='audit.maintenanceuse', verbose_name='manutenção')),
            ],
            options={
                'verbose_name': 'anonimização de registro selado',
                'verbose_name_plural': 'anonimizações de registros selados',
                'indexes': [models.Index(fields=['source', 'source_id', 'id'], name='redaction_row')],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
