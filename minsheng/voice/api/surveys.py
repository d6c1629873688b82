"""``/api/v1/surveys/``: the public surveys, one survey's questions, answering it, and its
results. Answers go through the same service and checks as the web form; refusals come
back in the API's one error shape (``{"errors": [{"code", "field": "q<id>", "message"}]}``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from minsheng.api.base import APIBase, PublicReadBase
from minsheng.api.schema import WRITE_ERRORS, errors
from minsheng.core.ids import MAX_ID
from minsheng.voice.models import Choice, MatrixRow, Question, Survey
from minsheng.voice.models import Response as SurveyResponse
from minsheng.voice.policy import surveys as policy
from minsheng.voice.selectors import surveys as selectors
from minsheng.voice.services import surveys as services

MAX_ANSWERS = 200


class SurveySerializer(serializers.ModelSerializer):
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "description",
            "status",
            "regions",
            "opens_on",
            "closes_on",
            "anonymous",
            "results_public",
        ]


class SurveyChoiceSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Choice
        fields = ["id", "label", "area", "service"]


class SurveyRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatrixRow
        fields = ["id", "label"]


class SurveyQuestionSerializer(serializers.ModelSerializer):
    choices = SurveyChoiceSerializer(many=True, read_only=True)
    rows = SurveyRowSerializer(many=True, read_only=True)
    show_if_choices = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "position",
            "kind",
            "text",
            "help_text",
            "required",
            "demographic",
            "max_length",
            "max_choices",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "number_min",
            "number_max",
            "whole_number",
            "choices",
            "rows",
            "show_if_question",
            "show_if_choices",
        ]


class SurveyDetailSerializer(SurveySerializer):
    questions = serializers.SerializerMethodField()

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "questions"]

    @extend_schema_field(SurveyQuestionSerializer(many=True))
    def get_questions(self, survey: Survey) -> list[dict[str, Any]]:
        return list(SurveyQuestionSerializer(selectors.questions_of(survey), many=True).data)


class SurveyAnswersBody(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text=(
            "Question id → answer: text; a choice id (single); a list of choice ids "
            "(multiple; ranking, first first); a number (number, scale); an object row id → "
            "choice id (matrix)."
        ),
    )


class SurveyResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyResponse
        fields = ["id", "survey", "channel", "submitted_at"]


class SurveyCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class SurveyGroupSerializer(serializers.Serializer):
    label = serializers.CharField()
    answered = serializers.IntegerField()
    cells = SurveyCountSerializer(many=True)
    mean = serializers.FloatField(allow_null=True)


class SurveyBreakdownSerializer(serializers.Serializer):
    title = serializers.CharField()
    groups = SurveyGroupSerializer(many=True)


class SurveyMatrixLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    answered = serializers.IntegerField()
    cells = SurveyCountSerializer(many=True)


class SurveyRankSerializer(serializers.Serializer):
    label = serializers.CharField()
    average_rank = serializers.FloatField(allow_null=True)
    first = serializers.IntegerField()


class SurveyQuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    shown = serializers.IntegerField()
    answered = serializers.IntegerField()
    counts = SurveyCountSerializer(many=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    ranks = SurveyRankSerializer(many=True)
    matrix = SurveyMatrixLineSerializer(many=True)
    breakdowns = SurveyBreakdownSerializer(many=True)


class SurveyResultsSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    responses = serializers.IntegerField()
    paper = serializers.IntegerField()
    questions = SurveyQuestionResultSerializer(many=True)


def _results_data(results: selectors.Results) -> dict[str, Any]:
    return {
        "survey": results.survey.pk,
        "responses": results.responses,
        "paper": results.paper,
        "questions": [
            {
                "question": r.question.pk,
                "kind": r.kind,
                "text": r.question.text,
                "shown": r.shown,
                "answered": r.answered,
                "counts": [vars(c) for c in r.counts],
                "mean": r.mean,
                "median": r.median,
                "ranks": [
                    {"label": label, "average_rank": avg, "first": first}
                    for label, avg, first in r.ranks
                ],
                "matrix": [
                    {"label": m.label, "answered": m.answered, "cells": [vars(c) for c in m.cells]}
                    for m in r.matrix
                ],
                "breakdowns": [
                    {
                        "title": b.title,
                        "groups": [
                            {
                                "label": g.label,
                                "answered": g.answered,
                                "cells": [vars(c) for c in g.cells],
                                "mean": g.mean,
                            }
                            for g in b.groups
                        ],
                    }
                    for b in r.breakdowns
                ],
            }
            for r in results.questions
        ],
    }


def _survey(request: Request, survey_id: int) -> Survey:
    survey = selectors.survey_for(request.user, survey_id) if survey_id <= MAX_ID else None
    if survey is None:
        raise exceptions.NotFound(_("No such survey."), code="survey_not_found")
    return survey


@extend_schema(tags=["surveys"])
class SurveyList(PublicReadBase, generics.ListAPIView):
    """Open surveys and surveys whose results are published; anyone may read them."""

    serializer_class = SurveySerializer

    def get_queryset(self) -> QuerySet[Survey]:
        return selectors.public_surveys().order_by("-opens_on", "-pk")

    @extend_schema(
        summary="List the open surveys and the published results",
        responses={200: SurveySerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["surveys"])
class SurveyDetail(PublicReadBase):
    serializer_class = SurveyDetailSerializer
    pagination_class = None

    @extend_schema(
        summary="One survey with its questions, choices and conditions",
        responses={200: SurveyDetailSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, survey_id: int) -> Response:
        return Response(SurveyDetailSerializer(_survey(request, survey_id)).data)


@extend_schema(tags=["surveys"])
class SurveyResponses(APIBase):
    serializer_class = SurveyResponseSerializer
    pagination_class = None

    @extend_schema(
        summary="Answer a survey (residents of its places, while it is open, once)",
        request=SurveyAnswersBody,
        responses={201: SurveyResponseSerializer, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, survey_id: int) -> Response:
        survey = _survey(request, survey_id)
        body = SurveyAnswersBody(data=request.data)
        body.is_valid(raise_exception=True)
        given = body.validated_data["answers"]
        if len(given) > MAX_ANSWERS:
            raise exceptions.ValidationError({"answers": [_("Too many answers.")]})
        raw: dict[int, Any] = {}
        for key, value in given.items():
            pk = int(key) if isinstance(key, str) and key.isascii() and key.isdigit() else None
            if pk is None or pk > MAX_ID:
                raise exceptions.ValidationError({"answers": [_("The keys are question ids.")]})
            raw[pk] = value
        response = services.response_submit(actor=request.user, survey_id=survey.pk, raw=raw)
        return Response(SurveyResponseSerializer(response).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["surveys"])
class SurveyResults(PublicReadBase):
    serializer_class = SurveyResultsSerializer
    pagination_class = None

    @extend_schema(
        summary="A survey's results (public once published; its builders any time)",
        responses={200: SurveyResultsSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, survey_id: int) -> Response:
        survey = Survey.objects.filter(pk=survey_id).first() if survey_id <= MAX_ID else None
        if survey is None or not policy.can_see_results(request.user, survey):
            raise exceptions.NotFound(_("No such survey."), code="survey_not_found")
        return Response(_results_data(selectors.survey_results(survey)))
