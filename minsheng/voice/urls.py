"""The voice app's pages: surveys, suggestions and the monthly topic, each part's routes in
its own views module."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("minsheng.voice.views.suggestions")),
    path("", include("minsheng.voice.views.topics")),
    path("", include("minsheng.voice.views.surveys")),
]
