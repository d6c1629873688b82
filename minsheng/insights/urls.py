from django.urls import path

from minsheng.insights import (
    views,
    views_allocation,
    views_indicators,
    views_planning,
    views_siting,
)

urlpatterns = [
    path("staff/demand/", views.demand_page, name="demand"),
    path("staff/demand/map/", views.demand_map, name="demand_map"),
    path("staff/demand/estimate/", views.demand_estimate, name="demand_estimate"),
    # Planning (issue 11): each part owns its views module and adds its routes below its own
    # marker, keeping the others' lines as they are.
    # -- planning dashboard and report (views_planning) --
    path("staff/planning/", views_planning.dashboard, name="planning"),
    path(
        "staff/planning/township/<int:pk>/",
        views_planning.township,
        name="planning_township",
    ),
    path("staff/planning/map.geojson", views_planning.map_layer, name="planning_map"),
    path("staff/planning/download/", views_planning.download, name="planning_download"),
    path("staff/planning/report/", views_planning.report_pdf, name="planning_report"),
    # -- indicators, standards and imports (views_indicators) --
    path(
        "staff/planning/indicators/", views_indicators.indicators_page, name="planning_indicators"
    ),
    # -- budget allocation (views_allocation) --
    path(
        "staff/planning/allocation/", views_allocation.allocation_page, name="planning_allocation"
    ),
    path(
        "staff/planning/allocation/<int:pk>/",
        views_allocation.allocation_run,
        name="planning_allocation_run",
    ),
    # -- siting (views_siting) --
    path("staff/planning/siting/", views_siting.siting_page, name="planning_siting"),
    path(
        "staff/planning/siting/<int:run_id>/",
        views_siting.siting_run,
        name="planning_siting_run",
    ),
]
