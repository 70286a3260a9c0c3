"""The map page's "Open a problem" panel: drawn for analysts only (with its scripts and the session's page token),
its owner taken from the account as text; absent for partners, councillors and the public."""

from __future__ import annotations

import dataclasses

import pytest

from api.access.principals import Principal, Role
from api.render.map_page import build_map
from tests.api.render.hostile import HOSTILE, MapInputs, assert_shown_as_text, read_page

TOKEN = "0" * 64


def test_analysts_get_the_panel_with_the_page_token_and_its_scripts(analyst: MapInputs) -> None:
    view, filters, settings = analyst
    page = build_map(view, filters, settings, Principal("Sam", Role.ANALYST), csrf=TOKEN)
    assert page.count('id="aim-problem"') == 1 and f'data-csrf="{TOKEN}"' in page
    assert f'data-wards-set="{filters.boundary_set}"' in page
    assert '<script src="/static/leaflet-draw/leaflet.draw.js" defer></script>' in page
    # deferred: run in order once the page (and Leaflet, a blocking script) is in
    order = [
        '<script src="/static/aim-map.js" defer></script>',  # its helpers (window.AIM) are the panel's
        '<script src="/static/leaflet-draw/leaflet.draw.js" defer></script>',
        '<script src="/static/aim-problem-area.js" defer></script>',
        '<script src="/static/aim-problem.js" defer></script>',
    ]
    assert [page.index(tag) for tag in order] == sorted(page.index(tag) for tag in order)
    parsed = read_page(page)
    # the plan's cells may be chosen (a study area draws a plan); every way of choosing an area is offered
    assert 'value="cells" checked' in page and 'value="polygon"' in page and 'value="file"' in page
    assert "All anti-social behaviour" in "".join(parsed.text)


def test_without_a_plan_wards_are_chosen_first(analyst: MapInputs) -> None:
    view, filters, settings = analyst
    page = build_map(dataclasses.replace(view, statistics=None), filters, settings, Principal("Sam", Role.ANALYST))
    assert 'value="cells" disabled' in page and 'value="wards" checked' in page


@pytest.mark.parametrize("role", [Role.PARTNER, Role.COUNCILLOR, Role.PUBLIC])
def test_below_analyst_there_is_no_panel(analyst: MapInputs, role: Role) -> None:
    view, filters, settings = analyst
    page = build_map(view, filters, settings, Principal("Pat", role), csrf=TOKEN)
    assert "aim-problem" not in page and "leaflet-draw" not in page and TOKEN not in page


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_owner_from_the_account_is_text(analyst: MapInputs, hostile: str) -> None:
    view, filters, settings = analyst
    page = build_map(view, filters, settings, Principal(hostile, Role.ANALYST))
    panel = page[page.index('<details id="aim-problem"') : page.index("</details>", page.index('id="aim-problem"'))]
    assert_shown_as_text(panel, hostile, in_attribute=True)  # the owner field's value
    assert read_page(panel).attributes.count(hostile) == 1
