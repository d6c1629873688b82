"""Asking the people: surveys, suggestions with support and official replies, the monthly topic.

Three parts, each with its own lifecycle and its own append-only history:

* a **survey** (``Survey`` → ``Question`` → ``Choice`` / ``MatrixRow``) is answered once per
  resident, or once per household where staff enter a paper form (``Response`` →
  ``Answer`` → ``AnswerChoice``);
* a **suggestion** gathers one ``Support`` per person; past the threshold an official reply
  is owed by a date; its steps are ``SuggestionEvent`` rows; reports are ``Flag`` rows and
  repeat spammers get a ``Ban``;
* the **monthly topic** (每月一题): each month's ``TopicCandidate`` groups (clusters of
  similar texts from orders, suggestions and survey answers, their ``TopicMember`` rows),
  the ``MonthlyTopic`` staff pick, its ``TopicTask`` rows and ``TopicEvent`` history.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.orders.models import AppendOnly, Audience, ImmutableQuerySet

TEXT_MAX = 2000  # the longest free-text answer, suggestion or reply a person may write


# --- Surveys ------------------------------------------------------------------------------------


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Survey(models.Model):
    """A questionnaire for residents of some regions (none: the whole county), open between
    two dates. ``anonymous``: responses keep no link to who gave them (one response per
    person is still enforced through ``Response.respondent_key``)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    status = models.CharField(
        _("status"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    regions = models.ManyToManyField(
        "regions.Region",
        verbose_name=_("regions asked"),
        blank=True,
        related_name="+",
        help_text=_("Residents of these regions (and everything below them); none: the county."),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    results_public = models.BooleanField(_("results published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Rating scale")
    NUMBER = "number", _("Number")
    RANKING = "ranking", _("Ranking")
    MATRIX = "matrix", _("Matrix of single choices")


class Demographic(models.TextChoices):
    """A question whose answer the results are broken down by, where a survey asks it."""

    NONE = "", _("None")
    AGE_BAND = "age_band", _("Age band")
    SEX = "sex", _("Sex")


class Question(models.Model):
    """One question. Choices (single, multiple, ranking, and a matrix's columns) are
    ``Choice`` rows; a matrix's rows are ``MatrixRow`` rows. With ``show_if_question`` the
    question is shown (and may be answered) only when that earlier question's answer
    includes one of ``show_if_choices``."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    demographic = models.CharField(
        _("breaks results down by"),
        max_length=10,
        choices=Demographic.choices,
        blank=True,
        default=Demographic.NONE,
    )
    # short and long text
    max_length = models.PositiveIntegerField(_("longest answer (characters)"), default=200)
    # multiple choice: at most this many choices (None: any number)
    max_choices = models.PositiveSmallIntegerField(_("most choices"), null=True, blank=True)
    # rating scale: whole numbers from scale_min to scale_max
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    scale_min_label = models.CharField(_("label of the lowest"), max_length=50, blank=True)
    scale_max_label = models.CharField(_("label of the highest"), max_length=50, blank=True)
    # number
    number_min = models.FloatField(_("minimum"), null=True, blank=True)
    number_max = models.FloatField(_("maximum"), null=True, blank=True)
    whole_number = models.BooleanField(_("whole numbers only"), default=False)
    # conditional display
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("shown only after question"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependents",
    )
    show_if_choices = models.ManyToManyField(
        "voice.Choice", verbose_name=_("when the answer includes"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    """A choice of a question (a column of a matrix). ``area`` / ``service``: a stated need
    for that service area or menu item, counted by the demand analysis."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("choice"), max_length=200)
    area = models.ForeignKey(
        "catalog.ServiceArea",
        verbose_name=_("states a need in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    service = models.ForeignKey(
        "catalog.Service",
        verbose_name=_("states a need for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.label


class MatrixRow(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("row"), max_length=200)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("matrix row")
        verbose_name_plural = _("matrix rows")

    def __str__(self) -> str:
        return self.label


class ResponseChannel(models.TextChoices):
    WEB = "web", _("Online, by the resident")
    PAPER = "paper", _("Paper form entered by staff (one per household)")


class Response(models.Model):
    """One person's (or, on paper, one household's) answers to a survey.

    ``respondent_key`` is a keyed hash of the survey and the person (web) or of the survey
    and the household's reference (paper); unique per survey, so a second response is
    refused even for an anonymous survey, where ``respondent`` stays empty.
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    respondent_key = models.CharField(max_length=64)
    channel = models.CharField(
        _("channel"), max_length=6, choices=ResponseChannel.choices, default=ResponseChannel.WEB
    )
    household = models.CharField(_("household"), max_length=60, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["survey", "submitted_at", "pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent_key"], name="response_one_per_respondent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    """The answer to one question: ``text`` (short and long text), ``number`` (number and
    rating scale) or ``AnswerChoice`` rows (single, multiple, ranking, matrix)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("text"), blank=True, max_length=TEXT_MAX)
    number = models.FloatField(_("number"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class AnswerChoice(models.Model):
    """A choice in an answer; ``rank`` (1 first) for a ranking, ``row`` for a matrix."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="picks")
    choice = models.ForeignKey(Choice, on_delete=models.PROTECT, related_name="picks")
    row = models.ForeignKey(
        MatrixRow, on_delete=models.PROTECT, null=True, blank=True, related_name="picks"
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("chosen answer")
        verbose_name_plural = _("chosen answers")

    def __str__(self) -> str:
        return f"{self.answer_id}: {self.choice_id}"


# --- Suggestions --------------------------------------------------------------------------------


class SuggestionKind(models.TextChoices):
    NEW_SERVICE = "new_service", _("A new service")
    CHANGE = "change", _("A change to a service")
    FACILITY = "facility", _("A facility")


class SuggestionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_STUDY = "under_study", _("Under study")
    ADOPTED = "adopted", _("Adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    DONE = "done", _("Done")


class Suggestion(models.Model):
    """A resident's proposal. Others support it (one ``Support`` each); when its support
    passes the threshold within its period, ``reply_due`` is set and an official reply is
    owed by then. Hidden by a moderator: ``hidden_at`` with the reason; the row and its
    history stay."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=SuggestionKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("suggestion"), max_length=TEXT_MAX)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "catalog.ServiceArea",
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    service = models.ForeignKey(
        "catalog.Service",
        verbose_name=_("service to change"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.RECEIVED,
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    # the supports that count toward the threshold: given within the period (until
    # ``support_until``) by residents whose home is in the suggestion's township
    support_counted = models.PositiveIntegerField(_("supports counted"), default=0)
    # the township of ``region`` (itself for a township): the scope of staff and of support
    township = models.ForeignKey(
        "regions.Region",
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted at"))
    support_until = models.DateTimeField(_("support counted until"))
    threshold_reached_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True)
    reply_due = models.DateTimeField(_("reply due by"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply = models.TextField(_("official reply"), blank=True, max_length=TEXT_MAX)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # when the periodic task found the reply overdue (its OVERDUE event is written once)
    overdue_at = models.DateTimeField(_("found overdue at"), null=True, blank=True)
    # what was built: a menu item, or a link on this site
    result_service = models.ForeignKey(
        "catalog.Service",
        verbose_name=_("what was built"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    result_url = models.CharField(_("link to what was built"), max_length=300, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    # the moderator who hid it; none while hidden: hidden by reports, pending review
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [
            models.Index(fields=["status", "reply_due"], name="suggestion_reply_due"),
            models.Index(fields=["region", "created_at"], name="suggestion_region_time"),
        ]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("supported at"))

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "user"], name="support_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.suggestion_id}"


class SuggestionAction(models.TextChoices):
    POST = "post", _("Posted")
    THRESHOLD = "threshold", _("Support threshold reached: a reply is owed")
    STATUS = "status", _("Status changed")
    REPLY = "reply", _("Official reply")
    FLAG = "flag", _("Reported")
    HIDE = "hide", _("Hidden by a moderator")
    UNHIDE = "unhide", _("Shown again")
    OVERDUE = "overdue", _("Reply overdue")
    NOTE = "note", _("Staff note")
    BAN = "ban", _("Author banned")


class SuggestionEvent(AppendOnly):
    """One step of a suggestion's history, with who may read it. Hidden content stays here."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=SuggestionAction.choices)
    old_status = models.CharField(
        _("from"), max_length=12, choices=SuggestionStatus.choices, blank=True
    )
    new_status = models.CharField(
        _("to"), max_length=12, choices=SuggestionStatus.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    audience = models.CharField(
        _("who may read it"), max_length=8, choices=Audience.choices, default=Audience.STAFF
    )
    created_at = models.DateTimeField(_("at"))

    objects = ImmutableQuerySet["SuggestionEvent"].as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")


class Flag(models.Model):
    """A report of a suggestion as spam or abuse: one per reporter."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("reported at"))

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "reporter"], name="flag_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} → {self.suggestion_id}: {self.reason}"


class Ban(models.Model):
    """A person barred from posting and supporting (repeat spam) until ``lifted_at``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("banned at"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(lifted_at__isnull=True), name="ban_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.reason}"


# --- The monthly topic (每月一题) ----------------------------------------------------------------


class SourceKind(models.TextChoices):
    ORDER = "order", _("Order")
    SUGGESTION = "suggestion", _("Suggestion")
    ANSWER = "answer", _("Survey answer")


class TopicCandidate(models.Model):
    """A group of similar texts of one month: a candidate for the month's topic.

    Computed by a command / periodic task into this table (never in a request); staff
    merge and split them. ``keywords`` and ``examples`` (representative texts) are lists of
    strings; ``unresolved`` counts the members whose need is still not met.
    """

    month = models.DateField(_("month"))  # the first day of the month
    label = models.CharField(_("label"), max_length=120)
    keywords = models.JSONField(_("key words"), default=list)
    examples = models.JSONField(_("representative texts"), default=list)
    area = models.ForeignKey(
        "catalog.ServiceArea",
        verbose_name=_("service area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    size = models.PositiveIntegerField(_("texts"), default=0)
    unresolved = models.PositiveIntegerField(_("unresolved"), default=0)
    score = models.FloatField(_("score"), default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    topic = models.ForeignKey(
        "MonthlyTopic",
        verbose_name=_("picked as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    computed_at = models.DateTimeField(_("computed at"))
    # Set when staff merged or split it: a recomputation of the month leaves it alone.
    edited_at = models.DateTimeField(_("edited by staff at"), null=True, blank=True)

    class Meta:
        ordering = ["month", "-score", "pk"]
        verbose_name = _("topic candidate")
        verbose_name_plural = _("topic candidates")
        indexes = [models.Index(fields=["month", "score"], name="candidate_month_score")]

    def __str__(self) -> str:
        return self.label


class TopicMember(models.Model):
    """One text in a candidate group, and where it came from."""

    candidate = models.ForeignKey(TopicCandidate, on_delete=models.CASCADE, related_name="members")
    source = models.CharField(_("source"), max_length=10, choices=SourceKind.choices)
    source_id = models.PositiveBigIntegerField(_("source id"))
    text = models.TextField(_("text"))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("topic member")
        verbose_name_plural = _("topic members")
        indexes = [models.Index(fields=["source", "source_id"], name="member_source")]

    def __str__(self) -> str:
        return f"{self.source} {self.source_id}"


class TopicStatus(models.TextChoices):
    PICKED = "picked", _("Picked")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class MonthlyTopic(models.Model):
    """The month's topic (每月一题): one problem staff picked, its lead department and
    tasks, tracked in public to done."""

    month = models.DateField(_("month"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX)
    lead = models.ForeignKey(
        "catalog.Provider",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.PICKED
    )
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    picked_at = models.DateTimeField(_("picked at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, max_length=TEXT_MAX)

    class Meta:
        ordering = ["-month", "pk"]
        verbose_name = _("monthly topic")
        verbose_name_plural = _("monthly topics")

    def __str__(self) -> str:
        return self.title


class TopicTask(models.Model):
    topic = models.ForeignKey(MonthlyTopic, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        "catalog.Provider", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    note = models.TextField(_("what was done"), blank=True, max_length=TEXT_MAX)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["topic", "position", "pk"]
        verbose_name = _("topic task")
        verbose_name_plural = _("topic tasks")

    def __str__(self) -> str:
        return self.title


class TopicAction(models.TextChoices):
    PICK = "pick", _("Picked as the month's topic")
    TASK_ADD = "task_add", _("Task added")
    TASK_DONE = "task_done", _("Task done")
    PROGRESS = "progress", _("Progress reported")
    DONE = "done", _("Topic done")


class TopicEvent(AppendOnly):
    topic = models.ForeignKey(MonthlyTopic, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=TopicAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    audience = models.CharField(
        _("who may read it"), max_length=8, choices=Audience.choices, default=Audience.PUBLIC
    )
    created_at = models.DateTimeField(_("at"))

    objects = ImmutableQuerySet["TopicEvent"].as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("topic event")
        verbose_name_plural = _("topic events")


# --- Surveys: who took part (surveys part, migration 0002) ---------------------------------------


class Participation(models.Model):
    """That a person answered a survey online, with no link to their response.

    One per person and survey (the database refuses a second). An anonymous survey's
    response has a random ``respondent_key`` and no ``respondent``; this row is what says
    the person took part (to refuse a second response and to tell them when the results
    are published). Its key is random and it has no time, so neither its order nor its
    time pairs it with a response.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("survey participation")
        verbose_name_plural = _("survey participations")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="participation_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.survey_id}"
