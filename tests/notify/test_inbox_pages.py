"""The inbox (/me/inbox/), the unread count in the header, and the preferences page."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from minsheng.notify.models import Message, Preference
from minsheng.notify.selectors import Preferences, preference_of
from tests.web.conftest import logged_in

TZ = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 5, 4, 9, 0, tzinfo=TZ)


def message(user, n, *, read=False, link="/me/"):
    return Message.objects.create(
        recipient=user,
        key=f"k{n}",
        template="order_approved",
        params={"number": f"N-{n}", "title": "Meals"},
        link=link,
        read_at=T if read else None,
        created_at=T + timedelta(minutes=n),
    )


def headings(html: str) -> list[str]:
    return re.findall(
        r"<h2>(?:<span class=\"flag\">Unread</span> )?(Order N-\d+ approved)</h2>", html
    )


@pytest.mark.django_db
def test_inbox_lists_newest_first_and_marks_unread(phones):
    message(phones.resident, 1, read=True)
    message(phones.resident, 2)
    message(phones.resident2, 3)
    html = logged_in(phones.resident).get("/me/inbox/").content.decode()
    assert headings(html) == ["Order N-2 approved", "Order N-1 approved"]
    assert html.count('<span class="flag">Unread</span>') == 1
    assert "Your order N-2 (Meals) has been approved." in html
    # The header's count: one unread.
    assert '<span class="badge">1 unread</span>' in html


@pytest.mark.django_db
def test_the_inbox_reads_in_the_readers_language(phones):
    message(phones.resident, 1)
    html = logged_in(phones.resident, language="zh-hans").get("/me/inbox/").content.decode()
    assert "订单 N-1 已通过审核" in html
    assert '<span class="badge">1 条未读</span>' in html


@pytest.mark.django_db
def test_mark_read_and_mark_all_read(phones):
    first, second, third = (message(phones.resident, n) for n in (1, 2, 3))
    client = logged_in(phones.resident)
    assert client.post(f"/me/inbox/{first.pk}/read/").status_code == 302
    assert list(
        Message.objects.filter(read_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    ) == [second.pk, third.pk]
    response = client.post("/me/inbox/read-all/", follow=True)
    assert "2 messages marked as read." in response.content.decode()
    assert Message.objects.filter(read_at__isnull=True).count() == 0
    assert 'class="badge"' not in response.content.decode()


@pytest.mark.django_db
def test_opening_a_message_marks_it_read_and_follows_its_link(phones):
    m = message(phones.resident, 1, link="/me/orders/7/")
    response = logged_in(phones.resident).post(f"/me/inbox/{m.pk}/open/")
    assert (response.status_code, response["Location"]) == (302, "/me/orders/7/")
    m.refresh_from_db()
    assert m.read_at is not None


@pytest.mark.django_db
def test_marking_is_post_only(phones):
    m = message(phones.resident, 1)
    assert logged_in(phones.resident).get(f"/me/inbox/{m.pk}/read/").status_code == 405
    m.refresh_from_db()
    assert m.read_at is None


@pytest.mark.django_db
def test_preferences_page_shows_the_defaults(phones):
    html = logged_in(phones.resident).get("/me/notifications/").content.decode()
    assert 'id="pref-sms" name="sms" value="yes" checked' in html
    assert 'id="pref-email" name="email" value="yes">' in html
    assert "(13812345678)" in html


@pytest.mark.django_db
def test_preferences_are_saved(phones):
    response = logged_in(phones.resident).post(
        "/me/notifications/", {"sms": "yes", "quiet_start": "22:00", "quiet_end": "07:00"}
    )
    assert (response.status_code, response["Location"]) == (302, "/me/notifications/")
    assert preference_of(phones.resident) == Preferences(
        sms=True, email=False, quiet_start=time(22, 0), quiet_end=time(7, 0)
    )
    # Unticking SMS turns it off; leaving the times empty removes the quiet hours.
    logged_in(phones.resident).post("/me/notifications/", {"quiet_start": "", "quiet_end": ""})
    assert preference_of(phones.resident) == Preferences(sms=False, email=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message_text"),
    [
        (
            {"quiet_start": "22:00"},
            "Give both the start and the end of your quiet hours, or neither.",
        ),
        (
            {"quiet_start": "25:00", "quiet_end": "07:00"},
            "Enter a time of day as hours and minutes, such as 22:00.",
        ),
        (
            {"quiet_start": "08:00", "quiet_end": "08:00"},
            "Quiet hours must end at another time than they start.",
        ),
        ({"email": "yes"}, "E-mail needs an address on your account: add one first."),
        ({"sms": "maybe"}, "Answer yes or no."),
    ],
)
def test_bad_preferences_are_refused_with_a_specific_message(phones, data, message_text):
    response = logged_in(phones.resident).post("/me/notifications/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message_text in html
    assert 'aria-invalid="true"' in html
    assert Preference.objects.count() == 0


@pytest.mark.django_db
def test_sms_needs_a_mobile(world):
    response = logged_in(world.resident).post("/me/notifications/", {"sms": "yes"})
    assert response.status_code == 400
    assert "SMS needs a mobile number on your profile: add one first." in response.content.decode()
    assert Preference.objects.count() == 0
