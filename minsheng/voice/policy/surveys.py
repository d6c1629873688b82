"""Who may do what with a survey: the one place that answers it.

- **Building** (create, edit questions in draft, publish, close, publish results, see the
  results and the responses any time): county administrators, any survey; a dispatcher,
  the surveys asked only in their township (every target region is the township or one
  of its villages; a survey of the whole county is the county's).
- **Answering online**: residents living in a target region, while the survey is open
  (published, not closed, today between its dates), once.
- **Entering a paper form** (door to door, one per household): grid workers for their own
  village, dispatchers for a village of their township, county administrators for any
  village; the village must be a target and the survey open.
- **Reading the results**: everyone once they are published; builders any time.
- **Listing**: everyone sees open surveys and surveys whose results are published.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minsheng.accounts.models import Role
from minsheng.accounts.selectors import profile_of
from minsheng.accounts.types import Actor
from minsheng.core.errors import Code, Conflict, DomainError, ErrorDetail, PermissionDenied
from minsheng.regions.models import Region
from minsheng.voice.errors import SurveyCode
from minsheng.voice.models import Survey, SurveyStatus

BUILDER_ROLES = frozenset({Role.COUNTY_ADMIN, Role.DISPATCHER})
PAPER_ROLES = frozenset({Role.GRID_WORKER, Role.DISPATCHER, Role.COUNTY_ADMIN})


def _county_wide(region: Region | None) -> bool:
    return region is not None and region.level == Region.Level.COUNTY


def within(region: Region, scope: Region | None) -> bool:
    """Whether ``region`` is ``scope`` or below it."""
    if scope is None:
        return False
    return region.pk == scope.pk or scope.pk in region.ancestor_ids()


# --- building -----------------------------------------------------------------------------------


def can_build_surveys(user: Actor) -> bool:
    """Whether the user builds surveys at all (the staff survey pages)."""
    profile = profile_of(user)
    return profile is not None and profile.role in BUILDER_ROLES and profile.region is not None


def may_target(user: Actor, regions: Iterable[Region]) -> bool:
    """Whether the user may ask a survey of these regions (none: the whole county)."""
    profile = profile_of(user)
    if profile is None or profile.role not in BUILDER_ROLES or profile.region is None:
        return False
    if _county_wide(profile.region):
        return True
    targets = list(regions)
    return bool(targets) and all(within(r, profile.region) for r in targets)


def can_manage(user: Actor, survey: Survey) -> bool:
    """Whether the user builds this survey and sees its results and responses any time."""
    return may_target(user, survey.regions.all())


def managed_q(user: Actor) -> Q:
    """The surveys ``can_manage`` admits, for lists."""
    profile = profile_of(user)
    if profile is None or profile.role not in BUILDER_ROLES or profile.region is None:
        return Q(pk__in=[])
    if _county_wide(profile.region):
        return Q()
    scope = profile.region
    targets = Survey.regions.through.objects.filter(survey_id=OuterRef("pk"))
    outside = targets.exclude(Q(region_id=scope.pk) | Q(region__parent_id=scope.pk))
    return Q(Exists(targets)) & ~Q(Exists(outside))


def can_edit(user: Actor, survey: Survey) -> bool:
    """Questions and settings change only in draft (never once anyone could answer)."""
    return survey.status == SurveyStatus.DRAFT and can_manage(user, survey)


def require_manage(user: Actor, survey: Survey) -> None:
    if not can_manage(user, survey):
        raise PermissionDenied.single(
            Code.NOT_PERMITTED, _("You may not change this survey."), None
        )


def require_draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise Conflict.single(
            SurveyCode.NOT_DRAFT,
            _("This survey is published: its questions can no longer change."),
            None,
        )


# --- answering ----------------------------------------------------------------------------------


def is_open(survey: Survey, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return survey.status == SurveyStatus.OPEN and survey.opens_on <= today <= survey.closes_on


def targets(survey: Survey, region: Region | None) -> bool:
    """Whether a person of ``region`` is asked (no target regions: the whole county)."""
    if region is None:
        return False
    chosen = list(survey.regions.all())
    return not chosen or any(within(region, r) for r in chosen)


def window_refusal(survey: Survey, today: date | None = None) -> ErrorDetail | None:
    if survey.status != SurveyStatus.OPEN:
        return ErrorDetail(SurveyCode.NOT_OPEN, _("This survey is not open for answers."), None)
    if not is_open(survey, today):
        return ErrorDetail(
            SurveyCode.OUTSIDE_WINDOW,
            _("This survey takes answers from %(opens)s to %(closes)s.")
            % {"opens": survey.opens_on.isoformat(), "closes": survey.closes_on.isoformat()},
            None,
        )
    return None


def answer_refusal(user: Actor, survey: Survey, today: date | None = None) -> DomainError | None:
    """Why ``user`` may not answer ``survey`` online now (None: they may, unless they
    already did, which the service checks under its lock)."""
    if user is None or not user.is_authenticated:
        return PermissionDenied.single(
            Code.LOGIN_REQUIRED, _("Log in to answer this survey."), None
        )
    profile = profile_of(user)
    if profile is None or profile.role != Role.RESIDENT:
        return PermissionDenied.single(
            SurveyCode.NOT_RESIDENT, _("Surveys are answered by residents."), None
        )
    window = window_refusal(survey, today)
    if window is not None:
        return Conflict(window)
    if not targets(survey, profile.region):
        return PermissionDenied.single(
            SurveyCode.OUTSIDE_REGIONS, _("This survey asks residents of other places."), None
        )
    return None


def can_answer(user: Actor, survey: Survey) -> bool:
    return answer_refusal(user, survey) is None


def can_enter_paper_forms(user: Actor) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.role in PAPER_ROLES and profile.region is not None


def paper_refusal(user: Actor, survey: Survey, village: Region | None) -> DomainError | None:
    """Why ``user`` may not enter a paper form of ``village`` for ``survey``."""
    profile = profile_of(user)
    if profile is None or profile.role not in PAPER_ROLES or profile.region is None:
        return PermissionDenied.single(
            Code.NOT_PERMITTED, _("Only grid workers and staff enter paper forms."), None
        )
    if village is None or village.level != Region.Level.VILLAGE:
        return DomainError.single(
            SurveyCode.VILLAGE_REQUIRED, _("Choose the household's village."), "village"
        )
    if not within(village, profile.region):
        return PermissionDenied.single(
            Code.NOT_PERMITTED, _("This village is outside your area."), "village"
        )
    window = window_refusal(survey)
    if window is not None:
        return Conflict(window)
    if not targets(survey, village):
        return DomainError.single(
            SurveyCode.OUTSIDE_REGIONS, _("This survey does not ask this village."), "village"
        )
    return None


def can_enter_paper(user: Actor, survey: Survey) -> bool:
    """Whether the paper-form page of this survey is for the user (a village is chosen
    there)."""
    return can_enter_paper_forms(user) and is_open(survey)


# --- reading ------------------------------------------------------------------------------------


def can_see_results(user: Actor, survey: Survey) -> bool:
    return survey.results_public or can_manage(user, survey)


def public_q() -> Q:
    """The surveys everyone may find: open ones and those with published results."""
    return Q(status=SurveyStatus.OPEN) | Q(results_public=True)


def can_see(user: Actor, survey: Survey) -> bool:
    """Whether the user may read the survey itself (its questions)."""
    return survey.status == SurveyStatus.OPEN or survey.results_public or can_manage(user, survey)
