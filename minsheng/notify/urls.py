from django.urls import path

from minsheng.notify import views

urlpatterns = [
    path("me/inbox/", views.inbox, name="inbox"),
    path("me/inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("me/inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("me/inbox/<int:pk>/open/", views.inbox_open, name="inbox_open"),
    path("me/notifications/", views.preferences, name="notification_preferences"),
    path("notify/sms/inbound/", views.sms_inbound, name="sms_inbound"),
]
