"""Reflow at 320 CSS px (WCAG 1.4.10) measured in the browser: how wide the document is, and each table wider than
the element holding it, with the scroll region around it (if any): its tabindex, accessible name (aria-label, or the
text of what aria-labelledby names), overflow and widths."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

REFLOW_WIDTH = 320

# A table held in a scroll region is measured against the region's parent, so the same table counts as wide whether
# or not it is wrapped; a table not drawn (in a closed panel) is 0 px wide and never counts.
MEASURE = r"""() => {
  const describe = (table) => {
    const caption = table.caption ? table.caption.textContent.trim() : "";
    const head = [...table.querySelectorAll("th")].slice(0, 3).map((th) => th.textContent.trim()).join(" | ");
    return caption || head;
  };
  const name = (region) => region.getAttribute("aria-label") || (region.getAttribute("aria-labelledby") || "")
    .split(/\s+/).map((id) => (document.getElementById(id) || {textContent: ""}).textContent.trim()).join(" ").trim();
  const wide = [];
  for (const table of document.querySelectorAll("table")) {
    const region = table.closest("[role=region]");
    const holder = (region || table).parentElement;
    const width = table.getBoundingClientRect().width;
    if (width <= holder.clientWidth + 1) continue;
    const found = {table: describe(table), width: Math.round(width), room: holder.clientWidth, region: null};
    if (region) {
      found.region = {
        tabindex: region.getAttribute("tabindex"),
        name: name(region),
        overflow: getComputedStyle(region).overflowX,
        width: Math.round(region.getBoundingClientRect().width),
        scrolls: region.scrollWidth > region.clientWidth,
      };
    }
    wide.push(found);
  }
  return {width: document.documentElement.scrollWidth, tables: wide};
}"""


def measure(page: Page) -> dict[str, Any]:
    """The document's scroll width and its wide tables, as the page stands."""
    found: dict[str, Any] = page.evaluate(MEASURE)
    return found


def badly_held(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The wide tables not in a focusable, named scroll region that fits the room it has."""
    return [t for t in tables if not _scrolls_in_region(t)]


def _scrolls_in_region(table: dict[str, Any]) -> bool:
    region = table["region"]
    return (
        region is not None
        and region["tabindex"] == "0"
        and bool(region["name"].strip())
        and region["overflow"] in ("auto", "scroll")
        and region["width"] <= table["room"] + 1
        and region["scrolls"]
    )
