"""API keys: the ``open311_key`` command, the admin (key shown once, revoke action, request
counts), each request remembering its key and channel, and per-key / per-address rate
limits answered with a 429 in the spec's error format."""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext, ngettext

from minsheng.core.errors import DomainError
from minsheng.open311 import limits
from minsheng.open311.models import ApiKey, ServiceRequest
from minsheng.open311.services import api_key_create, api_key_revoke
from minsheng.orders.models import Channel
from tests.factories import UserFactory
from tests.open311.conftest import BASE, counts, create_request, errors_json, errors_xml


def run(*args: str) -> str:
    out = StringIO()
    call_command("open311_key", *args, stdout=out)
    return out.getvalue()


# --- the command ------------------------------------------------------------------------------


def test_create_prints_the_key_once_and_stores_only_its_digest(db):
    out = run("create", "--name", "FixMyStreet", "--contact", "ops@example.org", "--rate", "30")
    key = ApiKey.objects.get()
    raw = out.splitlines()[-1]
    assert re.fullmatch(r"[0-9a-f]{40}", raw)
    assert out.splitlines() == [
        f"Created key {key.pk} 'FixMyStreet' (prefix {raw[:8]}).",
        "The key (shown only this once):",
        raw,
    ]
    assert (key.name, key.contact, key.rate_limit, key.prefix) == (
        "FixMyStreet",
        "ops@example.org",
        30,
        raw[:8],
    )
    assert key.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {key.name, key.contact, key.prefix, key.digest}
    assert key.revoked_at is None


def test_create_refuses_a_blank_name_and_a_zero_rate(db):
    with pytest.raises(CommandError, match=re.escape(f"name: {gettext('Give the key a name.')}")):
        run("create", "--name", "  ")
    with pytest.raises(CommandError, match="rate_limit"):
        run("create", "--name", "x", "--rate", "0")
    assert ApiKey.objects.count() == 0


def test_revoke_by_prefix_or_id(db):
    first, _raw = api_key_create(name="one")
    second, _raw2 = api_key_create(name="two")
    assert run("revoke", first.prefix) == f"Revoked key {first.pk} 'one' (prefix {first.prefix}).\n"
    assert run("revoke", str(second.pk)).startswith(f"Revoked key {second.pk} 'two'")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is not None
    revoked_at = first.revoked_at
    run("revoke", first.prefix)  # again: the first revocation time stays
    first.refresh_from_db()
    assert first.revoked_at == revoked_at


def test_revoke_unknown_key_fails_and_changes_nothing(db):
    key, _raw = api_key_create(name="one")
    with pytest.raises(CommandError, match="No key has the prefix or id 'zzzz'"):
        run("revoke", "zzzz")
    key.refresh_from_db()
    assert key.revoked_at is None


def test_list_shows_state_rate_and_request_count(world):
    key, _raw = api_key_create(name="app", rate_limit=5)
    other, _raw2 = api_key_create(name="old")
    api_key_revoke(key_id=other.pk)
    create_request(key)
    lines = run("list").splitlines()
    assert lines[0] == f"{key.pk}\t{key.prefix}\tapp\tactive\trate 5/min\t1 requests"
    assert lines[1].startswith(f"{other.pk}\t{other.prefix}\told\trevoked ")
    assert lines[1].endswith("\trate default/min\t0 requests")


def test_service_refuses_revoking_a_missing_key(db):
    with pytest.raises(DomainError) as raised:
        api_key_revoke(key_id=12345)
    assert raised.value.codes == ["key_not_found"]


# --- each request remembers its key and channel -----------------------------------------------


def test_posted_request_remembers_key_and_channel(client, world):
    key, raw = api_key_create(name="app")
    response = client.post(
        f"{BASE}/requests.json",
        {"api_key": raw, "service_code": "meal-delivery", "address_id": "V1"},
    )
    assert response.status_code == 201
    extra = ServiceRequest.objects.select_related("order").get()
    assert extra.api_key == key
    assert extra.order.channel == Channel.OPEN311


# --- the admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_admin_add_shows_the_raw_key_once(admin_client):
    response = admin_client.post(
        "/admin/open311/apikey/add/",
        {"name": "Mobile app", "contact": "dev@example.org", "rate_limit": "60"},
        follow=True,
    )
    assert response.status_code == 200
    key = ApiKey.objects.get()
    messages = [str(m) for m in response.context["messages"]]
    shown = [m for m in messages if "%(key)s" not in m and re.search(r"[0-9a-f]{40}", m)]
    expected = gettext("The new API key is %(key)s — copy it now: it is not shown again.")
    assert len(shown) == 1
    assert shown[0] == expected % {"key": re.search(r"[0-9a-f]{40}", shown[0]).group(0)}
    assert len(shown) == 1
    raw = re.search(r"[0-9a-f]{40}", shown[0]).group(0)
    assert key.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert (key.name, key.contact, key.rate_limit, key.prefix) == (
        "Mobile app",
        "dev@example.org",
        60,
        raw[:8],
    )
    # Never again: not on the change page, not in the list.
    assert raw not in admin_client.get(f"/admin/open311/apikey/{key.pk}/change/").content.decode()
    assert raw not in admin_client.get("/admin/open311/apikey/").content.decode()


def test_admin_list_shows_prefix_and_request_count(admin_client, world):
    key, _raw = api_key_create(name="Counted")
    create_request(key)
    create_request(key)
    page = admin_client.get("/admin/open311/apikey/").content.decode()
    assert key.prefix in page
    assert re.search(r'<td class="field-request_count">2</td>', page)


def test_admin_revoke_action(admin_client, db):
    keep, _ = api_key_create(name="keep")
    drop, _ = api_key_create(name="drop")
    response = admin_client.post(
        "/admin/open311/apikey/",
        {"action": "revoke", "_selected_action": [str(drop.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    drop.refresh_from_db()
    keep.refresh_from_db()
    assert drop.revoked_at is not None and keep.revoked_at is None
    revoked = ngettext("%(n)d key revoked.", "%(n)d keys revoked.", 1) % {"n": 1}
    assert revoked in [str(m) for m in response.context["messages"]]


def test_admin_cannot_delete_keys_and_open311_rows_are_read_only(admin_client, world):
    key, _raw = api_key_create(name="x")
    extra = create_request(key)
    assert admin_client.get(f"/admin/open311/apikey/{key.pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/open311/servicerequest/{extra.pk}/change/").status_code == 200
    assert (
        admin_client.post(f"/admin/open311/servicerequest/{extra.pk}/change/", {}).status_code
        == 403
    )


# --- rate limits ------------------------------------------------------------------------------


def test_per_key_limit_answers_429_with_retry_after(client, world):
    _key, raw = api_key_create(name="slow", rate_limit=2)
    form = {"api_key": raw, "service_code": "meal-delivery", "address_id": "V1"}
    assert client.post(f"{BASE}/requests.json", form).status_code == 201
    assert client.post(f"{BASE}/requests.json", form).status_code == 201
    before = counts()
    response = client.post(f"{BASE}/requests.xml", form)
    body = errors_xml(response, 429)
    retry = int(response["Retry-After"])
    assert 1 <= retry <= 60
    assert body == [
        (429, f"Too many requests: this API key may make 2 a minute. Try again in {retry} seconds.")
    ]
    assert counts() == before
    # Another key is counted on its own.
    _other, raw2 = api_key_create(name="other", rate_limit=2)
    assert client.post(f"{BASE}/requests.json", {**form, "api_key": raw2}).status_code == 201


def test_default_key_rate_comes_from_settings(client, world, settings):
    settings.MINSHENG_OPEN311_KEY_RATE = 1
    _key, raw = api_key_create(name="default")
    assert client.get(f"{BASE}/services.json", {"api_key": raw}).status_code == 200
    response = client.get(f"{BASE}/services.json", {"api_key": raw})
    assert errors_json(response, 429)[0]["description"].startswith(
        "Too many requests: this API key may make 1 a minute."
    )


def test_calls_without_a_key_are_limited_per_client_address(client, world, settings):
    settings.MINSHENG_OPEN311_ANON_RATE = 3
    for _ in range(3):
        assert client.get(f"{BASE}/discovery.json").status_code == 200
    response = client.get(f"{BASE}/requests.json")
    assert errors_json(response, 429)[0]["description"].startswith(
        "Too many requests: this client address may make 3 a minute."
    )
    other = client.get(f"{BASE}/discovery.json", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_behind_a_proxy_calls_are_counted_per_address_the_proxy_gives(client, world, settings):
    """The same rule as the login lock-out (``core.network.client_address``): the proxy's
    header names the client; every call through the proxy shares its REMOTE_ADDR."""
    settings.MINSHENG_OPEN311_ANON_RATE = 2
    settings.MINSHENG_CLIENT_IP_HEADER = "X-Real-IP"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        response = client.get(f"{BASE}/discovery.json", HTTP_X_REAL_IP="203.0.113.7", **proxy)
        assert response.status_code == 200
    late = client.get(f"{BASE}/discovery.json", HTTP_X_REAL_IP="203.0.113.7", **proxy)
    assert late.status_code == 429
    other = client.get(f"{BASE}/discovery.json", HTTP_X_REAL_IP="203.0.113.8", **proxy)
    assert other.status_code == 200


def test_the_window_is_one_minute(db):
    t = 60 * 16_667 + 20.0  # 20 s into a minute
    assert limits.hit("t", 1, now=t) == limits.Verdict(allowed=True, limit=1, retry_after=40)
    assert limits.hit("t", 1, now=t + 30) == limits.Verdict(allowed=False, limit=1, retry_after=10)
    assert limits.hit("t", 1, now=t + 40).allowed  # the next minute starts afresh


def test_an_unreachable_cache_lets_calls_through_uncounted(
    client, world, raw_key, settings, caplog
):
    # Nothing listens on port 1: every cache call fails to connect.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.MINSHENG_OPEN311_KEY_RATE = 1
    form = {"api_key": raw_key, "service_code": "meal-delivery", "address_id": "V1"}
    assert [client.post(f"{BASE}/requests.json", form).status_code for _ in range(2)] == [201, 201]
    assert limits.hit("t", 1).allowed
    assert [r.getMessage() for r in caplog.records if r.name == "minsheng.open311.limits"] == [
        "Open311 rate limit not counted: the cache is unreachable"
    ] * 3


def test_refused_keys_count_against_the_client_address(client, world, settings):
    settings.MINSHENG_OPEN311_ANON_RATE = 2
    form = {"api_key": "guess", "service_code": "meal-delivery", "address_id": "V1"}
    for _ in range(2):
        assert client.post(f"{BASE}/requests.json", form).status_code == 403
    before = counts()
    response = client.post(f"{BASE}/requests.json", form)
    assert errors_json(response, 429)[0]["description"].startswith(
        "Too many requests: this client address may make 2 a minute."
    )
    assert counts() == before


def test_admin_change_edits_name_contact_and_rate_but_not_the_key(admin_client, db):
    key, _raw = api_key_create(name="old name")
    response = admin_client.post(
        f"/admin/open311/apikey/{key.pk}/change/",
        {"name": "new name", "contact": "c@example.org", "rate_limit": "7"},
    )
    assert response.status_code == 302
    changed = ApiKey.objects.get()
    assert (changed.name, changed.contact, changed.rate_limit) == ("new name", "c@example.org", 7)
    assert (changed.prefix, changed.digest, changed.created_at) == (
        key.prefix,
        key.digest,
        key.created_at,
    )


def test_admin_lists_and_searches_open311_rows(admin_client, world):
    key, _raw = api_key_create(name="x")
    extra = create_request(key)
    page = admin_client.get("/admin/open311/servicerequest/", {"q": extra.token})
    assert page.status_code == 200
    assert extra.token in page.content.decode()
    for q in (str(extra.order_id), "abc", "\u4e2d"):
        assert admin_client.get("/admin/open311/servicerequest/", {"q": q}).status_code == 200
