"""The scripts a page may run: its own <script> tags carry the response's nonce, which the Content-Security-Policy
names; no other script runs (no injected tag, no inline event handler, no javascript: URL)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

NONCE = re.compile(r"[A-Za-z0-9+/_=-]{16,}")


class _Tags(HTMLParser):
    """Where each <script> start tag is, as a browser parses the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[tuple[int, int]] = []  # (line, column) of each "<script"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(self.getpos())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def with_nonce(html: str, nonce: str) -> str:
    """The page with nonce="..." on each of its <script> tags (the page unchanged when there is no nonce). Tags are
    found as a browser parses the page, so text inside a script or escaped text that reads "<script" is left alone."""
    if not nonce:
        return html
    if not NONCE.fullmatch(nonce):
        raise ValueError("a nonce is base64 text of at least 16 characters")
    line_starts = [0]
    line_starts += [m.end() for m in re.finditer("\n", html)]
    tags = _Tags()
    tags.feed(html)
    tags.close()
    cuts = [line_starts[line - 1] + column + len("<script") for line, column in tags.scripts]
    pieces, last = [], 0
    for cut in cuts:
        pieces += [html[last:cut], f' nonce="{nonce}"']
        last = cut
    return "".join([*pieces, html[last:]])
