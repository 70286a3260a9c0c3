"""The read side of the store: every query the services ask, as Arrow tables or plain values."""

from ingest.store.read.counts import (
    area_cells,
    cell_month_counts,
    hex_counts,
    monthly_counts,
    top_cells,
    ward_counts,
)
from ingest.store.read.coverage import FeedCoverage, by_month, feed_coverage, latest_month, merged, total
from ingest.store.read.dated import cell_week_counts, date_extent, dated_counts, month_only_count
from ingest.store.read.extents import (
    distinct_values,
    freshness,
    lad_exists,
    lads_with_incidents,
    lads_with_wards,
    month_extent,
    source_extents,
    store_version,
    ward_lad,
)
from ingest.store.read.filters import KEY_MODULUS, IncidentFilter
from ingest.store.read.incidents import incident_group, incident_page, parse_id
from ingest.store.read.reference import (
    NamedArea,
    boundary_set_names,
    forces,
    list_boundary_sets,
    resolve_boundary_set,
    resolve_csp,
    resolve_force,
    ward_geometries,
    ward_names,
)

__all__ = [
    "KEY_MODULUS",
    "area_cells",
    "FeedCoverage",
    "IncidentFilter",
    "NamedArea",
    "boundary_set_names",
    "by_month",
    "cell_month_counts",
    "cell_week_counts",
    "date_extent",
    "dated_counts",
    "distinct_values",
    "feed_coverage",
    "forces",
    "freshness",
    "hex_counts",
    "incident_group",
    "incident_page",
    "lad_exists",
    "lads_with_incidents",
    "lads_with_wards",
    "latest_month",
    "list_boundary_sets",
    "merged",
    "month_extent",
    "month_only_count",
    "monthly_counts",
    "parse_id",
    "resolve_boundary_set",
    "resolve_csp",
    "resolve_force",
    "source_extents",
    "store_version",
    "top_cells",
    "total",
    "ward_counts",
    "ward_geometries",
    "ward_lad",
    "ward_names",
]
