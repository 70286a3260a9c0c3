"""Which Accept headers are a browser's asking for a page, and which an API client's."""

from __future__ import annotations

import pytest

from api.http.browsers import prefers_html

CHROMIUM = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "page"),
    [
        (CHROMIUM, True),
        (FIREFOX, True),
        ("text/html", True),
        ("text/*, application/json;q=0.5", True),
        ("TEXT/HTML; q=1, application/json; q=0.9", True),
        ("", False),  # no header: an API client
        ("*/*", False),  # curl, httpx, Playwright's request context
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0.8, application/*", False),  # the type's wildcard counts for JSON
        ("text/html;q=0, */*", False),  # q=0: not acceptable at all
        ("text/html;q=high", False),  # a malformed quality is no quality
        ("application/geo+json", False),
    ],
)
def test_a_page_only_when_html_is_preferred_to_json(accept: str, page: bool) -> None:
    assert prefers_html(accept) is page
