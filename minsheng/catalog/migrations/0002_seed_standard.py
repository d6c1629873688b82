from django.db import migrations


def seed(apps, schema_editor):
    from minsheng.catalog.standard import seed_standard

    seed_standard(
        apps.get_model("catalog", "ServiceArea"),
        apps.get_model("catalog", "Category"),
        apps.get_model("catalog", "UrgencyClass"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
