"""Risky facilities: the facilities of an uploaded list with the incidents attributed to each, and the J-curve."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Period, Point, Schema, StudyAreaEcho


class FacilityProperties(Schema):
    """One facility's figures."""

    rank: int = Field(description="1: the busiest (ties by the file's order)")
    name: str
    count: int = Field(description="Incidents attributed to it")
    size: float | None = Field(description="Its size, from the size column asked (null: none)")
    rate: float | None = Field(description="Incidents per unit of size (null: no positive size)")
    risky: bool = Field(description="Above the J-curve's knee: more incidents than the facility at the knee")


class FacilityFeature(Schema):
    """A facility at its point (a shape's facility at a point inside it)."""

    type: Literal["Feature"]
    geometry: Point
    properties: FacilityProperties
    id: str = Field(description="Its row in the file, from 1")


class FacilityFile(Schema):
    """What was read from the file."""

    kind: str
    facilities: int
    size: str | None = Field(description="The size column asked")


class Knee(Schema):
    """The J-curve's knee."""

    rank: int
    count: int


class RiskyShare(Schema):
    """The facilities above the knee."""

    facilities: int
    share_of_facilities: float
    share_of_incidents: float | None


class CurvePoint(Schema):
    """A point of the J-curve: the busiest share of facilities and the share of attributed incidents they hold."""

    facilities: float
    incidents: float


class RiskyFacilitiesLayer(Schema):
    """The facilities ranked busiest first, with the J-curve and its knee."""

    type: Literal["FeatureCollection"]
    features: list[FacilityFeature]
    area: StudyAreaEcho
    period: Period
    filters: FiltersEcho
    file: FacilityFile
    within_m: float = Field(description="The greatest distance from an incident's place to its facility, metres")
    incidents: int = Field(description="Incidents at the area's mapped places in the period")
    attributed: int = Field(description="Incidents attributed to a facility")
    knee: Knee | None = Field(description="null: fewer than three facilities, or every count the same")
    risky: RiskyShare
    j_curve: list[CurvePoint]
    warnings: list[str]
    method: str
    note: str = Field(description="police.uk locations are anonymised snap points")
