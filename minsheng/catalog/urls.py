from django.urls import path

from minsheng.catalog import views

urlpatterns = [
    path("", views.home, name="home"),
    path("services/<slug:code>/", views.service_detail, name="service_detail"),
]
