"""Views: the collections part (issue 10).

- ``/staff/facilities/collections/``: the libraries in the user's scope with their figures
  and stale / one-kind marks, per township, sortable, as CSV or XLSX (``?format=``);
- ``/staff/facilities/<id>/collection/``: a library's figures, its classes (a bar chart and
  the table with the same figures), its titles (searched, paginated), adding, changing,
  removing and importing titles;
- ``/staff/facilities/<id>/acquisitions/?budget=N[&price=P]``: the ranked acquisition list
  (``facilities.acquisition``), as CSV or XLSX too.

Who may: ``policy.collections`` (anonymous visitors go to the login page, others outside it
get 403, a facility outside the user's reach or not a library is a 404).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed
from minsheng.core import exports
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.exports import Cell, Table

from .. import acquisition
from ..clc import CLASSES
from ..errors import CollectionCode
from ..freshness import is_one_kind, is_stale
from ..models import Facility, Title
from ..policy import collections as policy
from ..selectors import collections as selectors
from ..services import collections as services

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
}
MAX_BUDGET = 10_000_000  # yuan
MAX_PRICE = 10_000
DEFAULT_BUDGET = 2_000
SEARCH_MAX = 100


def _library(request: HttpRequest, pk: int) -> Facility:
    facility = Facility.objects.select_related("region", "township").filter(pk=pk).first()
    if facility is None or not policy.can_keep_collection(request.user, facility):
        raise Http404
    return facility


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    content_type, _write = EXPORTS[fmt]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _num(value: float | None, digits: int = 3) -> Cell:
    return None if value is None else round(value, digits)


# --- the county table ---------------------------------------------------------------------------


def _columns() -> list[tuple[str, str]]:
    return [
        ("titles", _("Titles")),
        ("copies", _("Copies")),
        ("median_age", _("Median age (years)")),
        ("share_under_5", _("Share under 5 years")),
        ("shannon", _("Shannon diversity")),
        ("largest_share", _("Largest class share")),
    ]


def _library_export(rows: list[selectors.LibraryRow], year: int) -> Table:
    header = [
        _("Township"),
        _("Place"),
        _("Code"),
        _("Library"),
        *[label for _key, label in _columns()],
        _("Largest class"),
        _("Stale"),
        _("One kind"),
    ]
    body: list[list[Cell]] = [
        [
            r.facility.township.name if r.facility.township else "",
            r.facility.region.name,
            r.facility.code,
            r.facility.name,
            r.figures.titles,
            r.figures.copies,
            _num(r.figures.median_age, 1),
            _num(r.figures.share_under_5),
            _num(r.figures.shannon),
            _num(r.figures.largest_share),
            r.figures.largest_class or "",
            _("yes") if r.stale else _("no"),
            _("yes") if r.one_kind else _("no"),
        ]
        for r in rows
    ]
    return Table(_("Collections %(year)d") % {"year": year}, header, body)


@allowed(policy.uses_collections_console)
def library_list(request: HttpRequest) -> HttpResponse:
    year = services.this_year()
    sort = request.GET.get("sort", "name")
    if sort not in selectors.SORTS:
        sort = "name"
    descending = request.GET.get("dir", "") == "desc"
    rows = selectors.library_table(request.user, year, sort=sort, descending=descending)
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in EXPORTS:
            raise Http404
        content = EXPORTS[fmt][1]([_library_export(rows, year)])
        return _download(content, fmt, f"collections-{year}")
    context = {
        "year": year,
        "groups": selectors.by_township(rows) if sort == "name" else [],
        "rows": rows,
        "sort": sort,
        "descending": descending,
        "columns": [
            {
                "key": key,
                "label": label,
                "active": key == sort,
                "next": "asc" if key == sort and descending else "desc",
            }
            for key, label in _columns()
        ],
        "stale": sum(1 for r in rows if r.stale),
        "one_kind": sum(1 for r in rows if r.one_kind),
    }
    return render(request, "facilities/collections/list.html", context)


# --- one library --------------------------------------------------------------------------------


def _title_input(data: Any) -> services.TitleInput:
    return services.TitleInput(
        **{name: str(data.get(name, "")) for name in services.IMPORT_COLUMNS}
    )


def _collection_page(
    request: HttpRequest,
    facility: Facility,
    *,
    add_errors: list[ErrorDetail] | None = None,
    import_errors: list[ErrorDetail] | None = None,
    status: int = 200,
) -> HttpResponse:
    year = services.this_year()
    figures = selectors.collection_figures([facility.pk], year)[facility.pk]
    classes = selectors.class_breakdown(facility, year)
    search = request.GET.get("q", "").strip()[:SEARCH_MAX]
    page = Paginator(selectors.titles_of(facility, search), selectors.TITLES_PAGE).get_page(
        request.GET.get("page")
    )
    charts = [
        {
            "id": "chart-classes",
            "labels": [f"{c.letter} {c.name_zh}" for c in classes],
            "data": [c.copies for c in classes],
            "label": _("Copies"),
            "horizontal": True,
        }
    ]
    add_errors = add_errors or []
    context = {
        "facility": facility,
        "year": year,
        "figures": figures,
        "stale": is_stale(figures),
        "one_kind": is_one_kind(figures),
        "classes": classes,
        "charts": charts if classes else [],
        "page": page,
        "search": search,
        "letters": [(letter, zh, en) for letter, (zh, en) in CLASSES.items()],
        "add_errors": add_errors,
        "add_by_field": {e.field: str(e.message) for e in add_errors if e.field},
        "add_data": request.POST if add_errors else None,
        "import_errors": import_errors or [],
    }
    return render(request, "facilities/collections/detail.html", context, status=status)


@allowed(policy.uses_collections_console)
def collection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _collection_page(request, _library(request, pk))


@allowed(policy.uses_collections_console)
@require_POST
def title_add(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _library(request, pk)
    try:
        title = services.title_add(
            actor=request.user, facility_id=facility.pk, data=_title_input(request.POST)
        )
    except DomainError as exc:
        return _collection_page(request, facility, add_errors=exc.errors, status=exc.status_code)
    messages.success(request, _("“%(title)s” is added.") % {"title": title.title})
    return redirect("facility_collection", pk=facility.pk)


@allowed(policy.uses_collections_console)
def title_edit(request: HttpRequest, pk: int, title: int) -> HttpResponse:
    facility = _library(request, pk)
    row = Title.objects.filter(pk=title, facility_id=facility.pk).first()
    if row is None:
        raise Http404
    errors: list[ErrorDetail] = []
    status = 200
    if request.method == "POST":
        try:
            services.title_update(
                actor=request.user,
                facility_id=facility.pk,
                title_id=row.pk,
                data=_title_input(request.POST),
            )
        except DomainError as exc:
            errors, status = exc.errors, exc.status_code
        else:
            messages.success(request, _("The title is saved."))
            return redirect("facility_collection", pk=facility.pk)
    data = (
        request.POST
        if errors
        else {
            "title": row.title,
            "author": row.author,
            "isbn": row.isbn,
            "subject": row.subject,
            "year": row.year,
            "copies": row.copies,
            "loans": row.loans,
        }
    )
    context = {
        "facility": facility,
        "row": row,
        "data": data,
        "errors": errors,
        "by_field": {e.field: str(e.message) for e in errors if e.field},
        "letters": [(letter, zh, en) for letter, (zh, en) in CLASSES.items()],
    }
    return render(request, "facilities/collections/title.html", context, status=status)


@allowed(policy.uses_collections_console)
@require_POST
def title_remove(request: HttpRequest, pk: int, title: int) -> HttpResponse:
    facility = _library(request, pk)
    try:
        services.title_remove(actor=request.user, facility_id=facility.pk, title_id=title)
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404 from None
        raise
    messages.success(request, _("The title is removed."))
    return redirect("facility_collection", pk=facility.pk)


@allowed(policy.uses_collections_console)
@require_POST
def titles_import(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _library(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        error = ErrorDetail(CollectionCode.UNREADABLE, _("Choose a CSV or XLSX file."), "file")
        return _collection_page(request, facility, import_errors=[error], status=400)
    if (upload.size or 0) > services.MAX_FILE_BYTES:
        error = ErrorDetail(
            CollectionCode.FILE_TOO_LARGE,
            _("The file is larger than %(mb)d MB.") % {"mb": services.MAX_FILE_BYTES // 1_000_000},
            "file",
        )
        return _collection_page(request, facility, import_errors=[error], status=400)
    try:
        summary = services.titles_import(
            actor=request.user,
            facility_id=facility.pk,
            data=upload.read(),
            filename=upload.name or "",
            replace=request.POST.get("replace") == "on",
            skip_bad_rows=request.POST.get("skip_bad_rows") == "on",
        )
    except DomainError as exc:
        return _collection_page(request, facility, import_errors=exc.errors, status=exc.status_code)
    messages.success(
        request,
        _("%(written)d titles imported (%(removed)d replaced, %(skipped)d rows skipped).")
        % {
            "written": summary.written,
            "removed": summary.removed,
            "skipped": len({e.row for e in summary.skipped}),
        },
    )
    for e in summary.skipped[:20]:
        messages.warning(request, services.row_message(e))
    return redirect("facility_collection", pk=facility.pk)


# --- the acquisition list -----------------------------------------------------------------------


def _whole(
    request: HttpRequest, name: str, default: int, high: int, low: int = 0
) -> tuple[int, str]:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default, ""
    if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
        return int(raw), ""
    return default, _("A whole number of yuan from %(low)d to %(high)d.") % {
        "low": low,
        "high": high,
    }


def _plan_export(facility: Facility, plan: acquisition.Plan) -> Table:
    header = [
        _("Rank"),
        _("Chosen"),
        _("Kind"),
        _("Title or class"),
        _("Class"),
        _("Copies"),
        _("Cost (yuan)"),
        _("Requests"),
        _("Loans per copy"),
        _("Diversity gain"),
        _("Young share of the class"),
        _("Score"),
    ]
    body: list[list[Cell]] = [
        [
            c.rank,
            _("yes") if c.chosen else _("no"),
            _("Title") if c.kind == acquisition.TITLE else _("Class"),
            c.label,
            c.subject or "",
            c.copies,
            c.cost,
            c.requests,
            _num(c.loans_per_copy),
            _num(c.diversity_gain, 4),
            _num(c.young_share),
            _num(c.score),
        ]
        for c in plan.candidates
    ]
    return Table(_("Acquisitions %(code)s") % {"code": facility.code}, header, body)


@allowed(policy.uses_collections_console)
def acquisitions(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _library(request, pk)
    errors: dict[str, str] = {}
    budget, errors["budget"] = _whole(request, "budget", DEFAULT_BUDGET, MAX_BUDGET)
    default_price = int(settings.MINSHENG_BOOK_PRICE)
    price, errors["price"] = _whole(request, "price", default_price, MAX_PRICE, low=1)
    errors = {k: v for k, v in errors.items() if v}
    now = timezone.now()
    plan = acquisition.plan(
        selectors.holdings_of(facility),
        selectors.book_requests(facility, now),
        as_of=timezone.localdate(now).year,
        budget=budget,
        price=price,
    )
    fmt = request.GET.get("format", "")
    if fmt and not errors:
        if fmt not in EXPORTS:
            raise Http404
        content = EXPORTS[fmt][1]([_plan_export(facility, plan)])
        return _download(content, fmt, f"acquisitions-{facility.code}")
    context = {
        "facility": facility,
        "plan": plan,
        "budget": request.GET.get("budget", budget) if errors else budget,
        "price": request.GET.get("price", price) if errors else price,
        "errors": errors,
        "error_list": [{"field": k, "message": v} for k, v in errors.items()],
        "export_query": f"budget={budget}&price={price}",
        "weights": {
            "requests": acquisition.REQUEST_WEIGHT,
            "loans": acquisition.LOAN_WEIGHT,
            "diversity": acquisition.DIVERSITY_WEIGHT,
            "freshness": acquisition.FRESHNESS_WEIGHT,
            "batch": acquisition.BATCH,
        },
        "collection_url": reverse("facility_collection", args=[facility.pk]),
    }
    return render(
        request, "facilities/collections/acquisitions.html", context, status=400 if errors else 200
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("staff/facilities/collections/", library_list, name="facility_collections"),
    path("staff/facilities/<int:pk>/collection/", collection_detail, name="facility_collection"),
    path("staff/facilities/<int:pk>/collection/titles/", title_add, name="facility_title_add"),
    path(
        "staff/facilities/<int:pk>/collection/titles/<int:title>/",
        title_edit,
        name="facility_title",
    ),
    path(
        "staff/facilities/<int:pk>/collection/titles/<int:title>/remove/",
        title_remove,
        name="facility_title_remove",
    ),
    path(
        "staff/facilities/<int:pk>/collection/import/",
        titles_import,
        name="facility_titles_import",
    ),
    path("staff/facilities/<int:pk>/acquisitions/", acquisitions, name="facility_acquisitions"),
]
