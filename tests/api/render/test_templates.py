"""The page templates: one environment that escapes every value inserted into HTML and refuses a missing one."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from jinja2 import StrictUndefined, UndefinedError

from api.render.templates import environment, render
from tests.api.render.hostile import HOSTILE, assert_shown_as_text

PAGES = ["login.html", "sources.html", "map_controls.html", "map_legend.html", "map_statistics_legend.html"]


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
        statistics={
            "area": hostile,
            "gi_rows": [("#b2182b", hostile)],
            "warnings": [hostile],
            "emerging_rows": [("#fcbba1", hostile)],
            "plan_colour": "#111111",
            "plan_cells": 20,
            "fitted": hostile,
            "plan_url": "/api/v1/patrol-plan?" + urlencode([("force", hostile), ("format", "pdf")]),
        },
    )
    assert_shown_as_text(page, hostile)
    assert 'href="/api/v1/patrol-plan?force=' in page and "&amp;format=pdf" in page
    assert page.count("&lt;") >= 5 or "<" not in hostile  # area, Gi* meaning, warning, emerging pattern, the plan
