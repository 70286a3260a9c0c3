"""Turn a profiled export's text rows into canonical rows and rejects, each reject with a reason people understand."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.adapters.tabular import TextRows
from ingest.errors import FeedFileError
from ingest.geocode import PostcodeIndex, bng_to_wgs84, normalise_postcode
from ingest.profiles import Profile, normalise_label
from ingest.schema import DICTIONARY_COLUMNS, LocationPrecision, staged_schema
from ingest.validate import UK_LAT, UK_LON

WARD_CODE = re.compile(r"^[EWSN]05\d{6}$")
ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d")
EARLIEST = datetime(1990, 1, 1)
LONDON = ZoneInfo("Europe/London")
BNG_E, BNG_N = (0.0, 700_000.0), (0.0, 1_300_000.0)


@dataclass(frozen=True)
class Places:
    """What rows can be placed against: postcode centroids and the store's wards (codes and names)."""

    postcodes: PostcodeIndex
    ward_codes: frozenset[str]
    ward_by_name: dict[str, tuple[str, ...]]  # normalised name -> codes (more than one: ambiguous)


@dataclass
class Mapped:
    """Canonical rows of one file, its rejects, and the source categories the profile does not map."""

    table: pa.Table
    rejects: list[tuple[int, str, str]]
    unmapped: Counter[str] = field(default_factory=Counter)
    reject_months: dict[int, date] = field(default_factory=dict)  # line -> month, where the row's date parsed


class _RowError(Exception):
    pass


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if np.isfinite(value) else None


class _Dates:
    """Parse dates with the profile's formats (then ISO), once per distinct text."""

    def __init__(self, profile: Profile, now: datetime) -> None:
        self.formats = [*profile.dates.formats, *ISO_FORMATS]
        self.time_formats = profile.dates.time_formats
        self.latest = now + timedelta(days=1)
        self.cache: dict[tuple[str, str], datetime | str] = {}

    def _parse(self, text: str, time_text: str) -> datetime | str:
        if not text:
            return "missing date"
        for fmt in self.formats:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if parsed.tzinfo is not None:
                parsed = _london(parsed)
            break
        else:
            return f"date {text!r} matches none of the profile's formats ({', '.join(self.formats[:4])}...)"
        if time_text:
            for fmt in self.time_formats:
                try:
                    t = datetime.strptime(time_text, fmt).time()
                except ValueError:
                    continue
                parsed = datetime.combine(parsed.date(), t)
                break
            else:
                return f"time {time_text!r} matches none of the profile's time formats"
        if parsed < EARLIEST:
            return f"date {text!r} is before {EARLIEST:%Y}"
        if parsed > self.latest:
            return f"date {text!r} is in the future"
        return parsed

    def __call__(self, text: str, time_text: str = "") -> datetime:
        key = (text, time_text)
        got = self.cache.get(key)
        if got is None:
            got = self.cache[key] = self._parse(text, time_text)
        if isinstance(got, str):
            raise _RowError(got)
        return got


def _london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON).replace(tzinfo=None)


@dataclass
class _Located:
    lon: float | None
    lat: float | None
    precision: LocationPrecision
    ward: str | None
    grid: bool = False  # lon/lat still hold easting/northing, converted in one batch


def _getter(rows: TextRows, name: str | None, path: str) -> Callable[[list[str]], str]:
    if name is None:
        return lambda row: ""
    try:
        i = rows.column(name)
    except KeyError as exc:
        raise FeedFileError(
            path, f"column {name!r} named in the profile is not in the header ({', '.join(rows.header)})", 1
        ) from exc
    return lambda row: row[i]


class _Locator:
    def __init__(self, profile: Profile, places: Places, get: dict[str, Callable[[list[str]], str]]) -> None:
        self.order = profile.location.order
        self.places = places
        self.get = get
        self.cols = profile.columns
        kinds = {"lonlat": "coordinates", "grid": "grid reference", "postcode": "postcode", "ward": "ward"}
        given = [kinds[m] for m in self.order]
        listed = given[0] if len(given) == 1 else f"{', '.join(given[:-1])} and {given[-1]}"
        self.blank = f"no location: {listed} {'is' if len(given) == 1 else 'are all'} blank"

    def _ward(self, text: str) -> str:
        if WARD_CODE.match(text.upper()):
            if text.upper() not in self.places.ward_codes:
                raise _RowError(f"ward code {text!r} is not in any loaded boundary set")
            return text.upper()
        codes = self.places.ward_by_name.get(normalise_label(text))
        if not codes:
            raise _RowError(f"ward {text!r} is neither a ward code nor the name of a loaded ward")
        if len(codes) > 1:
            raise _RowError(f"ward name {text!r} is ambiguous ({', '.join(codes)}): give the ward code")
        return codes[0]

    def __call__(self, row: list[str]) -> _Located:
        first_problem: str | None = None
        ward_text = self.get["ward"](row)
        recorded_ward: str | None = None
        for method in self.order:
            try:
                if method == "lonlat" and self.cols.longitude:
                    got = self._lonlat(self.get["longitude"](row), self.get["latitude"](row))
                elif method == "grid" and self.cols.easting:
                    got = self._grid(self.get["easting"](row), self.get["northing"](row))
                elif method == "postcode" and self.cols.postcode:
                    got = self._postcode(self.get["postcode"](row))
                elif method == "ward" and self.cols.ward and ward_text:
                    recorded_ward = self._ward(ward_text)
                    return _Located(None, None, LocationPrecision.WARD, recorded_ward)
                else:
                    continue
            except _RowError as exc:
                first_problem = first_problem or str(exc)
                continue
            if got is not None:
                lon, lat, precision = got
                if ward_text and recorded_ward is None:
                    try:
                        recorded_ward = self._ward(ward_text)
                    except _RowError:
                        recorded_ward = None
                return _Located(lon, lat, precision, recorded_ward, grid=method == "grid")
        raise _RowError(first_problem or self.blank)

    @staticmethod
    def _lonlat(lon_text: str, lat_text: str) -> tuple[float, float, LocationPrecision] | None:
        if not lon_text and not lat_text:
            return None
        lon, lat = _number(lon_text), _number(lat_text)
        if lon is None or lat is None:
            raise _RowError(f"longitude/latitude {lon_text!r}, {lat_text!r} are not numbers")
        if UK_LON[0] <= lat <= UK_LON[1] and UK_LAT[0] <= lon <= UK_LAT[1]:
            raise _RowError(f"latitude and longitude look swapped ({lon_text}, {lat_text})")
        if not (UK_LON[0] <= lon <= UK_LON[1] and UK_LAT[0] <= lat <= UK_LAT[1]):
            raise _RowError(f"coordinates outside the UK (longitude {lon_text}, latitude {lat_text})")
        return lon, lat, LocationPrecision.POINT

    @staticmethod
    def _grid(e_text: str, n_text: str) -> tuple[float, float, LocationPrecision] | None:
        if not e_text and not n_text:
            return None
        e, n = _number(e_text), _number(n_text)
        if e is None or n is None:
            raise _RowError(f"easting/northing {e_text!r}, {n_text!r} are not numbers")
        if e == 0 and n == 0:
            return None  # exports write 0,0 for "not recorded"
        if not (BNG_E[0] < e < BNG_E[1] and BNG_N[0] < n < BNG_N[1]):
            raise _RowError(f"easting/northing {e_text}, {n_text} are outside the British National Grid")
        return e, n, LocationPrecision.POINT  # converted to lon/lat in one batch later (marked by grid_rows)

    def _postcode(self, text: str) -> tuple[float, float, LocationPrecision] | None:
        if not text:
            return None
        code = normalise_postcode(text)
        if code is None:
            raise _RowError(f"postcode {text!r} is not a valid UK postcode")
        found = self.places.postcodes.locate(code)
        if found is None:
            raise _RowError(f"postcode {text!r} is not in the postcode lookup")
        return found[0], found[1], LocationPrecision.POSTCODE


def map_rows(rows: TextRows, profile: Profile, places: Places, path: str, now: datetime) -> Mapped:
    """Map text rows through a profile: dates, category, location, duplicates; bad rows become rejects."""
    cols = profile.columns
    names = cols.model_dump()
    get = {key: _getter(rows, names[key], path) for key in names}
    locate = _Locator(profile, places, get)
    dates = _Dates(profile, now)
    lookup = profile.category_lookup()
    out: dict[str, list[object]] = {
        k: [] for k in ("line", "ref", "at", "cat", "src_cat", "lon", "lat", "prec", "ward", "text", "outcome", "by")
    }
    grid_rows: list[int] = []
    rejects = list(rows.rejects)
    unmapped: Counter[str] = Counter()
    seen: dict[tuple[object, ...], int] = {}
    reject_months: dict[int, date] = {}
    for row, line in zip(rows.rows, rows.lines, strict=True):
        at: datetime | None = None
        date_error: _RowError | None = None
        try:
            at = dates(get["occurred"](row), get["occurred_time"](row))
        except _RowError as exc:
            date_error = exc
        try:
            label = get["category"](row)
            if not label:
                raise _RowError("missing category")
            category = lookup.get(normalise_label(label))
            if category is None:
                unmapped[label] += 1
                raise _RowError(f"category {label!r} is not mapped in profile {profile.name}")
            if at is None:
                raise date_error or _RowError("no date")
            place = locate(row)
            ref = get["reference"](row) or None
            key: tuple[object, ...] = (
                ("ref", ref)
                if ref
                else ("row", at, category, place.lon, place.lat, place.ward, get["location_text"](row))
            )
            if key in seen:
                what = f"reference {ref!r}" if ref else "same time, category and place"
                raise _RowError(f"duplicate of line {seen[key]} ({what})")
            seen[key] = line
        except _RowError as exc:
            rejects.append((line, profile.file.delimiter.join(row), str(exc)))
            if at is not None:
                reject_months[line] = at.date().replace(day=1)
            continue
        if place.grid:
            grid_rows.append(len(out["line"]))
        for k, v in (
            ("line", line),
            ("ref", ref),
            ("at", at),
            ("cat", category.value),
            ("src_cat", label.strip()),
            ("lon", place.lon),
            ("lat", place.lat),
            ("prec", place.precision.value),
            ("ward", place.ward),
            ("text", get["location_text"](row) or None),
            ("outcome", get["outcome"](row) or None),
            ("by", get["reported_by"](row) or None),
        ):
            out[k].append(v)
    lon = np.array(out["lon"], dtype=np.float64)
    lat = np.array(out["lat"], dtype=np.float64)
    if grid_rows:
        g = np.array(grid_rows)
        lon[g], lat[g] = bng_to_wgs84(lon[g], lat[g])
    return Mapped(_canonical(out, lon, lat, profile), rejects, unmapped, reject_months)


def _canonical(out: dict[str, list[object]], lon: np.ndarray, lat: np.ndarray, profile: Profile) -> pa.Table:
    n = len(out["line"])
    months = [f"{d:%Y-%m}" for d in out["at"]]  # type: ignore[str-format]
    table = pa.table(
        {
            "source": pa.array([profile.source] * n, pa.string()),
            "partition_key": pa.array([f"{profile.source}:{profile.name}:{m}" for m in months], pa.string()),
            "source_ref": pa.array(out["ref"], pa.string()),
            "line": pa.array(out["line"], pa.int64()),
            "month": pa.array([d.date().replace(day=1) for d in out["at"]], pa.date32()),  # type: ignore[attr-defined]
            "category": pa.array(out["cat"], pa.string()),
            "source_category": pa.array(out["src_cat"], pa.string()),
            "lon": pa.array(lon, pa.float64(), mask=np.isnan(lon)),
            "lat": pa.array(lat, pa.float64(), mask=np.isnan(lat)),
            "location_precision": pa.array(out["prec"], pa.string()),
            "location_text": pa.array(out["text"], pa.string()),
            "lsoa_code": pa.nulls(n, pa.string()),
            "lsoa_name": pa.nulls(n, pa.string()),
            "reported_by": pa.array(out["by"], pa.string()),
            "outcome": pa.array(out["outcome"], pa.string()),
            "occurred_at": pa.array(out["at"], pa.timestamp("s")),
            "feed": pa.array([profile.name] * n, pa.string()),
            "ward_code": pa.array(out["ward"], pa.string()),
        }
    )
    for name in DICTIONARY_COLUMNS:
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.dictionary_encode(table.column(i)))
    return table.cast(staged_schema())
