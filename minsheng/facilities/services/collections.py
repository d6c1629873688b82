"""Services of the collections part (issue 10): the titles of a library, one by one or
imported from a table, and the one row checker the import and the ``collection`` command
share (``read_titles``).

A row is refused, naming its number (the header is row 1) and the reason, when its title is
empty or too long, its year is not a whole number, is later than the reference year or before
``MIN_YEAR``, its copies are not a positive whole number, its class is not one of the 22
top-level CLC letters (a lower-case letter is read as the capital), or, in an import, its
loans, author or ISBN are not acceptable. Columns beyond those known are ignored; a missing
required column refuses the whole table, naming the columns.

Only the keepers and managers of a library (``policy.collections``) change its titles. Each
change locks the facility, checks, writes, and appends a staff-only ``FacilityEvent``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.accounts.types import Actor
from minsheng.core import tables
from minsheng.core.errors import (
    Code,
    Conflict,
    DomainError,
    ErrorDetail,
    NotFound,
    PermissionDenied,
)
from minsheng.core.tables import RowError, Table, TableError
from minsheng.orders.models import Audience

from ..clc import is_class
from ..errors import CollectionCode
from ..freshness import Holding
from ..models import Facility, FacilityAction, FacilityEvent, Title
from ..policy import collections as policy
from ..policy.register import keeps

COMMAND_COLUMNS = ["title", "subject", "year", "copies"]  # required, command and import
IMPORT_COLUMNS = [*COMMAND_COLUMNS, "author", "loans", "isbn"]  # author, loans, isbn optional
MIN_YEAR = 1000
MAX_COPIES = 100_000
MAX_LOANS = 10_000_000
TITLE_MAX = 300
AUTHOR_MAX = 200
MAX_FILE_BYTES = 5_000_000  # a library's titles fit many times over; a wrong file does not
_WHOLE = re.compile(r"[0-9]+")
_ISBN = re.compile(r"(?:[0-9]{9}[0-9Xx]|[0-9]{13})")


@dataclass(frozen=True)
class TitleRow:
    """A checked row: what a ``Title`` holds."""

    row: int
    title: str
    subject: str
    year: int
    copies: int
    author: str = ""
    loans: int = 0
    isbn: str = ""

    def holding(self) -> Holding:
        return Holding(self.subject, self.year, self.copies, self.loans)


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"


def check_row(
    number: int, values: Mapping[str, str], *, as_of: int, full: bool
) -> tuple[TitleRow | None, list[RowError]]:
    """One row's values (column -> text) checked: the row, or every reason it is refused.
    ``full``: the import's columns (author, loans, ISBN) too."""
    errors: list[RowError] = []

    def refuse(column: str, code: str, message: str) -> None:
        errors.append(RowError(number, column, code, message))

    title = " ".join(values.get("title", "").split())
    if not title:
        refuse("title", CollectionCode.TITLE_REQUIRED, _("The title is empty."))
    elif len(title) > TITLE_MAX:
        refuse(
            "title",
            CollectionCode.TITLE_TOO_LONG,
            _("A title has at most %(n)d characters.") % {"n": TITLE_MAX},
        )
    subject = values.get("subject", "").strip().upper()
    if not is_class(subject):
        refuse(
            "subject",
            CollectionCode.UNKNOWN_CLASS,
            _(
                "“%(value)s” is not a top-level class of the Chinese Library Classification "
                "(one letter: A–K, N–V, X or Z)."
            )
            % {"value": _shown(values.get("subject", ""))},
        )
    year_text = values.get("year", "").strip()
    year = int(year_text) if _WHOLE.fullmatch(year_text) else None
    if year is None:
        refuse(
            "year",
            CollectionCode.NOT_YEAR,
            _("The year “%(value)s” is not a whole number.") % {"value": _shown(year_text)},
        )
    elif year > as_of:
        refuse(
            "year",
            CollectionCode.YEAR_IN_FUTURE,
            _("The year %(year)d is later than the reference year %(as_of)d.")
            % {"year": year, "as_of": as_of},
        )
    elif year < MIN_YEAR:
        refuse(
            "year",
            CollectionCode.YEAR_TOO_OLD,
            _("The year %(year)d is before %(min)d.") % {"year": year, "min": MIN_YEAR},
        )
    copies_text = values.get("copies", "").strip()
    copies = int(copies_text) if _WHOLE.fullmatch(copies_text) else 0
    if not 1 <= copies <= MAX_COPIES:
        refuse(
            "copies",
            CollectionCode.NOT_COPIES,
            _("Copies must be a whole number from 1 to %(max)d, not “%(value)s”.")
            % {"max": MAX_COPIES, "value": _shown(copies_text)},
        )
    author, loans, isbn = "", 0, ""
    if full:
        author = " ".join(values.get("author", "").split())
        if len(author) > AUTHOR_MAX:
            refuse(
                "author",
                CollectionCode.TOO_LONG,
                _("An author has at most %(n)d characters.") % {"n": AUTHOR_MAX},
            )
        loans_text = values.get("loans", "").strip()
        if loans_text:
            if _WHOLE.fullmatch(loans_text) and int(loans_text) <= MAX_LOANS:
                loans = int(loans_text)
            else:
                refuse(
                    "loans",
                    CollectionCode.NOT_LOANS,
                    _("Loans must be a whole number of 0 or more, not “%(value)s”.")
                    % {"value": _shown(loans_text)},
                )
        isbn = values.get("isbn", "").strip().replace("-", "").replace(" ", "").upper()
        if isbn and not _ISBN.fullmatch(isbn):
            refuse(
                "isbn",
                CollectionCode.NOT_ISBN,
                _("An ISBN has 10 or 13 digits (the tenth may be X; hyphens are allowed)."),
            )
    if errors:
        return None, errors
    assert year is not None
    return TitleRow(number, title, subject, year, copies, author, loans, isbn), []


def row_message(e: RowError) -> str:
    """A bad row as a person reads it: the row, the column, the reason."""
    if e.column:
        return _("Row %(row)d, %(column)s: %(reason)s") % {
            "row": e.row,
            "column": e.column,
            "reason": e.message,
        }
    return _("Row %(row)d: %(reason)s") % {"row": e.row, "reason": e.message}


class RowsRefused(DomainError):
    """Bad rows: each with its number, column, code and reason; nothing was written."""

    def __init__(self, rows: list[RowError]) -> None:
        self.rows = rows
        super().__init__([ErrorDetail(r.code, row_message(r), r.column) for r in rows])


def read_titles(
    data: bytes, filename: str, *, as_of: int, full: bool
) -> tuple[list[TitleRow], list[RowError]]:
    """A CSV/XLSX table of titles, every row checked: the good rows and the bad ones.
    Refuses (``DomainError``) a file that is no table, lacks a required column (naming them)
    or has no rows."""
    try:
        table: Table = tables.read_table(data, filename)
    except TableError as exc:
        raise DomainError.single(CollectionCode.UNREADABLE, str(exc), "file") from None
    missing = table.missing(COMMAND_COLUMNS)
    if missing:
        raise DomainError.single(
            CollectionCode.MISSING_COLUMNS,
            _("The table lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            "file",
        )
    if not table.rows:
        raise DomainError.single(
            CollectionCode.EMPTY_FILE, _("The table has no titles under its header."), "file"
        )
    good: list[TitleRow] = []
    bad: list[RowError] = []
    for row in table.rows:
        checked, errors = check_row(row.number, row.values, as_of=as_of, full=full)
        if checked is not None:
            good.append(checked)
        bad.extend(errors)
    return good, bad


# --- the services ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TitleInput:
    """A title as a form or the API sends it: text, checked by ``check_row``."""

    title: str = ""
    subject: str = ""
    year: str = ""
    copies: str = ""
    author: str = ""
    loans: str = ""
    isbn: str = ""

    def values(self) -> dict[str, str]:
        return {
            "title": self.title,
            "subject": self.subject,
            "year": self.year,
            "copies": self.copies,
            "author": self.author,
            "loans": self.loans,
            "isbn": self.isbn,
        }


@dataclass(frozen=True)
class ImportSummary:
    written: int
    removed: int  # titles replaced (``replace=True``)
    skipped: list[RowError] = field(default_factory=list)


def this_year() -> int:
    return timezone.localdate().year


def _library(actor: Actor, facility_id: int) -> Facility:
    """The facility, locked, if ``actor`` keeps it and it holds a collection."""
    facility = Facility.objects.select_for_update().filter(pk=facility_id).first()
    if facility is None:
        raise NotFound.single(Code.INVALID, _("There is no such facility."), "facility")
    if not keeps(actor, facility):
        raise PermissionDenied.single(
            Code.NOT_PERMITTED, _("You may not change this facility's collection."), None
        )
    if not policy.holds_collection(facility):
        raise Conflict.single(
            CollectionCode.NOT_A_LIBRARY, _("This facility holds no collection of books."), None
        )
    return facility


def _checked(data: TitleInput) -> TitleRow:
    row, errors = check_row(0, data.values(), as_of=this_year(), full=True)
    if row is None:
        raise DomainError([ErrorDetail(e.code, e.message, e.column) for e in errors])
    return row


def _record(facility: Facility, actor: Actor, action: str, note: str) -> None:
    FacilityEvent.objects.create(
        facility=facility,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        audience=Audience.STAFF,
        created_at=timezone.now(),
    )


def _title(row: TitleRow, facility: Facility) -> Title:
    return Title(
        facility=facility,
        title=row.title,
        author=row.author,
        isbn=row.isbn,
        subject=row.subject,
        year=row.year,
        copies=row.copies,
        loans=row.loans,
        added_on=timezone.localdate(),
    )


@transaction.atomic
def title_add(*, actor: Actor, facility_id: int, data: TitleInput) -> Title:
    facility = _library(actor, facility_id)
    row = _checked(data)
    title = _title(row, facility)
    title.save()
    _record(facility, actor, FacilityAction.UPDATED, f"藏书新增：《{row.title}》×{row.copies}")
    return title


@transaction.atomic
def title_update(*, actor: Actor, facility_id: int, title_id: int, data: TitleInput) -> Title:
    facility = _library(actor, facility_id)
    title = Title.objects.select_for_update().filter(pk=title_id, facility_id=facility.pk).first()
    if title is None:
        raise NotFound.single(CollectionCode.NO_TITLE, _("There is no such title here."), None)
    row = _checked(data)
    for name in ("title", "author", "isbn", "subject", "year", "copies", "loans"):
        setattr(title, name, getattr(row, name))
    title.save(update_fields=["title", "author", "isbn", "subject", "year", "copies", "loans"])
    _record(facility, actor, FacilityAction.UPDATED, f"藏书修改：《{row.title}》×{row.copies}")
    return title


@transaction.atomic
def title_remove(*, actor: Actor, facility_id: int, title_id: int) -> None:
    facility = _library(actor, facility_id)
    title = Title.objects.select_for_update().filter(pk=title_id, facility_id=facility.pk).first()
    if title is None:
        raise NotFound.single(CollectionCode.NO_TITLE, _("There is no such title here."), None)
    name = title.title
    title.delete()
    _record(facility, actor, FacilityAction.UPDATED, f"藏书移除：《{name}》")


@transaction.atomic
def titles_import(
    *,
    actor: Actor,
    facility_id: int,
    data: bytes,
    filename: str,
    replace: bool = False,
    skip_bad_rows: bool = False,
) -> ImportSummary:
    """Add the table's titles to the library's (or, ``replace``, in place of them). Every
    bad row is reported; nothing is written if there is one, unless ``skip_bad_rows`` (then
    the good rows are written and the bad ones returned). A table with no good row writes
    nothing either way."""
    facility = _library(actor, facility_id)
    good, bad = read_titles(data, filename, as_of=this_year(), full=True)
    if bad and (not skip_bad_rows or not good):
        raise RowsRefused(bad)
    removed = 0
    if replace:
        removed, _by_model = Title.objects.filter(facility_id=facility.pk).delete()
    Title.objects.bulk_create([_title(row, facility) for row in good], batch_size=500)
    note = f"藏书导入：{len(good)} 种" + (f"，替换原有 {removed} 种" if replace else "")
    if bad:
        note += f"，跳过 {len({e.row for e in bad})} 行"
    _record(facility, actor, FacilityAction.IMPORTED, note)
    return ImportSummary(written=len(good), removed=removed, skipped=bad)
