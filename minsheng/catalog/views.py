from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from minsheng.accounts.decorators import clean_request
from minsheng.accounts.selectors import home_region
from minsheng.catalog.forms import parse_menu_filter
from minsheng.catalog.models import Service, ServiceArea
from minsheng.catalog.selectors import published_menu, service_with_attributes
from minsheng.orders.selectors import most_ordered_service_ids
from minsheng.regions.selectors import region_choices_tree

# How many of a place's most ordered services stand first, as large tiles.
TOP_TILES = 6


@clean_request
def home(request: HttpRequest) -> HttpResponse:
    """The portal: the place's most ordered services first as tiles, every service by area
    below (folded), and a search that knows the words residents use (synonyms)."""
    menu_filter = parse_menu_filter(request.GET, home=home_region(request.user))
    services = list(
        published_menu(region=menu_filter.region, area=menu_filter.area, query=menu_filter.query)
    )
    areas = list(ServiceArea.objects.all())
    by_area: dict[int, list[Service]] = {}
    for s in services:
        by_area.setdefault(s.category.area_id, []).append(s)
    sections = [(a, by_area[a.pk]) for a in areas if a.pk in by_area]
    searching = bool(menu_filter.query or menu_filter.area)
    top: list[Service] = []
    if not searching:
        # The place's own: its township's orders (a village's alone are too few to rank);
        # anywhere in the county, the county's.
        place = menu_filter.region
        offered = {s.pk: s for s in services}
        ranked = most_ordered_service_ids(place.township_id if place is not None else None)
        top = [offered[pk] for pk in ranked if pk in offered][:TOP_TILES]
    context = {
        "filter": menu_filter,
        "tree": region_choices_tree(),
        "areas": areas,
        "sections": sections,
        "top": top,
        "searching": searching,
        "count": len(services),
    }
    return render(request, "catalog/home.html", context, status=400 if menu_filter.errors else 200)


@clean_request
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    service = service_with_attributes(code)
    if service is None or not service.published:
        raise Http404
    context = {
        "service": service,
        "attributes": list(service.attributes.all()),
        "offered_in": list(service.regions.order_by("level", "code")),
    }
    return render(request, "catalog/service_detail.html", context)
