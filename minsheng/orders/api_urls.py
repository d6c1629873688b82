"""``/api/v1/``: the REST API (orders first)."""

from django.urls import path

from minsheng.orders import api

app_name = "api"

urlpatterns = [
    path("orders/", api.OrderListCreate.as_view(), name="orders"),
    path("orders/<int:order_id>/", api.OrderDetail.as_view(), name="order"),
]
