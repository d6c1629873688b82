"""The monthly topic's pages: the public list and topic page (no login), and the staff's
work on a month's candidates (merge, split, pick) and on a topic (tasks, progress, done).

Who may is ``voice.policy.topics``; a refused POST is shown on the page it came from, with
the refusal's status code and nothing written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed, clean_request
from minsheng.catalog.models import Provider, ServiceArea
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.ids import as_id
from minsheng.core.inputs import Invalid, read_month
from minsheng.regions.models import Region
from minsheng.voice import topic_rules as rules
from minsheng.voice.models import MonthlyTopic, SourceKind, TopicStatus
from minsheng.voice.policy import topics as policy
from minsheng.voice.selectors import topics as selectors
from minsheng.voice.services import topics as services

PICK_TASK_ROWS = 4  # task rows on the pick form (more are added on the topic's page)


def _month(request: HttpRequest) -> tuple[date, str]:
    """``?month=`` or the month just ended; and what was wrong with the one given."""
    default = selectors.previous_month(timezone.localdate().replace(day=1))
    raw = request.GET.get("month", "")
    if not raw:
        return default, ""
    try:
        return read_month(raw), ""
    except Invalid as exc:
        return default, str(exc.message)


def _errors_by_field(errors: list[ErrorDetail]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for e in errors:
        result.setdefault(e.field or "", []).append(str(e.message))
    return result


def _progress(topic: MonthlyTopic) -> dict[str, int]:
    return selectors.progress_of(topic)


# --- public ---------------------------------------------------------------------------------------


@clean_request
def topics_public(request: HttpRequest) -> HttpResponse:
    """``/topics/``: a year's monthly topics by month, with status, lead and progress."""
    years = selectors.topic_years()
    this_year = timezone.localdate().year
    asked = as_id(request.GET.get("year", ""))
    year = asked if asked is not None and 2000 <= asked <= 2999 else None
    year = year or (years[0] if years else this_year)
    months: dict[date, list[dict[str, Any]]] = {}
    for t in selectors.topics_of_year(int(year)):
        months.setdefault(t.month, []).append({"topic": t, "progress": _progress(t)})
    return render(
        request,
        "voice/topics/public_list.html",
        {"year": year, "years": years, "months": sorted(months.items(), reverse=True)},
    )


def _shown(texts: list[str]) -> list[str]:
    return [rules.redact(t) for t in texts]


@clean_request
def topic_public(request: HttpRequest, pk: int) -> HttpResponse:
    """``/topics/<id>/``: the problem, representative texts, tasks, the public timeline."""
    topic = selectors.topic(pk)
    if topic is None:
        raise Http404
    problems = selectors.problems_of(topic.pk)
    return render(
        request,
        "voice/topics/public_detail.html",
        {
            "topic": topic,
            "progress": _progress(topic),
            "problems": problems,
            "examples": _shown([e for p in problems for e in p.examples])[:6],
            "texts": sum(p.size for p in problems),
            "unresolved": sum(p.unresolved for p in problems),
            "tasks": selectors.tasks_of(topic.pk),
            "events": selectors.events_of(topic.pk, ["public"]),
            "staff_page": policy.can_work_on_some_task(request.user),
        },
    )


# --- staff: candidates ----------------------------------------------------------------------------


def _candidates_page(
    request: HttpRequest, *, failure: list[ErrorDetail] | None = None, status: int = 200
) -> HttpResponse:
    month, error = _month(request)
    area_id = as_id(request.GET.get("area", ""))
    township_id = as_id(request.GET.get("township", ""))
    candidates = list(
        selectors.candidates_of_month(month, area_id=area_id, township_id=township_id)
    )
    picked = selectors.topics().filter(month=month)
    return render(
        request,
        "voice/topics/staff_candidates.html",
        {
            "month": month,
            "error": error,
            "area_id": area_id,
            "township_id": township_id,
            "areas": ServiceArea.objects.order_by("position", "code"),
            "townships": Region.objects.filter(level=Region.Level.TOWNSHIP).order_by("code"),
            "candidates": candidates,
            "picked": [{"topic": t, "progress": _progress(t)} for t in picked],
            "computed_at": max((c.computed_at for c in candidates), default=None),
            "failure": [str(e.message) for e in failure or []],
            "split_max": rules.SPLIT_MAX,
        },
        status=400 if error and status == 200 else status,
    )


@allowed(policy.can_see_candidates)
def topics_staff(request: HttpRequest) -> HttpResponse:
    return _candidates_page(request)


@allowed(policy.can_compute)
@require_POST
def topics_recompute(request: HttpRequest) -> HttpResponse:
    try:
        month = read_month(request.POST.get("month", ""))
    except Invalid as exc:
        return _candidates_page(request, failure=[exc.detail("month")], status=400)
    services.topic_candidates_queue(month=month, actor=request.user)
    messages.success(
        request,
        _(
            "The candidates of %(month)s will be computed again in the background: reload in a "
            "minute."
        )
        % {"month": f"{month:%Y-%m}"},
    )
    return redirect(f"{reverse('topics_staff')}?month={month:%Y-%m}")


@allowed(policy.can_merge)
@require_POST
def topics_merge(request: HttpRequest) -> HttpResponse:
    try:
        target = services.topic_candidates_merge(
            candidate_ids=request.POST.getlist("candidates"), actor=request.user
        )
    except DomainError as exc:
        return _candidates_page(request, failure=exc.errors, status=exc.status_code)
    messages.success(request, _("Merged into “%(label)s”.") % {"label": target.label})
    return redirect(f"{reverse('topics_staff')}?month={target.month:%Y-%m}")


@allowed(policy.can_split)
@require_POST
def topics_split(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        parts = services.topic_candidate_split(
            candidate_id=pk, parts=request.POST.get("parts"), actor=request.user
        )
    except DomainError as exc:
        return _candidates_page(request, failure=exc.errors, status=exc.status_code)
    messages.success(request, _("Split into %(n)d candidates.") % {"n": len(parts)})
    return redirect(f"{reverse('topics_staff')}?month={parts[0].month:%Y-%m}")


@allowed(policy.can_see_candidates)
def topics_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    """All members of a candidate; each links to its order or suggestion where the reader
    may see it."""
    candidate = selectors.candidate(pk)
    if candidate is None:
        raise Http404
    members = selectors.members_of(candidate.pk)
    orders = selectors.orders_by_id([m.source_id for m in members if m.source == SourceKind.ORDER])
    suggestions = selectors.suggestions_by_id(
        [m.source_id for m in members if m.source == SourceKind.SUGGESTION]
    )
    rows = []
    for m in members:
        order = orders.get(m.source_id) if m.source == SourceKind.ORDER else None
        suggestion = suggestions.get(m.source_id) if m.source == SourceKind.SUGGESTION else None
        link = ""
        if order is not None and policy.can_open_order(request.user, order):
            link = reverse("staff_order", args=[order.pk])
        elif suggestion is not None and policy.can_open_suggestion(request.user, suggestion):
            link = reverse("suggestion", args=[suggestion.pk])
        rows.append({"member": m, "link": link, "order": order})
    return render(
        request,
        "voice/topics/staff_candidate.html",
        {"candidate": candidate, "rows": rows},
    )


# --- staff: the pick ------------------------------------------------------------------------------


def _providers() -> tuple[list[Provider], list[Provider]]:
    active = list(Provider.objects.filter(active=True).order_by("name_zh", "pk"))
    return [p for p in active if p.kind == Provider.Kind.DEPARTMENT], active


@allowed(policy.can_pick)
def topics_pick(request: HttpRequest) -> HttpResponse:
    """The pick form (GET, with the candidates chosen on the candidates page) and the pick."""
    data = request.POST if request.method == "POST" else request.GET
    ids = [i for i in (as_id(v) for v in data.getlist("candidates")) if i is not None]
    chosen = list(selectors.candidates_by_ids(ids))
    errors: list[ErrorDetail] = []
    status = 200
    # "step=choose": the candidates page's "pick…" button, which opens the form
    if request.method == "POST" and data.get("step") != "choose":
        tasks = [
            services.TaskInput(
                title=data.get(f"task-{i}-title", ""),
                owner=data.get(f"task-{i}-owner", ""),
                due_on=data.get(f"task-{i}-due_on", ""),
            )
            for i in range(PICK_TASK_ROWS)
        ]
        tasks = [t for t in tasks if any(str(v).strip() for v in (t.title, t.owner, t.due_on))]
        try:
            topic = services.topic_pick(
                candidate_ids=data.getlist("candidates"),
                title=data.get("title"),
                description=data.get("description", ""),
                lead=data.get("lead"),
                tasks=tasks,
                actor=request.user,
            )
        except DomainError as exc:
            errors, status = exc.errors, exc.status_code
        else:
            messages.success(
                request, _("“%(title)s” is the month's topic.") % {"title": topic.title}
            )
            return redirect("topics_staff_topic", topic.pk)
    departments, providers = _providers()
    first = chosen[0] if chosen else None
    by_field = _errors_by_field(_renumber(errors, data))
    return render(
        request,
        "voice/topics/staff_pick.html",
        {
            "chosen": chosen,
            "departments": departments,
            "providers": providers,
            "values": data,
            "default_title": first.label if first else "",
            "rows": [_task_row(f"task-{i}-", data, by_field) for i in range(PICK_TASK_ROWS)],
            "errors": by_field,
            "summary": [str(e.message) for e in errors],
        },
        status=status,
    )


def _task_row(prefix: str, data: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    """One task's fields on a form: ids and names start with ``prefix``."""
    names = ("title", "owner", "due_on")
    return {
        "id": prefix or "task-",
        "name": prefix,
        **{n: data.get(f"{prefix}{n}", "") for n in names},
        "errors": {n: errors.get(f"{prefix}{n}", []) for n in names},
    }


def _renumber(errors: list[ErrorDetail], data: Any) -> list[ErrorDetail]:
    """Task errors name the n-th task given; on the form, the n-th row filled in."""
    filled = [
        i
        for i in range(PICK_TASK_ROWS)
        if any(str(data.get(f"task-{i}-{f}", "")).strip() for f in ("title", "owner", "due_on"))
    ]
    result = []
    for e in errors:
        field = e.field or ""
        if field.startswith("tasks.") and field.count(".") == 2:
            _, n, name = field.split(".")
            row = filled[int(n)] if int(n) < len(filled) else int(n)
            field = f"task-{row}-{name}"
        result.append(ErrorDetail(e.code, e.message, field))
    return result


# --- staff: one topic -----------------------------------------------------------------------------


def _topic_page(
    request: HttpRequest,
    pk: int,
    *,
    form: str = "",
    errors: list[ErrorDetail] | None = None,
    status: int = 200,
) -> HttpResponse:
    topic = selectors.topic(pk)
    if topic is None:
        raise Http404
    tasks = selectors.tasks_of(topic.pk)
    _, providers = _providers()
    by_field = _errors_by_field(errors or [])
    return render(
        request,
        "voice/topics/staff_topic.html",
        {
            "topic": topic,
            "progress": _progress(topic),
            "problems": selectors.problems_of(topic.pk),
            "tasks": [
                {
                    "task": t,
                    "may_done": t.done_at is None and policy.can_mark_done(request.user, t),
                    "errors": by_field.get("note", []) if form == f"done-{t.pk}" else [],
                    "value": request.POST.get("note", "") if form == f"done-{t.pk}" else "",
                }
                for t in tasks
            ],
            "new_task": _task_row(
                "", request.POST if form == "task" else {}, by_field if form == "task" else {}
            ),
            "events": selectors.events_of(topic.pk, policy.event_audiences(request.user)),
            "may_update": policy.can_update(request.user) and topic.status != TopicStatus.DONE,
            "all_done": all(t.done_at is not None for t in tasks),
            "providers": providers,
            "form": form,
            "values": request.POST if errors else {},
            "errors": by_field,
            "summary": [str(e.message) for e in errors or []],
        },
        status=status,
    )


@allowed(policy.can_work_on_some_task)
def topics_staff_topic(request: HttpRequest, pk: int) -> HttpResponse:
    return _topic_page(request, pk)


def _run(request: HttpRequest, pk: int, form: str, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        return _topic_page(request, pk, form=form, errors=exc.errors, status=exc.status_code)
    messages.success(request, success)
    return redirect("topics_staff_topic", pk)


@allowed(policy.can_update)
@require_POST
def topics_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = services.TaskInput(
        title=request.POST.get("title"),
        owner=request.POST.get("owner"),
        due_on=request.POST.get("due_on"),
    )
    return _run(
        request,
        pk,
        "task",
        lambda: services.topic_task_add(topic_id=pk, task=task, actor=request.user),
        _("Task added."),
    )


@allowed(policy.can_work_on_some_task)
@require_POST
def topics_task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task(pk)
    if task is None:
        raise Http404
    return _run(
        request,
        task.topic_id,
        f"done-{task.pk}",
        lambda: services.topic_task_done(
            task_id=pk, note=request.POST.get("note"), actor=request.user
        ),
        _("Task marked done."),
    )


@allowed(policy.can_update)
@require_POST
def topics_progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "progress",
        lambda: services.topic_progress(
            topic_id=pk,
            note=request.POST.get("note"),
            staff_only=request.POST.get("staff_only") == "yes",
            actor=request.user,
        ),
        _("Progress recorded."),
    )


@allowed(policy.can_update)
@require_POST
def topics_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "done",
        lambda: services.topic_done(
            topic_id=pk, outcome=request.POST.get("outcome"), actor=request.user
        ),
        _("The topic is done; the residents who raised it are told."),
    )


urlpatterns = [
    path("topics/", topics_public, name="topics"),
    path("topics/<int:pk>/", topic_public, name="topic"),
    path("staff/topics/", topics_staff, name="topics_staff"),
    path("staff/topics/recompute/", topics_recompute, name="topics_recompute"),
    path("staff/topics/merge/", topics_merge, name="topics_merge"),
    path("staff/topics/pick/", topics_pick, name="topics_pick"),
    path("staff/topics/candidates/<int:pk>/", topics_candidate, name="topics_candidate"),
    path("staff/topics/candidates/<int:pk>/split/", topics_split, name="topics_split"),
    path("staff/topics/<int:pk>/", topics_staff_topic, name="topics_staff_topic"),
    path("staff/topics/<int:pk>/tasks/", topics_task_add, name="topics_task_add"),
    path("staff/topics/<int:pk>/progress/", topics_progress, name="topics_progress"),
    path("staff/topics/<int:pk>/done/", topics_done, name="topics_done"),
    path("staff/topics/tasks/<int:pk>/done/", topics_task_done, name="topics_task_done"),
]
