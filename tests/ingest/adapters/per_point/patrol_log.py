"""Patrol logs without GPS (CSV, plain or gzipped): a team, a place and a start and end, read as pings one a minute
at the place from the start until the end, so that the same dosage rules count them: an entry of D minutes is D
minutes present and one visit there (compliant from 10 minutes).

The place is an H3 cell (its id, read at the cell's centre), an Ordnance Survey grid reference (`NZ 4953 1970`, read
at the centre of the square it names), or a latitude and longitude. Each entry is its own visit."""

from __future__ import annotations

import re
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import h3ronpy
import numpy as np
import pyarrow as pa
from h3ronpy import vector
from pyproj import Transformer

from ingest.adapters.csv_batches import iter_csv_batches, read_header
from ingest.columns import decoded
from ingest.errors import FeedFileError
from ingest.movement import PingBatch, number_or_nan, parse_time
from ingest.sources import ReadContext, files_with_suffixes
from tests.ingest.adapters.per_point import PingColumns

TEAM_NAMES = ("team", "unit", "callsign", "officer", "device")
START_NAMES, END_NAMES = ("start", "started", "start_time", "from"), ("end", "ended", "end_time", "to")
CELL_NAMES, GRID_NAMES = ("cell", "h3", "plan_cell"), ("grid_ref", "grid_reference", "gridref", "osgr")
LAT_NAMES, LON_NAMES = ("lat", "latitude"), ("lon", "lng", "long", "longitude")
LONGEST_S = 12 * 3600  # an entry longer than a shift is refused
PING_S = 60
_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"
_GRID = re.compile(r"^([A-HJ-Z]{2})\s*(\d+)\s*(\d*)$")


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
    cells = pa.array([cell], pa.uint64())
    if not pa.array(h3ronpy.cells_valid(cells))[0].as_py():  # an invalid cell is null
        return None
    coords = pa.table(vector.cells_to_coordinates(cells))
    return float(coords["lng"][0].as_py()), float(coords["lat"][0].as_py())


def _column(header: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


@dataclass(frozen=True)
class _Columns:
    team: str
    start: str
    end: str
    place: tuple[str, ...]  # a cell column, a grid reference column, or latitude and longitude
    kind: str  # cell, grid or point


def _columns(path: Path, header: list[str]) -> _Columns:
    team, start, end = _column(header, TEAM_NAMES), _column(header, START_NAMES), _column(header, END_NAMES)
    cell, grid = _column(header, CELL_NAMES), _column(header, GRID_NAMES)
    lat, lon = _column(header, LAT_NAMES), _column(header, LON_NAMES)
    if team is None or start is None or end is None or not (cell or grid or (lat and lon)):
        raise FeedFileError(
            path,
            f"not a patrol log: it needs a team ({', '.join(TEAM_NAMES)}), a start ({', '.join(START_NAMES)}), an end "
            f"({', '.join(END_NAMES)}) and a place (an H3 cell, a grid reference, or latitude and longitude)",
            line=1,
        )
    if cell:
        return _Columns(team, start, end, (cell,), "cell")
    if grid:
        return _Columns(team, start, end, (grid,), "grid")
    assert lat is not None and lon is not None
    return _Columns(team, start, end, (lon, lat), "point")


def _place(columns: _Columns, values: list[str]) -> tuple[float, float] | None:
    if columns.kind == "cell":
        return cell_point(values[0])
    if columns.kind == "grid":
        return grid_point(values[0])
    lon, lat = number_or_nan(values[0]), number_or_nan(values[1])
    return None if np.isnan(lon) or np.isnan(lat) else (lon, lat)


def read_patrol_log(path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
    """Each entry as pings one a minute at its place from its start until its end; an entry without a readable
    place, start or end, or ending before it starts or over 12 hours after, is refused with its line."""
    c = _columns(path, read_header(path))
    wanted = list(dict.fromkeys([c.team, c.start, c.end, *c.place]))
    pings_so_far = 0
    for raw in iter_csv_batches(path, wanted, plain=tuple(wanted), limits=context.limits):
        t = raw.table
        cols = {name: [str(v) for v in decoded(t[name]).to_pylist()] for name in wanted}
        held = PingColumns(rejects=list(raw.rejects))
        for i, line in enumerate(int(v) for v in raw.lines):
            start, end = parse_time(cols[c.start][i]), parse_time(cols[c.end][i])
            place = _place(c, [cols[p][i] for p in c.place])
            team = cols[c.team][i].strip()
            reason = (
                "no team"
                if not team
                else "start is not a date and time"
                if start is None
                else "end is not a date and time"
                if end is None
                else "no place it can locate (an H3 cell, a grid reference, or latitude and longitude)"
                if place is None
                else "ends before it starts"
                if end <= start
                else "longer than 12 hours"
                if end - start > LONGEST_S
                else None
            )
            if reason is not None or start is None or end is None or place is None:
                held.rejects.append((line, "", reason or "unreadable"))
                continue
            steps = np.arange(start, end, PING_S, dtype=np.int64)
            held.lines += [line] * len(steps)
            held.tracks += [f"{team}\x1f{line}"] * len(steps)  # each entry its own visit
            held.times += steps.tolist()
            held.lon += [place[0]] * len(steps)
            held.lat += [place[1]] * len(steps)
        pings_so_far += len(held.times)
        context.limits.check_rows(path, pings_so_far)
        yield held.take()


@dataclass(frozen=True)
class PatrolLogSource:
    """Patrol logs without GPS."""

    name: str = "patrol-log"
    description: str = "Patrol logs without GPS (CSV): team, place (H3 cell, grid reference or lat/lon), start, end"
    suffixes: tuple[str, ...] = (".log.csv", ".log.csv.gz")

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) Each file given; a folder's patrol logs."""
        return files_with_suffixes(paths, self.suffixes)

    def read(self, path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
        """(b) The log's entries as pings."""
        return read_patrol_log(path, context)
