from django.db import migrations


def seed(apps, schema_editor):
    from minsheng.catalog.standard import DEFAULT_URGENCY_CLASSES
    from minsheng.catalog.standard import NATIONAL_AREAS

    ServiceArea = apps.get_model("catalog", "ServiceArea")
    Category = apps.get_model("catalog", "Category")
    UrgencyClass = apps.get_model("catalog", "UrgencyClass")
    for i, (code, zh, en, cats) in enumerate(NATIONAL_AREAS, start=1):
        area, _ = ServiceArea.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "national": True, "position": i}
        )
        for j, (ccode, czh, cen) in enumerate(cats, start=1):
            Category.objects.update_or_create(
                code=ccode, defaults={"area": area, "name_zh": czh, "name_en": cen, "position": j}
            )
    for row in DEFAULT_URGENCY_CLASSES:
        UrgencyClass.objects.update_or_create(code=row["code"], defaults={
            k: v for k, v in row.items() if k != "code"
        })


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
