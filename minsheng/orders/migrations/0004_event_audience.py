"""Every event gets an audience: who may read its note.

Existing history is given the audience the services now write, and where a row cannot
tell, the narrowest: a staff member's free-text note was shown word for word to residents
and, on Open311 orders, to the public (issue 7), so it becomes staff-only.

- the order and imported history: everyone;
- what was said to or by the resident (a rejection reason, a cancellation, a rating or
  reopening, a resident's own comment): the resident and staff;
- a client application's or an imported source's update on an Open311 or imported order:
  everyone, as it was published;
- every other note (approval, dispatch, delivery notes, declines, time-outs, escalations,
  staff comments): staff only.
"""

from django.db import migrations, models
from django.db.models import F, Q

PUBLIC = "public"
RESIDENT = "resident"
STAFF = "staff"


def set_audiences(apps, schema_editor):
    # The historical model's plain manager: the append-only queryset is not used here.
    OrderEvent = apps.get_model("orders", "OrderEvent")
    events = OrderEvent.objects.all()
    events.update(audience=STAFF)
    events.filter(action__in=["submit", "import"]).update(audience=PUBLIC)
    events.filter(action__in=["reject", "cancel", "rate", "reopen"]).update(audience=RESIDENT)
    events.filter(action="comment", actor__isnull=False, actor_id=F("order__resident_id")).update(
        audience=RESIDENT
    )
    events.filter(
        Q(action="comment", actor__isnull=True, order__channel__in=["open311", "import"])
    ).update(audience=PUBLIC)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_alter_order_channel_alter_orderevent_action"),
    ]

    operations = [
        migrations.AddField(
            model_name="orderevent",
            name="audience",
            field=models.CharField(
                choices=[
                    ("public", "Everyone (public)"),
                    ("resident", "The resident and staff"),
                    ("staff", "Staff only"),
                ],
                default="staff",
                max_length=8,
                verbose_name="who may read it",
            ),
        ),
        migrations.RunPython(set_audiences, migrations.RunPython.noop),
    ]
