"""The survey pages: the public list, answering, the results (and their exports), entering
paper forms, and the staff builder."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minsheng.accounts.decorators import allowed, clean_request, keep_form_across_login, kept_form
from minsheng.accounts.selectors import home_region
from minsheng.catalog.models import ServiceArea
from minsheng.core import exports
from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.regions.models import Region
from minsheng.voice.models import Question, QuestionKind, Survey, SurveyStatus
from minsheng.voice.policy import surveys as policy
from minsheng.voice.selectors import surveys as selectors
from minsheng.voice.services import surveys as services
from minsheng.voice.surveys_export import export_tables

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.to_xlsx),
}


# --- reading a submitted form -------------------------------------------------------------------


def raw_answers(questions: list[Question], data: QueryDict) -> dict[int, Any]:
    """The form's values per question, in the shapes ``voice.answers`` reads."""
    raw: dict[int, Any] = {}
    for q in questions:
        name = f"q{q.pk}"
        if q.kind == QuestionKind.MULTIPLE:
            raw[q.pk] = data.getlist(name)
        elif q.kind == QuestionKind.RANKING:
            raw[q.pk] = {
                str(c.pk): data.get(f"{name}_c{c.pk}", "")
                for c in q.choices.all()
                if data.get(f"{name}_c{c.pk}", "").strip()
            }
        elif q.kind == QuestionKind.MATRIX:
            raw[q.pk] = {str(r.pk): data.get(f"{name}_r{r.pk}", "") for r in q.rows.all()}
        else:
            raw[q.pk] = data.get(name)
    return raw


def _form_questions(
    questions: list[Question], data: QueryDict | None, errors: list[ErrorDetail]
) -> list[dict[str, Any]]:
    """Each question with what the page needs: its number, its error, the values sent."""
    by_field = {e.field: str(e.message) for e in errors if e.field}
    numbers = {q.pk: i for i, q in enumerate(questions, start=1)}
    out = []
    for q in questions:
        name = f"q{q.pk}"
        values = data.getlist(name) if data is not None else []
        out.append(
            {
                "q": q,
                "number": numbers[q.pk],
                "name": name,
                "error": by_field.get(name, ""),
                "values": values,
                "value": values[-1] if values else "",
                "choices": [
                    {
                        "c": c,
                        "checked": str(c.pk) in values,
                        "rank": data.get(f"{name}_c{c.pk}", "") if data is not None else "",
                    }
                    for c in q.choices.all()
                ],
                "rows": [
                    {"r": r, "value": data.get(f"{name}_r{r.pk}", "") if data is not None else ""}
                    for r in q.rows.all()
                ],
                "places": range(1, len(q.choices.all()) + 1),
                "scale": range(q.scale_min, q.scale_max + 1)
                if q.kind == QuestionKind.SCALE
                else [],
                "condition": (
                    {
                        "number": numbers.get(q.show_if_question_id, 0),
                        "choices": [c.label for c in q.show_if_choices.all()],
                        "ids": " ".join(str(c.pk) for c in q.show_if_choices.all()),
                    }
                    if q.show_if_question_id
                    else None
                ),
            }
        )
    return out


# --- public pages -------------------------------------------------------------------------------


@clean_request
def survey_list(request: HttpRequest) -> HttpResponse:
    place = home_region(request.user)
    open_here = selectors.open_surveys(place if place and place.level == "village" else None)
    context = {
        "open_surveys": open_here,
        "place": place if place and place.level == "village" else None,
        "results": selectors.results_surveys(),
        "may_build": policy.can_build_surveys(request.user),
    }
    return render(request, "voice/surveys/list.html", context)


def _answer_page(
    request: HttpRequest,
    survey: Survey,
    *,
    data: QueryDict | None = None,
    errors: list[ErrorDetail] | None = None,
    status: int = 200,
) -> HttpResponse:
    questions = selectors.questions_of(survey)
    refusal = policy.answer_refusal(request.user, survey)
    context = {
        "survey": survey,
        "questions": _form_questions(questions, data, errors or []),
        "errors": errors or [],
        "general_errors": [e for e in errors or [] if not e.field],
        "refusal": refusal.errors[0].message if refusal is not None else "",
        "may_answer": refusal is None,
        "answered": selectors.answered(request.user, survey),
        "may_see_results": policy.can_see_results(request.user, survey),
        "may_paper": policy.can_enter_paper(request.user, survey),
        "login_next": request.get_full_path(),
    }
    return render(request, "voice/surveys/answer.html", context, status=status)


@keep_form_across_login  # answers sent after the session expired wait for the login
@clean_request
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for(request.user, pk)
    if survey is None:
        raise Http404
    if request.method != "POST":
        return _answer_page(request, survey, data=kept_form(request))
    questions = selectors.questions_of(survey)
    try:
        services.response_submit(
            actor=request.user, survey_id=survey.pk, raw=raw_answers(questions, request.POST)
        )
    except DomainError as exc:
        return _answer_page(
            request, survey, data=request.POST, errors=exc.errors, status=exc.status_code
        )
    messages.success(request, _("Thank you: your answers are saved."))
    return redirect("survey_answer", pk=survey.pk)


def _results_context(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    results = selectors.survey_results(survey)
    charts = [
        {
            "id": f"chart-q{r.question.pk}",
            "labels": [c.label for c in r.counts],
            "data": [c.count for c in r.counts],
            "label": _("Answers"),
            "horizontal": r.kind != QuestionKind.SCALE,
        }
        for r in results.questions
        if r.has_chart
    ]
    return {
        "survey": survey,
        "results": results,
        "charts": charts,
        "may_manage": policy.can_manage(request.user, survey),
    }


@clean_request
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = Survey.objects.prefetch_related("regions").filter(pk=pk).first()
    if survey is None or not policy.can_see_results(request.user, survey):
        raise Http404
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in EXPORTS:
            raise Http404
        content_type, write = EXPORTS[fmt]
        tables = export_tables(survey, responses=policy.can_manage(request.user, survey))
        response = HttpResponse(write(tables), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.{fmt}"'
        return response
    return render(request, "voice/surveys/results.html", _results_context(request, survey))


@clean_request
def survey_texts(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    survey = Survey.objects.filter(pk=pk).first()
    if survey is None or not policy.can_see_results(request.user, survey):
        raise Http404
    q = survey.questions.filter(
        pk=question, kind__in=[QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT]
    ).first()
    if q is None:
        raise Http404
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.text_answers(q, search), selectors.TEXT_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"survey": survey, "question": q, "page": page, "search": search}
    return render(request, "voice/surveys/texts.html", context)


# --- paper forms --------------------------------------------------------------------------------


def _paper_villages(request: HttpRequest, survey: Survey) -> list[Region]:
    scope = home_region(request.user)
    villages = Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent")
    return [v for v in villages if policy.within(v, scope) and policy.targets(survey, v)]


@allowed(policy.can_enter_paper_forms)
def survey_paper(request: HttpRequest, pk: int) -> HttpResponse:
    survey = Survey.objects.prefetch_related("regions").filter(pk=pk).first()
    if survey is None or not policy.can_enter_paper(request.user, survey):
        raise Http404
    questions = selectors.questions_of(survey)
    errors: list[ErrorDetail] = []
    status = 200
    data = None
    if request.method == "POST":
        try:
            services.paper_submit(
                actor=request.user,
                survey_id=survey.pk,
                village_code=request.POST.get("village", ""),
                household=request.POST.get("household", ""),
                raw=raw_answers(questions, request.POST),
            )
        except DomainError as exc:
            errors, status, data = exc.errors, exc.status_code, request.POST
        else:
            messages.success(request, _("The household's form is saved. Enter the next one."))
            return redirect("survey_paper", pk=survey.pk)
    context = {
        "survey": survey,
        "questions": _form_questions(questions, data, errors),
        "errors": errors,
        "general_errors": [e for e in errors if not e.field or e.field in ("village", "household")],
        "villages": _paper_villages(request, survey),
        "village": data.get("village", "") if data else "",
        "household": data.get("household", "") if data else "",
    }
    return render(request, "voice/surveys/paper.html", context, status=status)


# --- the builder --------------------------------------------------------------------------------


def _survey_input(data: QueryDict) -> services.SurveyInput:
    return services.SurveyInput(
        title=data.get("title", ""),
        description=data.get("description", ""),
        regions=data.getlist("regions"),
        opens_on=data.get("opens_on", ""),
        closes_on=data.get("closes_on", ""),
        anonymous=data.get("anonymous", "") == "on",
    )


def _question_input(data: QueryDict) -> services.QuestionInput:
    names = [
        "kind",
        "text",
        "help_text",
        "demographic",
        "max_length",
        "max_choices",
        "scale_min",
        "scale_max",
        "scale_min_label",
        "scale_max_label",
        "number_min",
        "number_max",
        "choices",
        "rows",
    ]
    values: dict[str, Any] = {n: data.get(n, "") for n in names}
    return services.QuestionInput(
        **values,
        required=data.get("required", "") == "on",
        whole_number=data.get("whole_number", "") == "on",
        show_if_choices=data.getlist("show_if_choices"),
    )


def _targetable(request: HttpRequest) -> list[Region]:
    scope = home_region(request.user)
    regions = Region.objects.exclude(level=Region.Level.COUNTY).select_related("parent")
    return [r for r in regions.order_by("code") if policy.within(r, scope)]


@allowed(policy.can_build_surveys)
def staff_surveys(request: HttpRequest) -> HttpResponse:
    errors: list[ErrorDetail] = []
    if request.method == "POST":
        try:
            survey = services.survey_create(actor=request.user, data=_survey_input(request.POST))
        except DomainError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("The survey is created: add its questions."))
            return redirect("staff_survey", pk=survey.pk)
    context = {
        "surveys": selectors.managed_surveys(request.user),
        "errors": {e.field: str(e.message) for e in errors},
        "error_list": errors,
        "data": request.POST if errors else None,
        "regions": _targetable(request),
    }
    return render(request, "voice/surveys/staff_list.html", context, status=400 if errors else 200)


def _managed(request: HttpRequest, pk: int) -> Survey:
    survey = Survey.objects.prefetch_related("regions").filter(pk=pk).first()
    if survey is None or not policy.can_manage(request.user, survey):
        raise Http404
    return survey


def _condition_options(questions: list[Question], before: Question | None) -> list[Any]:
    out = []
    for q in questions:
        if before is not None and (q.position, q.pk) >= (before.position, before.pk):
            break
        if q.kind in (
            QuestionKind.SINGLE,
            QuestionKind.MULTIPLE,
            QuestionKind.RANKING,
            QuestionKind.MATRIX,
        ):
            out.append(q)
    return out


def _staff_survey_page(
    request: HttpRequest,
    survey: Survey,
    *,
    errors: list[ErrorDetail] | None = None,
    form: str = "",
    status: int = 200,
) -> HttpResponse:
    questions = selectors.questions_of(survey)
    errors = errors or []
    context = {
        "survey": survey,
        "questions": questions,
        "may_edit": policy.can_edit(request.user, survey),
        "errors": {e.field: str(e.message) for e in errors},
        "error_list": errors,
        "form": form,
        "data": request.POST if errors else None,
        "kinds": QuestionKind.choices,
        "areas": ServiceArea.objects.all(),
        "conditions": _condition_options(questions, None),
        "problems": services.publish_problems(survey) if survey.status == "draft" else [],
        "regions": _targetable(request),
        "chosen_regions": {r.code for r in survey.regions.all()},
        "responses": survey.responses.count(),
        "statuses": SurveyStatus,
        "may_paper": policy.can_enter_paper(request.user, survey),
    }
    return render(request, "voice/surveys/staff_survey.html", context, status=status)


@allowed(policy.can_build_surveys)
def staff_survey(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    if request.method == "POST":
        try:
            services.survey_update(
                actor=request.user, survey_id=survey.pk, data=_survey_input(request.POST)
            )
        except DomainError as exc:
            return _staff_survey_page(
                request, survey, errors=exc.errors, form="settings", status=exc.status_code
            )
        messages.success(request, _("Saved."))
        return redirect("staff_survey", pk=survey.pk)
    return _staff_survey_page(request, survey)


@allowed(policy.can_build_surveys)
@require_POST
def staff_question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _managed(request, pk)
    try:
        services.question_add(
            actor=request.user, survey_id=survey.pk, data=_question_input(request.POST)
        )
    except DomainError as exc:
        return _staff_survey_page(
            request, survey, errors=exc.errors, form="add", status=exc.status_code
        )
    messages.success(request, _("The question is added."))
    return redirect(f"{reverse('staff_survey', args=[survey.pk])}#questions")


@allowed(policy.can_build_surveys)
def staff_question(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    survey = _managed(request, pk)
    questions = selectors.questions_of(survey)
    q = next((x for x in questions if x.pk == question), None)
    if q is None:
        raise Http404
    errors: list[ErrorDetail] = []
    status = 200
    if request.method == "POST":
        try:
            services.question_update(
                actor=request.user,
                survey_id=survey.pk,
                question_id=q.pk,
                data=_question_input(request.POST),
            )
        except DomainError as exc:
            errors, status = exc.errors, exc.status_code
        else:
            messages.success(request, _("The question is saved."))
            return redirect(f"{reverse('staff_survey', args=[survey.pk])}#questions")
    context = {
        "survey": survey,
        "question": q,
        "may_edit": policy.can_edit(request.user, survey),
        "errors": {e.field: str(e.message) for e in errors},
        "error_list": errors,
        "data": request.POST if errors else None,
        "kinds": QuestionKind.choices,
        "conditions": _condition_options(questions, q),
        "chosen_conditions": {c.pk for c in q.show_if_choices.all()},
        "choices_text": "\n".join(
            c.label
            + (f" | {c.area.code}" if c.area else f" | {c.service.code}" if c.service else "")
            for c in q.choices.all()
        ),
        "rows_text": "\n".join(r.label for r in q.rows.all()),
    }
    return render(request, "voice/surveys/staff_question.html", context, status=status)


def _step(request: HttpRequest, pk: int, call: Any, success: str, anchor: str = "") -> HttpResponse:
    survey = _managed(request, pk)
    try:
        call(survey)
    except DomainError as exc:
        return _staff_survey_page(
            request, survey, errors=exc.errors, form="step", status=exc.status_code
        )
    messages.success(request, success)
    return redirect(f"{reverse('staff_survey', args=[survey.pk])}{anchor}")


@allowed(policy.can_build_surveys)
@require_POST
def staff_question_remove(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda s: services.question_remove(
            actor=request.user, survey_id=s.pk, question_id=question
        ),
        _("The question is removed."),
        "#questions",
    )


@allowed(policy.can_build_surveys)
@require_POST
def staff_question_move(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    up = request.POST.get("direction") == "up"
    return _step(
        request,
        pk,
        lambda s: services.question_move(
            actor=request.user, survey_id=s.pk, question_id=question, up=up
        ),
        _("The question is moved."),
        "#questions",
    )


@allowed(policy.can_build_surveys)
@require_POST
def staff_survey_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda s: services.survey_publish(actor=request.user, survey_id=s.pk),
        _("The survey is published: residents may answer it."),
    )


@allowed(policy.can_build_surveys)
@require_POST
def staff_survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda s: services.survey_close(actor=request.user, survey_id=s.pk),
        _("The survey is closed."),
    )


@allowed(policy.can_build_surveys)
@require_POST
def staff_survey_publish_results(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        lambda s: services.survey_publish_results(actor=request.user, survey_id=s.pk),
        _("The results are published; those who answered are told."),
    )


urlpatterns = [
    path("surveys/", survey_list, name="surveys"),
    path("surveys/<int:pk>/", survey_answer, name="survey_answer"),
    path("surveys/<int:pk>/results/", survey_results, name="survey_results"),
    path("surveys/<int:pk>/results/texts/<int:question>/", survey_texts, name="survey_texts"),
    path("surveys/<int:pk>/paper/", survey_paper, name="survey_paper"),
    path("staff/surveys/", staff_surveys, name="staff_surveys"),
    path("staff/surveys/<int:pk>/", staff_survey, name="staff_survey"),
    path("staff/surveys/<int:pk>/questions/", staff_question_add, name="staff_question_add"),
    path(
        "staff/surveys/<int:pk>/questions/<int:question>/",
        staff_question,
        name="staff_question",
    ),
    path(
        "staff/surveys/<int:pk>/questions/<int:question>/remove/",
        staff_question_remove,
        name="staff_question_remove",
    ),
    path(
        "staff/surveys/<int:pk>/questions/<int:question>/move/",
        staff_question_move,
        name="staff_question_move",
    ),
    path("staff/surveys/<int:pk>/publish/", staff_survey_publish, name="staff_survey_publish"),
    path("staff/surveys/<int:pk>/close/", staff_survey_close, name="staff_survey_close"),
    path(
        "staff/surveys/<int:pk>/publish-results/",
        staff_survey_publish_results,
        name="staff_survey_publish_results",
    ),
]
