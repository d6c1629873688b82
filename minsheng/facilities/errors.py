"""Stable error codes of the facilities app, one class per part; each interface words a
refusal its own way (``core.errors.DomainError``)."""

from __future__ import annotations

from enum import StrEnum


class CollectionCode(StrEnum):
    """Refusals of the collections part (titles, their import, the ``collection`` command)."""

    NOT_A_LIBRARY = "not_a_library"  # the facility holds no collection of books
    MISSING_COLUMNS = "missing_columns"
    UNREADABLE = "unreadable"  # the file is not a CSV/XLSX table
    FILE_TOO_LARGE = "file_too_large"
    EMPTY_FILE = "empty_file"
    BAD_ROWS = "bad_rows"  # one or more rows refused (each a RowError)
    TITLE_REQUIRED = "title_required"
    TITLE_TOO_LONG = "title_too_long"
    NOT_YEAR = "not_year"
    YEAR_IN_FUTURE = "year_in_future"
    YEAR_TOO_OLD = "year_too_old"
    NOT_COPIES = "not_copies"  # copies not a positive whole number
    NOT_LOANS = "not_loans"
    UNKNOWN_CLASS = "unknown_class"
    TOO_LONG = "too_long"  # author or ISBN
    NOT_ISBN = "not_isbn"
    NO_TITLE = "no_title"  # the title to change is not in this collection
    NOT_BUDGET = "not_budget"
    NOT_PRICE = "not_price"
