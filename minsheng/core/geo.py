"""Great-circle distance and map links: pure, no Django imports."""

from __future__ import annotations

import math
from urllib.parse import quote

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def geo_uri(latitude: float, longitude: float, label: str = "") -> str:
    """A ``geo:`` URI (RFC 5870) that phones open in their map app, with a pin labelled
    ``label`` (the Android ``q=lat,lon(label)`` form, which iOS and others also read)."""
    point = f"{round(latitude, 6)!r},{round(longitude, 6)!r}"
    pin = f"{point}({quote(label, safe='')})" if label else point
    return f"geo:{point}?q={pin}"


def great_circle_matrix_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Haversine distances in km (as :func:`haversine_km`, vectorised with numpy) from every
    point 1 (rows) to every point 2 (columns)."""
    p1 = np.radians(np.asarray(lat1, dtype=float))[:, None]
    p2 = np.radians(np.asarray(lat2, dtype=float))[None, :]
    dl = (
        np.radians(np.asarray(lon2, dtype=float))[None, :]
        - np.radians(np.asarray(lon1, dtype=float))[:, None]
    )
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    result: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return result
