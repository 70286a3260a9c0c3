"""What the store holds (health), feed coverage (sources), what a load did (ingest), and incident rows."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Point, Schema, absent

LOADED_AT = "When it was last loaded, local time, YYYY-MM-DDTHH:MM:SS (null: unknown)"


class SourceStatus(Schema):
    """What the store holds of one source."""

    incidents: int
    first_month: str = Field(description="YYYY-MM")
    latest_month: str = Field(description="YYYY-MM")
    last_loaded: str | None = Field(description=LOADED_AT)


class BoundarySet(Schema):
    """A boundary set held."""

    name: str
    default: bool = Field(description="The set used when `wards` is not given")
    wards: int = Field(description="Wards in the set")


class Category(Schema):
    """A category held."""

    code: str
    label: str


class ServiceStatus(Schema):
    """Whether the service works as it should: all that callers below analyst are told."""

    status: Literal["ok", "degraded"]
    problems: list[str] = Field(description="What is wrong, in general terms (empty when ok)")


class AccessState(Schema):
    """The access database (tokens, sessions, audit log)."""

    status: Literal["ok", "read-only", "unavailable", "damaged"] = Field(
        description="read-only: it cannot be written (no new sign-ins, token changes or audit records, so no incident "
        "rows); unavailable: it cannot be read (no token sign-in); damaged: it is left as it is and token sign-in is "
        "off until it is restored and the service restarted"
    )
    detail: str | None = Field(description="What failed: the file and SQLite's error (null when ok)")
    since: str | None = Field(description="When it was first seen, UTC, ISO 8601 (null when ok)")


class StoreState(Schema):
    """The store (incidents, boundaries, reference data) as this service serves it."""

    status: Literal["ok", "unavailable", "stale"] = Field(
        description="unavailable: DuckDB gave up on it (e.g. a checkpoint to a full disk) and it is not reopened yet "
        "(tried again at most every second); stale: it was changed outside this serving group and is served as it "
        "was before that change"
    )
    detail: str | None = Field(description="What failed: DuckDB's error (null when ok)")
    since: str | None = Field(description="When it was first seen, UTC, ISO 8601 (null when ok)")


class Health(ServiceStatus):
    """Service status, the store's and the access database's state and what the store holds (analysts)."""

    store: StoreState
    access: AccessState
    incidents: int | None = Field(description="Incidents held, every source (null: the store cannot be read)")
    sources: dict[str, SourceStatus] | None = Field(description="By source (null: the store cannot be read)")
    boundary_sets: list[BoundarySet] | None = Field(description="Boundary sets held (null: the store cannot be read)")
    categories: list[Category] | None = Field(description="Categories held (null: the store cannot be read)")


class Gap(Schema):
    """A month flagged in a feed."""

    month: str = Field(description="YYYY-MM")
    kind: Literal["stopped", "lagging", "missing", "low", "partial"] = Field(
        description="lagging (a month's row only): the feed is at most two months behind the latest month held, as "
        "police.uk always is; not counted as a gap"
    )
    count: int = Field(description="Rows held for the month")
    expected: float | None = Field(description="The usual count: median of the months before (null: none)")
    p_value: float | None = Field(description="Poisson probability of so few rows at that median (null: no test)")
    message: str


class FeedMonth(Schema):
    """One month of a feed."""

    month: str = Field(description="YYYY-MM")
    loaded: int
    quarantined: int
    quarantine_reasons: dict[str, int] = Field(description="Rows quarantined by reason")
    precision: dict[str, float] = Field(description="Share of rows at each location precision")
    gap: Gap | None = Field(description="The month's gap flag (null: not flagged)")


class FeedLag(Schema):
    """A feed a month or two behind the latest month held."""

    months: int = Field(description="Months it is behind")
    message: str


class FeedReport(Schema):
    """Coverage and data quality of one feed."""

    source: str
    feed: str
    status: Literal["ok", "gaps", "lagging", "stopped"] = Field(
        description="stopped: no rows for more months than a lag; gaps: months flagged; lagging: a month or two "
        "behind the latest month held (police.uk publishes after council feeds), not a gap"
    )
    lagging: FeedLag | None = Field(description="How far the feed is behind the latest month held (null: not behind)")
    first_month: str | None
    latest_month: str | None
    latest_event: str | None = Field(description="Latest event time held, YYYY-MM-DDTHH:MM:SS (null: months only)")
    last_loaded: str | None = Field(description=LOADED_AT)
    files: int = Field(description="Files loaded")
    loaded: int
    quarantined: int
    quarantined_month_unknown: int = Field(description="Quarantined rows whose month could not be read")
    quarantine_reasons: dict[str, int]
    precision: dict[str, float]
    gaps: list[Gap]
    months: list[FeedMonth]


class GapRule(Schema):
    """The rule months are flagged under."""

    window_months: int
    ratio: float
    alpha: float
    min_history_months: int
    lag_months: int = Field(description="A feed at most this many months behind the latest month held is lagging")


class SourcesReport(Schema):
    """Per feed and month: rows loaded, quarantined by reason, location precision and gap flags."""

    latest_month: str | None = Field(description="Latest month held, any feed (null: nothing held)")
    gap_rule: GapRule
    flagged: int = Field(description="Months flagged, every feed")
    feeds: list[FeedReport]


class IngestSummary(Schema):
    """What loading one file did."""

    file: str = Field(description="The file's name")
    status: Literal["loaded", "unchanged", "would load"]
    rows_read: int
    loaded: int
    replaced: int = Field(description="Rows replaced (a snapshot feed's partition written again)")
    unchanged: int
    quarantined: int
    quarantine_reasons: dict[str, int]
    unmapped_categories: dict[str, int] = Field(description="Source categories the feed's profile does not map")
    months_new: list[str] = Field(description="Partitions written for the first time")
    months_replaced: list[str]
    seconds: float
    defaults: str | None = absent(
        "A check (dry_run) only: what the file's new months would do to the default period, which ends at the "
        "latest month every core source holds (null: it adds no month)"
    )


class IncidentProperties(Schema):
    """One incident record as held."""

    id: str = Field(description="Incident id, 32 hex digits")
    source: str
    feed: str
    category: str
    source_category: str = Field(description="The category as the source named it")
    month: str = Field(description="YYYY-MM")
    occurred_at: str | None = Field(description="YYYY-MM-DDTHH:MM (null: the source gives the month only)")
    location_precision: str
    location_text: str | None
    lsoa_code: str | None
    lad_code: str | None
    ward: str | None = Field(description="Ward of the record's place in the boundary set asked for")
    recorded_ward: str | None = Field(description="Ward the source recorded")
    source_ref: str | None = Field(description="The source's own reference")
    outcome: str | None
    reported_by: str | None
    linked_group: str | None = Field(description="Id of the linked group's primary record (null: not linked)")


class LinkedProperties(IncidentProperties):
    """A record of a linked group, placed against the group's primary record."""

    distance_m: float | None = Field(description="Metres from the primary record (null for the primary)")
    hours_apart: float | None = Field(description="Hours from the primary record (null for the primary)")
    is_primary: bool


class IncidentFeature(Schema):
    """An incident (a record without a point has a null geometry)."""

    type: Literal["Feature"]
    id: str
    geometry: Point | None
    properties: IncidentProperties


class LinkedFeature(Schema):
    """A record of a linked group."""

    type: Literal["Feature"]
    id: str
    geometry: Point | None
    properties: LinkedProperties


class Link(Schema):
    """A link to another page."""

    rel: str
    href: str
    type: str


class IncidentPage(Schema):
    """A page of incidents ordered by id."""

    type: Literal["FeatureCollection"]
    features: list[IncidentFeature]
    numberReturned: int  # noqa: N815 (the OGC API Features member)
    filters: FiltersEcho
    next: str | None = Field(description="URL of the next page (null on the last page)")
    links: list[Link]


class IncidentGroup(Schema):
    """An incident with every record linked to it that the caller may see."""

    type: Literal["FeatureCollection"]
    id: str = Field(description="The incident asked for")
    features: list[LinkedFeature] = Field(description="The group's primary record first")
    linked_records: int = Field(description="Records linked to the primary (0 for a partner: links are not shown)")
