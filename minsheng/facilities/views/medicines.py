"""Views: the medicines part (issue 10, item 6).

- ``/staff/facilities/medicines/``: the report per township (coverage of the essential
  list, residents' requests for medicines the clinics lack, clinics short of them), with
  CSV/XLSX exports; for managers (``policy.medicines.can_see_medicines_report``).
- ``/staff/facilities/<id>/medicines/``: a clinic's or health centre's list, edited by its
  keepers and managers, with what it lacks of its level's list and what residents asked for.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.decorators import allowed, signed_in
from minsheng.core.errors import DomainError
from minsheng.core.exports import Cell, Table, to_csv, to_xlsx
from minsheng.core.inputs import Invalid, read_bool
from minsheng.facilities.models import Facility
from minsheng.facilities.policy import medicines as policy
from minsheng.facilities.selectors import medicines as selectors
from minsheng.facilities.services import medicines as services

EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}
PERIOD_DAYS = 365  # the report counts the requests of the last year, today included


def _percent(share: float | None) -> Cell:
    return None if share is None else round(share * 100, 1)


def report_tables(report: selectors.Report) -> list[Table]:
    """The report's figures as files: one row per facility, one per township."""
    period = f"{report.since:%Y-%m-%d}–{report.until:%Y-%m-%d}"
    facilities: list[list[Cell]] = []
    townships: list[list[Cell]] = []
    for block in report.townships:
        town = block.township.name if block.township else ""
        for r in block.rows:
            facilities.append(
                [
                    town,
                    r.facility.code,
                    r.facility.name,
                    r.facility.get_kind_display(),
                    r.coverage.expected,
                    r.coverage.covered,
                    _percent(r.coverage.share),
                    r.requests,
                    r.lacking,
                    "; ".join(f"{a.medicine.name} ({a.requests})" for a in r.top),
                    _("yes") if r.short else _("no"),
                ]
            )
        townships.append(
            [
                town,
                len(block.rows),
                _percent(block.coverage.share),
                block.requests,
                block.lacking,
                block.short,
                "; ".join(f"{m.name} ({n})" for m, n in block.top),
            ]
        )
    return [
        Table(
            "{} {}".format(_("Medicines by facility"), period),
            [
                _("Township"),
                _("Code"),
                _("Facility"),
                _("Kind"),
                _("Essential medicines expected"),
                _("May dispense"),
                _("Coverage (%)"),
                _("Requests"),
                _("Requests for medicines it lacks"),
                _("Most asked for"),
                _("Short of what residents ask for"),
            ],
            facilities,
        ),
        Table(
            "{} {}".format(_("Medicines by township"), period),
            [
                _("Township"),
                _("Facilities"),
                _("Coverage (%)"),
                _("Requests"),
                _("Requests for medicines it lacks"),
                _("Facilities short"),
                _("Most asked for"),
            ],
            townships,
        ),
    ]


@allowed(policy.can_see_medicines_report)
def medicines_report(request: HttpRequest) -> HttpResponse:
    scope = policy.report_q(request.user)
    assert scope is not None
    until = timezone.localdate()
    report = selectors.report(scope, until - timedelta(days=PERIOD_DAYS - 1), until)
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in EXPORT_FORMATS:
            raise Http404
        content_type, write = EXPORT_FORMATS[fmt]
        response = HttpResponse(write(report_tables(report)), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="medicines-{until:%Y-%m-%d}.{fmt}"'
        return response
    context = {"report": report, "short_requests": selectors.SHORT_REQUESTS}
    return render(request, "facilities/medicines/report.html", context)


def _facility(request: HttpRequest, facility_id: int) -> Facility:
    facility = Facility.objects.select_related("township", "region").filter(pk=facility_id).first()
    if facility is None or not policy.can_see_dispensing(request.user, facility):
        raise Http404
    if not policy.can_keep_medicines(request.user, facility):
        raise PermissionDenied
    return facility


ACTIONS = ("add", "remove", "stock")


def _post(request: HttpRequest, facility: Facility) -> dict[str, str]:
    """Apply the posted change; the refusals by field (empty: done)."""
    action = request.POST.get("action", "")
    code = request.POST.get("medicine", "")
    try:
        in_stock = read_bool(request.POST.get("in_stock", "1"))
    except Invalid as exc:
        return {"in_stock": str(exc.message)}
    try:
        if action == "add":
            row = services.dispensing_add(
                actor=request.user, facility_id=facility.pk, medicine_code=code, in_stock=in_stock
            )
            messages.success(request, _("Added to the list: %(name)s") % {"name": row.medicine})
        elif action == "remove":
            services.dispensing_remove(
                actor=request.user, facility_id=facility.pk, medicine_code=code
            )
            messages.success(request, _("Taken off the list."))
        elif action == "stock":
            services.dispensing_set_stock(
                actor=request.user, facility_id=facility.pk, medicine_code=code, in_stock=in_stock
            )
            messages.success(request, _("Stock updated."))
        else:
            return {"action": _("Choose what to do.")}
    except DomainError as exc:
        if exc.status_code == 403:
            raise PermissionDenied from None
        return {e.field or "medicine": str(e.message) for e in exc.errors}
    return {}


@signed_in
def facility_medicines(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _post(request, facility)
        if not errors:
            return redirect("facility_medicines", facility_id=facility.pk)
    rows = list(selectors.dispensing_of(facility.pk))
    coverage = selectors.coverage_for([facility])[facility.pk]
    since = timezone.localdate() - timedelta(days=PERIOD_DAYS - 1)
    context: dict[str, Any] = {
        "facility": facility,
        "rows": rows,
        "coverage": coverage,
        "missing": selectors.missing_of(facility),
        "addable": selectors.addable_to(facility),
        "asked": [a for a in selectors.asked_of(facility, since) if not a.dispensed_now],
        "since": since,
        "errors": errors,
        "posted": request.POST if errors else {},
    }
    return render(
        request,
        "facilities/medicines/facility.html",
        context,
        status=400 if errors else 200,
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/facilities/medicines/", medicines_report, name="facilities_medicines_report"),
    path(
        "staff/facilities/<int:facility_id>/medicines/",
        facility_medicines,
        name="facility_medicines",
    ),
]
