"""Locations as councils record them: British National Grid to WGS84 (pyproj) and postcodes to centroids."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from pyproj import Transformer

from ingest.errors import FeedFileError

# Code-Point Open: the ten published columns; files from the OS download have no header row.
CODEPOINT_COLUMNS = [
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Country_code",
    "NHS_regional_HA_code",
    "NHS_HA_code",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
]
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def bng_to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:27700 eastings/northings (metres) to WGS84 lon/lat (pyproj; Helmert, a few metres offline)."""
    to_wgs = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(np.asarray(easting, dtype=np.float64), np.asarray(northing, dtype=np.float64))
    return np.asarray(lon), np.asarray(lat)


def normalise_postcode(text: str) -> str | None:
    """A postcode in canonical form (upper case, no spaces), or None when it is not shaped like a UK postcode."""
    compact = re.sub(r"\s+", "", text).upper()
    return compact if _POSTCODE.match(compact) else None


@dataclass(frozen=True)
class PostcodeIndex:
    """Postcode unit centroids (WGS84), keyed by the normalised postcode."""

    postcodes: dict[str, int]
    lon: np.ndarray
    lat: np.ndarray
    files: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.postcodes)

    def locate(self, postcode: str) -> tuple[float, float] | None:
        """Centroid (lon, lat) of a normalised postcode, or None when it is not held."""
        i = self.postcodes.get(postcode)
        return None if i is None else (float(self.lon[i]), float(self.lat[i]))


def _codepoint_file(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8-sig") as fh:
        first = fh.readline()
    has_header = first.split(",")[0].strip().strip('"').lower() == "postcode"
    read = pacsv.ReadOptions(autogenerate_column_names=False, column_names=None if has_header else CODEPOINT_COLUMNS)
    try:
        table = pacsv.read_csv(
            path,
            read_options=read,
            convert_options=pacsv.ConvertOptions(
                include_columns=["Postcode", "Eastings", "Northings"],
                column_types={"Postcode": pa.string(), "Eastings": pa.float64(), "Northings": pa.float64()},
            ),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise FeedFileError(path, f"not a Code-Point Open postcode file ({exc})") from exc
    east, north = table["Eastings"].to_numpy(), table["Northings"].to_numpy()
    placed = (east > 0) & (north > 0)  # Code-Point Open gives 0,0 for postcodes it cannot place
    lon, lat = bng_to_wgs84(east[placed], north[placed])
    codes = np.asarray(table["Postcode"].to_pylist(), dtype=object)[placed]
    return [c.replace(" ", "").upper() for c in codes], lon, lat


def load_postcodes(paths: list[Path]) -> PostcodeIndex:
    """Read Code-Point Open CSV files (as published, headerless, or with a header; plain or .gz) into an index."""
    files = sorted(
        f for p in paths for f in ([p] if p.is_file() else p.glob("*.csv*")) if f.name.endswith((".csv", ".csv.gz"))
    )
    keys: dict[str, int] = {}
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    offset = 0
    for f in files:
        codes, lon, lat = _codepoint_file(f)
        for i, code in enumerate(codes):
            keys[code] = offset + i
        lons.append(lon)
        lats.append(lat)
        offset += len(codes)
    lon_all = np.concatenate(lons) if lons else np.empty(0)
    lat_all = np.concatenate(lats) if lats else np.empty(0)
    return PostcodeIndex(keys, lon_all, lat_all, tuple(str(f) for f in files))
