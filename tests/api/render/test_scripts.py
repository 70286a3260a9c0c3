"""A page's own <script> tags get the response's nonce; text that only reads like a script tag does not."""

from __future__ import annotations

import pytest

from api.render.scripts import with_nonce

NONCE = "n0nce-Of_24-characters_x"


def test_every_script_tag_gets_the_nonce_and_nothing_else_changes() -> None:
    page = (
        '<html><head><script src="/static/leaflet/leaflet.js"></script>\r\n<SCRIPT>\nvar a = "<script>";\n</SCRIPT>'
        "</head><body><p>&lt;script&gt; is text</p><svg><script>1</script></svg>\n<script\ntype=module>2</script>"
    )
    marked = with_nonce(page, NONCE)
    assert marked.count(f'nonce="{NONCE}"') == 4
    assert marked.replace(f' nonce="{NONCE}"', "") == page
    assert 'var a = "<script>";' in marked  # the text inside a script is not a tag
    assert "<p>&lt;script&gt; is text</p>" in marked


def test_no_nonce_leaves_the_page_as_it_is_and_a_bad_one_is_refused() -> None:
    assert with_nonce("<script>1</script>", "") == "<script>1</script>"
    with pytest.raises(ValueError):
        with_nonce("<script>1</script>", 'x" onload="alert(1)')
