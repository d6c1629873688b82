"""Writes of the survey part: building a survey in draft, publishing, closing, publishing
its results (and telling those who answered), and answering it (online or on paper).

Every write is one transaction that locks the survey row first, asks
``minsheng.voice.policy.surveys``, then checks and writes; a refusal writes nothing.
Answers are read by the pure ``minsheng.voice.answers`` and worded here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.selectors import profile_of
from minsheng.accounts.types import Actor
from minsheng.catalog.models import Service, ServiceArea
from minsheng.core.errors import Code, Conflict, DomainError, ErrorDetail, NotFound
from minsheng.core.ids import as_id
from minsheng.core.inputs import (
    Invalid,
    is_blank,
    read_bool,
    read_datetime,
    read_float,
    read_int,
    read_text,
)
from minsheng.notify.services import notification_send
from minsheng.regions.models import Region
from minsheng.voice import answers as A
from minsheng.voice.errors import SurveyCode
from minsheng.voice.models import (
    TEXT_MAX,
    Answer,
    AnswerChoice,
    Choice,
    Demographic,
    MatrixRow,
    Participation,
    Question,
    QuestionKind,
    Response,
    ResponseChannel,
    Survey,
    SurveyStatus,
)
from minsheng.voice.policy import surveys as policy

MAX_CHOICES = 30  # choices (or matrix columns / rows) of one question
MAX_QUESTIONS = 100
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING})


# --- reading the builder's input -----------------------------------------------------------------


def _field(call: Any, name: str) -> Any:
    try:
        return call()
    except Invalid as exc:
        raise exc.error(name) from None


def read_date(value: Any, name: str) -> date:
    if is_blank(value):
        raise DomainError.single(Code.REQUIRED, _("This field is required."), name)
    moment = _field(lambda: read_datetime(value), name)
    return timezone.localtime(moment).date()


@dataclass
class SurveyInput:
    title: Any = ""
    description: Any = ""
    regions: Any = field(default_factory=list)  # region codes
    opens_on: Any = None
    closes_on: Any = None
    anonymous: Any = False


@dataclass
class QuestionInput:
    kind: Any = ""
    text: Any = ""
    help_text: Any = ""
    required: Any = False
    demographic: Any = ""
    max_length: Any = None
    max_choices: Any = None
    scale_min: Any = None
    scale_max: Any = None
    scale_min_label: Any = ""
    scale_max_label: Any = ""
    number_min: Any = None
    number_max: Any = None
    whole_number: Any = False
    # one choice per line (or a list): "label" or "label | code" (a service area's or
    # a menu service's code: the choice states a need for it)
    choices: Any = ""
    rows: Any = ""  # a matrix's rows, one per line (or a list)
    show_if_choices: Any = field(default_factory=list)  # ids of an earlier question's choices


@dataclass(frozen=True)
class _Survey:
    title: str
    description: str
    regions: list[Region]
    opens_on: date
    closes_on: date
    anonymous: bool


def _read_survey(actor: Actor, data: SurveyInput) -> _Survey:
    errors: list[ErrorDetail] = []

    def take(name: str, call: Any) -> Any:
        try:
            return call()
        except Invalid as exc:
            errors.append(exc.detail(name))
        except DomainError as exc:
            errors.extend(exc.errors)
        return None

    title = take("title", lambda: read_text(data.title, max_length=200, required=True))
    description = take("description", lambda: read_text(data.description, max_length=TEXT_MAX))
    opens = take("opens_on", lambda: read_date(data.opens_on, "opens_on"))
    closes = take("closes_on", lambda: read_date(data.closes_on, "closes_on"))
    anonymous = take("anonymous", lambda: read_bool(data.anonymous or False))
    codes = data.regions if isinstance(data.regions, list | tuple) else [data.regions]
    codes = [c for c in codes if not is_blank(c)]
    regions: list[Region] = []
    if not all(isinstance(c, str) and len(c) <= 20 for c in codes):
        errors.append(ErrorDetail(SurveyCode.REGION_UNKNOWN, _("No such region."), "regions"))
    else:
        regions = list(Region.objects.filter(code__in=codes).exclude(level=Region.Level.COUNTY))
        if len(regions) != len(set(codes)) and not (
            Region.objects.filter(code__in=codes, level=Region.Level.COUNTY).exists()
        ):
            errors.append(ErrorDetail(SurveyCode.REGION_UNKNOWN, _("No such region."), "regions"))
        elif not policy.may_target(actor, regions):
            errors.append(
                ErrorDetail(
                    SurveyCode.REGION_OUTSIDE_SCOPE,
                    _("Choose places within your own area."),
                    "regions",
                )
            )
    if opens and closes and closes < opens:
        errors.append(
            ErrorDetail(
                SurveyCode.DATES, _("The survey closes on or after the day it opens."), "closes_on"
            )
        )
    if errors:
        raise DomainError(errors)
    return _Survey(title, description, regions, opens, closes, bool(anonymous))


def lock(survey_id: object) -> Survey:
    pk = as_id(survey_id)
    survey = Survey.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if survey is None:
        raise NotFound.single(SurveyCode.SURVEY_NOT_FOUND, _("No such survey."), "survey")
    return survey


def survey_create(*, actor: Actor, data: SurveyInput, now: datetime | None = None) -> Survey:
    if not policy.can_build_surveys(actor):
        raise policy.PermissionDenied.single(
            Code.NOT_PERMITTED, _("You may not create surveys."), None
        )
    assert isinstance(actor, User)
    read = _read_survey(actor, data)
    with transaction.atomic():
        survey = Survey.objects.create(
            title=read.title,
            description=read.description,
            opens_on=read.opens_on,
            closes_on=read.closes_on,
            anonymous=read.anonymous,
            created_by=actor,
            created_at=now or timezone.now(),
        )
        survey.regions.set(read.regions)
    return survey


def survey_update(*, actor: Actor, survey_id: int, data: SurveyInput) -> Survey:
    with transaction.atomic():
        survey = lock(survey_id)
        policy.require_manage(actor, survey)
        policy.require_draft(survey)
        read = _read_survey(actor, data)
        survey.title, survey.description = read.title, read.description
        survey.opens_on, survey.closes_on = read.opens_on, read.closes_on
        survey.anonymous = read.anonymous
        survey.save(update_fields=["title", "description", "opens_on", "closes_on", "anonymous"])
        survey.regions.set(read.regions)
    return survey


# --- questions ----------------------------------------------------------------------------------


def _lines(value: Any, name: str) -> list[str]:
    if isinstance(value, list | tuple):
        items = value
    elif isinstance(value, str):
        items = value.splitlines()
    elif value is None:
        items = []
    else:
        raise DomainError.single(Code.NOT_TEXT, _("Give one per line."), name)
    out = []
    for item in items:
        text = _field(lambda item=item: read_text(item, max_length=260), name)
        if text:
            out.append(text)
    if len(out) > MAX_CHOICES:
        raise DomainError.single(Code.OUT_OF_RANGE, _("At most %(n)d.") % {"n": MAX_CHOICES}, name)
    return out


@dataclass(frozen=True)
class _ChoiceRead:
    label: str
    area: ServiceArea | None
    service: Service | None


def _choices(value: Any) -> list[_ChoiceRead]:
    out = []
    areas = {a.code: a for a in ServiceArea.objects.all()}
    for line in _lines(value, "choices"):
        label, _sep, code = line.partition("|")
        label, code = label.strip(), code.strip()
        if not label or len(label) > 200:
            raise DomainError.single(
                Code.TOO_LONG, _("A choice is 1 to 200 characters."), "choices"
            )
        area = areas.get(code) if code else None
        service = None
        if code and area is None:
            service = Service.objects.filter(code=code).first()
            if service is None:
                raise DomainError.single(
                    SurveyCode.CHOICE_LINK,
                    _("“%(code)s” is neither a service area nor a service.") % {"code": code},
                    "choices",
                )
        out.append(_ChoiceRead(label, area, service))
    return out


def _read_question(data: QuestionInput, q: Question) -> tuple[list[_ChoiceRead], list[str]]:
    """Read ``data`` into ``q`` (not saved); return its choices and rows."""
    errors: list[ErrorDetail] = []

    def take(name: str, call: Any, default: Any = None) -> Any:
        try:
            return call()
        except Invalid as exc:
            errors.append(exc.detail(name))
        except DomainError as exc:
            errors.extend(exc.errors)
        return default

    if data.kind not in QuestionKind.values:
        errors.append(ErrorDetail(SurveyCode.KIND, _("Choose a type of question."), "kind"))
    else:
        q.kind = data.kind
    q.text = take("text", lambda: read_text(data.text, max_length=300, required=True), "")
    q.help_text = take("help_text", lambda: read_text(data.help_text, max_length=300), "")
    q.required = take("required", lambda: read_bool(data.required or False), False)
    if data.demographic in (None, "") or data.demographic in Demographic.values:
        q.demographic = data.demographic or ""
    else:
        errors.append(ErrorDetail(Code.INVALID, _("This value is not valid."), "demographic"))

    def optional_int(name: str, value: Any, low: int, high: int) -> int | None:
        if is_blank(value):
            return None
        out: int | None = take(name, lambda: read_int(value, low=low, high=high))
        return out

    def optional_float(name: str, value: Any) -> float | None:
        if is_blank(value):
            return None
        out: float | None = take(name, lambda: read_float(value, low=-1e12, high=1e12))
        return out

    q.max_length = optional_int("max_length", data.max_length, 1, TEXT_MAX) or (
        200 if q.kind != QuestionKind.LONG_TEXT else TEXT_MAX
    )
    q.max_choices = optional_int("max_choices", data.max_choices, 1, MAX_CHOICES)
    low = optional_int("scale_min", data.scale_min, -100, 100)
    high = optional_int("scale_max", data.scale_max, -100, 100)
    q.scale_min = 1 if low is None else low
    q.scale_max = 5 if high is None else high
    q.scale_min_label = take(
        "scale_min_label", lambda: read_text(data.scale_min_label, max_length=50), ""
    )
    q.scale_max_label = take(
        "scale_max_label", lambda: read_text(data.scale_max_label, max_length=50), ""
    )
    q.number_min = optional_float("number_min", data.number_min)
    q.number_max = optional_float("number_max", data.number_max)
    q.whole_number = take("whole_number", lambda: read_bool(data.whole_number or False), False)
    if q.kind == QuestionKind.SCALE and q.scale_max <= q.scale_min:
        errors.append(
            ErrorDetail(
                SurveyCode.BAD_BOUNDS, _("The scale's top is above its bottom."), "scale_max"
            )
        )
    if (
        q.kind == QuestionKind.NUMBER
        and q.number_min is not None
        and q.number_max is not None
        and q.number_max < q.number_min
    ):
        errors.append(
            ErrorDetail(
                SurveyCode.BAD_BOUNDS, _("The maximum is at least the minimum."), "number_max"
            )
        )
    choices = take("choices", lambda: _choices(data.choices), [])
    rows = take("rows", lambda: _lines(data.rows, "rows"), [])
    if any(len(r) > 200 for r in rows):
        errors.append(ErrorDetail(Code.TOO_LONG, _("A row is at most 200 characters."), "rows"))
    if errors:
        raise DomainError(errors)
    if q.kind not in CHOICE_KINDS | {QuestionKind.MATRIX}:
        choices = []
    if q.kind != QuestionKind.MATRIX:
        rows = []
    if q.kind != QuestionKind.MULTIPLE:
        q.max_choices = None
    return choices, rows


def _set_children(q: Question, choices: list[_ChoiceRead], rows: list[str]) -> None:
    """Keep choices and rows by position (a condition on a kept choice stays)."""
    existing = list(q.choices.order_by("position", "pk"))
    for i, read in enumerate(choices):
        if i < len(existing):
            c = existing[i]
            c.label, c.area, c.service, c.position = read.label, read.area, read.service, i
            c.save(update_fields=["label", "area", "service", "position"])
        else:
            Choice.objects.create(
                question=q, position=i, label=read.label, area=read.area, service=read.service
            )
    gone = [c.pk for c in existing[len(choices) :]]
    if gone:
        for dependent in Question.objects.filter(show_if_choices__in=gone).distinct():
            dependent.show_if_choices.remove(*gone)
        Choice.objects.filter(pk__in=gone).delete()
    old_rows = list(q.rows.order_by("position", "pk"))
    for i, label in enumerate(rows):
        if i < len(old_rows):
            r = old_rows[i]
            r.label, r.position = label, i
            r.save(update_fields=["label", "position"])
        else:
            MatrixRow.objects.create(question=q, position=i, label=label)
    MatrixRow.objects.filter(pk__in=[r.pk for r in old_rows[len(rows) :]]).delete()


def _set_condition(q: Question, value: Any) -> None:
    """The condition: ids of choices of ONE earlier question (none: always shown)."""
    ids = value if isinstance(value, list | tuple) else ([] if is_blank(value) else [value])
    pks = [as_id(v) for v in ids if not is_blank(v)]
    if not pks:
        q.show_if_question = None
        q.save(update_fields=["show_if_question"])
        q.show_if_choices.clear()
        return
    found = list(
        Choice.objects.filter(pk__in=[p for p in pks if p is not None], question__survey=q.survey)
        .exclude(question=q)
        .select_related("question")
    )
    owners = {c.question_id for c in found}
    if None in pks or len(found) != len(set(pks)) or len(owners) != 1:
        raise DomainError.single(
            SurveyCode.BAD_CONDITION,
            _("Choose answers of one earlier question."),
            "show_if_choices",
        )
    earlier = found[0].question
    if (earlier.position, earlier.pk) >= (q.position, q.pk):
        raise DomainError.single(
            SurveyCode.CONDITION_LATER,
            _("A question can depend only on an earlier question."),
            "show_if_choices",
        )
    if earlier.kind not in CHOICE_KINDS | {QuestionKind.MATRIX}:
        raise DomainError.single(
            SurveyCode.BAD_CONDITION,
            _("Choose answers of one earlier question."),
            "show_if_choices",
        )
    q.show_if_question = earlier
    q.save(update_fields=["show_if_question"])
    q.show_if_choices.set(found)


def question_add(*, actor: Actor, survey_id: int, data: QuestionInput) -> Question:
    with transaction.atomic():
        survey = lock(survey_id)
        policy.require_manage(actor, survey)
        policy.require_draft(survey)
        if survey.questions.count() >= MAX_QUESTIONS:
            raise Conflict.single(
                Code.OUT_OF_RANGE, _("A survey has at most %(n)d questions.") % {"n": MAX_QUESTIONS}
            )
        last = survey.questions.aggregate(m=Max("position"))["m"]
        q = Question(survey=survey, position=0 if last is None else last + 1)
        choices, rows = _read_question(data, q)
        q.save()
        _set_children(q, choices, rows)
        _set_condition(q, data.show_if_choices)
    return q


def _question(survey: Survey, question_id: object) -> Question:
    pk = as_id(question_id)
    q = survey.questions.filter(pk=pk).first() if pk is not None else None
    if q is None:
        raise NotFound.single(SurveyCode.QUESTION_NOT_FOUND, _("No such question."), "question")
    return q


def question_update(
    *, actor: Actor, survey_id: int, question_id: int, data: QuestionInput
) -> Question:
    with transaction.atomic():
        survey = lock(survey_id)
        policy.require_manage(actor, survey)
        policy.require_draft(survey)
        q = _question(survey, question_id)
        choices, rows = _read_question(data, q)
        q.save()
        _set_children(q, choices, rows)
        _set_condition(q, data.show_if_choices)
    return q


def question_remove(*, actor: Actor, survey_id: int, question_id: int) -> None:
    with transaction.atomic():
        survey = lock(survey_id)
        policy.require_manage(actor, survey)
        policy.require_draft(survey)
        q = _question(survey, question_id)
        if q.dependents.exists():
            raise Conflict.single(
                SurveyCode.HAS_DEPENDENTS,
                _("Other questions are shown depending on this one: change them first."),
                "question",
            )
        q.delete()
        _renumber(survey)


def _renumber(survey: Survey, order: list[Question] | None = None) -> None:
    questions = order if order is not None else list(survey.questions.order_by("position", "pk"))
    for i, q in enumerate(questions):
        if q.position != i:
            q.position = i
            q.save(update_fields=["position"])


def question_move(*, actor: Actor, survey_id: int, question_id: int, up: bool) -> None:
    """Move a question one place up or down; a question never moves above the question
    its condition depends on, nor below one that depends on it."""
    with transaction.atomic():
        survey = lock(survey_id)
        policy.require_manage(actor, survey)
        policy.require_draft(survey)
        q = _question(survey, question_id)
        order = list(survey.questions.order_by("position", "pk"))
        i = next(n for n, x in enumerate(order) if x.pk == q.pk)
        j = i - 1 if up else i + 1
        if not 0 <= j < len(order):
            return
        first, second = (order[j], order[i]) if up else (order[i], order[j])
        if second.show_if_question_id == first.pk:
            raise Conflict.single(
                SurveyCode.CONDITION_LATER,
                _("A question can depend only on an earlier question."),
                "question",
            )
        order[i], order[j] = order[j], order[i]
        _renumber(survey, order)


# --- the survey's life --------------------------------------------------------------------------


def publish_problems(survey: Survey) -> list[ErrorDetail]:
    """What stands in the way of publishing (empty: nothing)."""
    questions = list(
        survey.questions.order_by("position", "pk").prefetch_related(
            "choices", "rows", "show_if_choices"
        )
    )
    problems: list[ErrorDetail] = []
    if not questions:
        return [ErrorDetail(SurveyCode.EMPTY, _("Add at least one question."), None)]
    place = {q.pk: i for i, q in enumerate(questions)}
    for i, q in enumerate(questions, start=1):
        name = A.field_name(q.pk)
        if q.kind in CHOICE_KINDS | {QuestionKind.MATRIX} and not q.choices.all():
            problems.append(
                ErrorDetail(
                    SurveyCode.NO_CHOICES,
                    _("Question %(n)d has no choices.") % {"n": i},
                    name,
                )
            )
        if q.kind == QuestionKind.MATRIX and not q.rows.all():
            problems.append(
                ErrorDetail(SurveyCode.NO_ROWS, _("Question %(n)d has no rows.") % {"n": i}, name)
            )
        if q.show_if_question_id is not None and (
            place.get(q.show_if_question_id, len(questions)) >= place[q.pk]
        ):
            problems.append(
                ErrorDetail(
                    SurveyCode.CONDITION_LATER,
                    _("Question %(n)d depends on a later question.") % {"n": i},
                    name,
                )
            )
        elif q.show_if_question_id is not None and not q.show_if_choices.all():
            problems.append(
                ErrorDetail(
                    SurveyCode.BAD_CONDITION,
                    _("Question %(n)d's condition names no answer.") % {"n": i},
                    name,
                )
            )
    return problems


def survey_publish(*, actor: Actor, survey_id: int, now: datetime | None = None) -> Survey:
    with transaction.atomic():
        survey = lock(survey_id)
        policy.require_manage(actor, survey)
        policy.require_draft(survey)
        problems = publish_problems(survey)
        if problems:
            raise Conflict(problems)
        survey.status = SurveyStatus.OPEN
        survey.published_at = now or timezone.now()
        survey.save(update_fields=["status", "published_at"])
    return survey


def survey_close(*, actor: Actor, survey_id: int, now: datetime | None = None) -> Survey:
    with transaction.atomic():
        survey = lock(survey_id)
        policy.require_manage(actor, survey)
        if survey.status != SurveyStatus.OPEN:
            raise Conflict.single(SurveyCode.NOT_OPEN, _("This survey is not open."), None)
        survey.status = SurveyStatus.CLOSED
        survey.closed_at = now or timezone.now()
        survey.save(update_fields=["status", "closed_at"])
    return survey


def survey_publish_results(*, actor: Actor, survey_id: int, now: datetime | None = None) -> Survey:
    """Make the results public and tell everyone who answered online (once each: the key
    ``survey-results:<survey>``)."""
    with transaction.atomic():
        survey = lock(survey_id)
        policy.require_manage(actor, survey)
        if survey.status != SurveyStatus.CLOSED:
            raise Conflict.single(
                SurveyCode.NOT_CLOSED, _("Close the survey before publishing its results."), None
            )
        if survey.results_public:
            raise Conflict.single(
                SurveyCode.RESULTS_ALREADY_PUBLIC, _("The results are already published."), None
            )
        survey.results_public = True
        survey.save(update_fields=["results_public"])
        link = reverse("survey_results", args=[survey.pk])
        for part in Participation.objects.filter(survey=survey).select_related("user"):
            notification_send(
                recipient=part.user,
                key=f"survey-results:{survey.pk}",
                template="survey_results",
                params={"title": survey.title, "link": link},
                link=link,
                about=survey.title,
                now=now,
            )
    return survey


# --- answering ----------------------------------------------------------------------------------


def specs_of(survey: Survey) -> list[A.QuestionSpec]:
    """The survey's questions as the pure checker reads them, in order (one query each
    for questions, choices, rows and conditions)."""
    questions = list(
        survey.questions.order_by("position", "pk").prefetch_related(
            "choices", "rows", "show_if_choices"
        )
    )
    return [spec_of(q) for q in questions]


def spec_of(q: Question) -> A.QuestionSpec:
    return A.QuestionSpec(
        id=q.pk,
        kind=q.kind,
        required=q.required,
        max_length=q.max_length,
        max_choices=q.max_choices,
        scale_min=q.scale_min,
        scale_max=q.scale_max,
        number_min=q.number_min,
        number_max=q.number_max,
        whole_number=q.whole_number,
        choices=tuple(c.pk for c in q.choices.all()),
        rows=tuple(r.pk for r in q.rows.all()),
        show_if=q.show_if_question_id,
        show_if_choices=frozenset(c.pk for c in q.show_if_choices.all()),
    )


def _why(problem: A.Problem) -> str | Promise:
    p = problem.params
    messages: dict[str, Any] = {
        A.REQUIRED: _("Please answer this question."),
        A.NOT_SHOWN: _(
            "Leave this question empty: it is asked only after a certain answer to an earlier "
            "question."
        ),
        A.NOT_TEXT: _("This text holds characters that cannot be stored."),
        A.TOO_LONG: lambda: _("At most %(limit)d characters.") % {"limit": p["limit"]},
        A.UNKNOWN_CHOICE: _("Choose one of this question's answers."),
        A.ONE_CHOICE: _("Choose one answer."),
        A.TOO_MANY: lambda: _("Choose at most %(limit)d answers.") % {"limit": p["limit"]},
        A.NOT_NUMBER: _("Enter a number."),
        A.OUT_OF_RANGE: lambda: _range(p.get("low"), p.get("high")),
        A.NOT_WHOLE: _("Enter a whole number."),
        A.NOT_PERMUTATION: lambda: (
            _("Give each of the %(n)d answers a different place, 1 to %(n)d.") % {"n": p["count"]}
        ),
        A.ROW_MISSING: _("Answer every row."),
        A.UNKNOWN_ROW: _("Answer the rows of this question."),
        A.BAD_SHAPE: _("This answer is not in the right form."),
    }
    message = messages[problem.code]
    return message() if callable(message) else message


def _range(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return str(
            _("Enter a number from %(low)s to %(high)s.") % {"low": f"{low:g}", "high": f"{high:g}"}
        )
    if low is not None:
        return str(_("Enter a number of at least %(low)s.") % {"low": f"{low:g}"})
    return str(_("Enter a number of at most %(high)s.") % {"high": f"{high:g}"})


def word(problems: list[A.Problem], numbers: dict[int, tuple[int, str]]) -> list[ErrorDetail]:
    """The problems as refusals for people, each naming its question ("3. Question: why")."""
    out = []
    for problem in problems:
        n, text = numbers[problem.question]
        out.append(
            ErrorDetail(
                problem.code,
                _("Question %(n)d (%(text)s): %(why)s")
                % {"n": n, "text": text, "why": _why(problem)},
                problem.field,
            )
        )
    return out


def respondent_key(survey: Survey, user_id: int) -> str:
    """A signed survey's key of a person's online response."""
    return _key(survey, f"user:{user_id}")


def _key(survey: Survey, who: str) -> str:
    secret = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(secret, f"survey:{survey.pk}:{who}".encode(), hashlib.sha256).hexdigest()


def household_key(survey: Survey, village_id: int, household: str) -> str:
    """The key of a household's paper form: the survey, the village and the household's
    reference, spaces and case aside."""
    return _key(survey, f"household:{village_id}:{' '.join(household.split()).casefold()}")


def _write(response: Response, cleaned: list[A.Clean], kinds: dict[int, str]) -> None:
    rows = Answer.objects.bulk_create(
        [
            Answer(response=response, question_id=c.question, text=c.text, number=c.number)
            for c in cleaned
        ]
    )
    picks: list[AnswerChoice] = []
    for answer, c in zip(rows, cleaned, strict=True):
        ranked = kinds[c.question] == QuestionKind.RANKING
        picks.extend(
            AnswerChoice(answer=answer, choice_id=pk, rank=(i + 1) if ranked else None)
            for i, pk in enumerate(c.choices)
        )
        picks.extend(AnswerChoice(answer=answer, choice_id=col, row_id=row) for row, col in c.cells)
    AnswerChoice.objects.bulk_create(picks)


def _check(survey: Survey, raw: dict[int, Any]) -> tuple[list[A.Clean], dict[int, str]]:
    specs = specs_of(survey)
    result = A.check(specs, raw)
    if result.problems:
        numbers = {
            pk: (i, text)
            for i, (pk, text) in enumerate(
                survey.questions.order_by("position", "pk").values_list("pk", "text"), start=1
            )
        }
        raise DomainError(word(result.problems, numbers))
    return result.answers, {q.id: q.kind for q in specs}


def _stored_moment(survey: Survey, now: datetime) -> datetime:
    """An anonymous survey's responses keep only the day (no time to pair with a log)."""
    if not survey.anonymous:
        return now
    return timezone.make_aware(datetime.combine(timezone.localtime(now).date(), time.min))


def response_submit(
    *, actor: Actor, survey_id: int, raw: dict[int, Any], now: datetime | None = None
) -> Response:
    """A resident's own answers, online: once per person (and per survey)."""
    with transaction.atomic():
        survey = lock(survey_id)
        today = timezone.localdate(now) if now else None
        refusal = policy.answer_refusal(actor, survey, today)
        if refusal is not None:
            raise refusal
        assert actor is not None and actor.is_authenticated
        if Participation.objects.filter(survey=survey, user=actor).exists():
            raise Conflict.single(
                SurveyCode.ALREADY_ANSWERED, _("You have already answered this survey."), None
            )
        cleaned, kinds = _check(survey, raw)
        profile = profile_of(actor)
        assert profile is not None and profile.region is not None
        at = now or timezone.now()
        response = Response.objects.create(
            survey=survey,
            respondent=None if survey.anonymous else actor,
            respondent_key=(
                secrets.token_hex(32) if survey.anonymous else respondent_key(survey, actor.pk)
            ),
            channel=ResponseChannel.WEB,
            region=profile.region,
            submitted_at=_stored_moment(survey, at),
        )
        Participation.objects.create(survey=survey, user=actor)
        _write(response, cleaned, kinds)
    return response


def paper_submit(
    *,
    actor: Actor,
    survey_id: int,
    village_code: Any,
    household: Any,
    raw: dict[int, Any],
    now: datetime | None = None,
) -> Response:
    """A household's paper form, entered by a grid worker or staff: once per household
    (its reference within the village)."""
    with transaction.atomic():
        survey = lock(survey_id)
        village = None
        if isinstance(village_code, str) and 0 < len(village_code) <= 20:
            village = Region.objects.filter(code=village_code).first()
        refusal = policy.paper_refusal(actor, survey, village)
        if refusal is not None:
            raise refusal
        assert village is not None and isinstance(actor, User)
        reference = _field(lambda: read_text(household, max_length=60), "household")
        if not reference:
            raise DomainError.single(
                SurveyCode.HOUSEHOLD_REQUIRED,
                _("Give the household's reference (house number or register number)."),
                "household",
            )
        key = household_key(survey, village.pk, reference)
        if Response.objects.filter(survey=survey, respondent_key=key).exists():
            raise Conflict.single(
                SurveyCode.HOUSEHOLD_ANSWERED,
                _("This household's form has already been entered."),
                "household",
            )
        cleaned, kinds = _check(survey, raw)
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    survey=survey,
                    respondent_key=key,
                    channel=ResponseChannel.PAPER,
                    household="" if survey.anonymous else reference,
                    entered_by=actor,
                    region=village,
                    submitted_at=_stored_moment(survey, now or timezone.now()),
                )
        except IntegrityError:
            raise Conflict.single(
                SurveyCode.HOUSEHOLD_ANSWERED,
                _("This household's form has already been entered."),
                "household",
            ) from None
        _write(response, cleaned, kinds)
    return response
