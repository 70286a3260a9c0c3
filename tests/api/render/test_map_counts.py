"""The count layers of the analyst map: quantile classes of the counts, the legend's rows from the lowest count
shown, the counts in words for the tooltips, and the layers drawn (the combined hexagons hidden when the statistics
take their place, each source's hexagons named as escaped text)."""

from __future__ import annotations

import dataclasses

import folium

from api.render.map_counts import (
    HEX_PALETTE,
    WARD_PALETTE,
    add_count_layers,
    class_breaks,
    legend_rows,
    ward_label,
    with_located_text,
)
from tests.api.render.hostile import IMG, MapInputs


def test_class_breaks_are_quantiles_of_the_counts_above_zero() -> None:
    assert class_breaks([0, 0]) == [0]
    assert class_breaks([0, 1, 2, 3, 4, 5, 6], classes=3) == [3, 5, 6]  # each the count at or above its quantile
    assert class_breaks([5, 5, 5, 0]) == [5]


def test_legend_rows_start_at_the_lowest_count_shown(analyst: MapInputs) -> None:
    view = analyst[0]
    m = folium.Map(tiles=None)
    counts = add_count_layers(m, view, fine=True)
    rows = legend_rows(view, counts, "under 10: not published")
    assert rows["ward_rows"][0] == ("#ffffff", "under 10: not published")
    assert {colour for colour, _ in rows["ward_rows"][1:]} <= set(WARD_PALETTE)
    assert {colour for colour, _ in rows["hex_rows"][1:]} <= set(HEX_PALETTE)
    lowest = min(f["properties"]["count"] for f in view.wards["features"] if f["properties"]["count"])
    assert rows["ward_rows"][1][1].startswith(f"{lowest}")


def test_counts_in_words_for_the_tooltips() -> None:
    fc = {
        "previous_period": {"held": True},
        "features": [
            {"properties": {"count": 1234, "located": {"street": 3}, "previous_count": 1000, "change": 234}},
            {"properties": {"count": None, "previous_count": None, "change": None}},
        ],
    }
    first, second = (f["properties"] for f in with_located_text(fc)["features"])
    assert first["count_text"] == "1,234" and first["change_text"] == "+234" and first["located_text"] != "–"
    assert second["count_text"] == "not published (a small count)" and second["located_text"] == "–"
    assert second["previous_text"] == "not published (a small count)"
    not_held = with_located_text({**fc, "previous_period": {"held": False}})["features"][0]["properties"]
    assert not_held["previous_text"] == "not held: not comparable"


def test_the_layers_drawn(analyst: MapInputs) -> None:
    view = analyst[0]
    by_source = {IMG: view.hexes}
    m = folium.Map(tiles=None)
    counts = add_count_layers(m, dataclasses.replace(view, by_source=by_source), fine=False)
    assert len(counts.hexes) == 2 and counts.wards not in counts.hexes
    children = {child.get_name(): child for child in m._children.values()}
    combined, source = children[counts.hexes[0]], children[counts.hexes[1]]
    assert combined.show is False  # the statistics are drawn: the Gi* layer takes the combined layer's place
    assert IMG not in source.layer_name and "&lt;" in source.layer_name
    plain = folium.Map(tiles=None)
    shown = add_count_layers(plain, dataclasses.replace(view, statistics=None), fine=False).hexes[0]
    assert {child.get_name(): child for child in plain._children.values()}[shown].show is True


def test_ward_shapes_are_named_with_their_count_and_change() -> None:
    """A ward's name for screen readers: its name, authority, incidents and which way it moved, or why not known."""
    fc = {"previous_period": {"held": True}}
    props = {"name": "Acklam", "lad_name": "Middlesbrough", "count": 233, "previous_count": 245, "change": -12}
    assert ward_label(fc, {"properties": props}) == (
        "Acklam ward, Middlesbrough, 233 incidents, falling (−12 on the previous period)"
    )
    rising = props | {"count": 1250, "change": 5}
    assert ward_label(fc, {"properties": rising}).endswith("1,250 incidents, rising (+5 on the previous period)")
    hidden = props | {"count": None, "change": None}
    assert ward_label(fc, {"properties": hidden}) == (
        "Acklam ward, Middlesbrough, incidents not published (a small count), change not published"
    )
    unheld = {"previous_period": {"held": False}}
    assert ward_label(unheld, {"properties": props}).endswith("233 incidents, the previous period not held")
