"""``/api/v1/topics/``: the monthly topics (每月一题), public as on ``/topics/``.

A topic with its lead department, status, progress and tasks; the detail adds the
representative texts (long digit runs taken out) and the public steps of its history.
Staff notes and the candidates' members are never here.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers

from minsheng.api.base import PublicReadBase
from minsheng.api.schema import errors
from minsheng.orders.models import Audience
from minsheng.voice import topic_rules as rules
from minsheng.voice.models import MonthlyTopic, TopicEvent, TopicStatus, TopicTask
from minsheng.voice.selectors import topics as selectors


class TopicTaskSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name", read_only=True)
    done = serializers.SerializerMethodField()

    class Meta:
        model = TopicTask
        fields = ["title", "owner", "due_on", "done", "done_at", "note"]
        read_only_fields = fields

    def get_done(self, task: TopicTask) -> bool:
        return task.done_at is not None


class TopicEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopicEvent
        fields = ["action", "note", "created_at"]
        read_only_fields = fields


class TopicSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField()
    lead = serializers.CharField(source="lead.name", read_only=True)
    tasks_total = serializers.IntegerField(read_only=True)
    tasks_done = serializers.IntegerField(read_only=True)
    progress = serializers.SerializerMethodField(help_text="Per cent of tasks done.")

    class Meta:
        model = MonthlyTopic
        fields = [
            "id",
            "month",
            "title",
            "description",
            "lead",
            "status",
            "tasks_total",
            "tasks_done",
            "progress",
            "picked_at",
            "done_at",
            "outcome",
        ]
        read_only_fields = fields

    def get_month(self, topic: MonthlyTopic) -> str:
        return f"{topic.month:%Y-%m}"

    def get_progress(self, topic: MonthlyTopic) -> int:
        return rules.progress(getattr(topic, "tasks_done", 0), getattr(topic, "tasks_total", 0))


class TopicDetailSerializer(TopicSerializer):
    examples = serializers.SerializerMethodField(
        help_text="Representative texts in residents' words (digit runs of 7+ taken out)."
    )
    tasks = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(TopicSerializer.Meta):
        fields = [*TopicSerializer.Meta.fields, "examples", "tasks", "events"]
        read_only_fields = fields

    def get_examples(self, topic: MonthlyTopic) -> list[str]:
        problems = selectors.problems_of(topic.pk)
        return [rules.redact(e) for p in problems for e in p.examples][:6]

    @extend_schema_field(TopicTaskSerializer(many=True))
    def get_tasks(self, topic: MonthlyTopic) -> list[dict[str, Any]]:
        return TopicTaskSerializer(selectors.tasks_of(topic.pk), many=True).data

    @extend_schema_field(TopicEventSerializer(many=True))
    def get_events(self, topic: MonthlyTopic) -> list[dict[str, Any]]:
        events = selectors.events_of(topic.pk, [Audience.PUBLIC])
        return TopicEventSerializer(events, many=True).data


class TopicFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="month__year", min_value=2000, max_value=2999)
    status = django_filters.ChoiceFilter(choices=TopicStatus.choices)

    class Meta:
        model = MonthlyTopic
        fields = ["year", "status"]


@extend_schema(
    tags=["topics"], responses={200: TopicSerializer(many=True), **errors(400, 401, 404)}
)
class TopicList(PublicReadBase, generics.ListAPIView):
    """The monthly topics, newest month first; filter by year or status."""

    serializer_class = TopicSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TopicFilter

    def get_queryset(self) -> QuerySet[MonthlyTopic]:
        return selectors.topics()


@extend_schema(tags=["topics"], responses={200: TopicDetailSerializer, **errors(401, 404)})
class TopicDetail(PublicReadBase, generics.RetrieveAPIView):
    serializer_class = TopicDetailSerializer
    lookup_url_kwarg = "topic_id"

    def get_queryset(self) -> QuerySet[MonthlyTopic]:
        return selectors.topics()
