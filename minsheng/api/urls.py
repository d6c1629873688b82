"""``/api/v1/``: the REST API. The schema and its documentation live at ``/api/schema/``
and ``/api/docs/`` (see ``minsheng.urls``)."""

from django.urls import include, path, re_path

from minsheng.api import phone, regions, views
from minsheng.catalog import api as catalog
from minsheng.insights import api as demand
from minsheng.orders import api as orders
from minsheng.voice.api import suggestions, surveys
from minsheng.voice.api import topics as voice_topics

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenObtain.as_view(), name="token"),
    # Sign-in by phone
    path("auth/code/", phone.CodeRequest.as_view(), name="auth-code"),
    path("auth/phone-token/", phone.PhoneToken.as_view(), name="phone-token"),
    path("me/", views.Me.as_view(), name="me"),
    path("me/password/", views.MePassword.as_view(), name="me-password"),
    path("regions/", regions.RegionList.as_view(), name="regions"),
    # Maps (issue 8): before the detail route, which would take "locate" for a code.
    path(
        "regions/boundaries.geojson",
        regions.RegionBoundaries.as_view(),
        name="region-boundaries",
    ),
    path("regions/locate/", regions.RegionLocate.as_view(), name="region-locate"),
    path("regions/<str:code>/", regions.RegionDetail.as_view(), name="region"),
    path("areas/", catalog.AreaList.as_view(), name="areas"),
    path("categories/", catalog.CategoryList.as_view(), name="categories"),
    path("urgency-classes/", catalog.UrgencyClassList.as_view(), name="urgency-classes"),
    path("services/", catalog.ServiceList.as_view(), name="services"),
    path("services/<str:code>/", catalog.ServiceDetail.as_view(), name="service"),
    path("providers/", catalog.ProviderList.as_view(), name="providers"),
    path("providers/<int:provider_id>/", catalog.ProviderDetail.as_view(), name="provider"),
    path("orders/", orders.OrderListCreate.as_view(), name="orders"),
    path("orders/<int:order_id>/", orders.OrderDetail.as_view(), name="order"),
    path(
        "orders/<int:order_id>/candidates/",
        orders.OrderCandidates.as_view(),
        name="order-candidates",
    ),
    *[
        path(f"orders/<int:order_id>/{name}/", view.as_view(), name=f"order-{name}")
        for name, view in orders.ACTIONS.items()
    ],
    # Photos (issue 8)
    path("orders/<int:order_id>/photos/", orders.OrderPhotos.as_view(), name="order-photos"),
    path(
        "orders/<int:order_id>/photos/<int:photo_id>/",
        orders.OrderPhotoFile.as_view(),
        name="order-photo",
    ),
    path(
        "orders/<int:order_id>/photos/<int:photo_id>/thumb/",
        orders.OrderPhotoThumb.as_view(),
        name="order-photo-thumb",
    ),
    path("ratings/", orders.RatingList.as_view(), name="ratings"),
    path(  # issue 8: whether a rating counts
        "ratings/<int:rating_id>/validity/",
        orders.RatingValidity.as_view(),
        name="rating-validity",
    ),
    # issue 9, demand analysis (minsheng.insights)
    path("demand/", demand.DemandFigures.as_view(), name="demand"),
    path("demand/villages.geojson", demand.DemandVillages.as_view(), name="demand-villages"),
    path("demand/estimate/", demand.DemandEstimate.as_view(), name="demand-estimate"),
    # Suggestions (issue 9): public reads; posting, support, reports and official replies.
    path("suggestions/", suggestions.SuggestionListCreate.as_view(), name="suggestions"),
    path(
        "suggestions/<int:suggestion_id>/",
        suggestions.SuggestionDetail.as_view(),
        name="suggestion",
    ),
    path(
        "suggestions/<int:suggestion_id>/support/",
        suggestions.SuggestionSupport.as_view(),
        name="suggestion-support",
    ),
    path(
        "suggestions/<int:suggestion_id>/flag/",
        suggestions.SuggestionFlag.as_view(),
        name="suggestion-flag",
    ),
    path(
        "suggestions/<int:suggestion_id>/reply/",
        suggestions.SuggestionReply.as_view(),
        name="suggestion-reply",
    ),
    # The monthly topic (issue 9, part "topics"): public reads
    path("topics/", voice_topics.TopicList.as_view(), name="topics"),
    path("topics/<int:topic_id>/", voice_topics.TopicDetail.as_view(), name="topic"),
    # Surveys (issue 9, surveys part)
    path("surveys/", surveys.SurveyList.as_view(), name="surveys"),
    path("surveys/<int:survey_id>/", surveys.SurveyDetail.as_view(), name="survey"),
    path(
        "surveys/<int:survey_id>/responses/",
        surveys.SurveyResponses.as_view(),
        name="survey-responses",
    ),
    path(
        "surveys/<int:survey_id>/results/", surveys.SurveyResults.as_view(), name="survey-results"
    ),
    # Facilities (issue 10): each part's endpoints in its own module
    path("", include("minsheng.facilities.api.register")),
    path("", include("minsheng.facilities.api.use")),
    path("", include("minsheng.facilities.api.collections")),
    path("", include("minsheng.facilities.api.medicines")),
    path("", include("minsheng.facilities.api.activities")),
    path("", include("minsheng.facilities.api.maintenance")),
    path("", include("minsheng.facilities.api.equipment")),
    path("", include("minsheng.facilities.api.idle")),
    re_path(r"", views.not_found),
]
