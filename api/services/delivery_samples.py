"""Sample patrol movement for the demo: seeded tracks (geo.patrol_tracks) against the demo's patrol plan, written in
each movement format AIM reads: GPX 1.1 (foot patrols), OGC MF-JSON (vehicles) and CSV pings (a second foot team)."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import orjson

from api.services.caches import Caches
from api.services.filters import requested_categories, resolve_filters
from api.services.patrol import patrol_plan
from api.services.study_area import resolve_study_area
from geo.patrol_tracks import Track, TrackPlan, simulate
from ingest.store.connection import Connection

DEMO_LAD = "E06000002"  # Middlesbrough: the demo's plan is this partnership's
DEMO_FIRST_DAY = date(2026, 1, 5)  # the fortnight after the plan's months (2025)
DEMO_SEED = 26


@dataclass(frozen=True)
class SampleFiles:
    """The files written and the plan's cells they were drawn against."""

    files: list[Path]
    planned: list[str]


def demo_plan(
    con: Connection, core: tuple[str, ...], default_months: int = 12, cells: int = 20, res: int = 9
) -> tuple[np.ndarray, np.ndarray]:
    """The demo's patrol plan cells (the default period's ASB plan for Middlesbrough, as /api/v1/patrol-plan gives
    it) and the next-ranked cells."""
    filters = resolve_filters(
        con,
        start=None,
        end=None,
        categories=requested_categories(None),
        sources=(),
        default_months=default_months,
        core=core,
    )
    area = resolve_study_area(con, None, None, DEMO_LAD)
    caches = Caches()
    wider = patrol_plan(con, filters, area, res, None, 3 * cells, caches.wards, caches.lattices)
    ranked = np.asarray([int(r["h3"], 16) for r in wider["cells"]], dtype=np.uint64)
    plan = patrol_plan(con, filters, area, res, None, cells, caches.wards, caches.lattices)
    planned = np.asarray([int(r["h3"], 16) for r in plan["cells"]], dtype=np.uint64)
    return planned, ranked[~np.isin(ranked, planned)]


def _iso(t: int) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(path: Path, text: str) -> None:
    """Text to a file, gzipped when its name ends .gz (with no time in the header: the same text, the same bytes)."""
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data)


def write_gpx(path: Path, tracks: list[Track]) -> Path:
    """Tracks as one GPX 1.1 file, a <trk> each."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="AIM sample patrols" ']
    parts.append('xmlns="http://www.topografix.com/GPX/1/1">\n')
    for track in tracks:
        parts.append(f"  <trk><name>{track.team}</name><trkseg>\n")
        for t, lon, lat in zip(track.time, track.lon, track.lat, strict=True):
            parts.append(f"    <trkpt lat={quoteattr(f'{lat:.6f}')} lon={quoteattr(f'{lon:.6f}')}>")
            parts.append(f"<time>{_iso(t)}</time></trkpt>\n")
        parts.append("  </trkseg></trk>\n")
    parts.append("</gpx>\n")
    _write(path, "".join(parts))
    return path


def write_mfjson(path: Path, tracks: list[Track]) -> Path:
    """Tracks as one MF-JSON FeatureCollection of MovingPoint features."""
    features = [
        {
            "type": "Feature",
            "properties": {"team": track.team, "mode": track.mode},
            "temporalGeometry": {
                "type": "MovingPoint",
                "datetimes": [_iso(t) for t in track.time],
                "coordinates": [
                    [round(float(x), 6), round(float(y), 6)] for x, y in zip(track.lon, track.lat, strict=True)
                ],
                "interpolation": "Linear",
            },
        }
        for track in tracks
    ]
    _write(path, orjson.dumps({"type": "FeatureCollection", "features": features}).decode())
    return path


def write_csv(path: Path, tracks: list[Track]) -> Path:
    """Tracks as CSV pings: team, time, latitude, longitude."""
    text = io.StringIO(newline="")
    out = csv.writer(text, lineterminator="\n")
    out.writerow(["team", "time", "latitude", "longitude"])
    for track in tracks:
        for t, lon, lat in zip(track.time, track.lon, track.lat, strict=True):
            out.writerow([track.team, _iso(t), f"{lat:.6f}", f"{lon:.6f}"])
    _write(path, text.getvalue())
    return path


def write_samples(
    out: Path, planned: np.ndarray, elsewhere: np.ndarray, first_day: date, days: int = 14, seed: int = DEMO_SEED
) -> SampleFiles:
    """A fortnight of sample delivery against the plan's cells, one file per format and kind of patrol."""
    out.mkdir(parents=True, exist_ok=True)
    tracks = simulate(TrackPlan(planned, elsewhere, first_day, days), seed)
    foot_gpx = [t for t in tracks if t.team == "foot-1"]
    foot_csv = [t for t in tracks if t.mode == "foot" and t.team != "foot-1"]
    vehicles = [t for t in tracks if t.mode == "vehicle"]
    files = [
        write_gpx(out / "foot-patrols.gpx.gz", foot_gpx),
        write_csv(out / "foot-pings.csv.gz", foot_csv),
        write_mfjson(out / "vehicle-patrols.mf.json.gz", vehicles),
    ]
    return SampleFiles(files, [format(int(c), "x") for c in planned])
