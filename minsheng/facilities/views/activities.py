"""The activity pages (issue 10, item 8): the public list of what is coming, one activity
(sign up, withdraw, rate once held), and for organisers the staff list, the form, one
activity's console (announce, cancel, attendance, held) and the variety table per village.

A refused POST re-renders its page with each error by its field and the service's status
code; nothing was written. Who may do what comes from ``policy.activities`` (``may``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed, clean_request, signed_in
from minsheng.core import exports
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.ids import as_id
from minsheng.orders.forms import FieldSpec, attach_errors, error_links
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_choices_tree

from .. import variety
from ..models import Activity, ActivityKind, ActivityStatus
from ..policy import activities as policy
from ..selectors import activities as sel
from ..services import activities as svc

PAGE_SIZE = 20
BUTTONS = frozenset({"announce", "held", "signup", "withdraw"})
STAFF_LIMIT = 300
FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.to_xlsx,
    ),
}


@dataclass
class Failure:
    """A refused POST: which form, its errors, what was typed, the status to answer."""

    form: str
    errors: list[ErrorDetail]
    data: QueryDict
    status: int

    @property
    def loose(self) -> list[str]:
        """The messages shown above the page: those about no field, and all of a form that
        is only a button (announce, held, sign up, withdraw)."""
        if self.form in BUTTONS:
            return [str(e.message) for e in self.errors]
        return [str(e.message) for e in self.errors if not e.field]


@dataclass
class Form:
    name: str
    action: str
    fields: list[FieldSpec] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _fill(form: Form, failure: Failure | None) -> Form:
    if failure is not None and failure.form == form.name:
        for spec in form.fields:
            if spec.kind in ("radio", "checkbox"):
                spec.value = failure.data.getlist(spec.name)
            else:
                spec.value = failure.data.get(spec.name, "")
        form.errors = attach_errors(form.fields, failure.errors)
    return form


def _found(pk: int, user: Any) -> Activity:
    activity = sel.activity_by_id(pk) if as_id(pk) is not None else None
    if activity is None or not policy.can_see(user, activity):
        raise Http404
    return activity


# --- the public list --------------------------------------------------------------------------


def _read_filters(request: HttpRequest) -> tuple[sel.Filters, list[str]]:
    problems: list[str] = []
    township = village = kind = None
    code = request.GET.get("township", "").strip()
    if code:
        township = Region.objects.filter(code=code, level=Region.Level.TOWNSHIP).first()
        if township is None:
            problems.append(str(_("No such township.")))
    code = request.GET.get("village", "").strip()
    if code:
        village = Region.objects.filter(code=code, level=Region.Level.VILLAGE).first()
        if village is None:
            problems.append(str(_("No such village.")))
    code = request.GET.get("kind", "").strip()
    if code:
        kind = ActivityKind.objects.filter(code=code).first()
        if kind is None:
            problems.append(str(_("No such kind of activity.")))
    return sel.Filters(township=township, village=village, kind=kind), problems


@clean_request
def activity_list(request: HttpRequest) -> HttpResponse:
    filters, problems = _read_filters(request)
    qs = sel.upcoming(request.user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "facilities/activities/list.html",
        {
            "page": page,
            "total": page.paginator.count,
            "filters": filters,
            "problems": problems,
            "tree": region_choices_tree(),
            "kinds": list(sel.kinds()),
            "home": sel.home_village(request.user),
            "query": query.urlencode(),
            "may_organise": policy.uses_console(request.user),
        },
    )


# --- one activity -----------------------------------------------------------------------------


def _rate_form(a: Activity, failure: Failure | None) -> Form:
    specs = [
        FieldSpec(
            name="score",
            label=_("Your rating"),
            kind="radio",
            required=True,
            choices=[(str(n), str(n)) for n in range(5, 0, -1)],
            help=_("5 is the best."),
            prefix="rate",
        ),
        FieldSpec(
            name="comment",
            label=_("Comment (optional)"),
            kind="textarea",
            maxlength=svc.COMMENT_MAX,
            prefix="rate",
        ),
    ]
    return _fill(Form("rate", f"/activities/{a.pk}/rate/", specs), failure)


def _detail(request: HttpRequest, a: Activity, failure: Failure | None = None) -> HttpResponse:
    user = request.user
    mine = sel.signup_of(user, a)
    rating = sel.rating_of(user, a)
    now = timezone.now()
    before_start = a.starts_at > now
    places_left = None if a.capacity is None else max(a.capacity - getattr(a, "signup_count", 0), 0)
    may = {
        "signup": policy.can_sign_up(user, a) and before_start and mine is None,
        "withdraw": mine is not None and a.status == ActivityStatus.ANNOUNCED and before_start,
        "rate": a.status == ActivityStatus.HELD and mine is not None and rating is None,
        "organise": policy.organises(user, a),
    }
    return render(
        request,
        "facilities/activities/detail.html",
        {
            "a": a,
            "may": may,
            "mine": mine,
            "rating": rating,
            "places_left": places_left,
            "before_start": before_start,
            "summary": sel.rating_summary(a),
            "failure": failure,
            "rate_form": _rate_form(a, failure),
            "login_needed": not user.is_authenticated and a.status == ActivityStatus.ANNOUNCED,
        },
        status=failure.status if failure else 200,
    )


@clean_request
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _found(pk, request.user))


def _act(request: HttpRequest, pk: int, form: str, call: Any, success: Any) -> HttpResponse:
    a = _found(pk, request.user)
    try:
        call(a)
    except DomainError as exc:
        return _detail(
            request,
            _found(pk, request.user),
            Failure(form, exc.errors, request.POST, exc.status_code),
        )
    messages.success(request, success)
    return redirect("activity", pk)


@signed_in
@require_POST
def activity_signup(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "signup",
        lambda a: svc.signup_create(actor=request.user, activity_id=a.pk),
        _("You are signed up."),
    )


@signed_in
@require_POST
def activity_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "withdraw",
        lambda a: svc.signup_withdraw(actor=request.user, activity_id=a.pk),
        _("Your sign-up is withdrawn."),
    )


@signed_in
@require_POST
def activity_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "rate",
        lambda a: svc.activity_rate(
            actor=request.user,
            activity_id=a.pk,
            score=request.POST.get("score", ""),
            comment=request.POST.get("comment", ""),
        ),
        _("Thank you for your rating."),
    )


# --- staff: the list and the form -------------------------------------------------------------


@allowed(policy.uses_console)
def staff_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ActivityStatus.values:
        status = ""
    return render(
        request,
        "facilities/activities/staff_list.html",
        {
            "activities": list(sel.staff_activities(request.user, status)[:STAFF_LIMIT]),
            "limit": STAFF_LIMIT,
            "status": status,
            "statuses": list(ActivityStatus.choices),
            "may_variety": policy.can_see_variety(request.user),
        },
    )


def _local_input(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _activity_form(request: HttpRequest, a: Activity | None, failure: Failure | None) -> Form:
    facilities = sel.organisable_facilities(request.user)
    specs = [
        FieldSpec(
            name="title", label=_("Title"), kind="text", required=True, maxlength=svc.TITLE_MAX
        ),
        FieldSpec(
            name="kind",
            label=_("Kind"),
            kind="select",
            required=True,
            choices=[(k.code, k.name) for k in sel.kinds()],
        ),
        FieldSpec(
            name="village",
            label=_("Village"),
            kind="select",
            required=True,
            groups=[
                (t.name, [(v.code, v.name) for v in vs])
                for t, vs in sel.organisable_villages(request.user)
            ],
        ),
        FieldSpec(
            name="facility",
            label=_("Facility (optional)"),
            kind="select",
            choices=[(str(f.pk), f"{f.name} ({f.region.name})") for f in facilities],
            help=_("In the village or its township."),
        ),
        FieldSpec(name="starts_at", label=_("Starts at"), kind="datetime", required=True),
        FieldSpec(name="ends_at", label=_("Ends at"), kind="datetime", required=True),
        FieldSpec(
            name="capacity",
            label=_("Places (empty: no limit)"),
            kind="number",
            step="1",
            min="1",
        ),
        FieldSpec(
            name="custom",
            label=_("Local custom it fits (optional)"),
            kind="text",
            maxlength=svc.CUSTOM_MAX,
            help=_("For example: held on market day; in the local dialect."),
        ),
        FieldSpec(
            name="description",
            label=_("Description"),
            kind="textarea",
            maxlength=svc.DESCRIPTION_MAX,
        ),
    ]
    if a is not None and failure is None:
        values = {
            "title": a.title,
            "kind": a.kind.code,
            "village": a.village.code,
            "facility": str(a.facility_id or ""),
            "starts_at": _local_input(a.starts_at),
            "ends_at": _local_input(a.ends_at),
            "capacity": str(a.capacity or ""),
            "custom": a.custom,
            "description": a.description,
        }
        for spec in specs:
            spec.value = values[spec.name]
    action = f"/staff/activities/{a.pk}/edit/" if a is not None else "/staff/activities/new/"
    return _fill(Form("activity", action, specs), failure)


def _input(data: QueryDict) -> svc.ActivityInput:
    return svc.ActivityInput(
        title=data.get("title", ""),
        kind=data.get("kind", ""),
        village=data.get("village", ""),
        facility=data.get("facility", ""),
        description=data.get("description", ""),
        custom=data.get("custom", ""),
        starts_at=data.get("starts_at", ""),
        ends_at=data.get("ends_at", ""),
        capacity=data.get("capacity", ""),
    )


def _form_page(request: HttpRequest, a: Activity | None) -> HttpResponse:
    failure = None
    if request.method == "POST":
        try:
            if a is None:
                saved = svc.activity_create(actor=request.user, data=_input(request.POST))
            else:
                saved = svc.activity_update(
                    actor=request.user, activity_id=a.pk, data=_input(request.POST)
                )
        except DomainError as exc:
            failure = Failure("activity", exc.errors, request.POST, exc.status_code)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("staff_activity", saved.pk)
    form = _activity_form(request, a, failure)
    order = {f.name: i for i, f in enumerate(form.fields)}
    errors = sorted(failure.errors, key=lambda e: order.get(e.field or "", -1)) if failure else []
    return render(
        request,
        "facilities/activities/staff_form.html",
        {"form": form, "a": a, "error_links": error_links(form.fields, errors)},
        status=failure.status if failure else 200,
    )


@allowed(policy.uses_console)
def staff_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


def _organised(request: HttpRequest, pk: int) -> Activity:
    a = sel.activity_by_id(pk) if as_id(pk) is not None else None
    if a is None or not policy.can_see(request.user, a):
        raise Http404
    if not policy.organises(request.user, a):
        raise PermissionDenied
    return a


@allowed(policy.uses_console)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    a = _organised(request, pk)
    if not policy.can_edit(a):
        messages.error(request, _("A held or cancelled activity cannot be changed."))
        return redirect("staff_activity", pk)
    return _form_page(request, a)


# --- staff: one activity ----------------------------------------------------------------------


def _console(request: HttpRequest, a: Activity, failure: Failure | None = None) -> HttpResponse:
    signups = list(sel.signups_of(a))
    cancel = _fill(
        Form(
            "cancel",
            f"/staff/activities/{a.pk}/cancel/",
            [
                FieldSpec(
                    name="reason",
                    label=_("Reason (those signed up read it)"),
                    kind="text",
                    required=True,
                    maxlength=svc.REASON_MAX,
                    prefix="cancel",
                )
            ],
        ),
        failure,
    )
    attendance = _fill(
        Form(
            "attendance",
            f"/staff/activities/{a.pk}/attendance/",
            [
                FieldSpec(
                    name="attendance",
                    label=_("People who came, in all"),
                    kind="number",
                    required=True,
                    step="1",
                    min="0",
                    value=str(a.attendance) if a.attendance is not None else "",
                    help=_("Everyone who came, signed up or not."),
                    prefix="att",
                ),
                FieldSpec(
                    name="attended",
                    label=_("Who of those signed up came"),
                    kind="checkbox",
                    choices=[
                        (
                            str(s.pk),
                            getattr(getattr(s.user, "profile", None), "display_name", "")
                            or s.user.username,
                        )
                        for s in signups
                    ],
                    value=[str(s.pk) for s in signups if s.attended],
                    prefix="att",
                ),
            ],
        ),
        failure,
    )
    now = timezone.now()
    started = a.starts_at <= now
    may = {
        "edit": policy.can_edit(a),
        "announce": svc.can_transition(a, ActivityStatus.ANNOUNCED) and not started,
        "cancel": svc.can_transition(a, ActivityStatus.CANCELLED),
        "attendance": a.status in (ActivityStatus.ANNOUNCED, ActivityStatus.HELD) and started,
        "held": svc.can_transition(a, ActivityStatus.HELD) and started,
    }
    return render(
        request,
        "facilities/activities/staff_detail.html",
        {
            "a": a,
            "may": may,
            "signups": signups,
            "cancel_form": cancel,
            "attendance_form": attendance,
            "summary": sel.rating_summary(a),
            "ratings": list(sel.ratings_of(a)[:100]),
            "failure": failure,
        },
        status=failure.status if failure else 200,
    )


@allowed(policy.uses_console)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _console(request, _organised(request, pk))


def _staff_act(request: HttpRequest, pk: int, form: str, call: Any, success: Any) -> HttpResponse:
    a = _organised(request, pk)
    try:
        call(a)
    except DomainError as exc:
        return _console(
            request,
            _organised(request, pk),
            Failure(form, exc.errors, request.POST, exc.status_code),
        )
    messages.success(request, success)
    return redirect("staff_activity", pk)


@allowed(policy.uses_console)
@require_POST
def staff_announce(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_act(
        request,
        pk,
        "announce",
        lambda a: svc.activity_announce(actor=request.user, activity_id=a.pk),
        _("The activity is announced; the village's residents are told."),
    )


@allowed(policy.uses_console)
@require_POST
def staff_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_act(
        request,
        pk,
        "cancel",
        lambda a: svc.activity_cancel(
            actor=request.user, activity_id=a.pk, reason=request.POST.get("reason", "")
        ),
        _("The activity is cancelled; those signed up are told."),
    )


@allowed(policy.uses_console)
@require_POST
def staff_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_act(
        request,
        pk,
        "attendance",
        lambda a: svc.activity_record_attendance(
            actor=request.user,
            activity_id=a.pk,
            total=request.POST.get("attendance", ""),
            attended=request.POST.getlist("attended"),
        ),
        _("The attendance is recorded."),
    )


@allowed(policy.uses_console)
@require_POST
def staff_held(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_act(
        request,
        pk,
        "held",
        lambda a: svc.activity_mark_held(actor=request.user, activity_id=a.pk),
        _("The activity is marked as held."),
    )


# --- staff: variety ---------------------------------------------------------------------------


def _variety_tables(table: sel.VarietyTable) -> list[exports.Table]:
    villages = exports.Table(
        title=str(_("Variety of activities by village, %(quarter)s") % {"quarter": table.quarter}),
        header=[
            str(_("Township")),
            str(_("Village")),
            str(_("Kinds held")),
            str(_("Activities")),
            str(_("Attendance")),
            str(_("Shannon diversity (H)")),
            str(_("Evenness")),
            str(_("Monotonous")),
            str(_("Kinds")),
        ],
        rows=[
            [
                r.township.name,
                r.village.name,
                r.variety.kinds,
                r.variety.activities,
                r.variety.attendance,
                round(r.variety.shannon, 3),
                None if r.variety.evenness is None else round(r.variety.evenness, 3),
                str(_("yes")) if r.variety.monotonous else str(_("no")),
                "、".join(r.kinds),
            ]
            for r in table.villages
        ],
    )
    towns = exports.Table(
        title=str(_("By township")),
        header=[
            str(_("Township")),
            str(_("Villages")),
            str(_("Monotonous villages")),
            str(_("Mean kinds")),
            str(_("Mean H")),
        ],
        rows=[
            [
                t.township.name,
                t.summary.villages,
                t.summary.monotonous,
                round(t.summary.mean_kinds, 2),
                round(t.summary.mean_shannon, 3),
            ]
            for t in table.townships
        ],
    )
    return [villages, towns]


@allowed(policy.can_see_variety)
def staff_variety(request: HttpRequest) -> HttpResponse:
    current = variety.quarter_of(timezone.localdate())
    quarter = request.GET.get("quarter", "").strip() or current
    problems: list[str] = []
    try:
        table = sel.variety_table(request.user, quarter)
    except ValueError:
        problems.append(str(_("Give the quarter as YYYYQn, for example 2026Q3.")))
        quarter = current
        table = sel.variety_table(request.user, quarter)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS and not problems:
        content_type, write = FORMATS[fmt]
        response = HttpResponse(write(_variety_tables(table)), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="activity-variety-{quarter}.{fmt}"'
        return response
    return render(
        request,
        "facilities/activities/variety.html",
        {
            "table": table,
            "quarter": quarter,
            "previous": variety.previous_quarter(quarter),
            "problems": problems,
            "threshold": variety.MONOTONOUS_BELOW,
            "monotonous_count": sum(1 for r in table.villages if r.variety.monotonous),
        },
        status=400 if problems else 200,
    )


urlpatterns = [
    path("activities/", activity_list, name="activities"),
    path("activities/<int:pk>/", activity_detail, name="activity"),
    path("activities/<int:pk>/signup/", activity_signup, name="activity_signup"),
    path("activities/<int:pk>/withdraw/", activity_withdraw, name="activity_withdraw"),
    path("activities/<int:pk>/rate/", activity_rate, name="activity_rate"),
    path("staff/activities/", staff_list, name="staff_activities"),
    path("staff/activities/new/", staff_new, name="staff_activity_new"),
    path("staff/activities/variety/", staff_variety, name="staff_activity_variety"),
    path("staff/activities/<int:pk>/", staff_detail, name="staff_activity"),
    path("staff/activities/<int:pk>/edit/", staff_edit, name="staff_activity_edit"),
    path("staff/activities/<int:pk>/announce/", staff_announce, name="staff_activity_announce"),
    path("staff/activities/<int:pk>/cancel/", staff_cancel, name="staff_activity_cancel"),
    path(
        "staff/activities/<int:pk>/attendance/",
        staff_attendance,
        name="staff_activity_attendance",
    ),
    path("staff/activities/<int:pk>/held/", staff_held, name="staff_activity_held"),
]
