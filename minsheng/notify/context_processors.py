"""The unread count every page's header shows next to the inbox link."""

from __future__ import annotations

from django.http import HttpRequest

from minsheng.notify.selectors import unread_count


def unread(request: HttpRequest) -> dict[str, int]:
    return {"inbox_unread": unread_count(getattr(request, "user", None))}
