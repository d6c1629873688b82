"""Importing village boundaries from GeoJSON: every feature planned first, each refusal
named by feature index and field, nothing written on any error or in a dry run."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from minsheng.core.errors import DomainError
from minsheng.regions.models import Region
from minsheng.regions.services import boundaries_import_geojson
from tests.regions.maps import V1, V2, square

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def feature(code: Any, geometry: Any, prop: str = "code") -> dict[str, Any]:
    return {"type": "Feature", "properties": {prop: code, "name": "x"}, "geometry": geometry}


def collection(*features: Any) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def boundaries() -> dict[str, Any]:
    return dict(Region.objects.filter(boundary__isnull=False).values_list("code", "boundary"))


def refusals(document: str, **kwargs: Any) -> list[tuple[str, str | None, str]]:
    before = boundaries()
    with pytest.raises(DomainError) as info:
        boundaries_import_geojson(document=document, **kwargs)
    assert boundaries() == before  # all or nothing
    return [(e.code, e.field, str(e.message)) for e in info.value.errors]


def test_a_good_file_sets_each_named_regions_boundary(world):
    result = boundaries_import_geojson(document=collection(feature("V1", V1), feature("V2", V2)))
    assert (result.dry_run, result.features, result.updated, result.unchanged) == (
        False,
        2,
        ["V1", "V2"],
        [],
    )
    assert boundaries() == {"V1": V1, "V2": V2}


def test_importing_the_same_file_again_changes_nothing(world):
    document = collection(feature("V1", V1), feature("V2", V2))
    boundaries_import_geojson(document=document)
    result = boundaries_import_geojson(document=document)
    assert (result.updated, result.unchanged) == ([], ["V1", "V2"])


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(world):
    result = boundaries_import_geojson(document=collection(feature("V1", V1)), dry_run=True)
    assert (result.dry_run, result.updated) == (True, ["V1"])
    assert boundaries() == {}


def test_codes_may_be_numbers_in_another_property(world):
    Region.objects.filter(code="V1").update(code="4399")
    document = collection(feature(4399, V1, prop="adcode"))
    result = boundaries_import_geojson(document=document, code_property="adcode")
    assert result.updated == ["4399"]


def test_every_fault_is_listed_by_feature_index_and_field(world):
    document = collection(
        feature("V1", V1),
        feature("NOPE", V2),
        feature("V2", {"type": "Point", "coordinates": [110, 30]}),
        feature(
            "T1", {"type": "Polygon", "coordinates": [[[110, 30], [111, 30], [111, 31], [110, 31]]]}
        ),
        feature(
            "T2", {"type": "Polygon", "coordinates": [[[110, 30], [111, 95], [111, 31], [110, 30]]]}
        ),
        feature("", V2),
        feature("V1", V2),
        "not a feature",
    )
    assert refusals(document) == [
        (
            "region_unknown",
            "features[1].properties.code",
            "feature 1, features[1].properties.code: no region has the code 'NOPE'",
        ),
        (
            "geometry_type",
            "features[2].geometry.type",
            "feature 2, features[2].geometry.type: a boundary is a Polygon or a MultiPolygon, not 'Point'",
        ),
        (
            "ring_not_closed",
            "features[3].geometry.coordinates[0]",
            "feature 3, features[3].geometry.coordinates[0]: the ring is not closed: its last position must repeat its first",
        ),
        (
            "coordinate_range",
            "features[4].geometry.coordinates[0][1][1]",
            "feature 4, features[4].geometry.coordinates[0][1][1]: 95 is outside -90 to 90",
        ),
        (
            "region_code_missing",
            "features[5].properties.code",
            "feature 5, features[5].properties.code: no region code in the property 'code'",
        ),
        (
            "duplicate_feature",
            "features[6].properties.code",
            "feature 6, features[6].properties.code: 'V1' already has a boundary in feature 0",
        ),
        ("not_geojson", "features[7]", "feature 7, features[7]: not a GeoJSON Feature"),
    ]


def test_a_second_feature_for_one_region_is_refused_even_when_its_first_is_fine(world):
    codes = [c for c, _f, _m in refusals(collection(feature("V2", V2), feature("V2", V2)))]
    assert codes == ["duplicate_feature"]


@pytest.mark.parametrize(
    ("document", "code", "field"),
    [
        ("{not json", "not_geojson", None),
        (json.dumps([1, 2]), "not_geojson", "features"),
        (json.dumps({"type": "FeatureCollection"}), "not_geojson", "features"),
        (json.dumps({"type": "Polygon", "coordinates": []}), "not_geojson", "features"),
    ],
)
def test_a_document_that_is_no_feature_collection_is_refused(world, document, code, field):
    assert [(c, f) for c, f, _m in refusals(document)] == [(code, field)]


def test_a_single_feature_is_read_as_a_collection_of_one(world):
    result = boundaries_import_geojson(document=json.dumps(feature("V1", V1)))
    assert result.updated == ["V1"]


def test_the_refusal_is_worded_in_chinese_for_a_chinese_reader(world):
    with translation.override("zh-hans"):
        messages = [m for _c, _f, m in refusals(collection(feature("V1", square(200, 30))))]
    assert messages == [
        "第 0 个要素，features[0].geometry.coordinates[0][0][0]：200 超出 -180 至 180 的范围"
    ]


# --- the command ------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "villages.geojson"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_is_a_dry_run_unless_told_to_commit(world, tmp_path):
    path = write(tmp_path, collection(feature("V1", V1), feature("V2", V2)))
    out = io.StringIO()
    call_command("import_boundaries", path, stdout=out)
    assert out.getvalue() == (
        "2 features: 2 boundaries would be set, 0 unchanged.\n"
        "Dry run: nothing was written. Run again with --commit to import.\n"
    )
    assert boundaries() == {}
    out = io.StringIO()
    call_command("import_boundaries", path, "--commit", stdout=out)
    assert out.getvalue() == "2 features: 2 boundaries were set, 0 unchanged.\n"
    assert boundaries() == {"V1": V1, "V2": V2}


def test_the_command_lists_each_error_and_writes_nothing(world, tmp_path):
    path = write(tmp_path, collection(feature("V1", V1), feature("X", V2, prop="adcode")))
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_boundaries", path, "--commit", "--property", "adcode", stderr=err)
    assert str(info.value) == f"2 error(s) in {path}; nothing was written."
    assert err.getvalue() == (
        "feature 0, features[0].properties.adcode: no region code in the property 'adcode'\n"
        "feature 1, features[1].properties.adcode: no region has the code 'X'\n"
    )
    assert boundaries() == {}


def test_the_command_says_when_the_file_cannot_be_read(world, tmp_path):
    with pytest.raises(CommandError, match=r"^cannot read .*missing.geojson: No such file"):
        call_command("import_boundaries", str(tmp_path / "missing.geojson"))
