from django.urls import path

from minsheng.orders import views

urlpatterns = [
    path("services/<slug:code>/order/", views.service_order, name="service_order"),
    path("need/", views.need_order, name="need_order"),
    path("me/", views.my_orders, name="my_orders"),
    path("me/orders/<int:pk>/", views.my_order, name="my_order"),
    path("me/orders/<int:pk>/cancel/", views.my_order_cancel, name="my_order_cancel"),
    path("me/orders/<int:pk>/rate/", views.my_order_rate, name="my_order_rate"),
    path("me/orders/<int:pk>/callback/", views.my_order_callback, name="my_order_callback"),
    path("staff/dispatch/", views.dispatch_console, name="dispatch_console"),
    path("staff/escalations/", views.escalations, name="escalations"),
    path("staff/orders/", views.staff_orders, name="staff_orders"),
    path("staff/map/", views.orders_map, name="orders_map"),  # issue 8: the map of open orders
    path("staff/orders/<int:pk>/", views.staff_order, name="staff_order"),
    path("staff/orders/<int:pk>/approve/", views.staff_approve, name="staff_approve"),
    path("staff/orders/<int:pk>/reject/", views.staff_reject, name="staff_reject"),
    path("staff/orders/<int:pk>/dispatch/", views.staff_dispatch, name="staff_dispatch"),
    path("staff/orders/<int:pk>/redispatch/", views.staff_redispatch, name="staff_redispatch"),
    path("staff/orders/<int:pk>/cancel/", views.staff_cancel, name="staff_cancel"),
    path("staff/orders/<int:pk>/callback/", views.staff_callback, name="staff_callback"),
    # a dispatcher's day (issue 8)
    path("start/", views.landing, name="landing"),
    path("staff/dispatch/queue/", views.dispatch_queue_fragment, name="dispatch_queue_fragment"),
    path(
        "staff/orders/<int:pk>/approve-dispatch/",
        views.staff_approve_dispatch,
        name="staff_approve_dispatch",
    ),
    path("staff/orders/<int:pk>/reassign/", views.staff_reassign, name="staff_reassign"),
    path("staff/orders/<int:pk>/urge/", views.staff_urge, name="staff_urge"),
    path("staff/orders/<int:pk>/note/", views.staff_note, name="staff_note"),
    path(
        "staff/orders/<int:pk>/escalate-county/",
        views.staff_escalate_county,
        name="staff_escalate_county",
    ),
    path("staff/orders/<int:pk>/merge/", views.staff_merge, name="staff_merge"),
    path("staff/provider/", views.provider_console, name="provider_console"),
    path("staff/provider/orders/<int:pk>/accept/", views.provider_accept, name="provider_accept"),
    path(
        "staff/provider/orders/<int:pk>/decline/", views.provider_decline, name="provider_decline"
    ),
    path("staff/provider/orders/<int:pk>/start/", views.provider_start, name="provider_start"),
    path(
        "staff/provider/orders/<int:pk>/deliver/", views.provider_deliver, name="provider_deliver"
    ),
    path("staff/provider/orders/<int:pk>/grab/", views.provider_grab, name="provider_grab"),
    path("ranking/", views.ranking_page, name="ranking"),
    # --- the ranking (issue 8) ---
    path("ranking/township/<str:code>/", views.ranking_township, name="ranking_township"),
    path(
        "staff/ratings/<int:pk>/validity/",
        views.staff_rating_validity,
        name="staff_rating_validity",
    ),
    # Following an order without an account (sign-in by phone, issue 8)
    path("track/", views.track, name="track"),
    # --- notifications (issue 8): the signed rating link, no login ---
    path("r/<str:token>/", views.rate_by_link, name="rate_by_link"),
    # Photos (issue 8): never a public media URL; the view asks orders.policy.
    path("orders/<int:pk>/photos/<int:photo_id>/", views.order_photo, name="order_photo"),
    path(
        "orders/<int:pk>/photos/<int:photo_id>/thumb/",
        views.order_photo_thumb,
        name="order_photo_thumb",
    ),
]
