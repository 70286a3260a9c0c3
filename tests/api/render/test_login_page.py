"""The sign-in page escapes the page it goes back to and its message."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.render.login_page import render_login
from tests.api.render.hostile import HOSTILE, assert_shown_as_text, read_page


@pytest.mark.parametrize("hostile", HOSTILE)
def test_next_and_message_are_escaped(hostile: str) -> None:
    page = render_login("/sources?x=" + hostile, message=hostile)
    assert_shown_as_text(page, hostile)  # the message
    assert_shown_as_text(page, "/sources?x=" + hostile, in_attribute=True)  # the hidden `next` field


def test_the_form_goes_back_to_next(client: TestClient) -> None:
    anonymous = TestClient(client.app)
    next_path = '/sources?a="><script>alert(1)</script>'
    page = anonymous.get("/login", params={"next": next_path})
    assert page.status_code == 200
    assert "<script>" not in page.text
    assert next_path in read_page(page.text).attributes
    assert "That token" not in page.text  # no message until a token is refused
