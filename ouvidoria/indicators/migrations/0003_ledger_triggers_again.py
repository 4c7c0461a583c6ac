"""The ledgers' triggers as ``ledger.install`` now makes them (PostgreSQL), on databases that had those of 0002.

What changed: an UPDATE that changes a case's id is counted; TRUNCATE of the cases empties the ledgers; the trigger
functions keep the search_path they were created with. The ledgers themselves are right as they are.
"""

from typing import Any

from django.db import migrations

from ouvidoria.indicators import ledger


def install(apps: Any, schema_editor: Any) -> None:
    ledger.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_daily_ledgers")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
