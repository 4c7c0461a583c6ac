from django.db import migrations


def load(apps, schema_editor):
    from ouvidoria.notify.library import reply_library_load

    reply_library_load(apps)


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial"), ("catalogue", "0002_load_catalogues")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
