"""Siting new service points (issue 11). Who may open them: ``insights.policy``.

``/staff/planning/siting/``: the form (facility kind, model, p, radius) and the saved runs;
a POST (``can_run_plans``) solves it on the register (``siting_inputs.register_instance``),
saves a ``PlanningRun`` and redirects to ``/staff/planning/siting/<id>/``: the map, the
chosen sites with the population each newly covers, the covered share before and after."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.decorators import allowed
from minsheng.insights import policy, siting_inputs
from minsheng.insights.models import PlanningRun
from minsheng.insights.siting import SitingError

MODEL_CHOICES = [
    ("mclp", _("Maximal covering: most people within the radius with p new sites")),
    ("pmedian", _("p-median: least person-distance with p new sites")),
    ("lscp", _("Set covering: fewest new sites so everyone is within the radius")),
    ("pcenter", _("p-centre: least worst distance with p new sites")),
]


class SitingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Facility kind"), choices=())
    model = forms.ChoiceField(label=_("Model"), choices=MODEL_CHOICES)
    p = forms.IntegerField(label=_("New sites (p)"), required=False, min_value=1, max_value=500)
    radius_km = forms.FloatField(
        label=_("Radius (km)"), required=False, min_value=0.01, max_value=500
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k.value, k.label) for k in siting_inputs.SITED_KINDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        model = data.get("model")
        if (
            model in ("mclp", "pmedian", "pcenter")
            and data.get("p") is None
            and "p" not in self.errors
        ):
            self.add_error("p", _("This model needs the number of new sites."))
        if (
            model in ("mclp", "lscp")
            and data.get("radius_km") is None
            and "radius_km" not in self.errors
        ):
            self.add_error("radius_km", _("This model needs a radius."))
        if model == "lscp":
            data["p"] = None  # set covering chooses the number itself
        return data


def _runs(request: HttpRequest) -> list[PlanningRun]:
    runs = PlanningRun.objects.filter(kind=PlanningRun.Kind.SITING).select_related("scope")[:50]
    return [r for r in runs if policy.can_see_run(request.user, r.scope)][:20]


@allowed(policy.can_see_planning)
def siting_page(request: HttpRequest) -> HttpResponse:
    may_run = policy.can_run_plans(request.user)
    form = SitingForm(request.POST or None, initial={"model": "mclp", "p": 3, "radius_km": 3})
    status = 200
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied
        if form.is_valid():
            scope = policy.planning_scope(request.user)
            assert scope is not None
            assert isinstance(request.user, User)
            try:
                run = siting_inputs.siting_run_create(
                    actor=request.user,
                    scope=scope,
                    kind=form.cleaned_data["kind"],
                    model=form.cleaned_data["model"],
                    p=form.cleaned_data["p"],
                    radius_km=form.cleaned_data["radius_km"],
                )
            except siting_inputs.SitingFieldError as exc:
                form.add_error(exc.field, exc.message)
            except SitingError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("planning_siting_run", run_id=run.pk)
        status = 400
    return render(
        request,
        "insights/planning/siting.html",
        {"form": form, "may_run": may_run, "runs": _runs(request)},
        status=status,
    )


@allowed(policy.can_see_planning)
def siting_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = (
        PlanningRun.objects.filter(pk=run_id, kind=PlanningRun.Kind.SITING)
        .select_related("scope", "created_by")
        .first()
    )
    if run is None:
        raise Http404
    if not policy.can_see_run(request.user, run.scope):
        raise PermissionDenied
    result = run.result
    return render(
        request,
        "insights/planning/siting_run.html",
        {
            "run": run,
            "inputs": run.inputs,
            "result": result,
            "model_label": dict(MODEL_CHOICES).get(run.inputs.get("model"), ""),
            "map_data": {
                "demand": result.get("demand", []),
                "existing": result.get("existing", []),
                "chosen": result.get("sites", []),
                "radius_m": (run.inputs.get("radius_km") or 0) * 1000,
            },
        },
    )
