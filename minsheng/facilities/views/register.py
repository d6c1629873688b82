"""The register part's pages (issue 10, items 1 and 2).

Public: ``/facilities/`` (the list, with a map of the open facilities drawn from
``/api/v1/facilities.geojson``: the list is the page without JavaScript) and
``/facilities/<id>/`` (hours and "open now", contact, services, collection highlights,
upcoming activities, residents who used it this month; opening it counts a view), with its
photos. Staff: the console ``/staff/facilities/``, a facility's staff page with its
history and portal views, the entry form (new, edit), status, keepers, photos, and the
import (upload, every bad row with its number, confirm).

Who may do what: ``facilities.policy.register``. A refused POST re-renders its form with
each error next to its field and the service's status code; nothing was written.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed, clean_request, signed_in
from minsheng.accounts.types import Actor
from minsheng.catalog.models import Service
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.core.files import private_file
from minsheng.core.ids import as_id
from minsheng.orders.forms import FieldSpec, attach_errors, error_links
from minsheng.orders.models import Audience
from minsheng.regions.models import Region
from minsheng.regions.selectors import region_choices_tree

from ..models import Facility, FacilityPhoto, Kind, Status
from ..policy import activities as activities_policy
from ..policy import collections as collections_policy
from ..policy import equipment as equipment_policy
from ..policy import idle as idle_policy
from ..policy import maintenance as maintenance_policy
from ..policy import medicines as medicines_policy
from ..policy import register as policy
from ..policy import use as use_policy
from ..selectors import idle as idle_selectors
from ..selectors import register as sel
from ..services import register as svc

PAGE_SIZE = 30
STAFF_PAGE_SIZE = 50
MAX_IMPORT_BYTES = 2 * 1024 * 1024
IMPORT_SESSION_KEY = "facilities_import"
_BOTS = ("bot", "spider", "crawl", "slurp", "curl", "wget", "python-requests", "headless")


def _place_groups() -> list[tuple[Any, list[tuple[str, Any]]]]:
    groups = []
    for town, villages in region_choices_tree():
        options = [(town.code, _("%(town)s (the whole township)") % {"town": town.name})]
        options += [(v.code, v.name) for v in villages]
        groups.append((town.name, options))
    return groups


def _read_filters(request: HttpRequest) -> tuple[sel.Filters, list[str]]:
    problems: list[str] = []
    township = village = None
    code = request.GET.get("place", "").strip()[:40]
    if code:
        place = sel.region_with_code(code)
        if place is None or place.level not in (Region.Level.TOWNSHIP, Region.Level.VILLAGE):
            problems.append(str(_("No such place.")))
        elif place.level == Region.Level.TOWNSHIP:
            township = place
        else:
            village = place
    kind = request.GET.get("kind", "")
    if kind and kind not in Kind.values:
        problems.append(str(_("No such kind of facility.")))
        kind = ""
    status = request.GET.get("status", "")
    if status and status not in Status.values:
        problems.append(str(_("No such status.")))
        status = ""
    q = request.GET.get("q", "").strip()[:100]
    filters = sel.Filters(township=township, village=village, kind=kind, status=status, q=q)
    return filters, problems


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- public -----------------------------------------------------------------------------------


@clean_request
def facility_list(request: HttpRequest) -> HttpResponse:
    filters, problems = _read_filters(request)
    filters = sel.Filters(
        township=filters.township, village=filters.village, kind=filters.kind, q=filters.q
    )
    page = Paginator(sel.public_facilities(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    layer = {
        k: v
        for k, v in {
            "township": filters.township.code if filters.township else "",
            "village": filters.village.code if filters.village else "",
            "kind": filters.kind,
            "q": filters.q,
        }.items()
        if v
    }
    return render(
        request,
        "facilities/register/list.html",
        {
            "page": page,
            "total": page.paginator.count,
            "filters": filters,
            "place": filters.village or filters.township,
            "problems": problems,
            "place_groups": _place_groups(),
            "kinds": Kind.choices,
            "query": _query_without_page(request),
            "layer_url": reverse("api:facilities-geojson")
            + (f"?{urlencode(layer)}" if layer else ""),
        },
        status=400 if problems else 200,
    )


def _is_bot(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "").lower()
    return not agent or any(word in agent for word in _BOTS)


@clean_request
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = sel.facility_for(request.user, as_id(pk))
    if facility is None:
        raise Http404
    if (
        request.method == "GET"
        and policy.is_public(facility)
        and policy.counts_as_visit(request.user, facility)
        and not _is_bot(request)
    ):
        svc.facility_view_record(facility_id=facility.pk)
    page = sel.public_page(facility, user=request.user)
    return render(
        request,
        "facilities/register/detail.html",
        {
            "p": page,
            "f": facility,
            "may_keep": policy.can_open_staff_page(request.user, facility),
        },
    )


def _photo(request: HttpRequest, pk: int, photo_id: int) -> FacilityPhoto:
    facility = sel.facility_for(request.user, as_id(pk))
    photo_pk = as_id(photo_id)
    if facility is None or photo_pk is None:
        raise Http404
    photo = FacilityPhoto.objects.filter(pk=photo_pk, facility=facility).first()
    if photo is None:
        raise Http404
    return photo


# The path holds only whole numbers (nothing to clean); the policy decides who sees it.
def facility_photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponseBase:
    photo = _photo(request, pk, photo_id)
    extension = str(photo.image.name).rsplit(".", 1)[-1]
    return private_file(
        photo.image.open("rb"),
        content_type=photo.content_type,
        filename=f"facility-{photo.facility_id}-{photo.pk}.{extension}",
    )


def facility_photo_thumb(request: HttpRequest, pk: int, photo_id: int) -> HttpResponseBase:
    photo = _photo(request, pk, photo_id)
    return private_file(
        photo.thumbnail.open("rb"),
        content_type="image/jpeg",
        filename=f"facility-{photo.facility_id}-{photo.pk}-thumb.jpg",
    )


# --- staff: the console -----------------------------------------------------------------------


@allowed(policy.uses_facility_console)
def staff_console(request: HttpRequest) -> HttpResponse:
    filters, problems = _read_filters(request)
    qs = sel.staff_facilities(request.user, filters)
    page = Paginator(qs, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    figures = sel.staff_figures([f.pk for f in page.object_list], today=today)
    rows = [(f, figures[f.pk]) for f in page.object_list]
    return render(
        request,
        "facilities/register/staff_console.html",
        {
            "page": page,
            "rows": rows,
            "counts": sel.counts(sel.staff_facilities(request.user)),
            "filters": filters,
            "place": filters.village or filters.township,
            "problems": problems,
            "place_groups": _place_groups(),
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "query": _query_without_page(request),
            "may_register": policy.can_register_any(request.user),
            "may_import": policy.can_import(request.user),
            "overviews": _overview_links(request.user),
        },
        status=400 if problems else 200,
    )


def _staff_facility(request: HttpRequest, pk: int) -> Facility:
    """The facility for its staff page: 404 when the user may not even see it, 403 when
    they see it but neither manage nor keep it."""
    facility = sel.facility_for(request.user, as_id(pk))
    if facility is None:
        raise Http404
    if not policy.can_open_staff_page(request.user, facility):
        raise PermissionDenied
    return facility


def _managed_facility(request: HttpRequest, pk: int) -> Facility:
    facility = _staff_facility(request, pk)
    if not policy.can_manage(request.user, facility):
        raise PermissionDenied
    return facility


def _status_fields(facility: Facility, data: QueryDict | None) -> list[FieldSpec]:
    choices: list[tuple[str, Any]] = [
        (s, label) for s, label in Status.choices if svc.can_transition(facility.status, s)
    ]
    return [
        FieldSpec(
            name="status",
            label=_("New status"),
            kind="radio",
            required=True,
            choices=choices,
            value=data.get("status", "") if data else "",
            prefix="st",
        ),
        FieldSpec(
            name="reason",
            label=_("Reason"),
            kind="textarea",
            required=True,
            maxlength=svc.REASON_MAX,
            value=data.get("reason", "") if data else "",
            prefix="st",
        ),
        FieldSpec(
            name="audience",
            label=_("Who may read the reason"),
            kind="radio",
            required=True,
            choices=[
                (Audience.PUBLIC, _("Everyone (shown on the public page)")),
                (Audience.STAFF, _("Staff only")),
            ],
            value=data.get("audience", Audience.PUBLIC) if data else Audience.PUBLIC,
            prefix="st",
        ),
    ]


def _keeper_fields(facility: Facility, data: QueryDict | None) -> list[FieldSpec]:
    current = " ".join(u.username for u in facility.keepers.order_by("username"))
    return [
        FieldSpec(
            name="keepers",
            label=_("Keepers' user names"),
            kind="text",
            maxlength=500,
            help=_("Separated by spaces or commas; empty: no keepers."),
            value=data.get("keepers", "") if data else current,
            prefix="kp",
        )
    ]


def _photo_fields(data: QueryDict | None) -> list[FieldSpec]:
    return [
        FieldSpec(
            name="caption",
            label=_("Caption"),
            kind="text",
            maxlength=200,
            value=data.get("caption", "") if data else "",
            prefix="ph",
        )
    ]


def _overview_links(user: Actor) -> list[tuple[str | Promise, str]]:
    """The county- or township-wide pages of the other parts that ``user`` may open, each
    part's own policy asked."""
    links: list[tuple[str | Promise, str]] = []
    if idle_policy.can_use_idle_pages(user):
        links.append((_("Idle facilities and follow-ups"), reverse("staff_idle")))
    if collections_policy.uses_collections_console(user):
        links.append((_("Collections: freshness and diversity"), reverse("facility_collections")))
    if equipment_policy.can_see_reports(user):
        links.append(
            (_("Equipment: backward and replacement priority"), reverse("equipment_report"))
        )
    if medicines_policy.can_see_medicines_report(user):
        links.append(
            (_("Medicines against the essential list"), reverse("facilities_medicines_report"))
        )
    if maintenance_policy.can_see_maintenance(user):
        links.append((_("Maintenance and the funding gap"), reverse("maintenance_overview")))
    if activities_policy.uses_console(user):
        links.append((_("Activities"), reverse("staff_activities")))
    if activities_policy.can_see_variety(user):
        links.append((_("Variety of activities"), reverse("staff_activity_variety")))
    if use_policy.may_import_use(user):
        links.append((_("Import use counts"), reverse("facility_use_import")))
    return links


def _part_links(user: Actor, facility: Facility) -> list[tuple[str | Promise, str]]:
    """The facility's other records (use, collection, medicines, equipment, maintenance, an
    open idle flag) that ``user`` may open, each part's own policy asked."""
    pk = facility.pk
    links: list[tuple[str | Promise, str]] = []
    if use_policy.is_counted(facility) and use_policy.can_see_use(user, facility):
        links.append((_("Use counts"), reverse("facility_use", args=[pk])))
        if use_policy.can_manage_devices(user, facility):
            links.append((_("Counter devices"), reverse("facility_devices", args=[pk])))
    if collections_policy.can_keep_collection(user, facility):
        links.append((_("Collection"), reverse("facility_collection", args=[pk])))
        links.append((_("Acquisition list"), reverse("facility_acquisitions", args=[pk])))
    if medicines_policy.can_keep_medicines(user, facility):
        links.append((_("Medicines"), reverse("facility_medicines", args=[pk])))
    if equipment_policy.can_see_equipment(user, facility):
        links.append((_("Equipment"), reverse("facility_equipment", args=[pk])))
    if maintenance_policy.can_maintain(user, facility):
        links.append((_("Maintenance"), reverse("facility_maintenance", args=[pk])))
    flag = idle_selectors.open_flag(pk)
    if flag is not None and idle_policy.can_see_flag(user, flag):
        links.append((_("Idle: follow-up owed"), reverse("staff_idle_flag", args=[flag.pk])))
    return links


def _staff_page(
    request: HttpRequest,
    facility: Facility,
    *,
    form: str = "",
    errors: list[ErrorDetail] | None = None,
    status: int = 200,
) -> HttpResponse:
    data = request.POST if errors else None
    forms: dict[str, list[FieldSpec]] = {
        "status": _status_fields(facility, data if form == "status" else None),
        "keepers": _keeper_fields(facility, data if form == "keepers" else None),
        "photo": _photo_fields(data if form == "photo" else None),
    }
    loose: list[str] = []
    summary: list[tuple[str, str]] = []
    if errors:
        loose = attach_errors(forms[form], errors)
        summary = error_links(forms[form], errors)
    today = timezone.localdate()
    months = sel.views_by_month(facility.pk, today=today)
    figures = sel.staff_figures([facility.pk], today=today)[facility.pk]
    return render(
        request,
        "facilities/register/staff_facility.html",
        {
            "f": facility,
            "forms": forms,
            "form": form,
            "loose": loose,
            "summary": summary,
            "history": list(sel.history_for(request.user, facility)),
            "months": months,
            "months_max": max([n for _m, n in months] + [1]),
            "figures": figures,
            "keepers": list(facility.keepers.order_by("username")),
            "hours_rows": sel.hours_rows(facility.opening_hours),
            "may_manage": policy.can_manage(request.user, facility),
            "public": policy.is_public(facility),
            "max_photos": svc.MAX_PHOTOS,
            "parts": _part_links(request.user, facility),
        },
        status=status,
    )


@signed_in
def staff_facility(request: HttpRequest, pk: int) -> HttpResponse:
    return _staff_page(request, _staff_facility(request, pk))


@require_POST
@signed_in
def staff_facility_status(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _managed_facility(request, pk)
    try:
        svc.facility_set_status(
            facility_id=facility.pk,
            actor=request.user,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            audience=request.POST.get("audience", Audience.PUBLIC),
        )
    except DomainError as exc:
        return _staff_page(
            request, facility, form="status", errors=exc.errors, status=exc.status_code
        )
    messages.success(request, _("The status was changed."))
    return redirect("staff_facility", pk=facility.pk)


@require_POST
@signed_in
def staff_facility_keepers(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _managed_facility(request, pk)
    try:
        svc.facility_set_keepers(
            facility_id=facility.pk,
            actor=request.user,
            usernames=svc.split_names(request.POST.get("keepers", "")[:500]),
        )
    except DomainError as exc:
        return _staff_page(
            request, facility, form="keepers", errors=exc.errors, status=exc.status_code
        )
    messages.success(request, _("The keepers were saved."))
    return redirect("staff_facility", pk=facility.pk)


@require_POST
@signed_in
def staff_facility_photo(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _managed_facility(request, pk)
    upload = request.FILES.get("photo")
    try:
        if upload is None:
            raise DomainError.single("required", _("Choose a photo."), "photo")
        svc.facility_add_photo(
            facility_id=facility.pk,
            actor=request.user,
            upload=upload,
            caption=request.POST.get("caption", ""),
        )
    except DomainError as exc:
        return _staff_page(
            request, facility, form="photo", errors=exc.errors, status=exc.status_code
        )
    messages.success(request, _("The photo was added."))
    return redirect("staff_facility", pk=facility.pk)


# --- staff: the entry form --------------------------------------------------------------------


def _entry_fields(values: dict[str, Any], *, new: bool) -> list[FieldSpec]:
    services = Service.objects.filter(published=True).order_by("code")
    chosen = values.get("services", [])
    if isinstance(chosen, str):
        chosen = [c.strip() for c in chosen.split(";") if c.strip()]
    fields = [
        FieldSpec(
            "code",
            _("Code"),
            "text",
            required=True,
            maxlength=60,
            help=_("Unique; lower-case letters, digits, - and _."),
            value=values.get("code", ""),
        ),
        FieldSpec(
            "name_zh",
            _("Name (Chinese)"),
            "text",
            required=True,
            maxlength=200,
            value=values.get("name_zh", ""),
        ),
        FieldSpec(
            "name_en", _("Name (English)"), "text", maxlength=200, value=values.get("name_en", "")
        ),
        FieldSpec(
            "kind",
            _("Kind"),
            "select",
            required=True,
            choices=list(Kind.choices),
            value=values.get("kind", ""),
        ),
    ]
    if new:
        fields.append(
            FieldSpec(
                "status",
                _("Status"),
                "select",
                required=True,
                choices=list(Status.choices),
                value=values.get("status", Status.PLANNED),
            )
        )
    fields += [
        FieldSpec(
            "region",
            _("Place"),
            "select",
            required=True,
            groups=_place_groups(),
            value=values.get("region", ""),
        ),
        FieldSpec(
            "latitude",
            _("Latitude"),
            "number",
            step="any",
            min="-90",
            max="90",
            value=values.get("latitude", ""),
        ),
        FieldSpec(
            "longitude",
            _("Longitude"),
            "number",
            step="any",
            min="-180",
            max="180",
            value=values.get("longitude", ""),
        ),
        FieldSpec("address", _("Address"), "text", maxlength=300, value=values.get("address", "")),
        FieldSpec(
            "hours",
            _("Opening hours"),
            "text",
            maxlength=300,
            help=_(
                "Days 1 (Monday) to 7 (Sunday), then times; periods separated by ; "
                "for example “1-5 09:00-17:00; 6-7 09:00-12:00”."
            ),
            value=values.get("hours", ""),
        ),
        FieldSpec(
            "hours_note",
            _("Note on hours"),
            "text",
            maxlength=200,
            value=values.get("hours_note", ""),
        ),
        FieldSpec(
            "contact_name",
            _("Contact"),
            "text",
            maxlength=100,
            value=values.get("contact_name", ""),
        ),
        FieldSpec(
            "contact_phone",
            _("Contact phone"),
            "tel",
            maxlength=30,
            value=values.get("contact_phone", ""),
        ),
        FieldSpec(
            "services",
            _("Services delivered here"),
            "checkbox",
            choices=[(s.code, s.name) for s in services],
            value=list(chosen),
        ),
        FieldSpec(
            "capacity",
            _("Capacity (people a day)"),
            "number",
            min="1",
            step="1",
            value=values.get("capacity", ""),
        ),
        FieldSpec(
            "population_served",
            _("Population served"),
            "number",
            min="0",
            step="1",
            help=_("0 or empty: the population of its place."),
            value=values.get("population_served", ""),
        ),
        FieldSpec(
            "opened_on",
            _("Opened on"),
            "text",
            maxlength=10,
            help=_("YYYY-MM-DD; not in the future."),
            value=values.get("opened_on", ""),
        ),
        FieldSpec(
            "description",
            _("Description"),
            "textarea",
            maxlength=2000,
            value=values.get("description", ""),
        ),
    ]
    return fields


def _posted_entry(data: QueryDict) -> dict[str, Any]:
    raw: dict[str, Any] = {k: data.get(k, "") for k in [*svc.COLUMNS, "hours_note", "description"]}
    raw["services"] = "; ".join(data.getlist("services"))
    return raw


def _form_page(
    request: HttpRequest,
    *,
    facility: Facility | None,
    values: dict[str, Any],
    errors: list[ErrorDetail] | None = None,
    status: int = 200,
) -> HttpResponse:
    fields = _entry_fields(values, new=facility is None)
    loose = attach_errors(fields, errors or [])
    return render(
        request,
        "facilities/register/form.html",
        {
            "f": facility,
            "fields": fields,
            "loose": loose,
            "summary": error_links(fields, errors or []),
        },
        status=status,
    )


def _read_posted(request: HttpRequest, *, new: bool) -> tuple[dict[str, Any], svc.Entry]:
    """The form's text and the entry read from it (a ``DomainError`` with every refusal)."""
    text = _posted_entry(request.POST)
    entry, problems = svc.read_entry(
        text, lookups=svc.Lookups.load(), today=timezone.localdate(), status_required=new
    )
    if entry is None:
        raise DomainError(problems)
    return text, entry


@allowed(policy.can_register_any)
def staff_facility_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, facility=None, values={"status": Status.PLANNED})
    try:
        _text, entry = _read_posted(request, new=True)
        facility = svc.facility_create(actor=request.user, entry=entry)
    except DomainError as exc:
        return _form_page(
            request,
            facility=None,
            values=_posted_entry(request.POST),
            errors=exc.errors,
            status=exc.status_code,
        )
    messages.success(request, _("The facility was registered."))
    return redirect("staff_facility", pk=facility.pk)


@signed_in
def staff_facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    facility = _managed_facility(request, pk)
    if request.method != "POST":
        return _form_page(request, facility=facility, values=svc.entry_fields(facility))
    try:
        _text, entry = _read_posted(request, new=False)
        svc.facility_update(facility_id=facility.pk, actor=request.user, entry=entry)
    except DomainError as exc:
        return _form_page(
            request,
            facility=facility,
            values=_posted_entry(request.POST),
            errors=exc.errors,
            status=exc.status_code,
        )
    messages.success(request, _("The facility was saved."))
    return redirect("staff_facility", pk=facility.pk)


# --- staff: the import ------------------------------------------------------------------------


def _import_page(
    request: HttpRequest,
    *,
    result: svc.ImportResult | None = None,
    token: str = "",
    filename: str = "",
    skip: bool = False,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "facilities/register/import.html",
        {
            "result": result,
            "token": token,
            "filename": filename,
            "skip": skip,
            "problem": problem,
            "columns": svc.COLUMNS,
            "required": svc.REQUIRED_COLUMNS,
            "kinds": Kind.choices,
            "statuses": Status.choices,
        },
        status=status,
    )


@allowed(policy.can_import)
def staff_import(request: HttpRequest) -> HttpResponse:
    """Upload: a dry run showing every bad row; the file is kept in the session for the
    confirmation. Confirm: the same file (its digest checked), committed."""
    if request.method != "POST":
        if request.GET.get("template"):
            response = HttpResponse(svc.import_template(), content_type="text/csv")
            response["Content-Disposition"] = 'attachment; filename="facilities.csv"'
            return response
        return _import_page(request)
    skip = request.POST.get("skip_bad_rows") == "yes"
    if request.POST.get("confirm"):
        kept = request.session.get(IMPORT_SESSION_KEY) or {}
        token = request.POST.get("token", "")
        if not kept or kept.get("token") != token:
            return _import_page(
                request,
                problem=str(_("The file to confirm is gone: upload it again.")),
                status=400,
            )
        data = base64.b64decode(kept["data"])
        result = svc.facilities_import(
            actor=request.user,
            data=data,
            filename=kept["filename"],
            commit=True,
            skip_bad_rows=skip,
        )
        if not result.committed:
            return _import_page(
                request,
                result=result,
                token=token,
                filename=kept["filename"],
                skip=skip,
                status=400,
            )
        del request.session[IMPORT_SESSION_KEY]
        messages.success(
            request,
            _("Imported: %(created)s registered, %(updated)s updated.")
            % {"created": len(result.created), "updated": len(result.updated)},
        )
        return redirect("staff_facilities")
    upload = request.FILES.get("file")
    if upload is None:
        return _import_page(request, problem=str(_("Choose a CSV or XLSX file.")), status=400)
    if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
        return _import_page(request, problem=str(_("The file is larger than 2 MB.")), status=400)
    data = upload.read()
    filename = str(upload.name or "upload.csv")[-100:]
    result = svc.facilities_import(
        actor=request.user, data=data, filename=filename, commit=False, skip_bad_rows=skip
    )
    token = hashlib.sha256(data).hexdigest()[:32]
    request.session[IMPORT_SESSION_KEY] = {
        "token": token,
        "filename": filename,
        "data": base64.b64encode(data).decode(),
    }
    return _import_page(
        request,
        result=result,
        token=token,
        filename=filename,
        skip=skip,
        status=400 if result.errors and not skip else 200,
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("facilities/", facility_list, name="facilities"),
    path("facilities/<int:pk>/", facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/photos/<int:photo_id>/", facility_photo, name="facility_photo"),
    path(
        "facilities/<int:pk>/photos/<int:photo_id>/thumb/",
        facility_photo_thumb,
        name="facility_photo_thumb",
    ),
    path("staff/facilities/", staff_console, name="staff_facilities"),
    path("staff/facilities/new/", staff_facility_new, name="staff_facility_new"),
    path("staff/facilities/import/", staff_import, name="staff_facilities_import"),
    path("staff/facilities/<int:pk>/", staff_facility, name="staff_facility"),
    path("staff/facilities/<int:pk>/edit/", staff_facility_edit, name="staff_facility_edit"),
    path("staff/facilities/<int:pk>/status/", staff_facility_status, name="staff_facility_status"),
    path(
        "staff/facilities/<int:pk>/keepers/",
        staff_facility_keepers,
        name="staff_facility_keepers",
    ),
    path("staff/facilities/<int:pk>/photos/", staff_facility_photo, name="staff_facility_photo"),
]
