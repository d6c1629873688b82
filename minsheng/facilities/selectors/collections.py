"""Selectors of the collections part (issue 10): the figures of many libraries in one query,
a library's titles and class breakdown, the county table of libraries (per township), and what
the acquisition list reads (the titles and residents' book orders)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from minsheng.accounts.types import Actor
from minsheng.orders.models import Order, Status

from .. import acquisition
from ..clc import CLASSES
from ..freshness import YOUNG_YEARS, Figures, Holding, figures, is_one_kind, is_stale
from ..models import Facility, Title
from ..policy import collections as policy

BOOK_SERVICE = "rural-library"  # the menu service residents order books with
REQUEST_DAYS = 365  # "in the last twelve months"
TITLES_PAGE = 25


def collection_figures(facility_ids: Iterable[int], as_of: int) -> dict[int, Figures]:
    """Each facility's figures in the reference year ``as_of``, in one query (a facility
    without titles gets the empty figures)."""
    ids = list(facility_ids)
    holdings: dict[int, list[Holding]] = {pk: [] for pk in ids}
    rows = Title.objects.filter(facility_id__in=ids).values_list(
        "facility_id", "subject", "year", "copies", "loans"
    )
    for facility_id, subject, year, copies, loans in rows:
        holdings[facility_id].append(Holding(subject, year, copies, loans))
    return {pk: figures(h, as_of=as_of) for pk, h in holdings.items()}


def titles_of(facility: Facility, search: str = "") -> QuerySet[Title]:
    """The library's titles by class then title; ``search`` matches title, author or ISBN."""
    qs = Title.objects.filter(facility_id=facility.pk)
    if search:
        qs = qs.filter(
            Q(title__icontains=search) | Q(author__icontains=search) | Q(isbn__icontains=search)
        )
    return qs.order_by("subject", "title", "pk")


@dataclass(frozen=True)
class ClassRow:
    letter: str
    name_zh: str
    name_en: str
    titles: int
    copies: int
    share: float  # of the collection's copies
    young_share: float  # of the class's copies under five years
    loans: int
    loans_per_copy: float

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


def class_breakdown(facility: Facility, as_of: int) -> list[ClassRow]:
    """The classes the library holds, by letter, with their share of the copies."""
    per: dict[str, list[int]] = {}  # letter -> [titles, copies, young copies, loans]
    for subject, year, copies, loans in Title.objects.filter(facility_id=facility.pk).values_list(
        "subject", "year", "copies", "loans"
    ):
        row = per.setdefault(subject, [0, 0, 0, 0])
        row[0] += 1
        row[1] += copies
        row[2] += copies if as_of - year < YOUNG_YEARS else 0
        row[3] += loans
    total = sum(r[1] for r in per.values())
    out = []
    for letter in sorted(per):
        titles, copies, young, loans = per[letter]
        zh, en = CLASSES.get(letter, (letter, letter))
        out.append(
            ClassRow(
                letter,
                zh,
                en,
                titles,
                copies,
                copies / total,
                young / copies,
                loans,
                loans / copies,
            )
        )
    return out


# --- the county table -------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryRow:
    facility: Facility
    figures: Figures
    stale: bool
    one_kind: bool


SORTS: dict[str, Callable[[LibraryRow], Any] | None] = {
    "name": None,  # the register's order: township, place, code
    "copies": lambda r: r.figures.copies,
    "titles": lambda r: r.figures.titles,
    "median_age": lambda r: r.figures.median_age,
    "share_under_5": lambda r: r.figures.share_under_5,
    "shannon": lambda r: r.figures.shannon,
    "largest_share": lambda r: r.figures.largest_share,
}


def libraries_for(user: Actor) -> QuerySet[Facility]:
    """The libraries ``user`` keeps or manages, with their place and township."""
    q = policy.kept_libraries_q(user)
    if q is None:
        return Facility.objects.none()
    return (
        Facility.objects.filter(q)
        .distinct()
        .select_related("region", "township")
        .order_by("township__code", "region__code", "code")
    )


def library_table(
    user: Actor, as_of: int, *, sort: str = "name", descending: bool = False
) -> list[LibraryRow]:
    """Every library in ``user``'s scope with its figures and its stale / one-kind marks,
    sorted by ``sort`` (one of ``SORTS``; empty figures last either way)."""
    libraries = list(libraries_for(user))
    by_id = collection_figures([f.pk for f in libraries], as_of)
    rows = [
        LibraryRow(f, by_id[f.pk], is_stale(by_id[f.pk]), is_one_kind(by_id[f.pk]))
        for f in libraries
    ]
    key = SORTS.get(sort)
    if key is None:
        return rows[::-1] if descending else rows
    present = [r for r in rows if key(r) is not None]
    absent = [r for r in rows if key(r) is None]
    present.sort(key=key, reverse=descending)
    return present + absent


@dataclass(frozen=True)
class TownshipGroup:
    name: str
    rows: list[LibraryRow]
    stale: int
    one_kind: int


def by_township(rows: list[LibraryRow]) -> list[TownshipGroup]:
    """The rows grouped by township, in the order the townships first appear."""
    groups: dict[int, list[LibraryRow]] = {}
    names: dict[int, str] = {}
    for r in rows:
        pk = r.facility.township_id or 0
        groups.setdefault(pk, []).append(r)
        names[pk] = r.facility.township.name if r.facility.township else ""
    return [
        TownshipGroup(names[pk], g, sum(1 for r in g if r.stale), sum(1 for r in g if r.one_kind))
        for pk, g in groups.items()
    ]


# --- the acquisition list ---------------------------------------------------------------------


def book_requests(facility: Facility, now: datetime) -> list[acquisition.Request]:
    """Residents' book orders at the library's place in the twelve months before ``now``
    (rejected orders not counted), read as requests against the titles held."""
    known = {
        acquisition.title_key(t): s
        for t, s in Title.objects.filter(facility_id=facility.pk).values_list("title", "subject")
    }
    answers = (
        Order.objects.filter(
            service__code=BOOK_SERVICE,
            region_id=facility.region_id,
            created_at__gt=now - timedelta(days=REQUEST_DAYS),
            created_at__lte=now,
        )
        .exclude(status=Status.REJECTED)
        .values_list("answers", flat=True)
    )
    out = []
    for a in answers:
        text = a.get("title") if isinstance(a, dict) else None
        request = acquisition.read_request(text, known) if isinstance(text, str) else None
        if request is not None:
            out.append(request)
    return out


def holdings_of(facility: Facility) -> list[Holding]:
    return [
        Holding(s, y, c, n)
        for s, y, c, n in Title.objects.filter(facility_id=facility.pk).values_list(
            "subject", "year", "copies", "loans"
        )
    ]


def highlights(facility: Facility, limit: int = 5) -> list[Title]:
    """What the public page can show of a library's books: its newest titles, the most lent
    first among the same year (for the portal's "collection highlights")."""
    return list(
        Title.objects.filter(facility_id=facility.pk).order_by("-year", "-loans", "title", "pk")[
            :limit
        ]
    )
