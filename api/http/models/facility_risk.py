"""Risky facilities over the facility lists kept in the store: the lists, their facilities above the knee, the layer
drawn, the profile's and the pack's sections, and an upload's answer."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Period, Polygon, Schema, StudyAreaEcho
from api.http.models.risky_facilities import Knee


class KeptList(Schema):
    """A facility list kept in the store."""

    list_id: int
    kind: str = Field(description="licensed premises, shops, stops, schools, or a kind named freely")
    name: str
    source_file: str = Field(description="The name of the file it was loaded from")
    file_format: str = Field(description="CSV, GeoJSON or GeoPackage")
    size_column: str | None
    loaded_at: str = Field(description="When it was loaded (UTC, ISO 8601)")
    facilities: int
    quarantined: int = Field(description="Rows refused on loading (no location, or outside Great Britain)")


class Refusal(Schema):
    """A row refused on loading."""

    line: int = Field(description="The CSV's line (the header is line 1), or a GIS file's feature number")
    reason: str


class FacilityListLoaded(KeptList):
    """A list kept from an upload (list_id 0 and loaded_at empty: a dry run, nothing kept)."""

    dry_run: bool
    refused: list[Refusal]


class FacilityLists(Schema):
    """Every facility list kept."""

    lists: list[KeptList]


class RiskyFacility(Schema):
    """A facility above its list's knee."""

    rank: int = Field(description="1: the busiest of the list in the area")
    name: str
    count: int = Field(description="Incidents attributed to it")
    size: float | None
    rate: float | None = Field(description="Incidents per unit of size (null: no size)")
    lon: float
    lat: float
    risky: bool


class ListFigures(Schema):
    """A kept list over the study area."""

    list_id: int
    kind: str
    name: str
    source_file: str
    loaded_at: str
    size_column: str | None
    facilities: int = Field(description="Its facilities inside the study area's wards")
    attributed: int = Field(description="Incidents attributed to one of them")
    incidents: int = Field(description="Incidents at the area's mapped places in the period")
    knee: Knee | None = Field(description="null: fewer than three facilities, or every count the same")
    risky_share: float | None = Field(description="Share of the attributed incidents at the risky facilities")
    risky: list[RiskyFacility] = Field(description="The facilities above the knee, busiest first")


class FacilityRiskProperties(Schema):
    """A drawn facility."""

    h3: str
    rank: int
    name: str
    count: int
    size: float | None
    rate: float | None
    risky: bool = Field(description="Above its list's knee")
    list: str
    kind: str
    knee_count: int | None = Field(description="Incidents at the facility at its list's knee")


class FacilityRiskFeature(Schema):
    """The small cell (H3 res 11) around a facility's point."""

    type: Literal["Feature"]
    geometry: Polygon
    properties: FacilityRiskProperties
    id: str


class FacilityRiskLayer(Schema):
    """The kept lists' facilities in the study area, with each list's figures."""

    type: Literal["FeatureCollection"]
    features: list[FacilityRiskFeature]
    area: StudyAreaEcho
    resolution: int
    period: Period
    filters: FiltersEcho
    held: bool = Field(description="false: no facility list held")
    within_m: float
    lists: list[ListFigures]
    warnings: list[str]
    method: str
    note: str


class ProfileList(Schema):
    """A kept list in a problem's profile: its J-curve over the problem's local authorities."""

    list_id: int
    kind: str
    name: str
    source_file: str
    loaded_at: str
    size_column: str | None
    facilities: int
    attributed: int
    incidents: int
    knee: Knee | None
    risky_share: float | None
    risky_in_lads: int = Field(description="Facilities above the knee in the local authorities")
    risky_in_area: list[RiskyFacility] = Field(description="Those standing in the problem's cells, named")


class ProfileFacilities(Schema):
    """Risky facilities in a problem's profile."""

    held: bool = Field(description="false: no facility list held")
    within_m: float
    lads: list[str]
    lists: list[ProfileList]
    warnings: list[str]
    method: str
    note: str


class PackFacilities(Schema):
    """Risky facilities in the tasking pack: each kept list over the partnership's area."""

    held: bool = Field(description="false: no facility list held")
    within_m: float
    lists: list[ListFigures]
    warnings: list[str]
    method: str
    note: str
