"""The partnership's annual strategic assessment (Crime and Disorder Act 1998 s.6; SI 2007/1830): for one local
authority district and calendar year, the levels and patterns of ASB (by category, source and ward), hot spots,
repeat places and concentration, problems opened and their evaluations, patrol delivery, the feeds' coverage and
gaps, what changed since the previous year and the measured reasons, and priorities suggested from the figures.
Every figure is the one the API gives for the same question (the services each section names)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from api.database.tasking import TaskingStore
from api.services.assessment_cases import NOT_HELD, CaseFigures, case_review, repeat_victims
from api.services.assessment_changes import changes
from api.services.assessment_coverage import delivery, feeds
from api.services.assessment_levels import levels, period_filters, year_months
from api.services.assessment_places import hotspot_groups, place_figures
from api.services.assessment_priorities import priorities
from api.services.assessment_problems import problems_opened
from api.services.caches import Caches
from api.services.errors import ParameterError
from api.services.study_area import StudyArea, partnerships, resolve_study_area
from geo.gaps import GapRule
from ingest.store import read
from ingest.store.connection import Connection

Row = dict[str, Any]
CASE_REVIEW = NOT_HELD


@dataclass(frozen=True)
class AssessmentOptions:
    """How the assessment is drawn: the patrol plan's resolution, whose cells patrol delivery is counted in."""

    delivery_res: int = 9


def held_districts(con: Connection) -> list[tuple[str, str]]:
    """The districts an assessment can be made for: incidents held and wards in the default boundary set."""
    boundary_sets = read.boundary_set_names(con)
    if not boundary_sets:
        return []
    mapped = set(read.lads_with_wards(con, boundary_sets[0]))
    held = [code for code in read.lads_with_incidents(con) if code in mapped]
    named = [next(iter(read.find_lads(con, code)), (code, code)) for code in held]
    return sorted(named, key=lambda c: c[1])


def resolve_district(con: Connection, lad: str) -> StudyArea:
    """The district named by code or name; one without incidents or wards is a ParameterError naming those held."""
    held = held_districts(con)
    hint = "; districts held: " + ", ".join(f"{name} ({code})" for code, name in held) if held else ""
    try:
        area = resolve_study_area(con, None, None, lad)
    except ParameterError:
        raise ParameterError("lad", f"no local authority district with the code or name {lad!r}{hint}") from None
    if area.code not in {code for code, _ in held}:
        raise ParameterError("lad", f"no incidents or no wards held for {area.name}: no assessment{hint}")
    return area


def partnership_of(con: Connection, area: StudyArea) -> Row | None:
    """The community safety partnership the district belongs to (code, name and its districts), if the lookup has it."""
    found = next((c for c in partnerships(con) if area.code in c.lads), None)
    return None if found is None else {"code": found.code, "name": found.name, "lads": list(found.lads)}


def check_year(con: Connection, year: int) -> tuple[date, date]:
    """The first and last month of the year held; a year outside 1900 to 2199 or with no month held is refused."""
    if not 1900 <= year <= 2199:
        raise ParameterError("year", "a year from 1900 to 2199")
    first, last = read.month_extent(con)
    if first is None or last is None or not first.year <= year <= last.year:
        held = "no data is held" if first is None or last is None else f"data held {first:%Y-%m} to {last:%Y-%m}"
        raise ParameterError("year", f"no month of {year} is held ({held})")
    return max(first, date(year, 1, 1)), min(last, date(year, 12, 1))


def assessment(
    con: Connection,
    tasking: TaskingStore,
    lad: str,
    year: int,
    caches: Caches,
    rule: GapRule,
    options: AssessmentOptions | None = None,
    cases: CaseFigures | None = None,
) -> Row:
    """The whole assessment of the district for the year (with the partnership's repeat-victim counts and Case
    Review figures when the cases are given)."""
    options = options or AssessmentOptions()
    area = resolve_district(con, lad)
    first, last = check_year(con, year)
    filters = period_filters(con, year_months(year))
    assert area.code is not None
    found: Row = {
        "district": {"code": area.code, "name": area.name},
        "partnership": partnership_of(con, area),
        "year": year,
        "months": {
            "from": f"{year}-01",
            "to": f"{year}-12",
            "held_from": f"{first:%Y-%m}",
            "held_to": f"{last:%Y-%m}",
        },
        "filters": filters.echo(),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "store_version": read.store_version(con),
        "levels": levels(con, year_months(year), area.code, caches),
        "hotspots": hotspot_groups(con, filters, area, caches),
        "places": place_figures(con, filters, area),
        "problems": problems_opened(con, tasking, area, year, caches, filters.boundary_set),
        "delivery": delivery(con, filters, area, year, caches, options.delivery_res),
        "feeds": feeds(con, filters, area, caches, rule),
        "repeat_victims": {"held": False} if cases is None else repeat_victims(cases.store, year),
        "case_review": {"held": False, "note": CASE_REVIEW} if cases is None else case_review(cases, year),
    }
    found["changes"] = changes(found["levels"], found["feeds"])
    found["priorities"] = priorities(found)
    return found
