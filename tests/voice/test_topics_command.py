"""``minsheng topics``: an analyst's CSV in, the groups out (text or exact JSON), and a
clear one-line refusal for every bad input."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from minsheng.catalog.models import Service, Synonym
from minsheng.demo.catalog import build_catalog
from minsheng.demo.regions import build_regions
from tests.voice.labelled import LABELLED
from tests.voice.test_clustering import FLOOR_WITH_CATALOG

ROWS = [
    ("d1", "村里野狗太多了，麻烦管一管"),
    ("w1", "三组停水三天了，谢谢"),
    ("l1", "村口路灯坏了，晚上黑乎乎的"),
    ("d2", "流浪狗追着孩子跑"),
    ("w2", "自来水又停了，没水做饭"),
    ("l2", "路灯不亮，晚上走路摔了一跤"),
    ("d3", "隔壁王大爷被野狗咬了"),
    ("w3", "停水了什么时候来水"),
    ("l3", "桥头的路灯一直不亮"),
    ("d4", "晚上狗叫，还咬了人"),
    ("w4", "水龙头拧开没水"),
    ("l4", "路灯坏了半个月没人修"),
]
THREE_GROUPS = {
    "clusters": [
        {
            "id": 0,
            "size": 4,
            "keywords": ["野狗", "咬", "狗叫", "孩子", "流浪狗"],
            "members": ["d1", "d2", "d3", "d4"],
        },
        {
            "id": 1,
            "size": 4,
            "keywords": ["停水", "没水", "水", "拧开", "水龙头"],
            "members": ["w1", "w2", "w3", "w4"],
        },
        {
            "id": 2,
            "size": 4,
            "keywords": ["路灯", "坏", "不亮", "没人修", "黑乎乎"],
            "members": ["l1", "l2", "l3", "l4"],
        },
    ]
}


def write_csv(tmp_path: Path, text: str, name: str = "texts.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def sample(tmp_path: Path, *, bom: bool = False, ids: bool = True) -> str:
    lines = ["id,text,note" if ids else "note,text"]
    for row_id, text in ROWS:
        lines.append(f"{row_id},{text},x" if ids else f"x,{text}")
    return write_csv(tmp_path, ("\ufeff" if bom else "") + "\n".join(lines) + "\n")


def run(*args: str) -> str:
    out = StringIO()
    call_command("topics", *args, stdout=out)
    return out.getvalue()


def refusal(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.django_db
def test_json_lists_each_group_with_the_csv_ids(tmp_path: Path) -> None:
    path = sample(tmp_path)
    assert json.loads(run("--csv", path, "--text", "text", "--clusters", "3", "--json")) == (
        THREE_GROUPS
    )


@pytest.mark.django_db
def test_utf8_with_a_byte_order_mark_reads_the_same(tmp_path: Path) -> None:
    path = sample(tmp_path, bom=True)
    assert json.loads(run("--csv", path, "--text", "text", "--clusters", "3", "--json")) == (
        THREE_GROUPS
    )


@pytest.mark.django_db
def test_without_an_id_column_members_are_row_numbers_and_blank_texts_are_skipped(
    tmp_path: Path,
) -> None:
    lines = ["text"] + [text for _, text in ROWS[:6]] + ['"  "', ""] + [t for _, t in ROWS[6:]]
    # Row 6 holds only spaces: skipped, and not a member. The empty line after it is no row
    # at all (the CSV reader skips it), so the texts after it are rows 7 to 12.
    path = write_csv(tmp_path, "\n".join(lines) + "\n")
    document = json.loads(run("--csv", path, "--text", "text", "--clusters", "3", "--json"))
    members = [c["members"] for c in document["clusters"]]
    assert members == [[0, 3, 7, 10], [1, 4, 8, 11], [2, 5, 9, 12]]
    assert [c["size"] for c in document["clusters"]] == [4, 4, 4]


@pytest.mark.django_db
def test_the_number_of_groups_is_found_when_not_given(tmp_path: Path) -> None:
    document = json.loads(run("--csv", sample(tmp_path), "--text", "text", "--json"))
    found = sorted(sorted(c["members"]) for c in document["clusters"])
    # Every group holds one problem (the found number may split one in two).
    assert all(len({m[0] for m in group}) == 1 for group in found)
    assert 3 <= len(found) <= 6


@pytest.mark.django_db
def test_text_output_shows_sizes_key_words_and_representative_texts(tmp_path: Path) -> None:
    out = run("--csv", sample(tmp_path), "--text", "text", "--clusters", "3")
    lines = out.splitlines()
    assert lines[0] == "12 texts in 3 groups (as asked)."
    assert lines[2] == "Group 0: 4 texts. Key words: 野狗, 咬, 狗叫, 孩子, 流浪狗"
    assert lines[3:6] == [
        "  [d3] 隔壁王大爷被野狗咬了",
        "  [d1] 村里野狗太多了，麻烦管一管",
        "  [d4] 晚上狗叫，还咬了人",
    ]
    assert lines[7] == "Group 1: 4 texts. Key words: 停水, 没水, 水, 拧开, 水龙头"
    assert len([line for line in lines if line.startswith("  [")]) == 9


@pytest.mark.django_db
def test_refusals_are_one_clear_line(tmp_path: Path) -> None:
    path = sample(tmp_path)
    missing = str(tmp_path / "nowhere.csv")
    assert refusal("--csv", missing, "--text", "text") == (
        f"cannot read {missing}: No such file or directory"
    )
    gbk = write_csv(tmp_path, "id,text\n1,村里野狗太多\n", "gbk.csv", "gbk")
    assert refusal("--csv", gbk, "--text", "text").startswith(f"{gbk} is not UTF-8 text")
    assert refusal("--csv", path, "--text", "words") == (
        f'{path} has no column "words"; its columns: id, text, note'
    )
    blank = write_csv(tmp_path, "id,text\n1,\n2,   \n", "blank.csv")
    assert refusal("--csv", blank, "--text", "text") == f'no texts in column "text" of {blank}'
    empty = write_csv(tmp_path, "", "empty.csv")
    assert refusal("--csv", empty, "--text", "text") == (
        f"{empty} is empty: it needs a header row naming its columns"
    )
    for bad in ["0", "-2", "two", "1.5", "", "٣"]:
        assert refusal("--csv", path, "--text", "text", "--clusters", bad) == (
            f"--clusters must be a positive whole number, not {bad!r}"
        )
    assert refusal("--csv", path, "--text", "text", "--clusters", "13") == (
        "--clusters 13 is more than the 12 texts to group"
    )


@pytest.mark.django_db
def test_works_with_an_empty_catalog(tmp_path: Path) -> None:
    assert not Service.objects.exists() and not Synonym.objects.exists()
    out = run("--csv", sample(tmp_path), "--text", "text", "--clusters", "2")
    assert out.startswith("12 texts in 2 groups (as asked).")


@pytest.mark.django_db
def test_uses_the_catalog_of_the_database(tmp_path: Path) -> None:
    county, towns, _places = build_regions(random.Random(1))
    build_catalog(county, towns)
    args = ["--csv", str(LABELLED), "--text", "text", "--labels", "label", "--json"]
    with_catalog = json.loads(run(*args, "--clusters", "16"))
    without = json.loads(run(*args, "--clusters", "16", "--no-catalog"))
    assert with_catalog["adjusted_rand_index"] >= FLOOR_WITH_CATALOG
    assert with_catalog["adjusted_rand_index"] != without["adjusted_rand_index"]
    assert sum(c["size"] for c in with_catalog["clusters"]) == 412


def console(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("minsheng")
    return subprocess.run(  # noqa: S603 - our own console script, our own arguments
        [str(script), "topics", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
        check=False,
    )


def test_the_console_script_prints_the_same_json(tmp_path: Path) -> None:
    done = console("--csv", sample(tmp_path), "--text", "text", "--clusters", "3", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == THREE_GROUPS


def test_the_console_script_refuses_without_a_traceback(tmp_path: Path) -> None:
    path = sample(tmp_path)
    done = console("--csv", path, "--text", "words")
    assert done.returncode == 1
    assert done.stdout == ""
    assert (
        done.stderr == f'CommandError: {path} has no column "words"; its columns: id, text, note\n'
    )
    done = console("--csv", path, "--text", "text", "--clusters", "x")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
