"""What changed since the previous year and the measured reasons AIM can give: the year-on-year change of the
district's total decomposed into the changes of its categories, sources and wards (each part's change and its share
of the whole), with the part the parts do not add up to named (records linked across sources are counted once in the
total but once per category or source they were recorded under). Not comparable when the previous year is not held
for every source counted: no figure is invented."""

from __future__ import annotations

from typing import Any

from api.services.comparison import NOT_COMPARABLE

Row = dict[str, Any]
TOP = 5  # the parts named as drivers each way
RESIDUAL = (
    "what the parts' changes do not add up to (`unexplained`): records linked across sources count once in the total "
    "but under each category or source recorded, records of no recorded ASB type count under no category, and records "
    "placed in no ward count in no ward"
)


def contributions(total_change: int, parts: list[tuple[str, str, int | None, int | None]]) -> list[Row]:
    """Each part (key, label, previous, this year) with its change and its share of the total's change (None when
    the total did not change), largest changes first."""
    rows = []
    for key, label, before, after in parts:
        change = (after or 0) - (before or 0)
        share = None if total_change == 0 else round(change / total_change, 3) + 0.0  # no -0.0
        rows.append(
            {
                "key": key,
                "label": label,
                "previous": before or 0,
                "count": after or 0,
                "change": change,
                "share_of_change": share,
            }
        )
    return sorted(rows, key=lambda r: (-abs(r["change"]), r["key"]))


def decomposition(total_change: int, parts: list[tuple[str, str, int | None, int | None]]) -> Row:
    """The parts' contributions, the drivers each way, and what the parts leave unexplained."""
    rows = contributions(total_change, parts)
    return {
        "parts": rows,
        "rising": [r for r in rows if r["change"] > 0][:TOP],
        "falling": [r for r in rows if r["change"] < 0][:TOP],
        "unexplained": total_change - sum(r["change"] for r in rows),
    }


RECORDING = (
    "what each feed sent in the two years (records loaded, every category and area) and the months flagged as gaps "
    "in either: a feed that sent less, or has a gap, explains part of a change without any change on the ground"
)


def recording(feeds: Row) -> list[Row]:
    """Each feed's records loaded in both years, the change, and the gaps flagged in either year."""
    return [
        {
            "feed": f["feed"],
            "source": f["source"],
            "previous_loaded": f["previous_loaded"],
            "loaded": f["loaded"],
            "change": f["loaded"] - f["previous_loaded"],
            "gaps": [g["month"] for g in [*f["previous_gaps"], *f["gaps"]]],
        }
        for f in feeds["feeds"]
    ]


def changes(levels: Row, feeds: Row) -> Row:
    """The change of the year's total against the previous year (the levels' previous period), its decomposition
    by category, source and ward, and what each feed sent in both years (`feeds`: api.services.assessment_coverage);
    or, when the previous year is not held for every source counted, not comparable
    (no figures)."""
    total = levels["total"]
    period = levels["previous"]
    if not total["comparable"]:
        months = len(levels["series"])
        note = (
            f"{NOT_COMPARABLE} ({period['from']} to {period['to']})"
            if total["months_held"] == months
            else f"not comparable: {total['months_held']} of the {months} months of {levels['period']['from']} to "
            f"{levels['period']['to']} are held for every source counted, so a part would be compared with a whole"
        )
        return {
            "previous": period,
            "comparable": False,
            "note": note,
            "total": None,
            "previous_total": None,
            "change": None,
            "change_pct": None,
            "significant": None,
            "by_category": None,
            "by_source": None,
            "by_ward": None,
            "residual_note": RESIDUAL,
            "recording": None,
            "recording_note": RECORDING,
        }
    change = int(total["change"])
    categories = [(r["category"], r["label"], r["previous_total"], r["total"]) for r in levels["categories"]]
    sources = [(r["source"], r["source"], r["previous_total"], r["total"]) for r in levels["sources"]]
    wards = [(r["code"], r["name"], r["previous_count"], r["count"]) for r in levels["wards"]]
    return {
        "previous": period,
        "comparable": True,
        "note": "the year against the one before; each part's change and its share of the total's change",
        "total": total["total"],
        "previous_total": total["previous_total"],
        "change": change,
        "change_pct": total["change_pct"],
        "significant": total["significant"],
        "by_category": decomposition(change, categories),
        "by_source": decomposition(change, sources),
        "by_ward": decomposition(change, wards),
        "residual_note": RESIDUAL,
        "recording": recording(feeds),
        "recording_note": RECORDING,
    }
