"""The console SMS gateway: what it records, and refusing an unknown template."""

from __future__ import annotations

import pytest

from minsheng.notify.sms import ConsoleGateway, SmsError, read_outbox, render, send_sms


def test_console_gateway_appends_to_the_outbox(settings, tmp_path):
    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "outbox.jsonl")
    settings.MINSHENG_SMS_ECHO = False
    first = send_sms(
        phone="13812345678", template="login_code", params={"code": "123456", "minutes": "5"}
    )
    second = ConsoleGateway().send(
        phone="13900001111", template="login_code", params={"code": "654321", "minutes": "5"}
    )
    sent = read_outbox()
    assert [m["id"] for m in sent] == [first, second]
    assert [m["phone"] for m in sent] == ["13812345678", "13900001111"]
    assert sent[0]["params"] == {"code": "123456", "minutes": "5"}
    assert sent[0]["text"].startswith("【民生】")
    assert "123456" in sent[0]["text"]


def test_unknown_template_is_refused_and_nothing_is_sent(settings, tmp_path):
    settings.MINSHENG_SMS_OUTBOX = str(tmp_path / "outbox.jsonl")
    with pytest.raises(SmsError):
        send_sms(phone="13812345678", template="free text", params={})
    assert read_outbox() == []


def test_render_fills_the_template_in_the_language_asked():
    text = render("login_code", {"code": "000111", "minutes": "5"}, language="en")
    assert text == (
        "【民生】Your Minsheng code is 000111. It is valid for 5 minutes. Do not share it."
    )
