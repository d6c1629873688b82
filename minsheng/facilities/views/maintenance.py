"""Views: the maintenance part (issue 10).

- ``/staff/facilities/maintenance/``: overdue work (oldest first), the lifecycle projection
  of the county or a township for 1 to 10 years (table and chart, CSV/XLSX export), the
  budget per year and the assets that fall into disrepair first;
- ``/staff/facilities/<id>/maintenance/``: an asset's plans and work orders, add a plan or
  work, link a resident's repair order;
- ``/staff/facilities/work-orders/<id>/``: a work order with its history and its steps.

Who may is ``facilities.policy.maintenance``; a refused POST is shown on the page it came
from with the refusal's status code and nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.exports import Cell, Table, to_csv, to_xlsx
from minsheng.core.inputs import Invalid, read_int
from minsheng.regions.models import Region

from ..lifecycle import MAX_YEARS, Projection
from ..models import Condition, MaintenancePlan, WorkStatus
from ..policy import maintenance as policy
from ..selectors import maintenance as selectors
from ..services import maintenance as services

DEFAULT_YEARS = 5
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors_by_field(errors: list[ErrorDetail], form: str) -> dict[str, list[str]]:
    """Messages by ``<form>_<field>``: one page holds several forms with the same fields."""
    result: dict[str, list[str]] = {}
    for e in errors:
        result.setdefault(f"{form}_{e.field or ''}", []).append(str(e.message))
    return result


def _summary(errors: list[ErrorDetail], form: str) -> list[tuple[str, str]]:
    """The error summary's lines, each linked to its field (``<form>-<field>``)."""
    return [(str(e.message), f"{form}-{e.field}" if e.field else "") for e in errors]


# --- the overview ---------------------------------------------------------------------------


@dataclass
class Query:
    region: Region
    years: int
    problems: list[str]


def _query(request: HttpRequest) -> Query:
    """``?region=CODE&years=N`` read for the user; a bad value falls back and is said."""
    regions = policy.regions_of(request.user)
    problems: list[str] = []
    region = regions[0]
    code = request.GET.get("region", "").strip()
    if code:
        found = next((r for r in regions if r.code == code), None)
        if found is None:
            problems.append(_("Choose the county or a township in your scope."))
        else:
            region = found
    years = DEFAULT_YEARS
    raw = request.GET.get("years", "").strip()
    if raw:
        try:
            years = read_int(raw, low=1, high=MAX_YEARS)
        except Invalid as exc:
            problems.append(str(exc.message))
    return Query(region, years, problems)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _tables(p: Projection, names: dict[str, str], region: Region) -> list[Table]:
    years = [str(y) for y in p.years]
    summary_rows: list[list[Cell]] = [
        [_("Need"), *[float(v) for v in p.need]],
        [_("Budget"), *[float(v) for v in p.budget]],
        [_("Funding gap"), *[float(v) for v in p.gap]],
        [_("Cumulative gap"), *[float(v) for v in p.cumulative_gap]],
    ]
    assets: list[list[Cell]] = [
        [
            row.asset.name,
            names.get(row.asset.township, row.asset.township),
            *[float(n.total) for n in row.needs],
        ]
        for row in p.assets
        if row.total > 0
    ]
    townships: list[list[Cell]] = [
        [names.get(code, code), *[float(v) for v in sums]]
        for code, sums in p.by_township.items()
        if region.level == Region.Level.COUNTY or code == region.code
    ]
    unfunded: list[list[Cell]] = [
        [u.asset.name, names.get(u.asset.township, u.asset.township), u.year, float(u.amount)]
        for u in p.unfunded
    ]
    return [
        Table(_("Projection"), [region.name, *years], summary_rows),
        Table(_("By township"), [_("Township"), *years], townships),
        Table(_("By asset"), [_("Asset"), _("Township"), *years], assets),
        Table(
            _("Disrepair first"),
            [_("Asset"), _("Township"), _("Year unfunded"), _("Unfunded (yuan)")],
            unfunded,
        ),
    ]


def _overview(
    request: HttpRequest, *, failure: list[ErrorDetail] | None = None, status: int = 200
) -> HttpResponse:
    q = _query(request)
    today = timezone.localdate()
    p = selectors.projection(q.region, today, q.years)
    names = selectors.township_names()
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx") and not q.problems and status == 200:
        tables = _tables(p, names, q.region)
        name = f"maintenance-{q.region.code}-{p.years[0]}-{p.years[-1]}.{fmt}"
        body, kind = (
            (to_csv(tables), "text/csv; charset=utf-8") if fmt == "csv" else (to_xlsx(tables), XLSX)
        )
        response = HttpResponse(body, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    entered = selectors.budget_rows(q.region, p.years[0], p.years[-1])
    summary = [
        {
            "year": y,
            "need": p.need[i],
            "budget": p.budget[i],
            "entered": entered.get(y),
            "gap": p.gap[i],
            "cumulative": p.cumulative_gap[i],
        }
        for i, y in enumerate(p.years)
    ]
    chart = {
        "labels": [str(y) for y in p.years],
        "axis": _("Yuan"),
        "series": [
            {"label": _("Need"), "data": [float(v) for v in p.need]},
            {"label": _("Budget"), "data": [float(v) for v in p.budget]},
            {"label": _("Cumulative gap"), "data": [float(v) for v in p.cumulative_gap]},
        ],
    }
    township_rows = [
        {"name": names.get(code, code), "sums": sums}
        for code, sums in p.by_township.items()
        if q.region.level == Region.Level.COUNTY or code == q.region.code
    ]
    asset_rows = sorted((r for r in p.assets if r.total > 0), key=lambda r: (-r.total, r.asset.id))
    failed = _errors_by_field(failure or [], "budget")
    return render(
        request,
        "facilities/maintenance/overview.html",
        {
            "q": q,
            "regions": policy.regions_of(request.user),
            "year_choices": range(1, MAX_YEARS + 1),
            "overdue": list(selectors.overdue(request.user, today)),
            "p": p,
            "summary": summary,
            "chart": chart,
            "townships": township_rows,
            "assets": asset_rows[:50],
            "assets_total": len(asset_rows),
            "unfunded": [
                {
                    "u": u,
                    "township": names.get(u.asset.township, u.asset.township),
                    "condition": Condition(u.asset.condition).label,
                }
                for u in p.unfunded
            ],
            "names": names,
            "errors": failed,
            "error_links": _summary(failure or [], "budget"),
            "values": request.POST if failure else {},
            "may_budget": policy.can_budget(request.user, q.region),
            "this_year": today.year,
        },
        status=400 if q.problems and status == 200 else status,
    )


@allowed(policy.can_see_maintenance)
def maintenance_overview(request: HttpRequest) -> HttpResponse:
    return _overview(request)


@allowed(policy.can_see_maintenance)
@require_POST
def maintenance_budget(request: HttpRequest) -> HttpResponse:
    try:
        budget = services.budget_set(
            actor=request.user,
            region_code=request.POST.get("region", ""),
            year=request.POST.get("year", ""),
            amount=request.POST.get("amount", ""),
        )
    except DomainError as exc:
        return _overview(request, failure=exc.errors, status=exc.status_code)
    messages.success(
        request,
        _("The budget of %(year)d is %(amount)s yuan.")
        % {"year": budget.year, "amount": _money(budget.amount)},
    )
    url = reverse("maintenance_overview")
    return redirect(f"{url}?region={budget.region.code}&years={request.GET.get('years', '')}")


# --- an asset -------------------------------------------------------------------------------


def _asset_page(
    request: HttpRequest,
    pk: int,
    *,
    form: str = "",
    failure: list[ErrorDetail] | None = None,
    status: int = 200,
) -> HttpResponse:
    facility = selectors.maintained_facility(request.user, pk)
    if facility is None:
        raise Http404
    return render(
        request,
        "facilities/maintenance/asset.html",
        {
            "facility": facility,
            "plans": [
                _plan_row(plan, form, failure or [], request.POST if failure else None)
                for plan in selectors.plans_of(facility)
            ],
            "work": list(selectors.work_of(facility)),
            "candidates": list(selectors.candidate_orders(facility)),
            "form": form,
            "errors": _errors_by_field(failure or [], form),
            "error_links": _summary(failure or [], form),
            "values": request.POST if failure else {},
            "today": timezone.localdate(),
        },
        status=status,
    )


PLAN_FIELDS = ("task", "interval_months", "cost", "responsible", "next_due_on")


def _plan_row(
    plan: MaintenancePlan, form: str, failure: list[ErrorDetail], posted: Any
) -> dict[str, Any]:
    """A plan with its edit form: field ids ``edit<pk>-<field>``, and its errors and the
    values posted when that form was refused (else the plan's own)."""
    name = f"edit{plan.pk}"
    mine = form == name
    values = (
        {f: posted.get(f, "") for f in PLAN_FIELDS}
        if mine and posted is not None
        else {
            "task": plan.task,
            "interval_months": plan.interval_months,
            "cost": plan.cost,
            "responsible": plan.responsible,
            "next_due_on": plan.next_due_on.isoformat(),
        }
    )
    return {
        "plan": plan,
        "ids": {f: f"{name}-{f}" for f in PLAN_FIELDS},
        "errors": _fields(failure) if mine else {},
        "values": values,
        "open": mine,
    }


def _fields(errors: list[ErrorDetail]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for e in errors:
        result.setdefault(e.field or "", []).append(str(e.message))
    return result


def _facility_or_404(request: HttpRequest, pk: int) -> None:
    if selectors.maintained_facility(request.user, pk) is None:
        raise Http404


@allowed(policy.can_see_maintenance)
def facility_maintenance(request: HttpRequest, pk: int) -> HttpResponse:
    return _asset_page(request, pk)


def _asset_post(request: HttpRequest, pk: int, form: str, call: Any, done: str) -> HttpResponse:
    _facility_or_404(request, pk)
    try:
        call()
    except DomainError as exc:
        return _asset_page(request, pk, form=form, failure=exc.errors, status=exc.status_code)
    messages.success(request, done)
    return redirect("facility_maintenance", pk=pk)


@allowed(policy.can_see_maintenance)
@require_POST
def plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    data = services.PlanInput(
        task=request.POST.get("task", ""),
        interval_months=request.POST.get("interval_months", ""),
        cost=request.POST.get("cost", ""),
        responsible=request.POST.get("responsible", ""),
        next_due_on=request.POST.get("next_due_on", ""),
    )
    return _asset_post(
        request,
        pk,
        "plan",
        lambda: services.plan_create(actor=request.user, facility_id=pk, data=data),
        _("The plan is added."),
    )


@allowed(policy.can_see_maintenance)
@require_POST
def plan_edit(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    facility = selectors.maintained_facility(request.user, pk)
    if facility is None or not selectors.plans_of(facility).filter(pk=plan_pk).exists():
        raise Http404
    data = services.PlanInput(**{f: request.POST.get(f, "") for f in PLAN_FIELDS})
    return _asset_post(
        request,
        pk,
        f"edit{plan_pk}",
        lambda: services.plan_update(actor=request.user, plan_id=plan_pk, data=data),
        _("The plan is changed."),
    )


@allowed(policy.can_see_maintenance)
@require_POST
def plan_stop(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    facility = selectors.maintained_facility(request.user, pk)
    if facility is None or not selectors.plans_of(facility).filter(pk=plan_pk).exists():
        raise Http404
    return _asset_post(
        request,
        pk,
        "stop",
        lambda: services.plan_deactivate(actor=request.user, plan_id=plan_pk),
        _("The plan is stopped."),
    )


@allowed(policy.can_see_maintenance)
@require_POST
def work_add(request: HttpRequest, pk: int) -> HttpResponse:
    data = services.WorkInput(
        title=request.POST.get("title", ""),
        due_on=request.POST.get("due_on", ""),
        estimated_cost=request.POST.get("estimated_cost", ""),
        responsible=request.POST.get("responsible", ""),
    )
    return _asset_post(
        request,
        pk,
        "work",
        lambda: services.work_order_create(actor=request.user, facility_id=pk, data=data),
        _("The work order is added."),
    )


@allowed(policy.can_see_maintenance)
@require_POST
def order_link(request: HttpRequest, pk: int) -> HttpResponse:
    return _asset_post(
        request,
        pk,
        "link",
        lambda: services.work_order_from_order(
            actor=request.user,
            order_id=request.POST.get("order", ""),
            facility_id=pk,
            estimated_cost=request.POST.get("estimated_cost", "") or "0",
        ),
        _("The order is linked: a work order is open for it."),
    )


# --- a work order ---------------------------------------------------------------------------


def _work_page(
    request: HttpRequest,
    pk: int,
    *,
    form: str = "",
    failure: list[ErrorDetail] | None = None,
    status: int = 200,
) -> HttpResponse:
    work = selectors.work_order(request.user, pk)
    if work is None:
        raise Http404
    return render(
        request,
        "facilities/maintenance/work_order.html",
        {
            "work": work,
            "events": list(selectors.events_of(work)),
            "may": {
                name: services.can_move(work.status, new)
                for name, new in (
                    ("start", WorkStatus.IN_PROGRESS),
                    ("complete", WorkStatus.DONE),
                    ("cancel", WorkStatus.CANCELLED),
                )
            },
            "overdue": work.status in selectors.OPEN_WORK and work.due_on < timezone.localdate(),
            "form": form,
            "errors": _errors_by_field(failure or [], form),
            "error_links": _summary(failure or [], form),
            "values": request.POST if failure else {},
            "today": timezone.localdate(),
        },
        status=status,
    )


@allowed(policy.can_see_maintenance)
def work_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _work_page(request, pk)


@allowed(policy.can_see_maintenance)
@require_POST
def work_order_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if selectors.work_order(request.user, pk) is None:
        raise Http404
    post = request.POST
    try:
        if step == "start":
            services.work_order_start(actor=request.user, work_order_id=pk, note=post.get("note"))
            done = _("The work has started.")
        elif step == "complete":
            services.work_order_complete(
                actor=request.user,
                work_order_id=pk,
                actual_cost=post.get("actual_cost", ""),
                completed_on=post.get("completed_on", ""),
                note=post.get("note"),
            )
            done = _("The work is done.")
        elif step == "cancel":
            services.work_order_cancel(
                actor=request.user, work_order_id=pk, reason=post.get("reason", "")
            )
            done = _("The work order is cancelled.")
        else:
            raise Http404
    except DomainError as exc:
        return _work_page(request, pk, form=step, failure=exc.errors, status=exc.status_code)
    messages.success(request, done)
    return redirect("work_order_detail", pk=pk)


urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/facilities/maintenance/", maintenance_overview, name="maintenance_overview"),
    path("staff/facilities/maintenance/budget/", maintenance_budget, name="maintenance_budget"),
    path(
        "staff/facilities/<int:pk>/maintenance/",
        facility_maintenance,
        name="facility_maintenance",
    ),
    path("staff/facilities/<int:pk>/maintenance/plans/", plan_add, name="maintenance_plan_add"),
    path(
        "staff/facilities/<int:pk>/maintenance/plans/<int:plan_pk>/edit/",
        plan_edit,
        name="maintenance_plan_edit",
    ),
    path(
        "staff/facilities/<int:pk>/maintenance/plans/<int:plan_pk>/stop/",
        plan_stop,
        name="maintenance_plan_stop",
    ),
    path("staff/facilities/<int:pk>/maintenance/work/", work_add, name="maintenance_work_add"),
    path("staff/facilities/<int:pk>/maintenance/link/", order_link, name="maintenance_link"),
    path("staff/facilities/work-orders/<int:pk>/", work_order_detail, name="work_order_detail"),
    path(
        "staff/facilities/work-orders/<int:pk>/<slug:step>/",
        work_order_step,
        name="work_order_step",
    ),
]
