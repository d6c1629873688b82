"""Activities (issue 10, item 8): why an activity was called off, and the activity kinds as
reference data a county edits in the admin (the common ones and kinds fitted to rural
customs). Reversing removes only the kinds this migration wrote and nobody used."""

from django.db import migrations, models

# (code, field, Chinese, English)
KINDS = [
    ("opera", "culture", "戏曲进村", "Opera in the village"),
    ("film-night", "culture", "电影放映", "Film night"),
    ("square-dance", "sports", "广场舞", "Square dance"),
    ("reading-club", "education", "读书会", "Reading club"),
    ("health-talk", "health", "健康讲座", "Health talk"),
    ("farming-class", "education", "农技培训", "Farming class"),
    ("village-basketball", "sports", "村BA篮球赛", "Village basketball (Cun BA)"),
    ("folk-song", "culture", "山歌会", "Folk-song gathering"),
    ("tea-festival", "culture", "采茶节", "Tea-picking festival"),
    ("dragon-boat", "sports", "龙舟赛", "Dragon-boat race"),
    ("intangible-crafts", "culture", "非遗手工", "Intangible-heritage crafts"),
    ("spring-couplets", "culture", "书法春联", "Calligraphy: spring couplets"),
    ("free-clinic", "health", "义诊", "Free clinic day"),
    ("e-commerce-class", "education", "电商培训", "E-commerce class"),
]


def add_kinds(apps, schema_editor):
    ActivityKind = apps.get_model("facilities", "ActivityKind")
    for code, field, zh, en in KINDS:
        ActivityKind.objects.get_or_create(
            code=code, defaults={"field": field, "name_zh": zh, "name_en": en}
        )


def remove_kinds(apps, schema_editor):
    ActivityKind = apps.get_model("facilities", "ActivityKind")
    Activity = apps.get_model("facilities", "Activity")
    used = set(Activity.objects.values_list("kind__code", flat=True))
    ActivityKind.objects.filter(code__in=[k[0] for k in KINDS]).exclude(code__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="cancelled at"),
        ),
        migrations.AddField(
            model_name="activity",
            name="cancel_reason",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="reason for cancelling"
            ),
        ),
        migrations.RunPython(add_kinds, remove_kinds),
    ]
