"""A problem's profile, frozen as its baseline when it opens: counts by source and category, the monthly series with
its tests, the weekday and hour profile, the commonest places, the records linked across agencies and the feeds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import Schema, absent
from api.http.models.concentration import ConcentrationFigures, LorenzPoint
from api.http.models.facility_risk import ProfileFacilities
from api.http.models.near_repeat import NearRepeatFigures
from api.http.models.repeat_places import RepeatWindow, TopRepeatPlaces
from api.http.models.status import Gap
from api.http.models.trends import NotComparable, Tested

MONTH = "YYYY-MM"


class ProfilePeriod(Schema):
    """The profile's months."""

    from_: str = Field(alias="from", description=MONTH)
    to: str = Field(description=MONTH)
    months: int


class ProfileCells(Schema):
    """The H3 cells of the problem's area the counts are taken over."""

    res: int = Field(description="H3 resolution")
    count: int = Field(description="Cells in the area")


class MonthTotal(Schema):
    """One month's count."""

    month: str = Field(description=MONTH)
    count: int


class Months(Schema):
    """A span of months."""

    from_: str = Field(alias="from", description=MONTH)
    to: str = Field(description=MONTH)


class Halves(Schema):
    """The period's second half against its first, with the conditional Poisson test."""

    first: Months
    second: Months
    held: Literal[True]
    comparable: Literal[True]
    total: int = Field(description="Incidents in the first half")
    change: int = Field(description="Second half minus first half")
    change_pct: float | None = Field(description="Change in per cent (null when the first half has none)")
    p_value: float
    significant: bool
    first_total: int
    second_total: int


class ProfileComparison(Tested):
    """The period against another held for every source counted, with each source's records there."""

    by_source: dict[str, int] = Field(description="Records of each source in the period compared with")


class ProfileTrend(Schema):
    """The change within the period and against the period before and the same months a year earlier."""

    halves: Halves | None = Field(description="Second half against first (null: under two months)")
    test: str = Field(description="The test in words")
    alpha: float
    previous_period: ProfileComparison | NotComparable
    last_year: ProfileComparison | NotComparable


class SourceMonths(Schema):
    """One source's records over the period."""

    source: str
    count: int
    monthly: list[MonthTotal]


class SourceCategory(Schema):
    """One source's records of one category."""

    source: str
    category: str
    count: int


class Place(Schema):
    """A location text of a source's records, ranked by count."""

    source: str
    place: str = Field(description="The location text, without `On or near`")
    count: int
    repeat: bool = Field(description="A repeat location: `repeat_at` records or more")


class SourceTiming(Schema):
    """One source's records by weekday and hour."""

    source: str
    dated: int = Field(description="Records dated to the day")
    month_only: int = Field(description="Records with a month only")
    weekday: list[int] = Field(description="Records by weekday, Monday first")
    hour: list[int] | None = Field(description="Records by hour of the day (null: no times of day)")
    note: str | None


class Timing(Schema):
    """When in the week and the day records happen, where they are dated."""

    weekdays: list[str] = Field(description="Mon..Sun")
    weekday: list[int] = Field(description="Records by weekday, Monday first")
    hour: list[int] | None = Field(description="Records by hour (null: no source gives times of day)")
    dated: int
    month_only: int
    by_source: list[SourceTiming]
    note: str


class LinkedSources(Schema):
    """Incidents reported to one combination of agencies."""

    sources: list[str]
    incidents: int
    records: int


class Linked(Schema):
    """Records of different agencies linked as one incident."""

    incidents: int
    records: int
    by_sources: list[LinkedSources]
    note: str


class ProfileFeed(Schema):
    """What the source monitor says about a feed of a source counted."""

    source: str
    feed: str
    status: Literal["ok", "gaps", "lagging", "stopped"]
    first_month: str | None
    latest_month: str | None
    precision: dict[str, float] = Field(description="Share of rows at each location precision")
    gaps_in_period: list[Gap] = Field(description="Months flagged within the profile's period")
    gaps: int = Field(description="Months flagged, every month held")


class ProfileRepeats(Schema):
    """The area's repeat places: the 12 months to the period's end and its top repeat places."""

    last_window: RepeatWindow | None
    top: TopRepeatPlaces
    note: str = Field(description="police.uk locations are anonymised snap points")


class ProfileConcentration(ConcentrationFigures):
    """Concentration across the area's places, with its Lorenz curve."""

    lorenz: list[LorenzPoint] = absent(
        "The Lorenz curve at 0%, 5%, ... 100% of the area's places, busiest first (absent from older profiles)"
    )


class ProfileNearRepeat(NearRepeatFigures):
    """The Knox test of the area's incidents dated to the day, with the default bands."""

    headline: str = Field(description="The window of elevated risk in words")


class ProblemProfile(Schema):
    """What the store held for the problem's area and baseline period when it opened (a partner sees only its own
    sources and the open ones, with the totals and tests recomputed over them)."""

    generated_at: str = Field(description="UTC, ISO 8601")
    store_version: int
    period: ProfilePeriod
    category: str = Field(description="Category group")
    sources: list[str] = Field(description="Sources counted (`all`: every source)")
    cells: ProfileCells
    total: int = Field(description="Incidents in the area (records linked across sources counted once)")
    monthly: list[MonthTotal]
    trend: ProfileTrend = absent("The tests of change (absent from profiles frozen before they were made)")
    by_source: list[SourceMonths]
    by_category: list[SourceCategory]
    places: list[Place]
    repeat_at: int = Field(description="Records at one location text that make it a repeat location")
    timing: Timing = absent("Weekday and hour profile (absent from profiles frozen before it was made)")
    linked: Linked = absent("Records linked across agencies (absent from profiles frozen before they were made)")
    feeds: list[ProfileFeed] = absent("The source monitor's word (absent from profiles frozen before it was made)")
    concentration: ProfileConcentration = absent(
        "Concentration across the area's places, every source (absent from a partner's view and older profiles)"
    )
    repeat_places: ProfileRepeats = absent(
        "The area's repeat places, every source (absent from a partner's view and older profiles)"
    )
    near_repeat: ProfileNearRepeat = absent(
        "Near-repeats (Knox test) of the area's incidents dated to the day, every source (absent from a partner's "
        "view and older profiles)"
    )
    risky_facilities: ProfileFacilities = absent(
        "Risky facilities of the kept facility lists: each list's J-curve over the problem's local authorities, its "
        "facilities above the knee in the area named (absent from a partner's view and older profiles)"
    )
    note: str
