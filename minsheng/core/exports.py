"""Tables as files a county office opens: CSV (UTF-8 with a BOM, so Excel reads the
Chinese) and XLSX (openpyxl).

A :class:`Table` is a title, a header and rows of plain values in the language of the
request, written by :func:`to_csv` or :func:`to_xlsx`. Text that a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-`` or ``@``) gets a leading apostrophe: names
and answers come from whoever typed them, and an export must not run what they typed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[Cell]]


def safe(value: Cell) -> Cell:
    """A cell as written: text a spreadsheet would take for a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(tables: list[Table]) -> bytes:
    """The tables one after another, each under its title, a blank line between them;
    UTF-8 with a byte-order mark (Excel on Chinese Windows reads it as GBK otherwise)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([safe(table.title)])
        writer.writerow([safe(h) for h in table.header])
        writer.writerows([["" if c is None else safe(c) for c in row] for row in table.rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    """One worksheet per table, header first."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        # Worksheet titles: at most 31 characters, none of []:*?/\ .
        title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31]
        sheet: Any = book.create_sheet(title=title)
        sheet.append([safe(h) for h in table.header])
        for row in table.rows:
            sheet.append([safe(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
