"""Periodic work of the facilities app (issue 10): each part adds its tasks here."""


# --- activities (issue 10, item 8) -------------------------------------------------------------

from celery import shared_task

# Imported here so a worker delivering the SMS knows the activity templates it registers.
from minsheng.facilities.services import activities as activity_services


@shared_task(name="minsheng.facilities.tasks.notify_activity", ignore_result=False)
def notify_activity(activity_id: int, template: str, recipients: list[int]) -> int:
    """Tell ``recipients`` (user ids) of an activity: announced to its village, or cancelled
    to those signed up. One task per announcement, run after the commit; idempotent."""
    return activity_services.activity_notify(
        activity_id=activity_id, template=template, recipients=recipients
    )
