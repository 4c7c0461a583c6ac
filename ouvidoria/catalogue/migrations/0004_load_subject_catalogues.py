from django.db import migrations


def load(apps, schema_editor):
    # The regimes' subject catalogues (rules/data/subjects.toml), as 0002 loads the others.
    from ouvidoria.catalogue.services import catalogues_load

    catalogues_load(apps)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_subject_catalogues")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
