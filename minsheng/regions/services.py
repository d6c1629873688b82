"""Writes for the administrative tree: the CSV import of regions, the GeoJSON import of
their boundaries."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minsheng.core.errors import DomainError, ErrorDetail
from minsheng.regions import geometry
from minsheng.regions.errors import RegionCode, geometry_words
from minsheng.regions.models import Region

CSV_COLUMNS = (
    "code",
    "parent_code",
    "level",
    "name_zh",
    "name_en",
    "kind",
    "population",
    "latitude",
    "longitude",
)
# The level each level's parent must have (a county has none).
PARENT_LEVEL = {
    Region.Level.TOWNSHIP: Region.Level.COUNTY,
    Region.Level.VILLAGE: Region.Level.TOWNSHIP,
}
MAX_POPULATION = 2_147_483_647  # PositiveIntegerField on every backend
UPDATABLE = (
    "name_zh",
    "name_en",
    "level",
    "kind",
    "parent_id",
    "population",
    "latitude",
    "longitude",
)


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    code: str
    parent_code: str
    level: str
    name_zh: str
    name_en: str
    kind: str
    population: int
    latitude: float | None
    longitude: float | None


def _error(line: int, column: str, reason: str | Promise) -> ErrorDetail:
    return ErrorDetail(
        code="csv_invalid",
        message=_("row %(row)d, column %(column)s: %(reason)s")
        % {"row": line, "column": column, "reason": reason},
        field=column,
    )


def _parse_coordinate(
    raw: str, *, line: int, column: str, limit: int, errors: list[ErrorDetail]
) -> float | None:
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        errors.append(_error(line, column, _("not a number: %(value)r") % {"value": raw}))
        return None
    if not -limit <= value <= limit:
        errors.append(
            _error(
                line,
                column,
                _("%(value)s is out of range (-%(limit)d to %(limit)d)")
                % {"value": raw, "limit": limit},
            )
        )
        return None
    return value


def _parse_population(raw: str, *, line: int, errors: list[ErrorDetail]) -> int:
    if raw == "":
        return 0
    try:
        value = int(raw)
    except ValueError:
        errors.append(
            _error(line, "population", _("not a whole number: %(value)r") % {"value": raw})
        )
        return 0
    if value < 0:
        errors.append(_error(line, "population", _("must not be negative")))
        return 0
    if value > MAX_POPULATION:
        errors.append(_error(line, "population", _("too large")))
        return 0
    return value


def _parse_row(line: int, raw: dict[str, str | None], errors: list[ErrorDetail]) -> _Row:
    def cell(name: str) -> str:
        return (raw.get(name) or "").strip()

    code = cell("code")
    if not code:
        errors.append(_error(line, "code", _("required")))
    elif len(code) > 20:
        errors.append(_error(line, "code", _("at most 20 characters")))
    level = cell("level")
    if level not in Region.Level.values:
        errors.append(
            _error(
                line,
                "level",
                _("%(value)r is not one of county, township, village") % {"value": level},
            )
        )
    name_zh = cell("name_zh")
    if not name_zh:
        errors.append(_error(line, "name_zh", _("required")))
    elif len(name_zh) > 100:
        errors.append(_error(line, "name_zh", _("at most 100 characters")))
    name_en = cell("name_en")
    if len(name_en) > 100:
        errors.append(_error(line, "name_en", _("at most 100 characters")))
    kind = cell("kind")
    if kind not in Region.Kind.values:
        errors.append(
            _error(line, "kind", _("%(value)r is not one of urban, rural") % {"value": kind})
        )
    return _Row(
        line=line,
        code=code,
        parent_code=cell("parent_code"),
        level=level,
        name_zh=name_zh,
        name_en=name_en,
        kind=kind,
        population=_parse_population(cell("population"), line=line, errors=errors),
        latitude=_parse_coordinate(
            cell("latitude"), line=line, column="latitude", limit=90, errors=errors
        ),
        longitude=_parse_coordinate(
            cell("longitude"), line=line, column="longitude", limit=180, errors=errors
        ),
    )


def _read(file: TextIO, errors: list[ErrorDetail]) -> list[_Row]:
    reader = csv.DictReader(file)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        errors.append(_error(1, "-", str(exc)))
        return []
    # A BOM survives a file opened without utf-8-sig; headers may carry stray spaces.
    header = [(h or "").lstrip("\ufeff").strip() for h in header]
    reader.fieldnames = header
    missing = [c for c in CSV_COLUMNS if c not in header]
    for column in missing:
        errors.append(_error(1, column, _("column missing")))
    if missing:
        return []
    rows: list[_Row] = []
    line = 1
    try:
        for raw in reader:
            line += 1
            if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
                continue  # a blank line
            rows.append(_parse_row(line, raw, errors))
    except csv.Error as exc:
        errors.append(_error(line + 1, "-", str(exc)))
    return rows


def _check_tree(rows: list[_Row], errors: list[ErrorDetail]) -> dict[str, Region]:
    """Check codes, parents and levels; return the existing regions the rows touch."""
    codes = {r.code for r in rows if r.code} | {r.parent_code for r in rows if r.parent_code}
    existing = {r.code: r for r in Region.objects.filter(code__in=codes)}
    seen: dict[str, _Row] = {}
    for row in rows:
        if row.code:
            first = seen.get(row.code)
            if first is not None:
                errors.append(
                    _error(row.line, "code", _("duplicate of row %(row)d") % {"row": first.line})
                )
            else:
                seen[row.code] = row
        if row.level not in Region.Level.values:
            continue
        if row.level == Region.Level.COUNTY:
            if row.parent_code:
                errors.append(_error(row.line, "parent_code", _("a county has no parent")))
            continue
        if not row.parent_code:
            errors.append(
                _error(
                    row.line,
                    "parent_code",
                    _("required for a %(level)s") % {"level": row.level},
                )
            )
            continue
        if row.parent_code == row.code:
            errors.append(_error(row.line, "parent_code", _("a region cannot be its own parent")))
            continue
        earlier = seen.get(row.parent_code)
        parent_level: str | None
        if earlier is not None and earlier is not row:
            parent_level = earlier.level
        elif row.parent_code in existing:
            parent_level = existing[row.parent_code].level
        else:
            errors.append(
                _error(
                    row.line,
                    "parent_code",
                    _("unknown parent %(code)r (not earlier in the file, not in the database)")
                    % {"code": row.parent_code},
                )
            )
            continue
        wanted = PARENT_LEVEL[Region.Level(row.level)]
        if parent_level in Region.Level.values and parent_level != wanted:
            errors.append(
                _error(
                    row.line,
                    "level",
                    _("a %(level)s must be under a %(wanted)s, but %(parent)r is a %(found)s")
                    % {
                        "level": row.level,
                        "wanted": wanted,
                        "parent": row.parent_code,
                        "found": parent_level,
                    },
                )
            )
    # Changing the level of a region with regions below it would break the tree.
    changed = [
        existing[r.code]
        for r in rows
        if r.code in existing
        and r.level in Region.Level.values
        and existing[r.code].level != r.level
    ]
    if changed:
        moving_children = {
            r.code for r in rows if r.parent_code and r.code
        }  # children re-parented by this file
        below = Region.objects.filter(parent__in=changed).exclude(code__in=moving_children)
        with_children = set(below.values_list("parent__code", flat=True))
        for row in rows:
            if row.code in with_children:
                errors.append(
                    _error(
                        row.line,
                        "level",
                        _("cannot change the level of %(code)r: it has regions below it")
                        % {"code": row.code},
                    )
                )
    return existing


def _clean(region: Region, line: int) -> None:
    try:
        region.full_clean(validate_unique=False, validate_constraints=True)
    except ValidationError as exc:
        raise DomainError(
            _error(line, name, "; ".join(str(m) for m in messages))
            for name, messages in exc.message_dict.items()
        ) from None


def regions_import_csv(*, file: TextIO, dry_run: bool = False) -> ImportResult:
    """Validate every row of a regions CSV, then upsert them all by code, or nothing.

    Columns: code, parent_code, level, name_zh, name_en, kind, population, latitude,
    longitude (the header is row 1). A parent must be earlier in the file or already in the
    database. Raises DomainError listing every error ("row N, column X: reason"); nothing is
    written then, nor in a dry run. Importing the same file twice changes nothing.
    """
    errors: list[ErrorDetail] = []
    rows = _read(file, errors)
    existing = _check_tree(rows, errors) if rows else {}
    if errors:
        raise DomainError(errors)
    result = ImportResult(dry_run=dry_run, rows=len(rows))
    with transaction.atomic():
        if not dry_run:
            # Lock the rows we may update so a concurrent import cannot interleave.
            existing = {
                r.code: r
                for r in Region.objects.select_for_update().filter(code__in=list(existing))
            }
        by_code: dict[str, Region] = dict(existing)
        for row in rows:
            parent = by_code.get(row.parent_code) if row.parent_code else None
            values = {
                "name_zh": row.name_zh,
                "name_en": row.name_en,
                "level": row.level,
                "kind": row.kind,
                "parent_id": parent.pk if parent is not None else None,
                "population": row.population,
                "latitude": row.latitude,
                "longitude": row.longitude,
            }
            region = by_code.get(row.code)
            if region is None:
                region = Region(code=row.code, **values)
                if not dry_run:
                    _clean(region, row.line)
                    region.save()
                result.created.append(row.code)
            else:
                changed = [k for k in UPDATABLE if getattr(region, k) != values[k]]
                if parent is not None and parent.pk is None:
                    changed.append("parent_id")  # a new parent (dry run): always a change
                if not changed:
                    result.unchanged.append(row.code)
                else:
                    for name in changed:
                        setattr(region, name, values[name])
                    if not dry_run:
                        region.save(update_fields=[c.removesuffix("_id") for c in changed])
                    result.updated.append(row.code)
            by_code[row.code] = region
    return result


# --- boundaries (GeoJSON) ---------------------------------------------------------------------


@dataclass
class BoundaryImportResult:
    """What a boundaries import did (or, in a dry run, would do), by region code."""

    dry_run: bool
    features: int = 0
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _feature_error(code: str, index: int, where: str, reason: str | Promise) -> ErrorDetail:
    name = f"features[{index}].{where}" if where else f"features[{index}]"
    return ErrorDetail(
        code=code,
        message=_("feature %(index)d, %(field)s: %(reason)s")
        % {"index": index, "field": name, "reason": reason},
        field=name,
    )


def _features(data: Any) -> list[Any]:
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if isinstance(features, list):
            return features
    elif isinstance(data, dict) and data.get("type") == "Feature":
        return [data]
    raise DomainError.single(
        RegionCode.NOT_GEOJSON,
        _("Not a GeoJSON FeatureCollection (an object with a list of features)."),
        "features",
    )


def _feature_code(feature: dict[str, Any], prop: str) -> str | None:
    properties = feature.get("properties")
    value = properties.get(prop) if isinstance(properties, dict) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # codes are often written as numbers
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _plan_boundaries(
    features: list[Any], prop: str, errors: list[ErrorDetail]
) -> dict[str, dict[str, Any]]:
    """Every feature's region code and checked geometry; each fault added to ``errors``."""
    planned: dict[str, dict[str, Any]] = {}
    first: dict[str, int] = {}
    known = set(Region.objects.values_list("code", flat=True))
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(
                _feature_error(RegionCode.NOT_GEOJSON, index, "", _("not a GeoJSON Feature"))
            )
            continue
        code = _feature_code(feature, prop)
        where = f"properties.{prop}"
        if code is None:
            errors.append(
                _feature_error(
                    RegionCode.REGION_CODE_MISSING,
                    index,
                    where,
                    _("no region code in the property %(name)r") % {"name": prop},
                )
            )
        elif code not in known:
            errors.append(
                _feature_error(
                    RegionCode.REGION_UNKNOWN,
                    index,
                    where,
                    _("no region has the code %(code)r") % {"code": code},
                )
            )
            code = None
        elif code in first:
            errors.append(
                _feature_error(
                    RegionCode.DUPLICATE_FEATURE,
                    index,
                    where,
                    _("%(code)r already has a boundary in feature %(other)d")
                    % {"code": code, "other": first[code]},
                )
            )
            code = None
        else:
            first[code] = index
        try:
            boundary = geometry.read_boundary(feature.get("geometry"))
        except geometry.GeometryError as exc:
            path = f"geometry.{exc.path}" if exc.path else "geometry"
            errors.append(_feature_error(exc.code, index, path, geometry_words(exc)))
            continue
        if code is not None:
            planned[code] = boundary
    return planned


def boundaries_import_geojson(
    *, document: str | bytes, code_property: str = "code", dry_run: bool = False
) -> BoundaryImportResult:
    """Set regions' boundaries from a GeoJSON FeatureCollection, or change nothing.

    Each feature names its region by the code in ``properties[code_property]`` and carries
    a Polygon or MultiPolygon in WGS84 longitude/latitude. Every feature is checked first;
    any fault (not GeoJSON, a wrong geometry type, a ring not closed, a coordinate out of
    range, an unknown region code, two features for one region) raises DomainError listing
    each by feature index (from 0, as in the file's ``features`` list) and field, and
    nothing is written; nor in a dry run. Regions the file does not name keep theirs.
    """
    try:
        data = json.loads(document)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError.single(
            RegionCode.NOT_GEOJSON,
            _("Not JSON text: %(reason)s") % {"reason": str(exc)},
            None,
        ) from None
    features = _features(data)
    errors: list[ErrorDetail] = []
    planned = _plan_boundaries(features, code_property, errors)
    if errors:
        raise DomainError(errors)
    result = BoundaryImportResult(dry_run=dry_run, features=len(features))
    with transaction.atomic():
        regions = Region.objects.filter(code__in=list(planned)).order_by("code")
        if not dry_run:
            regions = regions.select_for_update()
        for region in regions:
            boundary = planned[region.code]
            if region.boundary == boundary:
                result.unchanged.append(region.code)
                continue
            result.updated.append(region.code)
            if not dry_run:
                region.boundary = boundary
                region.save(update_fields=["boundary"])
    return result
