"""Views: the use part (issue 10).

- ``/staff/facilities/<id>/use/``: a keeper's phone-first entry of a day's counts, this
  month's table and the last twelve months (a chart and the same figures in a table);
- ``/staff/facilities/use/import/``: upload a CSV/XLSX of counts, see every bad row, then
  confirm (the file is held in the session between the two steps);
- ``/staff/facilities/<id>/devices/``: the counter devices (managers): add one and see its
  key once, revoke one, see when each last posted.

Each page asks ``policy.use``; a facility the user may not see is a 404, one they see but do
not keep a 403.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed, signed_in
from minsheng.core.errors import DomainError, ErrorDetail

from ..models import Facility, UseKind
from ..policy import register as base_policy
from ..policy import use as policy
from ..selectors import use as selectors
from ..services import use as services

MAX_UPLOAD = 2 * 1024 * 1024  # a year of daily counts for a township's facilities is far less
SESSION_KEY = "facility_use_import"


def _facility(request: HttpRequest, facility_id: int) -> Facility:
    facility = selectors.facility_for_use(facility_id)
    if facility is None or not base_policy.can_see(request.user, facility):
        raise Http404
    return facility


def _labels(kinds: list[str]) -> list[tuple[str, str]]:
    names = dict(UseKind.choices)
    return [(k, str(names[k])) for k in kinds]


def _chart(months: list[selectors.Month], kinds: list[str]) -> dict[str, Any]:
    names = dict(UseKind.choices)
    return {
        "labels": [m.month.strftime("%Y-%m") for m in months],
        "axis": _("Count"),
        "series": [
            {"label": str(names[k]), "data": [m.counts.get(k, 0) for m in months]} for k in kinds
        ],
    }


# --- entry, month and year ---------------------------------------------------------------------


@signed_in
def facility_use(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    if not policy.can_enter_use(request.user, facility):
        raise PermissionDenied
    today = timezone.localdate()
    kinds = selectors.kinds_for(facility)
    errors: list[ErrorDetail] = []
    status = 200
    values: dict[str, str] = {}
    day = today.isoformat()
    if request.method == "POST":
        day = request.POST.get("date", "")
        values = {k: request.POST.get(f"count_{k}", "") for k in kinds}
        try:
            written = services.use_count_record(
                actor=request.user, facility_id=facility.pk, day=day, counts=values
            )
        except DomainError as exc:
            errors, status = exc.errors, exc.status_code
        else:
            messages.success(
                request,
                _("Saved %(n)d counts for %(day)s.")
                % {"n": len(written), "day": written[0].day.isoformat()},
            )
            return redirect("facility_use", facility_id=facility.pk)
    # Form fields are named count_<kind>; the services name them counts.<kind>.
    by_field = {
        (e.field or "").replace("counts.", "count_"): str(e.message) for e in errors if e.field
    }
    shown = sorted({*kinds, *_kinds_seen(facility.pk, today)}, key=_kind_order)
    months = selectors.monthly_totals(facility.pk, today, 12)
    context = {
        "facility": facility,
        "counted": policy.is_counted(facility),
        "fields": [
            {
                "kind": k,
                "label": label,
                "name": f"count_{k}",
                "value": values.get(k, ""),
                "error": by_field.get(f"count_{k}", ""),
            }
            for k, label in _labels(kinds)
        ],
        "day": day,
        "today": today,
        "day_error": by_field.get("date", ""),
        "errors": [
            {
                "field": _field_id(e.field, kinds),
                "message": e.message,
            }
            for e in errors
        ],
        "columns": _labels(shown),
        "month_days": [
            {"day": d.day, "cells": [d.counts.get(k) for k in shown], "people": d.people}
            for d in selectors.month_table(facility.pk, today, until=today)
        ],
        "month": today.replace(day=1),
        "months": [
            {"month": m.month, "cells": [m.counts.get(k, 0) for k in shown], "people": m.people}
            for m in months
        ],
        "chart": _chart(months, shown),
        "may_manage_devices": policy.can_manage_devices(request.user, facility),
    }
    return render(request, "facilities/use/entry.html", context, status=status)


def _field_id(field: str | None, kinds: list[str]) -> str:
    """The form field a refusal is about (``counts`` as a whole: the first count)."""
    if field == "counts":
        return f"count_{kinds[0]}" if kinds else ""
    return (field or "").replace("counts.", "count_")


def _kind_order(kind: str) -> int:
    return list(UseKind.values).index(kind)


def _kinds_seen(facility_id: int, today: date) -> list[str]:
    """Kinds with counts in the last year (orders delivered here, an earlier kind)."""
    start = selectors.add_months(today.replace(day=1), -11)
    return list(selectors.kind_totals(facility_id, start, today))


# --- import ------------------------------------------------------------------------------------


def _held(request: HttpRequest) -> tuple[str, bytes] | None:
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict):
        return None
    return str(held.get("name", "")), base64.b64decode(held.get("data", ""))


@allowed(policy.may_import_use)
def use_import(request: HttpRequest) -> HttpResponse:
    result: services.ImportResult | None = None
    errors: list[ErrorDetail] = []
    status = 200
    filename = ""
    if request.method == "POST":
        step = request.POST.get("step", "check")
        upload = request.FILES.get("file")
        held = None
        if step == "check":
            if upload is None:
                errors = [ErrorDetail("required", _("Choose a CSV or XLSX file."), "file")]
            elif upload.size is not None and upload.size > MAX_UPLOAD:
                errors = [ErrorDetail("too_large", _("The file is larger than 2 MB."), "file")]
            else:
                held = (upload.name or "counts.csv", upload.read())
        else:
            held = _held(request)
            if held is None:
                errors = [ErrorDetail("required", _("Upload the file again."), "file")]
        if held is not None:
            filename, data = held
            commit = step == "commit"
            try:
                result = services.use_counts_import(
                    actor=request.user,
                    data=data,
                    filename=filename,
                    commit=commit,
                    skip_bad_rows=request.POST.get("skip_bad_rows") == "on",
                )
            except DomainError as exc:
                errors, status = exc.errors, exc.status_code
                request.session.pop(SESSION_KEY, None)
            else:
                if result.committed:
                    request.session.pop(SESSION_KEY, None)
                    messages.success(
                        request,
                        _("Imported %(n)d counts for %(f)d facilities.")
                        % {"n": result.written, "f": result.facilities},
                    )
                    return redirect("facility_use_import")
                request.session[SESSION_KEY] = {
                    "name": filename,
                    "data": base64.b64encode(data).decode("ascii"),
                }
                if result.errors:
                    status = 400
    context = {
        "result": result,
        "errors": errors,
        "filename": filename,
        "columns": services.COLUMNS,
        "kinds": _labels(list(selectors.ENTERED_KINDS)),
    }
    return render(request, "facilities/use/import.html", context, status=status)


# --- counter devices ---------------------------------------------------------------------------


def _managed(request: HttpRequest, facility_id: int) -> Facility:
    facility = _facility(request, facility_id)
    if not policy.can_manage_devices(request.user, facility):
        raise PermissionDenied
    return facility


@signed_in
def facility_devices(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _managed(request, facility_id)
    errors: list[ErrorDetail] = []
    status = 200
    new_key = ""
    new_device = None
    name = ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            new_device, new_key = services.counter_device_create(
                actor=request.user, facility_id=facility.pk, name=name
            )
        except DomainError as exc:
            errors, status = exc.errors, exc.status_code
        else:
            name = ""
    context = {
        "facility": facility,
        "devices": selectors.devices_of(facility.pk),
        "errors": errors,
        "name": name,
        "new_key": new_key,
        "new_device": new_device,
        "counted": policy.is_counted(facility),
    }
    # The key is in this response only: never cached, never shown again.
    response = render(request, "facilities/use/devices.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@signed_in
@require_POST
def facility_device_revoke(request: HttpRequest, facility_id: int, device_id: int) -> HttpResponse:
    facility = _managed(request, facility_id)
    device = selectors.devices_of(facility.pk).filter(pk=device_id).first()
    if device is None:
        raise Http404
    try:
        services.counter_device_revoke(actor=request.user, device_id=device.pk)
    except DomainError as exc:
        for e in exc.errors:
            messages.error(request, str(e.message))
    else:
        messages.success(
            request, _("%(name)s is revoked: its key no longer works.") % {"name": device.name}
        )
    return redirect("facility_devices", facility_id=facility.pk)


urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/facilities/use/import/", use_import, name="facility_use_import"),
    path("staff/facilities/<int:facility_id>/use/", facility_use, name="facility_use"),
    path("staff/facilities/<int:facility_id>/devices/", facility_devices, name="facility_devices"),
    path(
        "staff/facilities/<int:facility_id>/devices/<int:device_id>/revoke/",
        facility_device_revoke,
        name="facility_device_revoke",
    ),
]
