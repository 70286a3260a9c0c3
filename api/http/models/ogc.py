"""OGC API - Features (Part 1: Core, GeoJSON): landing page, conformance, collections and pages of items."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, MultiPolygon, Polygon, Schema, absent
from api.http.models.concentration import ConcentrationFeature, ConcentrationLayer
from api.http.models.delivery import DeliveryFeature, DeliveryLayer
from api.http.models.facility_risk import FacilityRiskFeature, FacilityRiskLayer
from api.http.models.hotspots import GiCellFeature, GiCellLayer, GiWardFeature, GiWardLayer
from api.http.models.layers import HexFeature, HexLayer, WardFeature, WardLayer
from api.http.models.near_repeat import NearRepeatFeature, NearRepeatLayer
from api.http.models.patrol import PatrolFeature, PatrolPlanCollection
from api.http.models.repeat_places import RepeatPlaceFeature, RepeatPlacesLayer
from api.http.models.status import IncidentFeature

# OGC member names are camelCase
# ruff: noqa: N815


class OgcLink(Schema):
    """A link (RFC 8288) as OGC API documents write it."""

    href: str
    rel: str
    type: str = absent("Media type of the resource linked to")
    title: str = absent("What the resource linked to is")


class LandingPage(Schema):
    """The OGC API landing page: links to the API definition, the conformance classes and the collections."""

    title: str
    description: str
    links: list[OgcLink]


class Conformance(Schema):
    """The conformance classes the API implements."""

    conformsTo: list[str]


class SpatialExtent(Schema):
    """Where a collection's features lie."""

    bbox: list[list[float]] = Field(description="minlon, minlat, maxlon, maxlat")
    crs: str


class TemporalExtent(Schema):
    """The months a collection's features can be counted over."""

    interval: list[list[str | None]] = Field(description="First and last instant held (RFC 3339)")
    trs: str


class Extent(Schema):
    """A collection's extent in space and time."""

    spatial: SpatialExtent
    temporal: TemporalExtent


class CollectionInfo(Schema):
    """A feature collection."""

    id: str
    title: str
    description: str
    itemType: str = Field(description="Always `feature`")
    crs: list[str]
    extent: Extent
    links: list[OgcLink]


class Collections(Schema):
    """The feature collections the caller may read."""

    links: list[OgcLink]
    collections: list[CollectionInfo]


class Page(Schema):
    """What every page of items carries besides its features."""

    links: list[OgcLink] = Field(description="self, collection, and next / prev where there is such a page")
    timeStamp: str = Field(description="When the page was written (RFC 3339, UTC)")
    numberMatched: int = Field(description="Features matching the request, over every page")
    numberReturned: int = Field(description="Features on this page")


class WardItems(WardLayer, Page):
    """A page of the ward layer."""


class HexItems(HexLayer, Page):
    """A page of a hexagon layer."""


class GiCellItems(GiCellLayer, Page):
    """A page of Gi* cells (`unit=h3`)."""


class GiWardItems(GiWardLayer, Page):
    """A page of Gi* wards (`unit=ward`)."""


class PatrolItems(PatrolPlanCollection, Page):
    """A page of the patrol plan."""


class DeliveryItems(DeliveryLayer, Page):
    """A page of the patrol delivery layer."""


class IncidentItems(Page):
    """A page of incident records ordered by id (`next` and `prev` links carry cursors)."""

    type: Literal["FeatureCollection"]
    features: list[IncidentFeature]
    filters: FiltersEcho


class ProblemAreaProperties(Schema):
    """A problem as the caller may see it: the public get no title, owner or action counts."""

    id: int = Field(description="Problem id")
    title: str = absent("Title (not for the public)")
    status: str = Field(description="scanning, analysis, response, assessment or closed")
    category_group: str = Field(description="The category group the problem is about")
    owner: str = absent("Who owns the problem (not for the public)")
    wards: str = Field(description="The wards the area lies in, by name, separated by `; `")
    opened: str | None = Field(description="Date opened, YYYY-MM-DD")
    closed: str | None = Field(description="Date closed, YYYY-MM-DD")
    actions_due: int = absent("Actions planned or in progress, not past due (not for the public)")
    actions_overdue: int = absent("Actions past due and not done (not for the public)")
    actions_done: int = absent("Actions done (not for the public)")


class ProblemAreaFeature(Schema):
    """A problem's area: its own (analysts; partners party to it) or the outline of its wards (others)."""

    type: Literal["Feature"]
    id: int
    geometry: Polygon | MultiPolygon | None
    properties: ProblemAreaProperties


class ProblemAreaItems(Page):
    """A page of problem areas, oldest first."""

    type: Literal["FeatureCollection"]
    features: list[ProblemAreaFeature]


class ItemLinks(Schema):
    """What a single item carries besides the feature itself."""

    links: list[OgcLink] = Field(description="self and collection")


class WardItem(WardFeature, ItemLinks):
    """One ward."""


class HexItem(HexFeature, ItemLinks):
    """One hexagon."""


class GiCellItem(GiCellFeature, ItemLinks):
    """One Gi* cell."""


class GiWardItem(GiWardFeature, ItemLinks):
    """One Gi* ward."""


class PatrolItem(PatrolFeature, ItemLinks):
    """One cell of the patrol plan."""


class ConcentrationItems(ConcentrationLayer, Page):
    """A page of the cells where half the incidents are."""


class ConcentrationItem(ConcentrationFeature, ItemLinks):
    """One cell where half the incidents are."""


class DeliveryItem(DeliveryFeature, ItemLinks):
    """One cell's delivery."""


class RepeatPlaceItems(RepeatPlacesLayer, Page):
    """A page of the top repeat places."""


class RepeatPlaceItem(RepeatPlaceFeature, ItemLinks):
    """One top repeat place."""


class NearRepeatItems(NearRepeatLayer, Page):
    """A page of the cells of elevated near-repeat risk."""


class NearRepeatItem(NearRepeatFeature, ItemLinks):
    """One cell of elevated near-repeat risk."""


class FacilityRiskItems(FacilityRiskLayer, Page):
    """A page of the kept lists' facilities."""


class FacilityRiskItem(FacilityRiskFeature, ItemLinks):
    """One facility of a kept list."""


class IncidentItem(IncidentFeature, ItemLinks):
    """One incident record."""


class ProblemAreaItem(ProblemAreaFeature, ItemLinks):
    """One problem area."""
