"""Map links: a ``geo:`` URI phones open in their map app, pinned and labelled."""

from __future__ import annotations

from minsheng.core.geo import geo_uri


def test_a_geo_uri_names_the_point_twice_and_labels_the_pin():
    assert geo_uri(30.01, 110.01, "甲村") == "geo:30.01,110.01?q=30.01,110.01(%E7%94%B2%E6%9D%91)"


def test_a_geo_uri_rounds_to_six_places_and_escapes_what_would_end_the_label():
    assert geo_uri(30.123456789, -0.5, "a (b) & c") == (
        "geo:30.123457,-0.5?q=30.123457,-0.5(a%20%28b%29%20%26%20c)"
    )


def test_a_geo_uri_without_a_label_pins_the_point_alone():
    assert geo_uri(30.0, 110.0) == "geo:30.0,110.0?q=30.0,110.0"
