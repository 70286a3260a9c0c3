"""Hostile text, as a feed, a boundary file or a request could carry it, and helpers to read a page back."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from typing import Any

from markupsafe import escape

from api.services.filters import Filters
from api.services.map_view import MapView
from api.settings import Settings

IMG = "<img src=x onerror=alert(1)>"
QUOTES = 'x" onmouseover="alert(1)" y=\'z\' & <b>'
# Jinja syntax: folium's renderer (branca) compiles what it renders as a template again, so a name reaching it as
# it is would run on the server ({{ 7*7 }} read 49) or fail the page (an unclosed {% block)
TEMPLATE = "{{ 7*7 }} {% if true %}{{ cycler.__init__.__globals__ }}{% endif %} {# c #} {% block"
HOSTILE = (IMG, QUOTES, TEMPLATE)

MapInputs = tuple[MapView, Filters, Settings]


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []
        self.attribute_names: list[str] = []
        self.tags: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._script = tag == "script"
        self.attributes += [v for _, v in attrs if v is not None]
        self.attribute_names += [name for name, _ in attrs]

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if not self._script:
            self.text.append(data)


def read_page(html: str) -> _Page:
    """The page as a browser parses it: its text (outside scripts), attribute values and tags."""
    page = _Page()
    page.feed(html)
    page.close()
    return page


def assert_shown_as_text(html: str, hostile: str, in_attribute: bool = False) -> None:
    """The hostile text reaches the reader as text (once escaped, not twice) and adds no tag or attribute."""
    if str(escape(hostile)) != hostile:  # text with markup in it (text with none is the same escaped or not)
        assert hostile not in html, "hostile text written into the page unescaped"
    page = read_page(html)
    assert "img" not in page.tags and "b" not in page.tags, "hostile text became markup"
    assert not any(a.startswith("alert") for a in page.attributes), "hostile text became an attribute"
    text = "".join(page.text)
    if in_attribute:
        assert any(hostile in a for a in page.attributes), "hostile text not shown in its attribute"
    else:
        assert hostile in text, "hostile text not shown (or escaped twice)"


def named(fc: dict[str, Any], text: str, *keys: str) -> dict[str, Any]:
    """The collection with its first feature's text properties `keys` set to `text`."""
    first, *rest = fc["features"]
    return {**fc, "features": [{**first, "properties": {**first["properties"], **dict.fromkeys(keys, text)}}, *rest]}


def placed(fc: dict[str, Any], text: str) -> dict[str, Any]:
    """The collection with `text` as its first feature's commonest street (a feed's location text)."""
    first, *rest = fc["features"]
    places = [{"place": text, "count": 9}, *first["properties"].get("places", [])[1:]]
    return {**fc, "features": [{**first, "properties": {**first["properties"], "places": places}}, *rest]}


def hostile_view(view: MapView, text: str) -> MapView:
    """The view with `text` as a ward, authority, force, boundary set and source name, and in the statistics (a
    cell's ward and street)."""
    statistics = None
    if view.statistics:
        gi, emerging, plan, concentration, repeats, near_repeat, *others = (
            view.statistics.values()
        )  # others: patrol delivery
        gi = named({**gi, "area": {**gi["area"], "name": text}, "warnings": [text]}, text, "ward_name")
        plan = named({**plan, "forecast": {**plan["forecast"], "fitted": text}}, text, "ward_name", "reason")
        repeats = named({**repeats, "note": text}, text, "place")  # location texts come from the feeds
        cells = (placed(layer, text) for layer in (gi, named(emerging, text, "ward_name"), plan))
        statistics = dict(zip(view.statistics, (*cells, concentration, repeats, near_repeat, *others), strict=True))
    return dataclasses.replace(
        view,
        wards=named(view.wards, text, "name", "lad_name"),
        by_source={**view.by_source, text: view.hexes},
        statistics=statistics,
        areas=[*view.areas, (text, [(text, text)])],
        boundary_sets=[*view.boundary_sets, text],
        held_sources=[*view.held_sources, text],
    )
