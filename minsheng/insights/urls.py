from django.urls import path

from minsheng.insights import views

urlpatterns = [
    path("staff/demand/", views.demand_page, name="demand"),
    path("staff/demand/map/", views.demand_map, name="demand_map"),
    path("staff/demand/estimate/", views.demand_estimate, name="demand_estimate"),
]
