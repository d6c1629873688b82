"""Reading an uploaded table: numbered rows from CSV (UTF-8, BOM, GB18030) and XLSX."""

from __future__ import annotations

import io

import openpyxl
import pytest

from minsheng.core.tables import TableError, read_table


def test_csv_rows_are_numbered_as_the_spreadsheet_shows_them() -> None:
    t = read_table("\ufeffTitle, Year\n a ,2020\n\n,\nb,x\n".encode(), "books.csv")
    assert t.header == ["title", "year"]
    assert [(r.number, r.values) for r in t.rows] == [
        (2, {"title": "a", "year": "2020"}),
        (5, {"title": "b", "year": "x"}),
    ]
    assert t.missing(["title", "copies"]) == ["copies"]
    assert t.unknown(["title"]) == ["year"]


def test_gb18030_csv_is_read() -> None:
    t = read_table("书名,年份\n农业技术,2019\n".encode("gb18030"), "b.csv")
    assert t.header == ["书名", "年份"]
    assert t.rows[0].values == {"书名": "农业技术", "年份": "2019"}


def test_xlsx_values_are_text_and_whole_floats_lose_their_point() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Code", "N", "Share"])
    sheet.append(["a", 3.0, 0.5])
    data = io.BytesIO()
    book.save(data)
    t = read_table(data.getvalue(), "f.xlsx")
    assert t.header == ["code", "n", "share"]
    assert t.rows[0].values == {"code": "a", "n": "3", "share": "0.5"}


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [(b"", "a.csv", "no_header"), (b"PK\x03\x04broken", "a.xlsx", "not_xlsx"),
     (b"\xff\xfe\x00\xd8", "a.csv", "encoding")],
)  # fmt: skip
def test_unreadable_files_are_refused_with_a_code(data: bytes, name: str, code: str) -> None:
    with pytest.raises(TableError) as info:
        read_table(data, name)
    assert info.value.code == code
