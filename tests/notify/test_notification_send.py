"""notification_send: the inbox, SMS and e-mail after the commit, once per key, retried on a
gateway failure, deferred in quiet hours, as each person chose."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation

from minsheng.notify import selectors, services
from minsheng.notify.models import Delivery, DeliveryStatus, Message, Preference
from minsheng.notify.selectors import Preferences
from minsheng.notify.sms import read_outbox
from tests.notify import gateways
from tests.notify.conftest import RESIDENT_MOBILE

TZ = ZoneInfo("Asia/Shanghai")
PARAMS = {"number": "20260504-000001", "title": "助餐送餐"}


def send(user, *, key="order-event:1", now=None, **kw):
    return services.notification_send(
        recipient=user,
        key=key,
        template="order_approved",
        params=PARAMS,
        link="/me/orders/1/",
        now=now,
        **kw,
    )


@pytest.mark.django_db
def test_resident_gets_inbox_message_and_sms_after_commit(
    phones, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = send(phones.resident)
        # Nothing is sent inside the transaction: the SMS waits for the commit.
        assert read_outbox() == []
    assert len(callbacks) == 1
    message = Message.objects.get()
    assert (message.recipient, message.template, message.params, message.link) == (
        phones.resident,
        "order_approved",
        PARAMS,
        "/me/orders/1/",
    )
    assert message.read_at is None
    [sms] = read_outbox()
    assert sms["phone"] == RESIDENT_MOBILE
    assert sms["template"] == "order_approved"
    assert sms["text"] == "【民生】您的订单 20260504-000001（助餐送餐）已通过审核。"
    delivery = Delivery.objects.get()
    assert [d.pk for d in sent.deliveries] == [delivery.pk]
    assert (delivery.channel, delivery.address, delivery.status, delivery.attempts) == (
        "sms",
        RESIDENT_MOBILE,
        DeliveryStatus.SENT,
        1,
    )
    assert delivery.provider_message_id == sms["id"]
    assert delivery.sent_at is not None


@pytest.mark.django_db
def test_the_same_key_twice_sends_once(phones, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = send(phones.resident)
        second = send(phones.resident)
    assert len(first.deliveries) == 1
    assert second.deliveries == []
    assert second.message is None
    assert Message.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert len(read_outbox()) == 1
    # A task run again for a sent delivery sends nothing more.
    assert services.delivery_attempt(delivery_id=first.deliveries[0].pk).status == "skipped"
    assert len(read_outbox()) == 1


@pytest.mark.django_db
def test_staff_get_the_inbox_only_by_default(phones, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send(phones.dispatcher_a)
    assert Message.objects.filter(recipient=phones.dispatcher_a).count() == 1
    assert Delivery.objects.count() == 0
    assert read_outbox() == []


@pytest.mark.django_db
def test_default_preferences(phones):
    assert selectors.preference_of(phones.resident) == Preferences(sms=True, email=False)
    assert selectors.preference_of(phones.grid_worker) == Preferences(sms=False, email=False)
    phones.dispatcher_a.email = "disp@example.cn"
    assert selectors.preference_of(phones.dispatcher_a) == Preferences(sms=False, email=True)


@pytest.mark.django_db
def test_email_goes_through_django_mail(phones, django_capture_on_commit_callbacks):
    phones.resident.email = "wang@example.cn"
    phones.resident.save(update_fields=["email"])
    # Queued from an English page (a dispatcher's), sent in the site's language.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        send(phones.resident)
    assert sorted(Delivery.objects.values_list("channel", "status")) == [
        ("email", "sent"),
        ("sms", "sent"),
    ]
    [email] = mail.outbox
    assert email.to == ["wang@example.cn"]
    assert email.subject == "订单 20260504-000001 已通过审核"
    assert email.body == (
        "您的订单 20260504-000001（助餐送餐）已通过审核。\n\nhttp://127.0.0.1:8000/me/orders/1/"
    )


@pytest.mark.django_db
def test_a_failed_sms_is_retried_and_sent_once(
    phones, settings, django_capture_on_commit_callbacks
):
    settings.MINSHENG_SMS_BACKEND = "tests.notify.gateways.FailingOnceGateway"
    with django_capture_on_commit_callbacks(execute=True):
        send(phones.resident)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SENT,
        2,
        "",
    )
    assert gateways.calls(RESIDENT_MOBILE) == 2
    assert len(read_outbox()) == 1


@pytest.mark.django_db
def test_retries_are_bounded(phones, settings, django_capture_on_commit_callbacks):
    settings.MINSHENG_SMS_BACKEND = "tests.notify.gateways.AlwaysFailingGateway"
    settings.MINSHENG_NOTIFY_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        send(phones.resident)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.FAILED,
        3,
        "SmsError: gateway down",
    )
    assert gateways.calls(RESIDENT_MOBILE) == 3
    # Failed for good: nothing tries it again.
    assert services.delivery_attempt(delivery_id=delivery.pk).status == "skipped"
    assert gateways.calls(RESIDENT_MOBILE) == 3


def test_retry_delay_doubles_up_to_an_hour(settings):
    settings.MINSHENG_NOTIFY_RETRY_SECONDS = 30.0
    assert [services.retry_delay(n) for n in (1, 2, 3, 4, 10)] == [
        30.0,
        60.0,
        120.0,
        240.0,
        3600.0,
    ]


@pytest.mark.django_db
def test_quiet_hours_defer_sms_but_not_the_inbox(phones, django_capture_on_commit_callbacks):
    Preference.objects.create(
        user=phones.resident,
        sms=True,
        email=False,
        quiet_start=time(22, 0),
        quiet_end=time(7, 0),
        updated_at=datetime(2026, 5, 1, tzinfo=TZ),
    )
    late = datetime(2026, 5, 4, 23, 30, tzinfo=TZ)
    with django_capture_on_commit_callbacks(execute=True):
        send(phones.resident, now=late)
    assert Message.objects.filter(recipient=phones.resident).count() == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DEFERRED
    assert delivery.not_before == datetime(2026, 5, 5, 7, 0, tzinfo=TZ)
    assert read_outbox() == []
    # Before the quiet hours end nothing goes; after, it does.
    before = datetime(2026, 5, 5, 6, 59, tzinfo=TZ)
    assert services.delivery_attempt(delivery_id=delivery.pk, now=before).status == "skipped"
    assert list(selectors.due_deliveries(before)) == []
    after = datetime(2026, 5, 5, 7, 0, tzinfo=TZ)
    assert list(selectors.due_deliveries(after)) == [delivery]
    assert services.delivery_attempt(delivery_id=delivery.pk, now=after).status == "sent"
    assert [m["template"] for m in read_outbox()] == ["order_approved"]


@pytest.mark.parametrize(
    ("start", "end", "local", "until"),
    [
        ((22, 0), (7, 0), (23, 30), (5, 5, 7, 0)),
        ((22, 0), (7, 0), (6, 0), (5, 4, 7, 0)),
        ((22, 0), (7, 0), (7, 0), None),
        ((22, 0), (7, 0), (12, 0), None),
        ((12, 0), (14, 0), (12, 0), (5, 4, 14, 0)),
        ((12, 0), (14, 0), (14, 0), None),
    ],
)
def test_quiet_until(start, end, local, until):
    prefs = Preferences(sms=True, email=False, quiet_start=time(*start), quiet_end=time(*end))
    now = datetime(2026, 5, 4, *local, tzinfo=TZ)
    expected = datetime(2026, *until, tzinfo=TZ) if until else None
    assert prefs.quiet_until(now) == expected


@pytest.mark.django_db
def test_a_gateway_failure_rolls_back_nothing_of_the_callers(
    phones, settings, django_capture_on_commit_callbacks
):
    """The caller's transaction is committed before any SMS is tried: a failing gateway
    leaves the inbox message and the delivery's record, and raises nothing at the caller."""
    settings.MINSHENG_SMS_BACKEND = "tests.notify.gateways.AlwaysFailingGateway"
    settings.MINSHENG_NOTIFY_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        send(phones.resident)
    assert Message.objects.count() == 1
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    assert read_outbox() == []


@pytest.mark.django_db
def test_unknown_template_is_refused_and_nothing_is_written(phones):
    with pytest.raises(ValueError, match="unknown notification template 'nope'"):
        services.notification_send(recipient=phones.resident, key="k", template="nope", params={})
    assert Message.objects.count() == 0
    assert Delivery.objects.count() == 0


@pytest.mark.django_db
def test_send_due_command_sends_what_quiet_hours_held_back(
    phones, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    Preference.objects.create(
        user=phones.resident,
        sms=True,
        email=False,
        quiet_start=time(0, 0),
        quiet_end=time(0, 1),
        updated_at=datetime(2026, 5, 1, tzinfo=TZ),
    )
    # Quiet at 00:00 on a day long past: due now.
    with django_capture_on_commit_callbacks(execute=True):
        send(phones.resident, now=datetime(2026, 1, 1, 0, 0, tzinfo=TZ))
    assert read_outbox() == []
    out = StringIO()
    call_command("send_due", stdout=out)
    assert out.getvalue() == "queued=1\n"
    assert [m["template"] for m in read_outbox()] == ["order_approved"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT
