"""Reading an uploaded table (CSV or XLSX) into numbered rows, for every bulk import.

One reader for all imports (facilities, use counts, titles, equipment…): each import checks
its own columns and rows, reports every bad row by its number as the spreadsheet shows it
(the header is row 1, the first data row is row 2), and commits nothing on error unless told
to skip bad rows. No Django import.

CSV is read as UTF-8 (with or without the BOM Excel writes), else GB18030 (what Chinese Excel
saves "CSV" as); XLSX through openpyxl, read-only, the first sheet, values as text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

MAX_ROWS = 50_000  # a county's register or a year of daily counts fits; a mistake does not


class TableError(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, too many rows)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]  # header (stripped, lower case) -> text (stripped)


@dataclass
class Table:
    header: list[str]
    rows: list[Row] = field(default_factory=list)

    def missing(self, required: list[str]) -> list[str]:
        """The required columns the header lacks."""
        return [c for c in required if c not in self.header]

    def unknown(self, known: list[str]) -> list[str]:
        return [c for c in self.header if c and c not in known]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise TableError("encoding", "The file is neither UTF-8 nor GB18030 text.") from exc


def _build(records: list[list[str]]) -> Table:
    if not records or not any(records[0]):
        raise TableError("no_header", "The file has no header row.")
    header = [h.strip().lower() for h in records[0]]
    table = Table(header=header)
    for number, record in enumerate(records[1:], start=2):
        if not any(v.strip() for v in record):
            continue  # blank lines are not rows
        cells = [v.strip() for v in record] + [""] * (len(header) - len(record))
        table.rows.append(Row(number, dict(zip(header, cells, strict=False))))
        if len(table.rows) > MAX_ROWS:
            raise TableError("too_many_rows", f"The file has more than {MAX_ROWS} rows.")
    return table


def read_csv_text(text: str) -> Table:
    return _build([list(r) for r in csv.reader(io.StringIO(text))])


def read_table(data: bytes, filename: str) -> Table:
    """Read ``data`` as XLSX when ``filename`` ends in .xlsx (or the bytes are a zip), else
    as CSV."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook  # imported here: only XLSX needs it

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise TableError("not_xlsx", "The file is not a readable XLSX workbook.") from exc
        try:
            sheet = book.worksheets[0]
            records = [
                [_text(v) for v in row]
                for _i, row in zip(
                    range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False
                )
            ]
        finally:
            book.close()
        return _build(records)
    return read_csv_text(_decode(data))
