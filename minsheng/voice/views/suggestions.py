"""The suggestion pages: the public list, one suggestion (support, report, and for its
staff the reply and moderation forms), posting, and the staff page (replies owed, the
moderation queue, bans).

A refused POST re-renders the page it came from with each error next to its field and the
service's status code; nothing was written. Who may do what comes from
``voice.policy.suggestions`` through the context (``may``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed, clean_request, signed_in
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.ids import as_id
from minsheng.orders.forms import FieldSpec, attach_errors, error_links
from minsheng.regions.selectors import region_choices_tree
from minsheng.voice import suggestion_rules as rules
from minsheng.voice.models import Suggestion, SuggestionKind, SuggestionStatus
from minsheng.voice.policy import suggestions as policy
from minsheng.voice.selectors import suggestions as sel
from minsheng.voice.services import suggestions as svc

PAGE_SIZE = 20


@dataclass
class Failure:
    """A refused POST: which form, its errors, what was typed, the status to answer."""

    form: str
    errors: list[ErrorDetail]
    data: QueryDict
    status: int

    @property
    def loose(self) -> list[str]:
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


def _status_choices() -> list[tuple[str, Any]]:
    return [(value, label) for value, label in SuggestionStatus.choices]


def _area_choices() -> list[tuple[str, Any]]:
    return [(a.code, a.name) for a in sel.service_areas()]


def _place_groups() -> list[tuple[Any, list[tuple[str, Any]]]]:
    """Townships, each with itself first and its villages (for the place pickers)."""
    groups = []
    for town, villages in region_choices_tree():
        options = [(town.code, _("%(town)s (the whole township)") % {"town": town.name})]
        options += [(v.code, v.name) for v in villages]
        groups.append((town.name, options))
    return groups


# --- the public list --------------------------------------------------------------------------


def _read_filters(request: HttpRequest) -> tuple[sel.Filters, list[str]]:
    problems: list[str] = []
    place = None
    code = request.GET.get("place", "").strip()
    if code:
        place = sel.region_with_code(code)
        if place is None:
            problems.append(str(_("No such place.")))
    status = request.GET.get("status", "")
    if status and status not in SuggestionStatus.values:
        problems.append(str(_("No such status.")))
        status = ""
    area = request.GET.get("area", "")
    if area and area not in {code for code, _label in _area_choices()}:
        problems.append(str(_("No such service area.")))
        area = ""
    sort = request.GET.get("sort", "support")
    if sort not in sel.SORTS:
        sort = "support"
    return sel.Filters(place=place, status=status, area=area, sort=sort), problems


@clean_request
def suggestion_list(request: HttpRequest) -> HttpResponse:
    filters, problems = _read_filters(request)
    qs = sel.public_suggestions(filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "voice/suggestions/list.html",
        {
            "page": page,
            "total": page.paginator.count,
            "filters": filters,
            "problems": problems,
            "place_groups": _place_groups(),
            "statuses": _status_choices(),
            "areas": _area_choices(),
            "query": query.urlencode(),
            "may_post": policy.can_post_any(request.user),
        },
    )


# --- posting ----------------------------------------------------------------------------------


def _post_form(request: HttpRequest, failure: Failure | None) -> Form:
    services = sel.menu_services()
    specs = [
        FieldSpec(
            name="kind",
            label=_("What do you suggest?"),
            kind="radio",
            required=True,
            choices=list(SuggestionKind.choices),
            prefix="s",
        ),
        FieldSpec(
            name="title",
            label=_("Title"),
            kind="text",
            required=True,
            maxlength=svc.TITLE_MAX,
            help=_("In a few words, for example: a canteen for the elderly in our village."),
            prefix="s",
        ),
        FieldSpec(
            name="body",
            label=_("Your suggestion"),
            kind="textarea",
            required=True,
            maxlength=svc.BODY_MAX,
            help=_("What is missing, for whom, and what would help. At most 2000 characters."),
            prefix="s",
        ),
        FieldSpec(
            name="place",
            label=_("Place"),
            kind="select",
            required=True,
            groups=_place_groups(),
            prefix="s",
        ),
        FieldSpec(
            name="area",
            label=_("Service area"),
            kind="select",
            choices=_area_choices(),
            prefix="s",
        ),
        FieldSpec(
            name="service",
            label=_("Service to change"),
            kind="select",
            choices=[(s.code, s.name) for s in services],
            help=_("Only for a change to a service of the menu."),
            prefix="s",
        ),
    ]
    if policy.residents_for_q(request.user) is not None:  # a grid worker
        people = sel.residents_for(request.user)
        specs.insert(
            0,
            FieldSpec(
                name="resident",
                label=_("Resident you post for"),
                kind="select",
                required=True,
                choices=[
                    (str(p.user_id), f"{p.display_name} ({p.region.name if p.region else ''})")
                    for p in people
                ],
                prefix="s",
            ),
        )
    return _fill(Form("post", "", specs), failure)


@allowed(policy.can_post_any)
def suggestion_new(request: HttpRequest) -> HttpResponse:
    failure = None
    if request.method == "POST":
        data = request.POST
        try:
            s = svc.suggestion_post(
                actor=request.user,
                data=svc.SuggestionInput(
                    kind=data.get("kind", ""),
                    title=data.get("title", ""),
                    body=data.get("body", ""),
                    place=data.get("place", ""),
                    area=data.get("area", ""),
                    service=data.get("service", ""),
                    resident=data.get("resident"),
                ),
            )
        except DomainError as exc:
            failure = Failure("post", exc.errors, data, exc.status_code)
        else:
            messages.success(request, _("Thank you: your suggestion is posted."))
            return redirect("suggestion", s.pk)
    form = _post_form(request, failure)
    order = {f.name: i for i, f in enumerate(form.fields)}
    errors = sorted(failure.errors, key=lambda e: order.get(e.field or "", -1)) if failure else []
    links = error_links(form.fields, errors)
    return render(
        request,
        "voice/suggestions/new.html",
        {"form": form, "error_links": links},
        status=failure.status if failure else 200,
    )


# --- one suggestion ---------------------------------------------------------------------------


def _reply_form(s: Suggestion, failure: Failure | None) -> Form:
    nexts = sorted(rules.TRANSITIONS.get(s.status, frozenset()), key=SuggestionStatus.values.index)
    specs = [
        FieldSpec(
            name="status",
            label=_("New status"),
            kind="radio",
            required=True,
            choices=[(v, SuggestionStatus(v).label) for v in nexts],
            prefix=f"r{s.pk}",
        ),
        FieldSpec(
            name="reply",
            label=_("Official reply (everyone reads it)"),
            kind="textarea",
            required=s.replied_at is None,
            maxlength=svc.BODY_MAX,
            prefix=f"r{s.pk}",
        ),
        FieldSpec(
            name="reason",
            label=_("Reason (required when not adopted; everyone reads it)"),
            kind="textarea",
            maxlength=svc.BODY_MAX,
            prefix=f"r{s.pk}",
        ),
        FieldSpec(
            name="result_service",
            label=_("What was built: a menu service (when done)"),
            kind="select",
            choices=[(x.code, x.name) for x in sel.menu_services(published_only=False)],
            prefix=f"r{s.pk}",
        ),
        FieldSpec(
            name="result_url",
            label=_("Or a page of this site (when done)"),
            kind="text",
            maxlength=svc.URL_MAX,
            help=_("A path starting with /, for example /services/meal-delivery/."),
            prefix=f"r{s.pk}",
        ),
        FieldSpec(
            name="note",
            label=_("Staff note (staff only)"),
            kind="textarea",
            maxlength=svc.BODY_MAX,
            prefix=f"r{s.pk}",
        ),
    ]
    return _fill(Form("reply", f"/staff/suggestions/{s.pk}/reply/", specs), failure)


def _reason_form(name: str, s: Suggestion, label: Any, failure: Failure | None) -> Form:
    spec = FieldSpec(
        name="reason" if name != "unhide" else "note",
        label=label,
        kind="text",
        required=name != "unhide",
        maxlength=svc.REASON_MAX,
        prefix=f"{name}{s.pk}",
    )
    base = "/suggestions" if name == "flag" else "/staff/suggestions"
    return _fill(Form(name, f"{base}/{s.pk}/{name}/", [spec]), failure)


def _detail(request: HttpRequest, s: Suggestion, failure: Failure | None = None) -> HttpResponse:
    user = request.user
    may = {
        "read": policy.can_read_text(user, s),
        "support": policy.can_support(user, s),
        "flag": policy.can_flag(user, s),
        "reply": policy.can_reply(user, s) and s.status not in rules.FINAL,
        "moderate": policy.can_moderate(user, s),
    }
    supported = sel.has_supported(user, s)
    reported = sel.has_reported(user, s)
    context = {
        "s": s,
        "may": may,
        "mine": user.is_authenticated and s.author_id == user.pk,
        "banned": policy.is_banned(user),
        "supported": supported,
        "reported": reported,
        "history": list(sel.history_for(user, s)),
        "timeliness": sel.timeliness(s),
        "threshold": _threshold(),
        "failure": failure,
        "flag_form": _reason_form("flag", s, _("What is wrong with it?"), failure),
        "reply_form": _reply_form(s, failure) if may["reply"] else None,
        "hide_form": _reason_form("hide", s, _("Reason for hiding (everyone reads it)"), failure),
        "unhide_form": _reason_form("unhide", s, _("Note (optional)"), failure),
        "ban_form": _reason_form("ban", s, _("Reason for the ban (staff only)"), failure),
        "pending_review": s.hidden_at is not None and s.hidden_by_id is None,
        "author_banned": may["moderate"] and sel.author_banned(s),
    }
    return render(
        request,
        "voice/suggestions/detail.html",
        context,
        status=failure.status if failure else 200,
    )


def _threshold() -> dict[str, int]:
    return {
        "count": settings.MINSHENG_SUGGESTION_THRESHOLD,
        "days": settings.MINSHENG_SUGGESTION_SUPPORT_DAYS,
        "reply_days": settings.MINSHENG_SUGGESTION_REPLY_DAYS,
    }


def _found(pk: int) -> Suggestion:
    s = sel.suggestion_by_id(pk) if as_id(pk) is not None else None
    if s is None:
        raise Http404
    return s


@clean_request
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _found(pk))


def _act(request: HttpRequest, pk: int, form: str, call: Any, success: Any) -> HttpResponse:
    s = _found(pk)
    try:
        call(s)
    except DomainError as exc:
        return _detail(
            request, _found(pk), Failure(form, exc.errors, request.POST, exc.status_code)
        )
    messages.success(request, success)
    return redirect("suggestion", pk)


@signed_in
@require_POST
def suggestion_support(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "support",
        lambda s: svc.suggestion_support(actor=request.user, suggestion_id=s.pk),
        _("Thank you for your support."),
    )


@signed_in
@require_POST
def suggestion_flag(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "flag",
        lambda s: svc.suggestion_flag(
            actor=request.user, suggestion_id=s.pk, reason=request.POST.get("reason", "")
        ),
        _("Thank you: a moderator will look at it."),
    )


# --- staff ------------------------------------------------------------------------------------


@allowed(policy.can_use_staff_page)
@require_POST
def staff_reply(request: HttpRequest, pk: int) -> HttpResponse:
    data = request.POST
    return _act(
        request,
        pk,
        "reply",
        lambda s: svc.suggestion_reply(
            actor=request.user,
            suggestion_id=s.pk,
            data=svc.ReplyInput(
                status=data.get("status", ""),
                reply=data.get("reply", ""),
                reason=data.get("reason", ""),
                result_service=data.get("result_service", ""),
                result_url=data.get("result_url", ""),
                note=data.get("note", ""),
            ),
        ),
        _("The reply is published; the author and the supporters are told."),
    )


@allowed(policy.can_use_staff_page)
@require_POST
def staff_hide(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "hide",
        lambda s: svc.suggestion_hide(
            actor=request.user, suggestion_id=s.pk, reason=request.POST.get("reason", "")
        ),
        _("The suggestion is hidden."),
    )


@allowed(policy.can_use_staff_page)
@require_POST
def staff_unhide(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "unhide",
        lambda s: svc.suggestion_unhide(
            actor=request.user, suggestion_id=s.pk, note=request.POST.get("note", "")
        ),
        _("The suggestion is shown again."),
    )


@allowed(policy.can_use_staff_page)
@require_POST
def staff_ban(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "ban",
        lambda s: svc.author_ban(
            actor=request.user, suggestion_id=s.pk, reason=request.POST.get("reason", "")
        ),
        _("The author is banned from posting, supporting and reporting."),
    )


@allowed(policy.can_use_staff_page)
@require_POST
def staff_ban_lift(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        svc.ban_lift(actor=request.user, ban_id=pk)
    except DomainError as exc:
        messages.error(request, "; ".join(str(e.message) for e in exc.errors))
        return redirect("staff_suggestions")
    messages.success(request, _("The ban is lifted."))
    return redirect("staff_suggestions")


@dataclass(frozen=True)
class Owed:
    s: Suggestion
    overdue: bool


def _owed(qs: QuerySet[Suggestion]) -> list[Owed]:
    return [Owed(s, sel.timeliness(s) == rules.Timeliness.OVERDUE) for s in qs[:200]]


@allowed(policy.can_use_staff_page)
def staff_page(request: HttpRequest) -> HttpResponse:
    owed = _owed(sel.replies_owed(request.user))
    queue = list(sel.moderation_queue(request.user)[:200])
    flags = sel.flags_of(queue)
    return render(
        request,
        "voice/suggestions/staff.html",
        {
            "owed": owed,
            "overdue_count": sum(1 for o in owed if o.overdue),
            "queue": [(s, flags[s.pk]) for s in queue],
            "bans": [
                (b, policy.can_lift_ban(request.user, b))
                for b in sel.active_bans(request.user)[:200]
            ],
        },
    )


urlpatterns = [
    path("suggestions/", suggestion_list, name="suggestions"),
    path("suggestions/new/", suggestion_new, name="suggestion_new"),
    path("suggestions/<int:pk>/", suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/support/", suggestion_support, name="suggestion_support"),
    path("suggestions/<int:pk>/flag/", suggestion_flag, name="suggestion_flag"),
    path("staff/suggestions/", staff_page, name="staff_suggestions"),
    path("staff/suggestions/<int:pk>/reply/", staff_reply, name="staff_suggestion_reply"),
    path("staff/suggestions/<int:pk>/hide/", staff_hide, name="staff_suggestion_hide"),
    path("staff/suggestions/<int:pk>/unhide/", staff_unhide, name="staff_suggestion_unhide"),
    path("staff/suggestions/<int:pk>/ban/", staff_ban, name="staff_suggestion_ban"),
    path("staff/suggestions/bans/<int:pk>/lift/", staff_ban_lift, name="staff_suggestion_ban_lift"),
]
