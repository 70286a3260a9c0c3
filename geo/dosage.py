"""Patrol dosage from movement: GPS pings to minutes present, visits, Koper-compliant visits and drive-by minutes per
H3 cell's geofence, local day and agency. Pure and vectorised; the rules are stated in docs/delivery.md:

- each ping stands for the time until the next ping of its track; a gap longer than the ping-gap limit cuts the
  track into pieces (the gap is not presence), and the last ping of a piece stands for the same time as the ping
  before it (a piece of one ping counts nothing);
- a ping moving faster than walking pace (to its next ping, or from the one before for a piece's last) is a
  drive-by: its time counts as drive-by minutes, never as presence or towards a visit;
- every cell's geofence is the cell and a buffer around it: a ping counts in its own cell's fence and in every
  neighbouring fence within the buffer (so fence minutes may add to more than the time tracked);
- a visit is one track's presence in one fence, its pieces joined when no more than the merge gap apart; it is
  compliant when its minutes present reach the Koper threshold, and it counts on the local day it began;
- days are Europe/London days; minutes fall on the day of each ping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

import h3ronpy
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.hexbin import cell_polygons, points_to_cells

LOCAL = ZoneInfo("Europe/London")
CHUNK = 1 << 18  # pings near an edge tested against their neighbours at a time
CHUNK_PINGS = 1 << 19  # pings (whole tracks) counted at a time
M_PER_DEG_LAT = 111_320.0  # metres per degree of latitude (and of longitude at the equator), spherical Earth


@dataclass(frozen=True)
class DosageRules:
    """The stated assumptions dosage is counted under."""

    res: int = 9  # the resolution of the cells (and of the patrol plan's cells)
    buffer_m: float = 25.0  # a fence is its cell and this far around it (a hand-held GPS's usual error)
    merge_gap_s: int = 300  # presence in a fence no more than this apart is one visit
    ping_gap_limit_s: int = 300  # a gap between pings longer than this is not counted as presence
    walking_pace_mps: float = 2.0  # faster than this (7.2 km/h) is a drive-by
    compliant_s: int = 600  # a visit of at least this long (Koper's 10 minutes) is compliant


@dataclass(frozen=True)
class Pings:
    """Pings of one or more tracks: a track number, UNIX seconds, WGS84 longitude and latitude, and the agency."""

    track: np.ndarray  # int64
    time: np.ndarray  # int64, seconds since 1970-01-01 UTC
    lon: np.ndarray  # float64
    lat: np.ndarray  # float64
    agency: np.ndarray  # object (str)

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The arrays in field order."""
        return self.track, self.time, self.lon, self.lat, self.agency

    def sorted(self) -> Pings:
        """The same pings ordered by track, then time (as they are, when they are so already: files usually are)."""
        same_track = self.track[1:] == self.track[:-1]
        if np.all((self.track[1:] > self.track[:-1]) | (same_track & (self.time[1:] >= self.time[:-1]))):
            return self
        order = np.lexsort((self.time, self.track))
        return Pings(*(c[order] for c in self.columns()))


DOSAGE_SCHEMA = pa.schema(
    [
        ("cell", pa.uint64()),
        ("day", pa.date32()),
        ("agency", pa.string()),
        ("minutes", pa.float64()),
        ("driveby_minutes", pa.float64()),
        ("visits", pa.int64()),
        ("compliant_visits", pa.int64()),
    ]
)


@cache
def _utc_offset(hour: int) -> int:
    """Europe/London's offset from UTC, in seconds, during an hour since 1970 (clocks change on the hour)."""
    offset = datetime.fromtimestamp(hour * 3600, UTC).astimezone(LOCAL).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def local_days(time: np.ndarray) -> np.ndarray:
    """The Europe/London day (days since 1970-01-01) of each UNIX time."""
    hours = time // 3600
    unique, inverse = np.unique(hours, return_inverse=True)
    offsets = np.array([_utc_offset(int(h)) for h in unique], dtype=np.int64)
    return ((time + offsets[inverse]) // 86400).astype(np.int32)


def _metres(lon: np.ndarray, lat: np.ndarray, lat0: float) -> np.ndarray:
    """Points as metres on a plane tangent at latitude lat0 (exact enough across a force's area)."""
    return np.column_stack([lon * M_PER_DEG_LAT * math.cos(math.radians(lat0)), lat * M_PER_DEG_LAT])


def _time_and_speed(p: Pings, rules: DosageRules, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seconds each ping stands for, and its speed (m/s), under the ping-gap rule (pings sorted by track, time)."""
    n = len(p.time)
    dt = np.diff(p.time).astype(np.float64)
    step = np.hypot(*np.diff(xy, axis=0).T)
    linked = (p.track[1:] == p.track[:-1]) & (dt <= rules.ping_gap_limit_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, step / np.where(dt > 0, dt, 1.0), np.where(step > 0, np.inf, 0.0))
    has_next = np.append(linked, False)
    has_prev = np.insert(linked, 0, False)
    prev_dt, prev_speed = np.insert(dt, 0, 0.0), np.insert(speed, 0, 0.0)
    next_dt, next_speed = np.append(dt, 0.0), np.append(speed, 0.0)
    seconds = np.where(has_next, next_dt, np.where(has_prev, prev_dt, 0.0))
    speeds = np.where(has_next, next_speed, np.where(has_prev, prev_speed, 0.0))
    return seconds if n else np.zeros(0), speeds if n else np.zeros(0)


def _near_an_edge(cells: np.ndarray, inverse: np.ndarray, xy: np.ndarray, buffer_m: float, lat0: float) -> np.ndarray:
    """Which pings may lie within the buffer of a neighbouring cell: those no nearer their own cell's centre than
    the cell's inner radius less the buffer (the rest are further than the buffer from every edge)."""
    polygons = shapely.transform(cell_polygons(cells), lambda c: _metres(c[:, 0], c[:, 1], lat0))
    centres = shapely.centroid(polygons)
    inner = shapely.distance(centres, shapely.boundary(polygons))
    centre_xy = np.column_stack([shapely.get_x(centres), shapely.get_y(centres)])[inverse]
    return np.asarray(np.hypot(*(xy - centre_xy).T) >= inner[inverse] - buffer_m)


def _vertices(cells: np.ndarray, lat0: float) -> np.ndarray:
    """Each cell's boundary in metres on the tangent plane, as (cells, vertices + 1, 2): the ring closed, a ring
    shorter than the longest padded with its last vertex (a segment of no length)."""
    polygons = cell_polygons(cells)
    coords, which = shapely.get_coordinates(shapely.get_exterior_ring(polygons), return_index=True)
    xy = _metres(coords[:, 0], coords[:, 1], lat0)
    counts = np.bincount(which, minlength=len(cells))
    longest = int(counts.max()) if len(counts) else 0
    position = np.arange(len(which)) - np.repeat(np.cumsum(counts) - counts, counts)
    ring = np.empty((len(cells), longest, 2))
    ring[:] = xy[np.cumsum(counts) - 1][:, None, :]  # padding: the last vertex (the first again)
    ring[which, position] = xy
    return ring


def _distance_to_ring(points: np.ndarray, rings: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Each point's distance (metres) to the boundary of its ring (`which`): the nearest of the ring's segments. The
    points tested lie outside the cells whose rings they are tested against (in a neighbouring cell), where the
    distance to the boundary is the distance to the cell."""
    best = np.full(len(points), np.inf)
    own = rings[which]
    for k in range(rings.shape[1] - 1):  # a loop over a hexagon's six sides, each over every point at once
        a, b = own[:, k], own[:, k + 1]
        ab, ap = b - a, points - a
        length = np.einsum("ij,ij->i", ab, ab)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.clip(np.where(length > 0, np.einsum("ij,ij->i", ap, ab) / length, 0.0), 0.0, 1.0)
        best = np.minimum(best, np.hypot(*(ap - t[:, None] * ab).T))
    return best


def _memberships(p: Pings, rules: DosageRules, xy: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """(ping index, fence cell) for every fence each ping lies in: its own cell's, and each neighbour's within the
    buffer."""
    own = points_to_cells(p.lon, p.lat, rules.res)
    index = np.arange(len(own))
    if rules.buffer_m <= 0 or len(own) == 0:
        return index, own
    cells, inverse = np.unique(own, return_inverse=True)
    edge = np.flatnonzero(_near_an_edge(cells, inverse, xy, rules.buffer_m, lat0))
    # each cell's neighbours (grid-disk order, itself left out) as indices into the fences they make
    disks = pa.array(h3ronpy.grid_disk(pa.array(cells), 1))
    sizes = np.asarray(pc.list_value_length(disks).to_numpy(zero_copy_only=False), dtype=np.int64)
    flat = np.asarray(disks.flatten().to_numpy(zero_copy_only=False), dtype=np.uint64)
    rows = np.repeat(np.arange(len(cells)), sizes)
    table = np.zeros((len(cells), int(sizes.max())), dtype=np.uint64)
    table[rows, np.arange(len(flat)) - np.repeat(np.cumsum(sizes) - sizes, sizes)] = flat
    valid = (table != 0) & (table != cells[:, None])
    if not len(edge) or not valid.any():
        return index, own
    fence_cells, fence_of = np.unique(table[valid], return_inverse=True)
    neighbours = np.full(table.shape, -1, dtype=np.int64)
    neighbours[valid] = fence_of
    rings = _vertices(fence_cells, lat0)
    # only the neighbours whose centre lies within their farthest vertex plus the buffer can be near enough
    centres = rings[:, :-1].mean(axis=1)
    reach = np.sqrt(((rings - centres[:, None, :]) ** 2).sum(axis=2).max(axis=1)) + rules.buffer_m
    pings, fences = [index], [own]
    for chunk in np.array_split(edge, -(-len(edge) // CHUNK)):  # in chunks: bounded memory
        candidates = neighbours[inverse[chunk]]
        points = xy[chunk]
        known = candidates >= 0
        fence = np.where(known, candidates, 0)
        gap = np.hypot(points[:, None, 0] - centres[fence, 0], points[:, None, 1] - centres[fence, 1])
        row, column = np.nonzero(known & (gap <= reach[fence]))
        fence = fence[row, column]
        near = _distance_to_ring(points[row], rings, fence) <= rules.buffer_m
        pings.append(chunk[row[near]])
        fences.append(fence_cells[fence[near]])
    return np.concatenate(pings), np.concatenate(fences)


def _agency_codes(agency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The agencies in alphabetical order, and each ping's agency as its number in that order."""
    encoded = pa.array(agency, pa.string()).dictionary_encode()
    names = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    alphabetical = np.argsort(names.astype(str), kind="stable")
    rank = np.empty(len(names), dtype=np.int32)
    rank[alphabetical] = np.arange(len(names), dtype=np.int32)
    return names[alphabetical], rank[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)]


def track_chunks(track: np.ndarray, size: int) -> list[tuple[int, int]]:
    """(start, stop) of runs of about `size` pings (sorted by track) that split only between tracks: a track is
    never cut, so each run's dosage is its own (a track longer than `size` is a run of its own)."""
    n = len(track)
    if n <= size:
        return [(0, n)] if n else []
    starts = np.flatnonzero(track[1:] != track[:-1]) + 1
    if not len(starts):
        return [(0, n)]
    bounds = np.unique(starts[np.minimum(np.searchsorted(starts, np.arange(size, n, size)), len(starts) - 1)])
    edges = [0, *(int(b) for b in bounds if 0 < b < n), n]
    return list(zip(edges[:-1], edges[1:], strict=True))


KEYS = ["cell", "day", "agency"]


def _chunk(p: Pings, agency_code: np.ndarray, rules: DosageRules, lat0: float) -> tuple[pa.Table, pa.Table]:
    """One run of whole tracks: (seconds dwelling and moving per cell, day and agency; visits and compliant visits
    per the same keys, counted on their first ping's)."""
    xy = _metres(p.lon, p.lat, lat0)
    seconds, speed = _time_and_speed(p, rules, xy)
    moving = speed > rules.walking_pace_mps
    ping, cell = _memberships(p, rules, xy, lat0)
    del xy, speed
    keep = seconds[ping] > 0
    ping, cell = ping[keep], cell[keep]
    days = local_days(p.time)

    # visits: one track's dwell in one fence, ordered by fence, track and time; a new visit after a longer gap
    dwell = ~moving[ping]
    d_ping, d_cell = ping[dwell], cell[dwell]
    order = np.lexsort((p.time[d_ping], p.track[d_ping], d_cell))
    d_ping, d_cell = d_ping[order], d_cell[order]
    start, end = p.time[d_ping], p.time[d_ping] + seconds[d_ping]
    same = (d_cell[1:] == d_cell[:-1]) & (p.track[d_ping][1:] == p.track[d_ping][:-1])
    joined = same & (start[1:] - end[:-1] <= rules.merge_gap_s)
    new_visit = np.insert(~joined, 0, True) if len(d_ping) else np.zeros(0, dtype=bool)
    visit = np.cumsum(new_visit) - 1
    visit_seconds = np.bincount(visit, weights=seconds[d_ping]) if len(d_ping) else np.zeros(0)
    compliant_start = new_visit & (visit_seconds[visit] >= rules.compliant_s) if len(d_ping) else new_visit
    del start, end, same, joined, visit, order

    presence = pa.table(
        {
            "cell": cell,
            "day": days[ping],
            "agency": agency_code[ping],
            "dwell": np.where(moving[ping], 0.0, seconds[ping]),
            "moving": np.where(moving[ping], seconds[ping], 0.0),
        }
    )
    del ping, cell
    summed = presence.group_by(KEYS).aggregate([("dwell", "sum"), ("moving", "sum")])
    del presence
    first = np.flatnonzero(new_visit)
    starts = pa.table(
        {
            "cell": d_cell[first],
            "day": days[d_ping[first]],
            "agency": agency_code[d_ping[first]],
            "visits": np.ones(len(first), dtype=np.int64),
            "compliant": compliant_start[first].astype(np.int64),
        }
    )
    return summed, starts.group_by(KEYS).aggregate([("visits", "sum"), ("compliant", "sum")])


def dosage(pings: Pings, rules: DosageRules) -> pa.Table:
    """Minutes present, drive-by minutes, visits and compliant visits per fence cell, local day and agency
    (DOSAGE_SCHEMA, sorted by cell, day, agency; only fences with time in them).

    Counted a run of whole tracks at a time (CHUNK_PINGS) and the runs' sums added: every rule works within one
    track, so the result is the same as counting all the pings at once, in a fraction of the memory. Seconds are
    whole numbers, so their sums are exact in any order."""
    p = pings.sorted()
    if len(p.time) == 0:
        return DOSAGE_SCHEMA.empty_table()
    lat0 = float(np.mean(p.lat))  # one tangent plane for the whole load
    agencies, agency_code = _agency_codes(p.agency)
    sums, visits = [], []
    for lo, hi in track_chunks(p.track, CHUNK_PINGS):
        part = Pings(*(column[lo:hi] for column in p.columns()))
        summed, counted = _chunk(part, agency_code[lo:hi], rules, lat0)
        sums.append(summed)
        visits.append(counted)
    del p, agency_code
    summed = pa.concat_tables(sums).group_by(KEYS).aggregate([("dwell_sum", "sum"), ("moving_sum", "sum")])
    counted = pa.concat_tables(visits).group_by(KEYS).aggregate([("visits_sum", "sum"), ("compliant_sum", "sum")])
    # visits count on the fence, day and agency of their first ping, which is one of the presence rows' keys
    summed = summed.join(counted, keys=KEYS, join_type="left outer")
    summed = summed.sort_by([("cell", "ascending"), ("day", "ascending"), ("agency", "ascending")])
    agency_names = agencies[summed["agency"].to_numpy()]
    return pa.table(
        {
            "cell": pa.array(summed["cell"].to_numpy(), pa.uint64()),
            "day": pa.array(summed["day"].to_numpy().astype(np.int32), pa.int32()).cast(pa.date32()),
            "agency": pa.array(agency_names.tolist(), pa.string()),
            "minutes": pa.array(summed["dwell_sum_sum"].to_numpy() / 60.0, pa.float64()),
            "driveby_minutes": pa.array(summed["moving_sum_sum"].to_numpy() / 60.0, pa.float64()),
            "visits": pc.fill_null(summed["visits_sum_sum"], 0).cast(pa.int64()).combine_chunks(),
            "compliant_visits": pc.fill_null(summed["compliant_sum_sum"], 0).cast(pa.int64()).combine_chunks(),
        },
        schema=DOSAGE_SCHEMA,
    )
