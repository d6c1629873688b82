"""The inbox and notification preferences (/me/...), and the SMS provider's reply webhook."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.inputs import Invalid
from minsheng.core.phones import read_mobile
from minsheng.notify import inbound, policy, selectors, services, wording
from minsheng.notify.models import Message

PAGE_SIZE = 25


@dataclass(frozen=True)
class Item:
    """One inbox message as the reader reads it (in their language)."""

    pk: int
    title: str
    body: str
    link: str
    created_at: datetime
    unread: bool


def _item(message: Message) -> Item:
    return Item(
        message.pk,
        wording.title(message.template, message.params),
        wording.body(message.template, message.params),
        message.link,
        message.created_at,
        message.read_at is None,
    )


@allowed(policy.can_use_inbox)
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    items = [_item(m) for m in page.object_list]
    return render(request, "notify/inbox.html", {"page": page, "items": items})


@allowed(policy.can_use_inbox)
@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.message_mark_read(user=request.user, message_id=pk)
    return redirect("inbox")


@allowed(policy.can_use_inbox)
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = services.messages_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d messages marked as read.") % {"count": count})
    return redirect("inbox")


@allowed(policy.can_use_inbox)
@require_POST
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a message's link, marking it read on the way."""
    message = selectors.inbox_of(request.user).filter(pk=pk).first()
    if message is None:
        return redirect("inbox")
    services.message_mark_read(user=request.user, message_id=message.pk)
    return redirect(message.link or "inbox")


@allowed(policy.can_use_inbox)
def preferences(request: HttpRequest) -> HttpResponse:
    prefs = selectors.preference_of(request.user)
    errors: list[ErrorDetail] = []
    status = 200
    values = {
        "sms": prefs.sms,
        "email": prefs.email,
        "quiet_start": prefs.quiet_start.strftime("%H:%M") if prefs.quiet_start else "",
        "quiet_end": prefs.quiet_end.strftime("%H:%M") if prefs.quiet_end else "",
    }
    if request.method == "POST":
        data = services.PreferenceInput(
            sms=request.POST.get("sms", "no"),
            email=request.POST.get("email", "no"),
            quiet_start=request.POST.get("quiet_start", ""),
            quiet_end=request.POST.get("quiet_end", ""),
        )
        values = {
            "sms": request.POST.get("sms") == "yes",
            "email": request.POST.get("email") == "yes",
            "quiet_start": request.POST.get("quiet_start", ""),
            "quiet_end": request.POST.get("quiet_end", ""),
        }
        try:
            services.preference_set(user=cast(User, request.user), data=data)
        except DomainError as exc:
            errors, status = exc.errors, exc.status_code
        else:
            messages.success(request, _("Your notification settings have been saved."))
            return redirect("notification_preferences")
    by_field = {e.field: str(e.message) for e in errors}
    context = {
        "values": values,
        "field_errors": by_field,
        "messages_list": [str(e.message) for e in errors],
        "mobile": selectors.mobile_of(request.user),
        "email_address": cast(User, request.user).email,
    }
    return render(request, "notify/preferences.html", context, status=status)


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """The SMS provider posts a reply: ``phone`` and ``text`` (form fields), ``id`` (its
    message id, optional), with the shared secret in the ``X-Minsheng-Secret`` header."""
    if not policy.can_post_inbound_sms(request.headers.get("X-Minsheng-Secret", "")):
        return JsonResponse(
            {"errors": [{"code": "not_permitted", "field": None, "message": "bad secret"}]},
            status=403,
        )
    try:
        phone = read_mobile(request.POST.get("phone"))
    except Invalid as exc:
        return JsonResponse({"errors": [exc.detail("phone").as_dict()]}, status=400)
    text = request.POST.get("text", "")
    reply = inbound.handle(phone, text if isinstance(text, str) else "")
    message_id = request.POST.get("id", "")[:80] or uuid.uuid4().hex
    with transaction.atomic():
        services.notification_send(
            recipient=None,
            phone=phone,
            key=f"sms-reply:{message_id}",
            template=reply.template,
            params=reply.params,
            quiet_hours=False,
        )
    return JsonResponse({"handled": reply.handled, "reply": reply.template})
