"""Rising and falling wards of a study area: the change against a comparison period, tested where figures are exact
(the verdicts of api.services.ward_verdicts, as a ward's trend gives them)."""

from __future__ import annotations

from typing import Any

from api.services.comparison import NOT_COMPARABLE, comparison_period, months_held
from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.layers import period_of
from api.services.places import resolve_lad
from api.services.reference import WardCache
from api.services.study_area import StudyArea
from api.services.ward_verdicts import AREA_TEST, area_wards, study_area_lads, ward_verdicts
from ingest.store.connection import Connection


def ward_movers(
    con: Connection,
    filters: Filters,
    cache: WardCache,
    lad: str | None,
    top: int,
    alpha: float,
    compare: str = "previous",
    area: StudyArea | None = None,
) -> dict[str, Any]:
    """Wards of the study area (or of one LAD; every ward when neither is given) whose count rose or fell most
    against the comparison period; with exact figures each carries an FDR-controlled test across the area's wards,
    with published figures changes are differences of published counts."""
    if lad is not None and study_area_lads(area) is not None:
        raise ParameterError("lad", "give one of lad or area")
    if lad is not None:
        lad = resolve_lad(con, lad)[0]
    lads = (lad,) if lad is not None else study_area_lads(area)
    f, figures = filters.incident, filters.figures
    prev_start, prev_end = comparison_period(f.start, f.end, compare)
    body: dict[str, Any] = {
        "period": period_of(filters),
        "compare": compare,
        "previous_period": {"from": f"{prev_start:%Y-%m}", "to": f"{prev_end:%Y-%m}"},
        "filters": filters.echo(),
        "lad": lad,
        "area": None if area is None or study_area_lads(area) is None else area.echo(),
    }
    if not months_held(con, f.sources, prev_start, prev_end):
        return {**body, "comparable": False, "note": NOT_COMPARABLE, "rising": [], "falling": []}
    wards = area_wards(con, cache, filters.boundary_set, lads)
    verdicts = ward_verdicts(con, filters, wards, (prev_start, prev_end), alpha)
    movers = verdicts.wards
    body["comparable"] = True
    if figures.exact:
        ratio = verdicts.ratio
        body.update(
            {
                "alpha": alpha,
                "wards_tested": len(movers),
                "area_total": verdicts.total,
                "area_previous_total": verdicts.previous_total,
                "area_change_pct": None if ratio is None else round(100 * (ratio - 1), 1),
                "test": AREA_TEST,
            }
        )
        key = "excess"
    else:
        body["note"] = f"{figures.note}; wards with a suppressed count in either period are not listed"
        key = "change"
    rising = sorted((m for m in movers if m[key] > 0), key=lambda m: (-m[key], m["code"]))[:top]
    falling = sorted((m for m in movers if m[key] < 0), key=lambda m: (m[key], m["code"]))[:top]
    return {**body, "rising": rising, "falling": falling}
