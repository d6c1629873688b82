"""A dispatcher or county administrator always has a region (issue 7).

One without a region was read as the whole county. Existing ones are given the county (the
root of the region tree) when there is exactly one; where there is none, nobody can have
worked in a region yet and the role falls back to resident.
"""

from django.db import migrations, models

DISPATCH_ROLES = ["dispatcher", "county_admin"]


def give_regions(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    Region = apps.get_model("regions", "Region")
    stray = Profile.objects.filter(role__in=DISPATCH_ROLES, region__isnull=True)
    counties = list(Region.objects.filter(level="county").values_list("pk", flat=True)[:2])
    if len(counties) == 1:
        stray.update(region_id=counties[0])
    else:
        stray.update(role="resident")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(give_regions, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="profile",
            constraint=models.CheckConstraint(
                condition=~models.Q(role__in=["dispatcher", "county_admin"])
                | models.Q(region__isnull=False),
                name="profile_dispatcher_has_region",
                violation_error_message="Dispatchers and county administrators work in a "
                "region: choose one (the county for the whole county).",
            ),
        ),
    ]
