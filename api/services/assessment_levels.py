"""The annual assessment's levels and trends: the year's counts for the partnership's district in total, by category,
by source and by ward, each the number the trend route (/api/v1/trends) or the movers' verdicts
(/api/v1/trends/movers) give for the same question, and the change against the previous year."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.services.caches import Caches
from api.services.comparison import months_held
from api.services.filters import Filters, requested_categories, resolve_filters
from api.services.trends import WardTest, monthly_trend, resolve_trend_area
from api.services.ward_verdicts import area_wards, ward_verdicts
from ingest.store import read
from ingest.store.connection import Connection
from ingest.taxonomy import CATEGORY_LABELS, GROUPS, Category

Row = dict[str, Any]
ALPHA = 0.05  # the trend route's default significance level


Months = tuple[date, date]  # the first and last month of a period


def year_months(year: int) -> Months:
    """A calendar year's first and last month."""
    return date(year, 1, 1), date(year, 12, 1)


def period_filters(
    con: Connection, months: Months, categories: tuple[str, ...] = (), sources: tuple[str, ...] = ()
) -> Filters:
    """The filters the routes resolve for `from=<first month>&to=<last month>` and these categories (default: every
    ASB category) and sources (default: every source)."""
    return resolve_filters(
        con,
        start=months[0],
        end=months[1],
        categories=requested_categories(list(categories) or None),
        sources=sources,
    )


def comparable(con: Connection, filters: Filters) -> bool:
    """Whether every source counted holds every month of the year and of the previous year (else the change would be
    invented, or a part of a year compared with a whole one)."""
    f = filters.incident
    return months_held(con, f.sources, *filters.previous) and months_held(con, f.sources, f.start, f.end)


def district_trend(con: Connection, filters: Filters, lad: str, caches: Caches) -> Row:
    """The trend route's answer for `lad` over the filters (as /api/v1/trends?lad=... gives it)."""
    where, scoped = resolve_trend_area(con, filters, None, lad, None)
    return monthly_trend(con, scoped, where, ALPHA, WardTest(caches.wards, None, caches.lattices))


def level(body: Row) -> Row:
    """A trend answer's total and its change against the previous year (the same months a year before); not
    comparable, without a change, unless every month of both years is held for every source counted (the route
    compares whatever months the year holds with the whole previous year: the assessment does not)."""
    previous = body["compared"]["previous_period"]
    held = sum(bool(s["held"]) for s in body["series"])
    if not previous["comparable"] or held < len(body["series"]):
        previous = {k: None for k in ("total", "change", "change_pct", "p_value", "significant")}
        previous["comparable"] = False
    return {
        "total": body["total"],
        "months_held": held,
        "comparable": bool(previous["comparable"]),
        "previous_total": previous["total"],
        "change": previous["change"],
        "change_pct": previous.get("change_pct"),
        "p_value": previous.get("p_value"),
        "significant": previous.get("significant"),
    }


UNTYPED = (
    "records whose ASB type is not recorded (every police.uk ASB record, and council records of a strand only) are in "
    "the total but under no category: a category filter named asb, asb-personal, asb-nuisance or asb-environmental "
    "means the whole group; the sources' levels show them"
)


def held_asb_categories(con: Connection) -> list[str]:
    """The ASB categories of a recorded type the store holds records of, in taxonomy order (the generic leaves share
    their names with the groups a filter asks for, so they cannot be asked for alone)."""
    held = set(read.distinct_values(con, "category"))
    return [c for c in GROUPS["asb"] if c in held and c not in GROUPS]


def category_levels(con: Connection, months: Months, lad: str, caches: Caches) -> list[Row]:
    """Each ASB category of a recorded type: its level in the district, as /api/v1/trends?lad=...&category=<leaf>
    gives it (categories with no record in either year left out)."""
    out = []
    for category in held_asb_categories(con):
        found = level(district_trend(con, period_filters(con, months, (category,)), lad, caches))
        if found["total"] or found["previous_total"]:
            out.append({"category": category, "label": CATEGORY_LABELS[Category(category)], **found})
    return sorted(out, key=lambda r: (-(r["total"] or 0), r["category"]))


def source_levels(con: Connection, months: Months, lad: str, caches: Caches) -> list[Row]:
    """Each source's level of ASB in the district, as /api/v1/trends?lad=...&source=<source> gives it."""
    out = []
    for source in read.distinct_values(con, "source"):
        found = level(district_trend(con, period_filters(con, months, sources=(source,)), lad, caches))
        if found["total"] or found["previous_total"]:
            out.append({"source": source, **found})
    return sorted(out, key=lambda r: (-(r["total"] or 0), r["source"]))


def ward_levels(con: Connection, filters: Filters, lad: str, caches: Caches) -> list[Row]:
    """Each ward of the district with a record in the year: its count, and where the previous year is held, the
    movers' verdict (its change against the district's own change, FDR across the district's wards), as
    /api/v1/trends/movers?lad=... gives it."""
    wards = area_wards(con, caches.wards, filters.boundary_set, (lad,))
    verdicts = ward_verdicts(con, filters, wards, filters.previous, ALPHA)
    held = comparable(con, filters)
    out = []
    for w in verdicts.wards:
        row = {"code": w["code"], "name": w["name"], "count": w["count"], "comparable": held}
        if held:
            row |= {k: w.get(k) for k in ("previous_count", "change", "change_pct", "expected", "excess")}
            row |= {"significant": w.get("significant")}
        else:
            row |= dict.fromkeys(("previous_count", "change", "change_pct", "expected", "excess", "significant"))
        if w["count"] or held:
            out.append(row)
    return sorted(out, key=lambda r: (-r["count"], r["code"]))


def levels(con: Connection, months: Months, lad: str, caches: Caches) -> Row:
    """The district's ASB over the months (the assessment's year) against the months before (the previous year): in
    total with its monthly series, and by category, source and ward."""
    filters = period_filters(con, months)
    body = district_trend(con, filters, lad, caches)
    before = filters.previous
    return {
        "period": {"from": f"{months[0]:%Y-%m}", "to": f"{months[1]:%Y-%m}"},
        "previous": {"from": f"{before[0]:%Y-%m}", "to": f"{before[1]:%Y-%m}"},
        "total": level(body),
        "series": body["series"],
        "categories": category_levels(con, months, lad, caches),
        "untyped_note": UNTYPED,
        "sources": source_levels(con, months, lad, caches),
        "wards": ward_levels(con, filters, lad, caches),
    }
