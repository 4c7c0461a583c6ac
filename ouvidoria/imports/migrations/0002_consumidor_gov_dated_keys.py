"""The source keys of the consumidor.gov.br complaints imported so far, in the layout the importer now writes.

A complaint's key was the SHA-256 of its line (64 hex digits); it is now the day it was opened, ``YYYYMMDD``, and
the first 56 of those digits (``consumidor_gov.KEY_HASH_CHARS``), so that importing the same files again still adds
nothing. The day is the case's ``received_on``: the importer sets it to the line's "Data Abertura".

Only the complaints ``import_consumidor_gov`` wrote are converted: its registration event says
``"source": "consumidor-gov"``; ``import_cases`` keys its rows otherwise (a keyed hash) and is left alone.

Not reversible: the eight hex digits dropped are gone, and the previous importer would take the converted
complaints for new ones.
"""

from typing import Any

from django.db import migrations
from django.db.models import Exists, OuterRef

_INSTANCE = "consumidor-gov"
_HASH_CHARS = 56
_CHUNK = 2000


def dated_keys(apps: Any, schema_editor: Any) -> None:
    Manifestation = apps.get_model("cases", "Manifestation")
    Event = apps.get_model("cases", "Event")
    by_importer = Event.objects.filter(
        manifestation=OuterRef("pk"), kind="registration", params__source=_INSTANCE
    )
    rows = (
        Manifestation.objects.filter(instance_id=_INSTANCE, imported=True)
        .exclude(source_key="")
        .filter(Exists(by_importer))
        .values_list("pk", "received_on", "source_key")
        .order_by("pk")
    )
    table = schema_editor.quote_name(Manifestation._meta.db_table)
    sql = f"UPDATE {table} SET source_key = %s WHERE id = %s"  # noqa: S608 - the table's name from the model
    last = 0
    with schema_editor.connection.cursor() as cursor:
        # A chunk at a time, read before it is written: a query still being read must not see its table change.
        while chunk := list(rows.filter(pk__gt=last)[:_CHUNK]):
            cursor.executemany(sql, [(day.strftime("%Y%m%d") + key[:_HASH_CHARS], pk) for pk, day, key in chunk])
            last = chunk[-1][0]

class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_fewer_write_indexes"),
        ("imports", "0001_import_jobs"),
    ]

    operations = [migrations.RunPython(dated_keys, elidable=False)]
