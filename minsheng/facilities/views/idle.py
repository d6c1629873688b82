"""The idle pages (issue 10, part 4): the flags in the reader's scope (overdue follow-ups
first, filters, CSV export), one flag (its figures against the peers, twelve months of use,
each cause with its evidence, closing with the action taken, reassigning), and the survey
questions that measure awareness (county-wide staff).

Who may do what comes from ``policy.idle``; a refused POST re-renders the page with each
error next to its field and the service's status code, and nothing was written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, URLPattern, URLResolver, path, resolve
from django.utils import timezone
from django.utils.translation import gettext as gt
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.exports import Table, to_csv
from minsheng.core.ids import as_id
from minsheng.orders.forms import FieldSpec, attach_errors, error_links

from ..models import INFRASTRUCTURE, Cause, FlagStatus, IdleFlag, Kind
from ..policy import idle as policy
from ..selectors import idle as sel
from ..services import idle as svc

LIST_LIMIT = 500


@dataclass
class Failure:
    form: str
    errors: list[ErrorDetail]
    data: QueryDict
    status: int


@dataclass
class Form:
    name: str
    action: str
    fields: list[FieldSpec]
    errors: list[str]
    links: list[tuple[str, str]]


def _form(name: str, action: str, specs: list[FieldSpec], failure: Failure | None) -> Form:
    errors: list[str] = []
    links: list[tuple[str, str]] = []
    if failure is not None and failure.form == name:
        for spec in specs:
            spec.value = failure.data.get(spec.name, "")
        errors = attach_errors(specs, failure.errors)
        links = error_links(specs, failure.errors)
    return Form(name, action, specs, errors, links)


def _name(user: Any) -> str:
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return (getattr(profile, "display_name", "") or "") or user.get_username()


# --- evidence of a cause, in words ------------------------------------------------------------


def _pct(x: Any) -> str:
    return "—" if x is None else f"{100 * float(x):.0f}%"


def evidence(cause: dict[str, Any]) -> str:
    """One sentence of a cause's figures, in the reader's language."""
    code, figure, d = cause.get("code"), cause.get("figure"), cause.get("detail") or {}
    if code == Cause.PUBLICITY:
        return gt(
            "%(views).1f portal views per 1,000 served in 90 days (peers' median %(median).1f); "
            "awareness in surveys: %(aware)s."
        ) % {
            "views": figure or 0,
            "median": d.get("peers_views_median") or 0,
            "aware": _pct(d.get("awareness"))
            if d.get("awareness") is not None
            else gt("not asked"),
        }
    if code == Cause.STALE:
        return gt("Median age of the copies %(age).1f years; %(young)s under five years old.") % {
            "age": figure or 0,
            "young": _pct(d.get("share_under_5")),
        }
    if code == Cause.ONE_KIND:
        return gt("Class %(cls)s holds %(share)s of the copies (Shannon diversity %(h).2f).") % {
            "cls": d.get("largest_class") or "?",
            "share": _pct(figure),
            "h": d.get("shannon") or 0,
        }
    if code == Cause.HOURS:
        return gt(
            "%(outside)s of %(n)s residents' requests in 12 months came while it was closed."
        ) % {
            "outside": d.get("outside", 0),
            "n": d.get("requests", 0),
        }
    if code == Cause.EQUIPMENT:
        return gt("Items of equipment broken: %(n)d.") % {"n": int(figure or 0)}
    if code == Cause.MAINTENANCE:
        return gt("Maintenance items overdue: %(n)d.") % {"n": int(figure or 0)}
    return ""


# The parts' own pages for a cause's evidence: linked when the page exists (the parts are
# built side by side; a page not there is left as plain text, never a dead link).
CAUSE_PAGES: dict[str, str] = {
    Cause.STALE: "/staff/facilities/{pk}/collection/",
    Cause.ONE_KIND: "/staff/facilities/{pk}/collection/",
    Cause.EQUIPMENT: "/staff/facilities/{pk}/equipment/",
    Cause.MAINTENANCE: "/staff/facilities/{pk}/maintenance/",
    Cause.HOURS: "/staff/facilities/{pk}/",
}


def page_if_any(template: str, pk: int) -> str:
    """``template`` for facility ``pk`` if this site has such a page, else ""."""
    if not template:
        return ""
    link = template.format(pk=pk)
    try:
        resolve(link)
    except Resolver404:
        return ""
    return link


def short_figure(cause: dict[str, Any]) -> str:
    """A cause's figure in a few characters, for its chip."""
    code, figure = cause.get("code"), float(cause.get("figure") or 0)
    if code == Cause.PUBLICITY:
        return gt("%(n).1f views per 1,000") % {"n": figure}
    if code == Cause.STALE:
        return gt("median %(n).0f years old") % {"n": figure}
    if code in (Cause.ONE_KIND, Cause.HOURS):
        return _pct(figure)
    return str(int(figure))


@dataclass(frozen=True)
class Chip:
    code: str
    label: str
    figure: str
    evidence: str
    link: str


def chips(flag: IdleFlag) -> list[Chip]:
    out = []
    for c in flag.causes or []:
        code = str(c.get("code", ""))
        label = str(Cause(code).label) if code in Cause.values else code
        link = page_if_any(CAUSE_PAGES.get(code, ""), flag.facility_id)
        out.append(Chip(code, label, short_figure(c), evidence(c), link))
    return out


@dataclass(frozen=True)
class Row:
    flag: IdleFlag
    chips: list[Chip]
    late: bool


# --- the list ---------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[sel.Filters, list[str]]:
    problems: list[str] = []
    towns = {t.code: t for t in sel.townships()}
    town = None
    code = request.GET.get("township", "").strip()
    if code:
        town = towns.get(code)
        if town is None:
            problems.append(str(_("No such township.")))
    cause = request.GET.get("cause", "")
    if cause and cause not in Cause.values:
        problems.append(str(_("No such cause.")))
        cause = ""
    status = request.GET.get("status", "")
    if status and status not in FlagStatus.values:
        problems.append(str(_("No such status.")))
        status = ""
    return sel.Filters(township=town, cause=cause, status=status), problems


@allowed(policy.can_use_idle_pages)
def idle_list(request: HttpRequest) -> HttpResponse:
    filters, problems = _filters(request)
    today = timezone.localdate()
    flags = list(sel.flags_for(request.user, filters, today=today)[:LIST_LIMIT])
    rows = [Row(f, chips(f), f.status == FlagStatus.OPEN and f.due_on < today) for f in flags]
    if request.GET.get("format") == "csv":
        return _csv(rows)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "facilities/idle/list.html",
        {
            "rows": rows,
            "problems": problems,
            "filters": filters,
            "townships": sel.townships(),
            "causes": Cause.choices,
            "statuses": FlagStatus.choices,
            "csv_query": (query.urlencode() + "&" if query else "") + "format=csv",
            "late_count": sum(1 for r in rows if r.late),
            "may_set_awareness": policy.can_set_awareness(request.user),
        },
        status=400 if problems else 200,
    )


def _csv(rows: list[Row]) -> HttpResponse:
    table = Table(
        title=gt("Idle facilities"),
        header=[
            gt("Facility"),
            gt("Township"),
            gt("Place"),
            gt("Computed on"),
            gt("Use per 1,000 served (90 days)"),
            gt("Peers' median per 1,000"),
            gt("Peers compared"),
            gt("Trend"),
            gt("Likely causes"),
            gt("Owner"),
            gt("Due"),
            gt("Status"),
            gt("Action taken"),
        ],
        rows=[
            [
                r.flag.facility.name,
                r.flag.facility.township.name if r.flag.facility.township else "",
                r.flag.facility.region.name,
                r.flag.computed_on.isoformat(),
                round(1000 * r.flag.use_per_resident, 2),
                round(1000 * r.flag.peer_median, 2),
                r.flag.peer_count,
                None if r.flag.trend is None else round(r.flag.trend, 3),
                "; ".join(c.label for c in r.chips),
                _name(r.flag.owner),
                r.flag.due_on.isoformat(),
                str(FlagStatus(r.flag.status).label),
                r.flag.action,
            ]
            for r in rows
        ],
    )
    response = HttpResponse(to_csv([table]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="idle-facilities.csv"'
    return response


# --- one flag ---------------------------------------------------------------------------------


def _found(request: HttpRequest, pk: int) -> IdleFlag:
    flag = sel.flag_for(request.user, pk) if as_id(pk) is not None else None
    if flag is None:
        raise Http404
    return flag


def _close_form(flag: IdleFlag, failure: Failure | None) -> Form:
    spec = FieldSpec(
        name="action",
        label=_("Action taken"),
        kind="textarea",
        required=True,
        maxlength=svc.ACTION_MAX,
        help=_("What was done about it: the flag is closed with this on record."),
        prefix=f"c{flag.pk}",
    )
    return _form("close", f"/staff/facilities/idle/{flag.pk}/close/", [spec], failure)


def _assign_form(flag: IdleFlag, failure: Failure | None) -> Form:
    owner = FieldSpec(
        name="owner",
        label=_("Owner of the follow-up"),
        kind="select",
        required=True,
        choices=[(str(u.pk), _name(u)) for u in sel.owner_choices(flag)],
        value=str(flag.owner_id or ""),
        prefix=f"a{flag.pk}",
    )
    due = FieldSpec(
        name="due_on",
        label=_("Due"),
        kind="text",
        required=True,
        value=flag.due_on.isoformat(),
        help=_("A date, YYYY-MM-DD."),
        maxlength=10,
        prefix=f"a{flag.pk}",
    )
    return _form("assign", f"/staff/facilities/idle/{flag.pk}/assign/", [owner, due], failure)


def _detail(request: HttpRequest, flag: IdleFlag, failure: Failure | None = None) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    months = sel.monthly_use(flag.facility, today)
    may_close = policy.can_close(user, flag)
    may_assign = policy.can_assign(user, flag)
    chart = {
        "labels": [m.strftime("%Y-%m") for m, _n in months],
        "data": [n for _m, n in months],
        "label": gt("People's use a month"),
    }
    return render(
        request,
        "facilities/idle/detail.html",
        {
            "flag": flag,
            "chips": chips(flag),
            "late": flag.status == FlagStatus.OPEN and flag.due_on < today,
            "per_1000": 1000 * flag.use_per_resident,
            "peer_per_1000": 1000 * flag.peer_median,
            "trend_pct": None if flag.trend is None else 100 * flag.trend,
            "months": months,
            "chart": chart,
            "close_form": _close_form(flag, failure) if may_close else None,
            "assign_form": _assign_form(flag, failure) if may_assign else None,
            "owner_name": _name(flag.owner),
            "closed_by_name": _name(flag.closed_by),
        },
        status=failure.status if failure else 200,
    )


@allowed(policy.can_use_idle_pages)
def idle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _found(request, pk))


def _act(request: HttpRequest, pk: int, form: str, call: Any, success: Any) -> HttpResponse:
    flag = _found(request, pk)
    try:
        call(flag)
    except DomainError as exc:
        return _detail(
            request, _found(request, pk), Failure(form, exc.errors, request.POST, exc.status_code)
        )
    messages.success(request, success)
    return redirect("staff_idle_flag", pk)


@allowed(policy.can_use_idle_pages)
@require_POST
def idle_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "close",
        lambda f: svc.idle_flag_close(
            actor=request.user, flag_id=f.pk, action=request.POST.get("action", "")
        ),
        _("The follow-up is closed with the action taken."),
    )


@allowed(policy.can_use_idle_pages)
@require_POST
def idle_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "assign",
        lambda f: svc.idle_flag_assign(
            actor=request.user,
            flag_id=f.pk,
            owner_id=request.POST.get("owner", ""),
            due_on=request.POST.get("due_on", ""),
        ),
        _("The follow-up has a new owner or deadline; the owner is told."),
    )


# --- awareness questions ----------------------------------------------------------------------


def _kind_choices() -> list[tuple[str, Any]]:
    return [(v, label) for v, label in Kind.choices if v not in INFRASTRUCTURE]


@allowed(policy.can_set_awareness)
def idle_awareness(request: HttpRequest) -> HttpResponse:
    failure = None
    if request.method == "POST":
        try:
            svc.awareness_question_set(
                actor=request.user,
                choice_id=request.POST.get("choice", ""),
                kind=request.POST.get("kind", ""),
            )
        except DomainError as exc:
            failure = Failure("awareness", exc.errors, request.POST, exc.status_code)
        else:
            messages.success(request, _("The answer now counts as knowing the facility."))
            return redirect("staff_idle_awareness")
    specs = [
        FieldSpec(
            name="choice",
            label=_('The answer meaning "I know it"'),
            kind="select",
            required=True,
            choices=[(str(pk), label) for pk, label in sel.awareness_choice_options()],
        ),
        FieldSpec(
            name="kind",
            label=_("Facility kind"),
            kind="select",
            required=True,
            choices=_kind_choices(),
        ),
    ]
    return render(
        request,
        "facilities/idle/awareness.html",
        {
            "questions": list(sel.awareness_questions()),
            "form": _form("awareness", "/staff/facilities/idle/awareness/", specs, failure),
        },
        status=failure.status if failure else 200,
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/facilities/idle/", idle_list, name="staff_idle"),
    path("staff/facilities/idle/awareness/", idle_awareness, name="staff_idle_awareness"),
    path("staff/facilities/idle/<int:pk>/", idle_detail, name="staff_idle_flag"),
    path("staff/facilities/idle/<int:pk>/close/", idle_close, name="staff_idle_close"),
    path("staff/facilities/idle/<int:pk>/assign/", idle_assign, name="staff_idle_assign"),
]
