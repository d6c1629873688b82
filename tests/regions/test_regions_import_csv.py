from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from minsheng.core.errors import DomainError
from minsheng.regions.models import Region
from minsheng.regions.services import regions_import_csv
from tests.factories import RegionFactory

HEADER = "code,parent_code,level,name_zh,name_en,kind,population,latitude,longitude\n"
GOOD = (
    HEADER
    + "Q1,,county,青溪县,Qingxi County,rural,300000,29.6,109.4\n"
    + "Q1T1,Q1,township,城关镇,Chengguan Town,urban,80000,29.61,109.41\n"
    + "Q1T1V1,Q1T1,village,黄坪村,Huangping Village,rural,1200,29.62,109.42\n"
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def errors_of(text: str) -> list[str]:
    before = list(Region.objects.values_list("code", "name_zh", "population"))
    with pytest.raises(DomainError) as info:
        regions_import_csv(file=io.StringIO(text))
    # all-or-nothing: nothing was written
    assert list(Region.objects.values_list("code", "name_zh", "population")) == before
    return [str(e.message) for e in info.value.errors]


def test_import_creates_the_tree_with_parents_and_values():
    result = regions_import_csv(file=io.StringIO(GOOD))
    assert (result.created, result.updated, result.unchanged) == (["Q1", "Q1T1", "Q1T1V1"], [], [])
    village = Region.objects.get(code="Q1T1V1")
    assert village.parent.code == "Q1T1"
    assert village.parent.parent.code == "Q1"
    assert (village.level, village.kind, village.population) == ("village", "rural", 1200)
    assert (village.latitude, village.longitude) == (29.62, 109.42)
    assert village.name_en == "Huangping Village"


def test_importing_the_same_file_twice_changes_nothing():
    regions_import_csv(file=io.StringIO(GOOD))
    before = list(Region.objects.order_by("code").values())
    result = regions_import_csv(file=io.StringIO(GOOD))
    assert (result.created, result.updated) == ([], [])
    assert result.unchanged == ["Q1", "Q1T1", "Q1T1V1"]
    assert list(Region.objects.order_by("code").values()) == before


def test_changed_rows_are_updated_by_code():
    regions_import_csv(file=io.StringIO(GOOD))
    changed = GOOD.replace("黄坪村,Huangping Village,rural,1200", "黄坪村,Huangping,rural,1300")
    result = regions_import_csv(file=io.StringIO(changed))
    assert result.updated == ["Q1T1V1"]
    assert Region.objects.get(code="Q1T1V1").population == 1300
    assert Region.objects.count() == 3


def test_dry_run_counts_but_writes_nothing():
    result = regions_import_csv(file=io.StringIO(GOOD), dry_run=True)
    assert result.dry_run is True
    assert result.created == ["Q1", "Q1T1", "Q1T1V1"]
    assert Region.objects.count() == 0


def test_parent_may_already_be_in_the_database():
    county = RegionFactory(code="Q1", level="county", parent=None)
    result = regions_import_csv(
        file=io.StringIO(HEADER + "Q1T9,Q1,township,新镇,New Town,rural,10,29.5,109.5\n")
    )
    assert result.created == ["Q1T9"]
    assert Region.objects.get(code="Q1T9").parent == county


def test_byte_order_mark_is_ignored():
    result = regions_import_csv(file=io.StringIO("\ufeff" + GOOD))
    assert len(result.created) == 3


def test_missing_columns_are_named():
    assert errors_of("code,level,name_zh\nA,county,甲\n") == [
        "row 1, column parent_code: column missing",
        "row 1, column name_en: column missing",
        "row 1, column kind: column missing",
        "row 1, column population: column missing",
        "row 1, column latitude: column missing",
        "row 1, column longitude: column missing",
    ]


def test_empty_file_names_every_column():
    assert len(errors_of("")) == 9


def test_missing_and_duplicate_codes():
    text = GOOD + ",Q1T1,village,无码村,,rural,1,29.6,109.4\nQ1T1V1,Q1T1,village,重复,,rural,1,,\n"
    assert errors_of(text) == [
        "row 5, column code: required",
        "row 6, column code: duplicate of row 4",
    ]


def test_unknown_parent_and_parent_later_in_the_file():
    text = (
        HEADER
        + "Q1T1V1,Q1T1,village,黄坪村,,rural,1,,\n"
        + "Q1,,county,青溪县,,rural,1,,\n"
        + "Q1T1,Q1,township,城关镇,,urban,1,,\n"
        + "Q1T2V1,NOPE,village,孤村,,rural,1,,\n"
    )
    assert errors_of(text) == [
        "row 2, column parent_code: unknown parent 'Q1T1' (not earlier in the file, "
        "not in the database)",
        "row 5, column parent_code: unknown parent 'NOPE' (not earlier in the file, "
        "not in the database)",
    ]


def test_wrong_level_below_parent():
    text = (
        HEADER
        + "Q1,,county,青溪县,,rural,1,,\n"
        + "Q1V1,Q1,village,直属村,,rural,1,,\n"
        + "Q1T1,Q1,township,城关镇,,urban,1,,\n"
        + "Q1T1T,Q1T1,township,镇中镇,,urban,1,,\n"
        + "Q2,Q1,county,县中县,,rural,1,,\n"
        + "Q1T3,,township,无父镇,,rural,1,,\n"
    )
    assert errors_of(text) == [
        "row 3, column level: a village must be under a township, but 'Q1' is a county",
        "row 5, column level: a township must be under a county, but 'Q1T1' is a township",
        "row 6, column parent_code: a county has no parent",
        "row 7, column parent_code: required for a township",
    ]


def test_bad_level_and_kind():
    text = HEADER + "Q1,,province,青溪县,,suburban,1,,\n"
    assert errors_of(text) == [
        "row 2, column level: 'province' is not one of county, township, village",
        "row 2, column kind: 'suburban' is not one of urban, rural",
    ]


def test_bad_population():
    text = (
        HEADER
        + "Q1,,county,青溪县,,rural,many,,\n"
        + "Q2,,county,红河县,,rural,-5,,\n"
        + "Q3,,county,白水县,,rural,12.5,,\n"
    )
    assert errors_of(text) == [
        "row 2, column population: not a whole number: 'many'",
        "row 3, column population: must not be negative",
        "row 4, column population: not a whole number: '12.5'",
    ]


def test_bad_coordinates():
    text = (
        HEADER
        + "Q1,,county,青溪县,,rural,1,91,109.4\n"
        + "Q2,,county,红河县,,rural,1,north,-180.5\n"
        + "Q3,,county,白水县,,rural,1,nan,inf\n"
    )
    assert errors_of(text) == [
        "row 2, column latitude: 91 is out of range (-90 to 90)",
        "row 3, column latitude: not a number: 'north'",
        "row 3, column longitude: -180.5 is out of range (-180 to 180)",
        "row 4, column latitude: not a number: 'nan'",
        "row 4, column longitude: not a number: 'inf'",
    ]


def test_one_bad_row_writes_none_of_the_good_ones():
    text = GOOD + "Q1T1V2,Q1T1,village,坏村,,rural,1,200,109.4\n"
    assert errors_of(text) == ["row 5, column latitude: 200 is out of range (-90 to 90)"]
    assert Region.objects.count() == 0


def test_level_change_of_a_region_with_children_is_refused():
    regions_import_csv(file=io.StringIO(GOOD))
    text = HEADER + "Q1T1,Q1,village,城关镇,,urban,1,,\n"
    assert errors_of(text) == [
        "row 2, column level: a village must be under a township, but 'Q1' is a county",
        "row 2, column level: cannot change the level of 'Q1T1': it has regions below it",
    ]


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "regions.csv"
    path.write_text(text, encoding=encoding)
    return str(path)


def test_command_is_a_dry_run_without_commit(tmp_path, capsys):
    call_command("import_regions", write(tmp_path, GOOD))
    out = capsys.readouterr().out
    assert "3 rows: 3 would be created, 0 would be updated, 0 unchanged." in out
    assert "Dry run" in out
    assert Region.objects.count() == 0


def test_command_commits_with_commit_and_reads_a_bom(tmp_path, capsys):
    call_command("import_regions", write(tmp_path, GOOD, "utf-8-sig"), "--commit")
    assert "3 rows: 3 were created, 0 were updated, 0 unchanged." in capsys.readouterr().out
    assert Region.objects.count() == 3


def test_command_lists_every_error_and_fails(tmp_path, capsys):
    text = HEADER + "Q1,,county,,,rural,-1,,\n"
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_regions", write(tmp_path, text), "--commit")
    assert capsys.readouterr().err.splitlines() == [
        "row 2, column name_zh: required",
        "row 2, column population: must not be negative",
    ]
    assert Region.objects.count() == 0


def test_command_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(GOOD.encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_regions", str(path), "--commit")
    assert Region.objects.count() == 0


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_regions", str(tmp_path / "nope.csv"))
