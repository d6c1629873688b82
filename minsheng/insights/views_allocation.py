"""Budget allocation (issue 11): the planning page (``/staff/planning/allocation/``: the saved
runs, and for county planners the form that runs one) and a run's page
(``/staff/planning/allocation/<id>/``, with CSV/XLSX of the per-cell allocation). Who may open
them: ``insights.policy``. The model: ``insights.allocation``; the cells:
``insights.allocation_cells``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.accounts.decorators import allowed
from minsheng.core.exports import Table, to_csv, to_xlsx
from minsheng.insights import allocation_cells, policy
from minsheng.insights.allocation import OBJECTIVES, AllocationError
from minsheng.insights.models import PlanningRun
from minsheng.regions.models import Region

EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx),
}
MAX_BUDGET = Decimal("1e12")
SHOWN_CELLS = 100


def objective_names() -> dict[str, str]:
    return {
        "maximin": _("Maximin (lift the lowest)"),
        "leximin": _("Leximin (the lowest, then the next)"),
        "utilitarian": _("Utilitarian (largest total)"),
    }


class AllocationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the run"), max_length=200, required=False)
    budget = forms.DecimalField(
        label=gettext_lazy("Budget (yuan)"),
        min_value=Decimal("0.01"),
        max_value=MAX_BUDGET,
        decimal_places=2,
    )
    objective = forms.ChoiceField(label=gettext_lazy("Objective"))
    month = forms.ChoiceField(label=gettext_lazy("Snapshot month"))

    def __init__(self, *args: Any, months: list[str], townships: list[Region], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["objective"].choices = list(objective_names().items())  # type: ignore[attr-defined]
        self.fields["month"].choices = [(m, m) for m in months]  # type: ignore[attr-defined]
        self.townships = townships
        for t in townships:
            for kind, label in (("floor", _("Floor (yuan)")), ("cap", _("Cap (yuan)"))):
                self.fields[f"{kind}_{t.code}"] = forms.DecimalField(
                    label=f"{t.name}: {label}",
                    min_value=Decimal(0),
                    max_value=MAX_BUDGET,
                    decimal_places=2,
                    required=False,
                )

    def limit_rows(self) -> list[tuple[Region, forms.BoundField, forms.BoundField]]:
        return [(t, self[f"floor_{t.code}"], self[f"cap_{t.code}"]) for t in self.townships]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        floors = Decimal(0)
        for t in self.townships:
            floor, cap = data.get(f"floor_{t.code}"), data.get(f"cap_{t.code}")
            if floor is not None and cap is not None and floor > cap:
                self.add_error(f"floor_{t.code}", _("The floor is above the cap."))
            floors += floor or 0
        budget = data.get("budget")
        if budget is not None and floors > budget:
            self.add_error(
                "budget",
                _("The budget is below the sum of the floors (%(floors)s yuan).")
                % {"floors": f"{floors:,.2f}"},
            )
        return data

    def limits(self) -> dict[str, allocation_cells.Limit]:
        out = {}
        for t in self.townships:
            floor = self.cleaned_data.get(f"floor_{t.code}")
            cap = self.cleaned_data.get(f"cap_{t.code}")
            if floor or cap is not None:
                out[t.code] = allocation_cells.Limit(
                    floor=float(floor or 0), cap=None if cap is None else float(cap)
                )
        return out


def _form(request: HttpRequest, scope: Region, data: Any = None) -> AllocationForm:
    months = [f"{m:%Y-%m}" for m in allocation_cells.snapshot_months()]
    townships = list(
        Region.objects.filter(parent=scope, level=Region.Level.TOWNSHIP).order_by("code")
    )
    return AllocationForm(data, months=months, townships=townships)


@allowed(policy.can_see_planning)
def allocation_page(request: HttpRequest) -> HttpResponse:
    scope = policy.planning_scope(request.user)
    assert scope is not None  # can_see_planning
    may_run = policy.can_run_plans(request.user)
    if request.method == "POST" and not may_run:
        raise PermissionDenied
    form = _form(request, scope, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run = allocation_cells.allocation_run_save(
                    actor=request.user,
                    scope=scope,
                    month=allocation_cells.month_of(form.cleaned_data["month"]),
                    budget=float(form.cleaned_data["budget"]),
                    objective=form.cleaned_data["objective"],
                    limits=form.limits(),
                    name=form.cleaned_data["name"],
                )
            except AllocationError as exc:
                _attach(form, exc)
            else:
                return redirect("planning_allocation_run", pk=run.pk)
        status = 400
    runs = [
        r
        for r in PlanningRun.objects.filter(kind=PlanningRun.Kind.ALLOCATION)
        .select_related("scope", "created_by")
        .order_by("-created_at", "-pk")[:200]
        if policy.can_see_run(request.user, r.scope)
    ][:50]
    context = {
        "form": form if may_run else None,
        "has_snapshot": bool(form.fields["month"].choices),  # type: ignore[attr-defined]
        "runs": runs,
        "objectives": objective_names(),
        "scope": scope,
    }
    return render(request, "insights/planning/allocation.html", context, status=status)


def _attach(form: AllocationForm, exc: AllocationError) -> None:
    field = exc.field or ""
    kind, _sep, code = field.partition(":")
    target: str | None = None
    if field == "budget":
        target = "budget"
    elif kind in ("floor", "cap") and f"{kind}_{code}" in form.fields:
        target = f"{kind}_{code}"
    message = _("The model cannot take this input: %(reason)s") % {"reason": str(exc)}
    form.add_error(target, message)


def _run(request: HttpRequest, pk: int) -> PlanningRun:
    run = (
        PlanningRun.objects.filter(pk=pk, kind=PlanningRun.Kind.ALLOCATION)
        .select_related("scope", "created_by")
        .first()
    )
    if run is None or not policy.can_see_run(request.user, run.scope):
        raise Http404
    return run


@allowed(policy.can_see_planning)
def allocation_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    view = allocation_cells.RunView(run.result, objective_names())
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in EXPORT_FORMATS:
            return render(
                request,
                "insights/planning/allocation_run.html",
                {"run": run, "view": view, "format_error": _("Choose the format csv or xlsx.")},
                status=400,
            )
        content_type, write = EXPORT_FORMATS[fmt]
        response = HttpResponse(write(_tables(view)), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="allocation-{run.pk}.{fmt}"'
        return response
    return render(request, "insights/planning/allocation_run.html", {"run": run, "view": view})


def _tables(view: allocation_cells.RunView) -> list[Table]:
    header = [
        _("Township"),
        _("Village"),
        _("Village code"),
        _("Service area"),
        _("Population"),
        _("Rural"),
        _("Local weight"),
        _("Attainment before"),
    ]
    spend, after = _("spend (yuan)"), _("attainment after")
    for name in OBJECTIVES:
        label = view.names[name]
        header += [f"{label}: {spend}", f"{label}: {after}"]
    rows: list[list[Any]] = []
    for c in view.cells:
        row: list[Any] = [
            c["township_name"],
            c["region_name"],
            c["region"],
            c["area_name"],
            c["population"],
            _("yes") if c["rural"] else _("no"),
            c["weight"],
            round(c["attainment"], 6),
        ]
        for name in OBJECTIVES:
            row += [round(c["spend"][name], 2), round(c["after"][name], 6)]
        rows.append(row)
    return [Table(_("Budget allocation per cell"), header, rows)]
