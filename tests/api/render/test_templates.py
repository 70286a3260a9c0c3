"""The page templates: one environment that escapes every value inserted into HTML and refuses a missing one."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from jinja2 import StrictUndefined, UndefinedError

from api.render.templates import environment, render
from tests.api.render.hostile import HOSTILE, assert_shown_as_text

PAGES = [
    "login.html",
    "sources.html",
    "map_controls.html",
    "map_legend.html",
    "map_statistics_legend.html",
    "map_side.html",
    "map_movers.html",
    "map_downloads.html",
]


def test_every_template_is_shipped_and_loaded_from_the_package() -> None:
    names = set(environment().list_templates())
    assert set(PAGES) <= names and {"report.html", "map_head.html"} <= names
    assert environment().undefined is StrictUndefined


@pytest.mark.parametrize("name", PAGES)
def test_a_missing_value_is_an_error_not_an_empty_string(name: str) -> None:
    with pytest.raises(UndefinedError):
        render(name)


@pytest.mark.parametrize("name", sorted(environment().list_templates()))
def test_every_template_is_html_and_autoescaped(name: str) -> None:
    env = environment()
    assert name.endswith(".html") and callable(env.autoescape) and env.autoescape(name) is True
    env.get_template(name)  # compiles


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_macros_escape_labels_values_and_colours(hostile: str) -> None:
    macros = environment().get_template("map_macros.html").module
    options = str(macros.options([(hostile, hostile), ("b", "B")], [hostile]))  # type: ignore[attr-defined]
    assert_shown_as_text(options, hostile)
    assert_shown_as_text(options, hostile, in_attribute=True)
    assert "selected" in options.split("</option>")[0] and "selected" not in options.split("</option>")[1]
    rows = str(macros.swatches([(hostile, hostile)]))  # type: ignore[attr-defined]
    assert_shown_as_text(rows, hostile)
    assert_shown_as_text(rows, f"background:{hostile}", in_attribute=True)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_statistics_legend_escapes_its_text(hostile: str) -> None:
    page = render(
        "map_statistics_legend.html",
        statistics=[
            {
                "template": "statistics/gi_legend.html",
                "layer": "geo_json_1",
                "area": hostile,
                "rows": [("#b2182b", "#67001f", hostile)],
                "warnings": [hostile],
            },
            {"template": "statistics/emerging_legend.html", "layer": "geo_json_2", "rows": [("#fcbba1", hostile)]},
            {
                "template": "statistics/plan_legend.html",
                "layer": "geo_json_3",
                "colour": "#111111",
                "fill": "#ffffff",
                "cells": 20,
                "fitted": hostile,
            },
        ],
    )
    assert_shown_as_text(page, hostile)
    assert 'data-layers="geo_json_1"' in page and 'data-layers="geo_json_3"' in page
    assert page.count("&lt;") >= 5 or "<" not in hostile  # area, Gi* meaning, warning, emerging pattern, the plan


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_movers_panel_escapes_names_and_links(hostile: str) -> None:
    movers = {
        "compared": "Jul–Dec 2025 against Jan–Jun 2025",
        "comparable": True,
        "api": "/api/v1/trends/movers?" + urlencode([("wards", hostile), ("top", "5")]),
        "rising": [{"code": hostile, "name": hostile, "text": "41 → 63 (+54%)"}],
        "falling": [],
        "explain": "Significant: ...",
        "published": "",
        "note": "",
        "not_comparable": "",
        "alternative": None,
    }
    page = render("map_movers.html", movers=movers)
    assert_shown_as_text(page, hostile)
    assert_shown_as_text(page, hostile, in_attribute=True)  # the ward's code, for the trend it opens
    assert 'href="/api/v1/trends/movers?wards=' in page and "&amp;top=5" in page
