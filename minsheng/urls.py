from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("minsheng.accounts.urls")),
    path("api/v1/", include("minsheng.api.urls")),
    path("api/", include("minsheng.api.docs")),
    path("open311/v2/", include("minsheng.open311.urls")),
    path("", include("minsheng.catalog.urls")),
    path("", include("minsheng.orders.urls")),
    path("", include("minsheng.notify.urls")),
    path("", include("minsheng.voice.urls")),
    path("", include("minsheng.insights.urls")),  # issue 9: demand analysis
    path("", include("minsheng.facilities.urls")),  # issue 10: facilities
]
