from django.db import migrations


def load(apps, schema_editor):
    # The shipped catalogues are part of the schema's meaning: a fresh database has them at once.
    from ouvidoria.catalogue.services import catalogues_load

    catalogues_load(apps, regime_subjects=False)  # the subject catalogues come with 0004


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
