"""Indicators, standards and imported statistics (issue 11). Who may open them: ``insights.policy``.

Everyone who may see planning reads the indicators with their standards; county
administrators (``policy.can_configure_indicators``) edit an indicator's standard, weight
and activity and import statistics. Bad input: 400, the errors beside the fields, nothing
saved."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from minsheng.accounts.decorators import allowed
from minsheng.core.errors import DomainError
from minsheng.insights import balance, policy
from minsheng.insights.models import Indicator, IndicatorValue
from minsheng.regions.models import Region

MAX_UPLOAD = 5 * 1024 * 1024


def _groups(indicators: list[Indicator]) -> list[tuple[str, list[Indicator]]]:
    groups: list[tuple[str, list[Indicator]]] = []
    for i in indicators:
        name = i.area.name if i.area is not None else _("Across service areas")
        if not groups or groups[-1][0] != name:
            groups.append((name, []))
        groups[-1][1].append(i)
    return groups


def _latest_county() -> tuple[Any, dict[int, IndicatorValue]]:
    """The latest snapshot month and the county's value of each indicator then."""
    county = Region.objects.filter(level=Region.Level.COUNTY).order_by("code").first()
    last = IndicatorValue.objects.order_by("-month").values_list("month", flat=True).first()
    if county is None or last is None:
        return None, {}
    rows = IndicatorValue.objects.filter(month=last, region=county)
    return last, {v.indicator_id: v for v in rows}


@allowed(policy.can_see_planning)
def indicators_page(request: HttpRequest) -> HttpResponse:
    may_configure = policy.can_configure_indicators(request.user)
    indicators = list(
        Indicator.objects.select_related("area").order_by("area__position", "position", "code")
    )
    by_code = {i.code: i for i in indicators}
    errors: dict[str, str] = {}
    editing: Indicator | None = by_code.get(request.GET.get("edit", "")) if may_configure else None
    data: dict[str, Any] = {}
    result = None
    filename = ""
    if request.method == "POST":
        if not may_configure:
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action == "edit":
            editing = by_code.get(request.POST.get("indicator", ""))
            data = {
                "standard": request.POST.get("standard", ""),
                "weight": request.POST.get("weight", ""),
                "active": request.POST.get("active") == "on",
            }
            if editing is None:
                errors["indicator"] = _("No indicator has this code.")
            else:
                try:
                    balance.indicator_update(actor=request.user, indicator=editing, **data)
                except DomainError as exc:
                    errors = {e.field or "indicator": str(e.message) for e in exc.errors}
                else:
                    return HttpResponseRedirect(
                        reverse("planning_indicators") + f"?saved={editing.code}"
                    )
        elif action in ("check", "import"):
            upload = request.FILES.get("file")
            if upload is None:
                errors["file"] = _("Choose a CSV or XLSX file.")
            elif upload.size is not None and upload.size > MAX_UPLOAD:
                errors["file"] = _("The file is larger than 5 MB.")
            else:
                filename = upload.name or ""
                try:
                    result = balance.import_values(
                        actor=request.user,
                        data=upload.read(),
                        filename=filename,
                        commit=action == "import",
                    )
                except DomainError as exc:
                    errors = {"file": " ".join(str(e.message) for e in exc.errors)}
                else:
                    if result.errors:
                        errors["file"] = _("Some rows cannot be imported; nothing was written.")
        else:
            errors["action"] = _("Unknown action.")
    if editing is not None and not data:
        data = {
            "standard": f"{editing.standard:g}",
            "weight": f"{editing.weight:g}",
            "active": editing.active,
        }
    month, county_values = _latest_county()
    for i in indicators:
        setattr(i, "latest", county_values.get(i.pk))  # noqa: B010 (shown beside it)
    imported = [i for i in indicators if i.source == Indicator.Source.IMPORTED]
    context = {
        "groups": _groups(indicators),
        "may_configure": may_configure,
        "editing": editing,
        "data": data,
        "errors": errors,
        "result": result,
        "filename": filename,
        "saved": by_code.get(request.GET.get("saved", "")),
        "month": month,
        "imported": imported,
        "columns": balance.COLUMNS + balance.OPTIONAL,
    }
    return render(
        request, "insights/planning/indicators.html", context, status=400 if errors else 200
    )
