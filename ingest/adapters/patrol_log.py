"""Patrol logs without GPS (CSV, plain or gzipped): a team, a place and a start and end, read as pings one a minute
at the place from the start until the end, so that the same dosage rules count them: an entry of D minutes is D
minutes present and one visit there (compliant from 10 minutes).

The place is an H3 cell (its id, read at the cell's centre), a cell of a named patrol plan by its printed number
(read at its centre), an Ordnance Survey grid reference (`NZ 4953 1970`, read at the centre of the square it
names), a street (placed through the store's incidents: ingest.movement_places), or a latitude and longitude. A row
may use any of the log's place columns: the first it fills, in that order. Each entry is its own visit.

Read column by column: times through ingest.movement.parse_times, each distinct place once, and the entries spread
into pings with arrays, not a loop per ping."""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import h3ronpy
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from h3ronpy import vector
from pyproj import Transformer

from ingest.adapters.csv_batches import iter_csv_batches, read_header
from ingest.columns import decoded
from ingest.errors import FeedFileError
from ingest.movement import PING_SCHEMA, PingBatch, numbers_or_nan, parse_times
from ingest.movement_places import MovementPlaces
from ingest.sources import ReadContext, files_with_suffixes

TEAM_NAMES = ("team", "unit", "callsign", "officer", "device")
START_NAMES, END_NAMES = ("start", "started", "start_time", "from"), ("end", "ended", "end_time", "to")
CELL_NAMES, PLAN_NAMES = ("cell", "h3"), ("plan_cell", "plan_number", "plan_cell_number")
GRID_NAMES, STREET_NAMES = ("grid_ref", "grid_reference", "gridref", "osgr"), ("street", "street_name", "road")
LAT_NAMES, LON_NAMES = ("lat", "latitude"), ("lon", "lng", "long", "longitude")
LONGEST_S = 12 * 3600  # an entry longer than a shift is refused
PING_S = 60
NO_PLACE = (
    "no place it can locate (an H3 cell, a plan cell number, a grid reference, a street, or latitude and longitude)"
)
_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"
_GRID = re.compile(r"^([A-HJ-Z]{2})\s*(\d+)\s*(\d*)$")

Place = tuple[float, float] | str  # (lon, lat), or why the text names no place


@cache
def _from_national_grid() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def grid_point(text: str) -> tuple[float, float] | None:
    """WGS84 (lon, lat) of the centre of the square an OS grid reference names (2 letters, then 2 to 10 figures),
    or None when it is not one."""
    m = _GRID.match(text.strip().upper())
    if not m:
        return None
    letters, figures = m.group(1), m.group(2) + m.group(3)
    if len(figures) % 2 or not 2 <= len(figures) <= 10:
        return None
    major, minor = _LETTERS.index(letters[0]), _LETTERS.index(letters[1])
    e100 = (major % 5 - 2) * 5 + minor % 5
    n100 = (3 - major // 5) * 5 + (4 - minor // 5)
    half = len(figures) // 2
    size = 10 ** (5 - half)
    east = e100 * 100_000 + int(figures[:half]) * size + size / 2
    north = n100 * 100_000 + int(figures[half:]) * size + size / 2
    if not (0 <= east < 700_000 and 0 <= north < 1_300_000):
        return None
    lon, lat = _from_national_grid().transform(east, north)
    return float(lon), float(lat)


def cell_point(text: str) -> tuple[float, float] | None:
    """WGS84 (lon, lat) of an H3 cell's centre from its id, or None when it is not a valid cell."""
    try:
        cell = int(text.strip(), 16)
    except ValueError:
        return None
    if not 0 < cell < 1 << 64:
        return None
    cells = pa.array([cell], pa.uint64())
    if not pa.array(h3ronpy.cells_valid(cells))[0].as_py():  # an invalid cell is null
        return None
    coords = pa.table(vector.cells_to_coordinates(cells))
    return float(coords["lng"][0].as_py()), float(coords["lat"][0].as_py())


def _cell(text: str) -> Place:
    return cell_point(text) or f"cell {text.strip()!r} is not an H3 cell id"


def _grid(text: str) -> Place:
    return grid_point(text) or f"grid reference {text.strip()!r} is not an OS grid reference"


def _plan_cell(places: MovementPlaces) -> Callable[[str], Place]:
    """A plan cell's number (or, as before plans were numbered, an H3 id) to its centre."""

    def place(text: str) -> Place:
        text = text.strip()
        if not text.isdigit():
            return cell_point(text) or f"plan cell {text!r} is neither a number on the plan nor an H3 cell id"
        plan = places.plan
        if plan is None:
            return f"plan cell {text}: no plan was named for this load (name the plan its numbers are from)"
        number = int(text)
        if not 1 <= number <= len(plan.cells):
            return f"plan cell {number} is not on the plan ({plan.name}: cells 1 to {len(plan.cells)})"
        return cell_point(format(plan.cells[number - 1], "x")) or f"plan cell {number} is not an H3 cell"

    return place


def _column(header: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


@dataclass(frozen=True)
class _Columns:
    team: str
    start: str
    end: str
    places: tuple[tuple[str, str], ...]  # (kind, column) in the order a row's place is taken: cell, plan, grid, street
    point: tuple[str, str] | None  # longitude and latitude columns


def _columns(path: Path, header: list[str]) -> _Columns:
    team, start, end = _column(header, TEAM_NAMES), _column(header, START_NAMES), _column(header, END_NAMES)
    kinds = (("cell", CELL_NAMES), ("plan", PLAN_NAMES), ("grid", GRID_NAMES), ("street", STREET_NAMES))
    places = tuple((kind, column) for kind, names in kinds if (column := _column(header, names)))
    lat, lon = _column(header, LAT_NAMES), _column(header, LON_NAMES)
    point = (lon, lat) if lat and lon else None
    if team is None or start is None or end is None or not (places or point):
        raise FeedFileError(
            path,
            f"not a patrol log: it needs a team ({', '.join(TEAM_NAMES)}), a start ({', '.join(START_NAMES)}), an end "
            f"({', '.join(END_NAMES)}) and a place (an H3 cell, a plan cell number, a grid reference, a street, or "
            "latitude and longitude)",
            line=1,
        )
    return _Columns(team, start, end, places, point)


def _texts(table: pa.Table, column: str) -> pa.Array:
    return pc.utf8_trim_whitespace(decoded(table[column]).combine_chunks())


def _resolve(texts: pa.Array, rows: np.ndarray, read: Callable[[list[str]], list[Place]]) -> list[Place]:
    """The place of each of these rows' texts, each distinct text read once."""
    chosen = texts.take(pa.array(rows))
    distinct = pc.unique(chosen)
    found = read([str(v) for v in distinct.to_pylist()])
    index = np.asarray(pc.index_in(chosen, distinct).to_numpy(zero_copy_only=False), dtype=np.int64)
    return [found[i] for i in index]


def _places(c: _Columns, table: pa.Table, places: MovementPlaces) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, reason) of each row's place: the first place column it fills; reason "" when placed."""
    n = table.num_rows
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    reason = np.full(n, NO_PLACE, dtype=object)
    left = np.ones(n, dtype=bool)
    readers: dict[str, Callable[[list[str]], list[Place]]] = {
        "cell": lambda texts: [_cell(t) for t in texts],
        "plan": lambda texts: [_plan_cell(places)(t) for t in texts],
        "grid": lambda texts: [_grid(t) for t in texts],
        "street": lambda texts: _streets(places, texts),
    }
    for kind, column in c.places:
        texts = _texts(table, column)
        filled = np.asarray(pc.greater(pc.utf8_length(texts), 0).to_numpy(zero_copy_only=False), dtype=bool)
        rows = np.flatnonzero(left & filled)
        left[rows] = False
        if not len(rows):
            continue
        for row, place in zip(rows, _resolve(texts, rows, readers[kind]), strict=True):
            if isinstance(place, str):
                reason[row] = place
            else:
                lon[row], lat[row], reason[row] = place[0], place[1], ""
    if c.point is not None:
        x, y = numbers_or_nan(table[c.point[0]]), numbers_or_nan(table[c.point[1]])
        placed = left & ~np.isnan(x) & ~np.isnan(y)
        lon[placed], lat[placed], reason[placed] = x[placed], y[placed], ""
    return lon, lat, reason


def _streets(places: MovementPlaces, names: list[str]) -> list[Place]:
    if places.streets is None:
        return [f"street {name!r} cannot be placed here (streets are placed through the store)" for name in names]
    found = places.streets(names)
    return [found[name] for name in names]


def _entries(c: _Columns, table: pa.Table, lines: np.ndarray, places: MovementPlaces) -> tuple[PingBatch, int]:
    """One batch of entries as pings (one a minute from each entry's start until its end), and the refusals."""
    teams = _texts(table, c.team)
    start, started = parse_times(table[c.start])
    end, ended = parse_times(table[c.end])
    lon, lat, place_reason = _places(c, table, places)
    named = np.asarray(pc.greater(pc.utf8_length(teams), 0).to_numpy(zero_copy_only=False), dtype=bool)
    reason = np.full(table.num_rows, "", dtype=object)
    for failing, why in (  # the first failing check names the row's reason
        (~named, "no team"),
        (~started, "start is not a date and time"),
        (~ended, "end is not a date and time"),
        (place_reason != "", None),
        (end <= start, "ends before it starts"),
        (end - start > LONGEST_S, "longer than 12 hours"),
    ):
        now = failing & (reason == "")
        reason[now] = place_reason[now] if why is None else why
    bad = reason != ""
    rejects = [(int(lines[i]), "", str(reason[i])) for i in np.flatnonzero(bad)]
    good = np.flatnonzero(~bad)
    counts = (end[good] - start[good] + PING_S - 1) // PING_S  # len(range(start, end, PING_S))
    entry = np.repeat(good, counts)
    step = np.arange(len(entry), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    separate = pa.array(lines.astype(str), pa.string())  # each entry its own visit: the team and its line
    tracks = pc.binary_join_element_wise(teams, separate, "\x1f").take(pa.array(entry))
    pings = pa.table(
        {
            "line": pa.array(lines[entry], pa.int64()),
            "track": tracks,
            "time": pa.array(start[entry] + step * PING_S, pa.int64()),
            "lon": pa.array(lon[entry], pa.float64()),
            "lat": pa.array(lat[entry], pa.float64()),
        },
        schema=PING_SCHEMA,
    )
    return PingBatch(pings, rejects), len(entry)


def read_patrol_log(path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
    """Each entry as pings one a minute at its place from its start until its end; an entry without a team, a
    readable start or end, or a place it can locate (with the reason), or ending before it starts or over 12 hours
    after, is refused with its line."""
    c = _columns(path, read_header(path))
    point = list(c.point) if c.point else []
    wanted = list(dict.fromkeys([c.team, c.start, c.end, *(column for _, column in c.places), *point]))
    pings_so_far = 0
    for raw in iter_csv_batches(path, wanted, plain=tuple(wanted), limits=context.limits):
        batch, pings = _entries(c, raw.table, np.asarray(raw.lines, dtype=np.int64), context.movement)
        batch.rejects[:0] = raw.rejects
        pings_so_far += pings
        context.limits.check_rows(path, pings_so_far)
        yield batch


@dataclass(frozen=True)
class PatrolLogSource:
    """Patrol logs without GPS."""

    name: str = "patrol-log"
    description: str = (
        "Patrol logs without GPS (CSV): team, place (H3 cell, plan cell number, grid reference, street or lat/lon), "
        "start, end"
    )
    suffixes: tuple[str, ...] = (".log.csv", ".log.csv.gz")

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) Each file given; a folder's patrol logs."""
        return files_with_suffixes(paths, self.suffixes)

    def read(self, path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
        """(b) The log's entries as pings."""
        return read_patrol_log(path, context)
