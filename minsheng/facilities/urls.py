"""The facilities app's pages: each part's routes in its own views module."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("minsheng.facilities.views.register")),
    path("", include("minsheng.facilities.views.use")),
    path("", include("minsheng.facilities.views.collections")),
    path("", include("minsheng.facilities.views.medicines")),
    path("", include("minsheng.facilities.views.activities")),
    path("", include("minsheng.facilities.views.maintenance")),
    path("", include("minsheng.facilities.views.equipment")),
    path("", include("minsheng.facilities.views.idle")),
]
