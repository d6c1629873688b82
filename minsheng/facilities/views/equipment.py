"""The equipment pages (issue 10, part 7): a facility's register of equipment (its items,
their state, services and usage, its gaps against the standard), one item with its history
and forms, and the report of backward equipment with the replacement priority (CSV/XLSX).

A refused POST re-renders the page it came from with each error next to its field and the
service's status code; nothing was written. Who may do what is ``policy.equipment``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minsheng.accounts.decorators import allowed, signed_in
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.exports import Table, to_csv, to_xlsx
from minsheng.core.ids import as_id
from minsheng.orders.forms import FieldSpec, attach_errors, error_links
from minsheng.regions.models import Region

from ..models import Equipment, EquipmentState, Facility
from ..policy import equipment as policy
from ..selectors import equipment as sel
from ..services import equipment as svc

PRIORITY_ON_PAGE = 100
EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}


@dataclass
class Failure:
    form: str
    errors: list[ErrorDetail]
    data: QueryDict
    status: int


def _fill(name: str, fields: list[FieldSpec], failure: Failure | None) -> list[str]:
    """Put back what was typed and the errors, when ``failure`` is this form's."""
    if failure is None or failure.form != name:
        return []
    for spec in fields:
        spec.value = failure.data.get(spec.name, "")
    return attach_errors(fields, failure.errors)


def _states() -> list[tuple[str, Any]]:
    return list(EquipmentState.choices)


def _facility(request: HttpRequest, facility_id: int) -> Facility:
    """The facility whose equipment ``request.user`` keeps; 404 when they may not see it,
    403 when they may see it but not keep its equipment."""
    facility = (
        Facility.objects.select_related("region", "township")
        .filter(pk=as_id(facility_id) or 0)
        .first()
    )
    if facility is None or policy.hides_facility(request.user, facility):
        raise Http404
    if not policy.can_see_equipment(request.user, facility):
        raise PermissionDenied
    return facility


def _item(request: HttpRequest, item_id: int) -> Equipment:
    found = sel.item(as_id(item_id) or 0)
    if found is None or policy.hides_facility(request.user, found.facility):
        raise Http404
    if not policy.can_see_equipment(request.user, found.facility):
        raise PermissionDenied
    return found


# --- a facility's equipment -------------------------------------------------------------------


def _add_fields(failure: Failure | None) -> tuple[list[FieldSpec], list[str]]:
    today = timezone.localdate().isoformat()
    fields = [
        FieldSpec(
            name="equipment_type",
            label=gettext_lazy("Type"),
            kind="select",
            required=True,
            choices=[
                (t.code, f"{t.name} ({t.expected_life_years})") for t in sel.equipment_types()
            ],
            help=gettext_lazy("The expected life in years is in brackets."),
            prefix="add",
        ),
        FieldSpec(
            name="label",
            label=gettext_lazy("Item (make, model, serial number)"),
            kind="text",
            maxlength=svc.LABEL_MAX,
            prefix="add",
        ),
        FieldSpec(
            name="purchased_on",
            label=gettext_lazy("Purchased on (YYYY-MM-DD)"),
            kind="text",
            required=True,
            max=today,
            prefix="add",
        ),
        FieldSpec(
            name="expected_life_years",
            label=gettext_lazy("Expected life (years)"),
            kind="number",
            min="1",
            max=str(svc.MAX_LIFE),
            help=gettext_lazy("Leave empty for the type's."),
            prefix="add",
        ),
        FieldSpec(
            name="state",
            label=gettext_lazy("State"),
            kind="radio",
            required=True,
            choices=_states(),
            value=EquipmentState.WORKING,
            prefix="add",
        ),
        FieldSpec(
            name="last_service_on",
            label=gettext_lazy("Last serviced on (YYYY-MM-DD)"),
            kind="text",
            prefix="add",
        ),
        FieldSpec(
            name="uses_per_month",
            label=gettext_lazy("Uses a month"),
            kind="number",
            min="0",
            max=str(svc.MAX_USES),
            prefix="add",
        ),
        FieldSpec(
            name="replacement_cost",
            label=gettext_lazy("Replacement cost (yuan)"),
            kind="number",
            step="0.01",
            min="0",
            prefix="add",
        ),
    ]
    return fields, _fill("add", fields, failure)


def _render_facility(
    request: HttpRequest,
    facility: Facility,
    failure: Failure | None = None,
    import_errors: list[Any] | None = None,
) -> HttpResponse:
    as_of = timezone.localdate()
    items = list(sel.facility_items(facility.pk))
    fields, loose = _add_fields(failure)
    errors = failure.errors if failure is not None else []
    rows = [
        {
            "item": i,
            "age": sel.rp.age_years(i.purchased_on, as_of),
            "life": sel.life_of(i),
            "past_life": i.retired_on is None
            and sel.rp.past_life(sel.rp.age_years(i.purchased_on, as_of), sel.life_of(i)),
        }
        for i in items
    ]
    return render(
        request,
        "facilities/equipment/facility.html",
        {
            "facility": facility,
            "as_of": as_of,
            "rows": rows,
            "gaps": sel.facility_gaps(facility, as_of),
            "priority": sel.priority(
                facility.township or facility.region, as_of, facility=facility
            ),
            "history": sel.facility_history(facility.pk),
            "fields": fields,
            "loose": loose,
            "error_links": error_links(fields, errors),
            "may_keep": policy.can_keep_equipment(request.user, facility),
            "may_report": policy.can_see_reports(request.user),
            "import_errors": import_errors or [],
            "import_failure": failure.errors if failure and failure.form == "import" else [],
            "import_columns": list(svc.IMPORT_COLUMNS),
        },
        status=failure.status if failure is not None else (400 if import_errors else 200),
    )


@signed_in
def facility_equipment(request: HttpRequest, facility_id: int) -> HttpResponse:
    return _render_facility(request, _facility(request, facility_id))


@require_POST
@signed_in
def equipment_add(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    data = request.POST
    try:
        item = svc.equipment_add(
            actor=request.user,
            facility_id=facility.pk,
            data=svc.EquipmentInput(
                equipment_type=data.get("equipment_type", ""),
                label=data.get("label", ""),
                purchased_on=data.get("purchased_on", ""),
                expected_life_years=data.get("expected_life_years", ""),
                state=data.get("state", ""),
                last_service_on=data.get("last_service_on", ""),
                uses_per_month=data.get("uses_per_month", ""),
                replacement_cost=data.get("replacement_cost", ""),
            ),
        )
    except DomainError as exc:
        return _render_facility(
            request, facility, Failure("add", exc.errors, data, exc.status_code)
        )
    messages.success(request, _("The item is added."))
    return redirect("equipment_item", item.pk)


@require_POST
@signed_in
def equipment_import(request: HttpRequest, facility_id: int) -> HttpResponse:
    facility = _facility(request, facility_id)
    upload = request.FILES.get("file")
    skip_bad = request.POST.get("skip_bad") == "yes"
    try:
        if upload is None:
            raise DomainError.single("required", _("Choose a CSV or XLSX file."), "file")
        result = svc.equipment_import(
            actor=request.user,
            facility_id=facility.pk,
            data=upload.read(svc.MAX_FILE + 1),
            filename=upload.name or "",
            skip_bad=skip_bad,
        )
    except DomainError as exc:
        failure = Failure("import", exc.errors, request.POST, exc.status_code)
        return _render_facility(request, facility, failure)
    if result.errors and not skip_bad:
        return _render_facility(request, facility, import_errors=result.errors)
    messages.success(
        request,
        _("Items imported: %(added)d; bad rows skipped: %(skipped)d.")
        % {"added": result.added, "skipped": len({e.row for e in result.errors})},
    )
    return redirect("facility_equipment", facility.pk)


# --- one item ---------------------------------------------------------------------------------


def _note(form: str) -> FieldSpec:
    return FieldSpec(
        name="note",
        label=gettext_lazy("Note"),
        kind="textarea",
        maxlength=svc.NOTE_MAX,
        prefix=form,
    )


def _item_forms(item: Equipment, failure: Failure | None) -> list[dict[str, Any]]:
    forms: list[tuple[str, Any, Any, list[FieldSpec]]] = [
        (
            "state",
            gettext_lazy("Change its state"),
            gettext_lazy("Save the state"),
            [
                FieldSpec(
                    name="state",
                    label=gettext_lazy("State"),
                    kind="radio",
                    required=True,
                    choices=_states(),
                    value=item.state,
                    prefix="state",
                ),
                _note("state"),
            ],
        ),
        (
            "service",
            gettext_lazy("Record a service"),
            gettext_lazy("Record the service"),
            [
                FieldSpec(
                    name="serviced_on",
                    label=gettext_lazy("Serviced on (YYYY-MM-DD)"),
                    kind="text",
                    required=True,
                    value=timezone.localdate().isoformat(),
                    prefix="service",
                ),
                FieldSpec(
                    name="state",
                    label=gettext_lazy("State after the service"),
                    kind="select",
                    choices=_states(),
                    help=gettext_lazy("Leave unchosen if it did not change."),
                    prefix="service",
                ),
                _note("service"),
            ],
        ),
        (
            "usage",
            gettext_lazy("Record its usage"),
            gettext_lazy("Save the usage"),
            [
                FieldSpec(
                    name="uses_per_month",
                    label=gettext_lazy("Uses a month"),
                    kind="number",
                    required=True,
                    min="0",
                    max=str(svc.MAX_USES),
                    value=str(item.uses_per_month),
                    prefix="usage",
                ),
                _note("usage"),
            ],
        ),
        (
            "retire",
            gettext_lazy("Retire it"),
            gettext_lazy("Retire the item"),
            [
                FieldSpec(
                    name="retired_on",
                    label=gettext_lazy("Retired on (YYYY-MM-DD)"),
                    kind="text",
                    required=True,
                    value=timezone.localdate().isoformat(),
                    prefix="retire",
                ),
                _note("retire"),
            ],
        ),
    ]
    out = []
    for name, legend, button, fields in forms:
        loose = _fill(name, fields, failure)
        out.append(
            {"name": name, "legend": legend, "button": button, "fields": fields, "errors": loose}
        )
    return out


def _render_item(
    request: HttpRequest, item: Equipment, failure: Failure | None = None
) -> HttpResponse:
    as_of = timezone.localdate()
    age = sel.rp.age_years(item.purchased_on, as_of)
    forms = _item_forms(item, failure) if item.retired_on is None else []
    form_fields = [
        f for form in forms if failure and form["name"] == failure.form for f in form["fields"]
    ]
    return render(
        request,
        "facilities/equipment/item.html",
        {
            "item": item,
            "facility": item.facility,
            "age": age,
            "life": sel.life_of(item),
            "past_life": sel.rp.past_life(age, sel.life_of(item)),
            "history": sel.item_history(item.pk),
            "forms": forms if policy.can_keep_equipment(request.user, item.facility) else [],
            "error_links": error_links(form_fields, failure.errors) if failure else [],
        },
        status=failure.status if failure is not None else 200,
    )


@signed_in
def equipment_item(request: HttpRequest, item_id: int) -> HttpResponse:
    return _render_item(request, _item(request, item_id))


ACTIONS = ("state", "service", "usage", "retire")
DONE = {
    "state": gettext_lazy("The state is saved."),
    "service": gettext_lazy("The service is recorded."),
    "usage": gettext_lazy("The usage is saved."),
    "retire": gettext_lazy("The item is retired."),
}


@require_POST
@signed_in
def equipment_action(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    item = _item(request, item_id)
    if action not in ACTIONS:
        raise Http404
    data = request.POST
    note = data.get("note", "")
    try:
        if action == "state":
            svc.equipment_set_state(
                actor=request.user, equipment_id=item.pk, state=data.get("state", ""), note=note
            )
        elif action == "service":
            svc.equipment_record_service(
                actor=request.user,
                equipment_id=item.pk,
                serviced_on=data.get("serviced_on", ""),
                state=data.get("state", ""),
                note=note,
            )
        elif action == "usage":
            svc.equipment_record_usage(
                actor=request.user,
                equipment_id=item.pk,
                uses_per_month=data.get("uses_per_month", ""),
                note=note,
            )
        else:
            svc.equipment_retire(
                actor=request.user,
                equipment_id=item.pk,
                retired_on=data.get("retired_on", ""),
                note=note,
            )
    except DomainError as exc:
        fresh = sel.item(item.pk) or item
        return _render_item(request, fresh, Failure(action, exc.errors, data, exc.status_code))
    messages.success(request, DONE[action])
    return redirect("equipment_item", item.pk)


# --- the report -------------------------------------------------------------------------------


def _regions(user: Any) -> list[Region]:
    scope = policy.report_scope(user)
    if scope is None:
        return []
    if scope.level == Region.Level.COUNTY:
        return [scope, *sel.townships_of(scope)]
    return [scope]


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def export_tables(
    report: sel.BackwardReport, rows: list[sel.PriorityRow], budget_rows: int | None
) -> list[Table]:
    townships = Table(
        title=_("Backward equipment by township"),
        header=[
            _("Township"),
            _("Facilities checked"),
            _("Backward"),
            _("Items missing"),
            _("Broken items"),
            _("Degraded items"),
            _("Items past their life"),
        ],
        rows=[
            [
                t.township.name,
                t.facilities,
                t.backward,
                t.missing,
                t.broken,
                t.degraded,
                t.past_life,
            ]
            for t in [*report.townships, report.total]
        ],
    )
    facilities = Table(
        title=_("Backward facilities"),
        header=[
            _("Facility"),
            _("Code"),
            _("Township"),
            _("Items missing"),
            _("Broken items"),
            _("Items past their life"),
            _("Why"),
        ],
        rows=[
            [
                g.facility.name,
                g.facility.code,
                g.facility.township.name if g.facility.township else "",
                g.missing,
                g.broken,
                g.past_life,
                "; ".join(reason_text(line) for line in g.reasons),
            ]
            for g in report.facilities
        ],
    )
    priority = Table(
        title=_("Replacement priority"),
        header=[
            _("Rank"),
            _("Item"),
            _("Type"),
            _("Facility"),
            _("Township"),
            _("State"),
            _("Age (years)"),
            _("Expected life (years)"),
            _("Uses a month"),
            _("Population served"),
            _("Score"),
            _("Replacement cost (yuan)"),
            _("Cumulative cost (yuan)"),
            _("Within the budget"),
        ],
        rows=[
            [
                r.ranked.rank,
                r.equipment.label or r.equipment.equipment_type.name,
                r.equipment.equipment_type.name,
                r.equipment.facility.name,
                r.equipment.facility.township.name if r.equipment.facility.township else "",
                r.equipment.get_state_display(),
                round(r.ranked.item.age, 2),
                r.life,
                r.ranked.item.uses_per_month,
                r.ranked.item.population,
                round(r.ranked.score.total, 4),
                _money(r.ranked.item.cost),
                _money(r.ranked.cumulative_cost),
                ""
                if budget_rows is None
                else (_("yes") if r.ranked.rank <= budget_rows else _("no")),
            ]
            for r in rows
        ],
    )
    return [townships, facilities, priority]


def reason_text(line: sel.GapLine) -> str:
    g = line.gap
    parts = []
    if g.missing:
        parts.append(_("%(n)d missing") % {"n": g.missing})
    if g.broken:
        parts.append(_("%(n)d broken") % {"n": g.broken})
    if g.past_life:
        parts.append(_("%(n)d past life") % {"n": g.past_life})
    return f"{line.equipment_type.name}: {', '.join(parts)}"


@require_http_methods(["GET", "HEAD"])
@allowed(policy.can_see_reports)
def equipment_report(request: HttpRequest) -> HttpResponse:
    q = sel.read_report_query(request.user, request.GET)
    report = sel.backward_report(q.region, q.as_of)
    rows = sel.priority(q.region, q.as_of)
    line = sel.budget_line(rows, q.budget)
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in EXPORT_FORMATS:
            q.errors["format"] = _("Choose the format csv or xlsx.")
        else:
            content_type, write = EXPORT_FORMATS[fmt]
            response = HttpResponse(
                write(export_tables(report, rows, line)), content_type=content_type
            )
            name = f"equipment-{q.region.code}-{q.as_of:%Y-%m-%d}.{fmt}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "facilities/equipment/report.html",
        {
            "q": q,
            "report": report,
            "backward": [
                {"gaps": g, "why": [reason_text(x) for x in g.reasons]} for g in report.facilities
            ],
            "priority": rows[:PRIORITY_ON_PAGE],
            "priority_total": len(rows),
            "budget_rows": line,
            "regions": _regions(request.user),
            "query": query.urlencode(),
        },
        status=400 if "format" in q.errors else 200,
    )


urlpatterns = [
    path("staff/facilities/equipment/", equipment_report, name="equipment_report"),
    path("staff/facilities/equipment/<int:item_id>/", equipment_item, name="equipment_item"),
    path(
        "staff/facilities/equipment/<int:item_id>/<slug:action>/",
        equipment_action,
        name="equipment_action",
    ),
    path(
        "staff/facilities/<int:facility_id>/equipment/",
        facility_equipment,
        name="facility_equipment",
    ),
    path(
        "staff/facilities/<int:facility_id>/equipment/import/",
        equipment_import,
        name="equipment_import",
    ),
    path(
        "staff/facilities/<int:facility_id>/equipment/add/",
        equipment_add,
        name="equipment_add",
    ),
]
