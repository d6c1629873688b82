"""``/open311/v2/``: GeoReport v2, each call in ``.json`` and ``.xml``.

The format is the URL's suffix; an unknown suffix or call is a 404 in JSON.
"""

from django.urls import path, re_path

from minsheng.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)"

urlpatterns = [
    path("", views.root, name="root"),
    re_path(rf"^discovery{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}$", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[^/]+){FMT}$", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}$", views.service_requests, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/]+){FMT}$", views.service_request, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+){FMT}$", views.token, name="token"),
    re_path(rf"^servicerequestupdates{FMT}$", views.updates, name="updates"),
    # [\s\S], not ".": a path may hold a (percent-encoded) newline.
    re_path(r"^(?P<path>[\s\S]*)$", views.not_found),
]
