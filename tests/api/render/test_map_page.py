"""The map page's own panels (filters, account, legend, statistics legend) and its tooltips show text from boundary
files, feeds and tokens as text."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest

from api.access.principals import Principal, Role
from api.render.map_page import build_map
from tests.api.render.hostile import HOSTILE, TEMPLATE, MapInputs, assert_shown_as_text, hostile_view, read_page

SAM = Principal("Sam", Role.ANALYST)


def layer_data(page: str) -> list[dict[str, Any]]:
    """The GeoJSON collections folium wrote into the page's script."""
    return [json.loads(m) for m in re.findall(r"geo_json_\w+_add\((\{.*?\})\);\n", page)]


def layer_names(page: str) -> list[str]:
    """The labels of the layer control's overlays."""
    return [json.loads(m) for m in re.findall(r'^ *("(?:[^"\\]|\\.)*") : geo_json_\w+,$', page, re.M)]


def as_inner_html(text: str) -> tuple[str, list[str]]:
    """What `element.innerHTML = text` shows, and the tags it makes."""
    page = read_page(text)
    return "".join(page.text), page.tags


@pytest.mark.parametrize("hostile", HOSTILE)
def test_panels_show_hostile_names_as_text(analyst: MapInputs, hostile: str) -> None:
    view, filters, settings = analyst
    page = build_map(hostile_view(view, hostile), filters, settings, Principal(hostile, Role.ANALYST))
    assert_shown_as_text(page, hostile)
    text = " ".join("".join(read_page(page).text).split())
    assert f"Gi* hot/cold spots, {hostile}: Getis-Ord Gi*" in text  # the study area
    assert f"{hostile} (analyst)" in text  # the account
    assert f"top 20 cells by expected incidents ({hostile})" in text  # how the plan was fitted
    assert text.count(hostile) >= 5  # force, boundary set and source options; the Gi* warning too
    assert read_page(page).attributes.count(hostile) >= 3  # option values


@pytest.mark.parametrize("hostile", HOSTILE)
def test_tooltips_and_layer_names_get_escaped_text(analyst: MapInputs, hostile: str) -> None:
    """folium's tooltips and Leaflet's layer control write with innerHTML: they must be given escaped text."""
    view, filters, settings = analyst
    shown = hostile_view(view, hostile)
    page = build_map(shown, filters, settings, SAM)
    layers = layer_data(page)
    assert len(layers) == len(shown.by_source) + 7  # wards, every hexagon layer, Gi*, emerging, plan, ...
    wards = [ft["properties"]["name"] for ft in layers[0]["features"]]
    in_statistics = [ft["properties"]["ward_name"] for fc in layers[-5:-2] for ft in fc["features"]]
    assert hostile not in wards and hostile not in in_statistics
    for value in (wards[0], *in_statistics[:1]):
        assert as_inner_html(value) == (hostile, [])  # the ward's tooltip shows the name as text
    assert sum(as_inner_html(v or "")[0] == hostile for v in in_statistics) == 3  # Gi*, emerging and plan tooltips
    streets = [ft["properties"]["streets"] for fc in layers[-5:-2] for ft in fc["features"]]  # Gi*, emerging, plan
    assert not any(hostile in v for v in streets)
    assert sum(as_inner_html(v)[0].startswith(f"{hostile}, ") for v in streets) == 3  # a cell's first street, as text
    repeat_places = [ft["properties"]["place_text"] for ft in layers[-1]["features"]]  # concentration, repeats
    assert as_inner_html(repeat_places[0])[0].startswith(f"#1 {hostile}") and as_inner_html(repeat_places[0])[1] == []
    labels = layer_names(page)
    assert "Wards (count)" in labels and len(labels) == len(layers)
    if hostile != TEMPLATE:  # markup: as it is, it would not read as itself
        assert as_inner_html(f"Hexagons: {hostile} only") != (f"Hexagons: {hostile} only", [])
    assert (f"Hexagons: {hostile} only", []) in [as_inner_html(label) for label in labels]  # Leaflet's control


def test_the_public_panels_read_as_before(public: MapInputs, analyst: MapInputs) -> None:
    view, filters, settings = public
    page = build_map(view, filters, settings, Principal("public", Role.PUBLIC))
    text = " ".join("".join(read_page(page).text).split())
    assert "Police.uk open data, counted as data.police.uk publishes it" in text and "Sign in" in text
    assert "Study area" not in text and "Sources and data quality" not in text
    assert "source month(s) flagged" not in text and "no gaps flagged" not in text
    view, filters, settings = analyst
    page = build_map(view, filters, settings, SAM)
    text = " ".join("".join(read_page(page).text).split())
    assert "Study area" in text and "Sam (analyst) Sign out" in text and "Sources and data quality" in text
    assert "Gi* hot/cold spots, Cleveland" in text and "counts under 10" not in text
    choose = build_map(dataclasses.replace(view, statistics=None, flagged=0), filters, settings, SAM)
    assert "Choose a study area (a force, a partnership or an authority)" in choose and "no gaps flagged" in choose
    flagged = build_map(dataclasses.replace(view, flagged=3), filters, settings, SAM)
    assert "3 source month(s) flagged" in flagged


def test_the_public_filter_offers_only_the_groups_the_council_table_publishes(
    public: MapInputs, analyst: MapInputs
) -> None:
    """Not the ASB strands below analyst (docs/who-sees-what.md): choosing one would be refused on the council table."""
    view, filters, settings = public
    offered = re.findall(
        r'<option value="([^"]*)"', build_map(view, filters, settings, Principal("public", Role.PUBLIC))
    )
    assert {"all", "asb", "crime"} <= set(offered) and not any(v.startswith("asb-") for v in offered)
    view, filters, settings = analyst
    offered = re.findall(r'<option value="([^"]*)"', build_map(view, filters, settings, SAM))
    assert {"asb-personal", "asb-nuisance", "asb-environmental", "noise"} <= set(offered)
