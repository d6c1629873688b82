"""Bench URLconf (``MINSHENG_URLCONF=bench.urls``): the whole site plus the two ceilings."""

from django.urls import path

from bench import views
from minsheng.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/fixed/", views.fixed_json, name="bench-fixed"),
    path("bench/insert/", views.insert_row, name="bench-insert"),
    path("bench/select/", views.select_rows, name="bench-select"),
    *site_urlpatterns,
]
