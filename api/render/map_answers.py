"""The map page's answers in words: the rising and falling wards, and the downloads of the view shown."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from api.access.tables import COUNCIL
from api.services.filters import Filters
from api.services.map_view import filter_query
from api.services.statistics import registered

Query = list[tuple[str, str]]


def published_source(filters: Filters) -> str:
    """The published table a filter counts below analyst, as its source parameter: police or council."""
    return "police" if set(filters.incident.sources) <= {"police"} else COUNCIL


def api_query(filters: Filters, published: bool) -> Query:
    """The query parameters that give an API request the page's filters (below analyst: the same published table,
    named as the page's source selector names it)."""
    query = filter_query(filters)
    if not published:
        return query
    at = next(i for i, (key, _) in enumerate(query) if key == "dedupe")
    return [*(q for q in query[:at] if q[0] != "source"), ("source", published_source(filters)), *query[at:]]


def period_words(start: str, end: str) -> str:
    """A period of YYYY-MM months in words: "2024" (a calendar year), "Mar 2025", "Jul–Dec 2025",
    "Nov 2024–Jan 2025"."""
    (y1, m1), (y2, m2) = (int(start[:4]), int(start[5:7])), (int(end[:4]), int(end[5:7]))
    first, last = calendar.month_abbr[m1], calendar.month_abbr[m2]
    if (y1, m1) == (y2, m2):
        return f"{first} {y1}"
    if y1 == y2:
        return str(y1) if (m1, m2) == (1, 12) else f"{first}–{last} {y1}"
    return f"{first} {y1}–{last} {y2}"


def _change(mover: dict[str, Any]) -> str:
    """ "41 → 63 (+54%)", or the change in counts when there is no percentage (published figures, none before)."""
    pct = mover.get("change_pct")
    moved = f"{pct:+.0f}%" if pct is not None else f"{mover['change']:+,}"
    return f"{mover['previous_count']:,} → {mover['count']:,} ({moved})"


def _words(mover: dict[str, Any], rising: bool, alpha: float) -> str:
    """How a tested ward moved against its area, and whether that is significant."""
    if rising:
        moved = "rising beyond the area's own change" if mover["change"] >= 0 else "falling less than the area"
    else:
        moved = "falling beyond the area's own change" if mover["change"] <= 0 else "rising less than the area"
    tested = "significant" if mover["significant"] else "not significant"
    return f"{moved} ({tested} at {alpha:.0%} FDR)"


def movers_panel(
    movers: dict[str, Any], page: Query, api_query: Query, quarter: tuple[str, str] | None
) -> dict[str, Any]:
    """What the movers panel says (templates/map_movers.html): each ward's counts and change in words, with the
    test's verdict where figures are exact; why there is no list when the periods cannot be compared, and a
    quarter that can be (`page`: the map's own query, to link to it over that quarter)."""
    period, previous = movers["period"], movers["previous_period"]
    body: dict[str, Any] = {
        "compared": f"{period_words(period['from'], period['to'])} against "
        f"{period_words(previous['from'], previous['to'])}",
        "comparable": movers["comparable"],
        "api": f"/api/v1/trends/movers?{urlencode(api_query)}",
        "rising": [],
        "falling": [],
        "explain": "",
        "published": "",
        "note": "",
        "not_comparable": "",
        "alternative": None,
    }
    if not movers["comparable"]:
        body["not_comparable"] = (
            f"Not comparable: {period_words(previous['from'], previous['to'])} not held for every source counted, "
            "so a change would be invented."
        )
        if quarter:
            shown = [(k, v) for k, v in page if k not in ("from", "to")]
            body["alternative"] = {
                "href": "/?" + urlencode([("from", quarter[0]), ("to", quarter[1]), *shown]),
                "label": f"Compare {period_words(*quarter)} with the quarter before",
            }
        return body
    exact = "alpha" in movers
    for side in ("rising", "falling"):
        body[side] = [
            {
                "code": m["code"],
                "name": m["name"],
                "text": _change(m) + (f", {_words(m, side == 'rising', movers['alpha'])}" if exact else ""),
            }
            for m in movers[side]
        ]
    if exact:
        area = movers.get("area_change_pct")
        overall = "" if area is None else f" ({area:+.1f}% across the {movers['wards_tested']} wards tested)"
        body["explain"] = (
            f"Significant: each ward's change was tested against its area's overall change{overall}, so a change "
            f"every ward shares, such as the season, does not count; at most {movers['alpha']:.0%} of the wards "
            "called significant are expected to be false alarms (false discovery rate, FDR). Wards are ranked by "
            "how far they moved beyond the area's change."
        )
    else:
        body["published"] = "Published counts, ranked by their change: no significance test below analyst."
        body["note"] = str(movers.get("note") or "")
    return body


@dataclass(frozen=True)
class Download:
    """A link to the view's data: what it is, where, the file name to save it as, and a note."""

    label: str
    href: str
    file: str
    note: str = ""


def downloads(
    query: Query,
    res: int,
    period: tuple[str, str],
    analyses: bool,
    plan_query: Query,
    drawn: dict[str, dict[str, Any]],
) -> list[Download]:
    """The view's data to download: ward and hexagon layers as GeoJSON (and, for analysts and partners, GeoPackage;
    the wards as a Shapefile too), the monthly counts as CSV, incident records as CSV (analysts and partners), and
    the statistics layers drawn (`drawn`: their layers by key) that offer a download."""
    q, span = urlencode(query), f"{period[0]}-{period[1]}"
    gpkg = f"aim-hexes-{span}.gpkg"
    hexes = urlencode([*query, ("res", str(res))])
    out = [
        Download("Ward counts (GeoJSON)", f"/api/v1/wards?{q}", f"aim-wards-{span}.geojson"),
        Download(f"Hexagon counts, H3 res {res} (GeoJSON)", f"/api/v1/hexes?{hexes}", f"aim-hexes-{span}.geojson"),
        Download("Monthly counts, whole area (CSV)", f"/api/v1/trends?{q}&format=csv", f"aim-trend-{span}.csv"),
    ]
    if analyses:
        out += [
            Download("Ward counts (GeoPackage)", f"/api/v1/wards?{q}&format=gpkg", f"aim-wards-{span}.gpkg"),
            Download(f"Hexagon counts, H3 res {res} (GeoPackage)", f"/api/v1/hexes?{hexes}&format=gpkg", gpkg),
            Download("Ward counts (Shapefile, zipped)", f"/api/v1/wards?{q}&format=shp", f"aim-wards-{span}.zip"),
            Download(
                "Incident records (CSV)",
                f"/api/v1/incidents?{q}&format=csv&limit=5000",
                f"aim-incidents-{span}.csv",
                "the first 5,000; the API pages through the rest",
            ),
        ]
    for statistic in registered():
        layer = drawn.get(statistic.key)
        if layer is None or not statistic.drawing.download or not statistic.route:
            continue
        area = [(str(layer["area"]["type"]), str(layer["area"]["code"]))]
        given = [(name, str(value)) for name, value in statistic.on_map(res).items()]
        url = f"{statistic.route}?{urlencode([*area, *query, *given])}"
        out.append(Download(statistic.drawing.download, url, f"aim-{statistic.key}-{span}.geojson"))
    if plan_query:
        plan = urlencode([*plan_query, ("format", "geojson")])
        plan_file = f"aim-patrol-plan-{span}.geojson"
        out.append(Download("Patrol plan cells (GeoJSON)", f"/api/v1/patrol-plan?{plan}", plan_file))
    return out
