"""What folium's page template leaves out or gets wrong for WCAG 2.2 AA, put right in the rendered map page: the
page's language (3.1.1) and a viewport that lets the reader zoom (1.4.4; folium's has maximum-scale=1.0 and
user-scalable=no)."""

from __future__ import annotations

import re

FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport" content="[^"]*"\s*/?>')
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def accessible_document(html: str, lang: str = "en") -> str:
    """The folium page with `lang` on <html> and a viewport that allows zooming; refused if folium's template changed
    so that either cannot be put right."""
    if not html.lstrip().startswith("<!DOCTYPE html>\n<html>") or not FOLIUM_VIEWPORT.search(html):
        raise ValueError("folium's page template changed: check lang and the viewport by hand")
    html = html.replace("<html>", f'<html lang="{lang}">', 1)
    return FOLIUM_VIEWPORT.sub(VIEWPORT, html, count=1)
