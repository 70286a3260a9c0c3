"""Write the sample council exports shipped with AIM (run from the project root: python data/feeds/make_samples.py).

No public incident-level warden, casework or council CRM data exists, so these files are synthetic, built in the
shape real exports have, on real geography: locations are real Cleveland postcode centroids (OS Code-Point Open),
chosen near where police.uk recorded ASB in 2025, with the same seasonal shape. The mess is deliberate: title rows,
mixed date formats, Windows-1252 text, blank cells, postcodes in odd case and spacing, duplicate rows, unmapped
categories, coordinates missing or swapped, and a three-week hole in the CRM export (October 2025), the kind
of drop the source coverage report must flag. Some warden visits follow a complaint to the council CRM (the same
incident reaching two channels), so duplicate linking has real work to do.
"""

from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
from openpyxl import Workbook
from pyproj import Transformer
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "feeds"
RNG = np.random.default_rng(20251231)
MONTH_SHAPE = np.array([1061, 1181, 1621, 1703, 1749, 1672, 1668, 1773, 1442, 1585, 1185, 964], dtype=float)
TO_BNG = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def _postcodes() -> tuple[list[str], np.ndarray, np.ndarray]:
    with gzip.open(ROOT / "data" / "postcodes" / "codepoint_open_2025q4_ts.csv.gz", "rt") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Admin_district_code"] in CLEVELAND and r["longitude"]]
    return (
        [r["Postcode"] for r in rows],
        np.array([float(r["longitude"]) for r in rows]),
        np.array([float(r["latitude"]) for r in rows]),
    )


CLEVELAND = {"E06000001", "E06000002", "E06000003", "E06000004"}


def _asb_points() -> np.ndarray:
    pts = []
    for f in sorted((ROOT / "data" / "demo").glob("2025-*-cleveland-street.csv.gz")):
        with gzip.open(f, "rt") as fh:
            for r in csv.DictReader(fh):
                if r["Crime type"] == "Anti-social behaviour" and r["Longitude"]:
                    pts.append((float(r["Longitude"]), float(r["Latitude"])))
    return np.array(pts)


def _wards() -> tuple[list[str], list[str], np.ndarray]:
    fc = json.load(gzip.open(ROOT / "data" / "wards" / "wards2024_approx_from_lsoa21_cleveland.geojson.gz"))
    feats = [f for f in fc["features"] if f["properties"]["LAD24CD"] in CLEVELAND]
    shapes = shapely.from_geojson([json.dumps(f["geometry"]) for f in feats])
    return [f["properties"]["WD24CD"] for f in feats], [f["properties"]["WD24NM"] for f in feats], shapes


class Places:
    """Real postcodes drawn where police.uk ASB concentrates."""

    def __init__(self) -> None:
        self.codes, self.lon, self.lat = _postcodes()
        self.tree = cKDTree(np.column_stack([self.lon, self.lat * 1.6]))
        self.asb = _asb_points()
        self.ward_codes, self.ward_names, shapes = _wards()
        shapely.prepare(shapes)
        self.shapes = shapes

    def draw(self) -> int:
        lon, lat = self.asb[RNG.integers(len(self.asb))]
        _, i = self.tree.query([lon + RNG.normal(0, 0.004), (lat + RNG.normal(0, 0.0025)) * 1.6])
        return int(i)

    def ward_of(self, i: int) -> int | None:
        hit = np.flatnonzero(shapely.contains_xy(self.shapes, self.lon[i], self.lat[i]))
        return int(hit[0]) if len(hit) else None


def _times(total: int) -> list[datetime]:
    per_month = RNG.multinomial(total, MONTH_SHAPE / MONTH_SHAPE.sum())
    out = []
    for m, n in enumerate(per_month, start=1):
        start = datetime(2025, m, 1)
        days = (datetime(2025 + m // 12, m % 12 + 1, 1) - start).days
        for _ in range(n):
            hour = int(RNG.choice(24, p=_HOURS))
            out.append(start + timedelta(days=int(RNG.integers(days)), hours=hour, minutes=int(RNG.integers(60))))
    return sorted(out)


_HOURS = np.array([2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 6, 7, 8, 8, 8, 7, 6, 5, 4, 3], dtype=float)
_HOURS /= _HOURS.sum()

CRM_TYPES = [
    ("Noise", "Domestic noise", 30),
    ("Noise", "Loud music - commercial", 6),
    ("ASB", "Youths causing annoyance", 14),
    ("ASB", "Drinking in public place", 6),
    ("Environmental Crime", "Fly tipping", 22),
    ("Environmental Crime", "Dog fouling", 8),
    ("Environmental Crime", "Graffiti", 5),
    ("Environmental Crime", "Litter", 6),
    ("Vehicles", "Abandoned vehicle", 6),
    ("Vehicles", "Off road bikes", 4),
    ("Highways", "Pothole", 5),
    ("ASB", "Needles found", 2),
]
WARDEN_TYPES = [
    ("FLYTIP", 26),
    ("DOG FOUL", 9),
    ("LITTER", 10),
    ("YOUTH ASB", 14),
    ("STREET DRINKING", 7),
    ("NOISE", 8),
    ("GRAFFITI", 6),
    ("ABANDONED VEH", 6),
    ("BEGGING", 3),
    ("FIREWORKS", 2),
    ("NEEDLES", 2),
    ("Fly-posting", 2),
    ("Waste in garden", 3),
]
CASEWORK_TYPES = [
    ("Neighbour dispute", 20),
    ("Noise nuisance", 15),
    ("Anti-social behaviour - youths", 20),
    ("Fly tipping", 15),
    ("Drug dealing concerns", 8),
    ("Off-road motorbikes", 8),
    ("Parking", 6),
    ("Harassment", 5),
    ("Dog fouling", 3),
]
OFFICERS = ["J. Smith", "K. Patel", "M. O'Neill", "S. Brown", "L. Nowak", "Ren\u00e9 Dubois"]
COUNCILLORS = ["Cllr A. Hughes", "Cllr B. Khan", "Cllr C. Wright", "Cllr D. Atkinson"]
STREETS = [
    "Linthorpe Rd",
    "Borough Rd",
    "Parliament Rd",
    "Marton Rd",
    "York Rd",
    "High St",
    "Station Rd",
    "Church Ln",
    "the Caf\u00e9 car park",
    "rear of shops",
    "alley behind",
    "Victoria Park",
    "Albert Rd",
]


def _pick(types: list[tuple[object, ...]]) -> tuple[object, ...]:
    w = np.array([t[-1] for t in types], dtype=float)
    return types[int(RNG.choice(len(types), p=w / w.sum()))]


def _jitter(lon: float, lat: float, metres: float) -> tuple[float, float]:
    return lon + RNG.normal(0, metres / 68_000), lat + RNG.normal(0, metres / 111_000)


def _messy_postcode(code: str) -> str:
    style = RNG.integers(6)
    return [code, code.lower(), code.replace(" ", ""), code.replace(" ", "  "), f" {code.lower()} ", code][style]


def crm(places: Places) -> list[dict[str, str]]:
    """Council CRM complaints, WGS84 map clicks, with some rows located by postcode only."""
    rows = []
    for n, when in enumerate(_times(1450)):
        i = places.draw()
        service, sub, _ = _pick(CRM_TYPES)
        lon, lat = _jitter(places.lon[i], places.lat[i], 25)
        fmt = "%Y-%m-%d %H:%M:%S" if RNG.random() < 0.85 else "%d/%m/%Y %H:%M"
        row = {
            "Request ID": f"CRM-{250000 + n}",
            "Created": when.strftime(fmt),
            "Service": str(service),
            "Sub Type": str(sub),
            "Latitude": f"{lat:.6f}",
            "Longitude": f"{lon:.6f}",
            "Address": f"{RNG.integers(1, 200)} {STREETS[RNG.integers(len(STREETS))]}",
            "Postcode": _messy_postcode(places.codes[i]),
            "Channel": str(RNG.choice(["Web", "Phone", "Email", "App"], p=[0.45, 0.35, 0.1, 0.1])),
            "Status": str(RNG.choice(["Closed", "Open", "In progress"], p=[0.7, 0.1, 0.2])),
        }
        r = RNG.random()
        if r < 0.12:
            row["Latitude"] = row["Longitude"] = ""  # phoned in: postcode only
        elif r < 0.13:
            row["Latitude"], row["Longitude"] = row["Longitude"], row["Latitude"]  # swapped
        elif r < 0.135:
            row["Latitude"] = row["Longitude"] = row["Postcode"] = ""  # nothing to place it
        rows.append(row)
    for k in RNG.choice(len(rows), 12, replace=False):  # the CRM exported some requests twice
        rows.append(dict(rows[int(k)]))
    return rows


WARDEN_FOR_CRM = {
    "Fly tipping": "FLYTIP",
    "Dog fouling": "DOG FOUL",
    "Graffiti": "GRAFFITI",
    "Litter": "LITTER",
    "Youths causing annoyance": "YOUTH ASB",
    "Drinking in public place": "STREET DRINKING",
    "Domestic noise": "NOISE",
    "Abandoned vehicle": "ABANDONED VEH",
    "Needles found": "NEEDLES",
}


def wardens(places: Places, complaints: list[dict[str, str]]) -> list[list[str]]:
    """Warden patrol log: grid references, split date/time, dates in mixed formats; some visits follow complaints."""
    rows: list[list[str]] = []

    def add(when: datetime, lon: float, lat: float, kind: str, i: int) -> None:
        e, n = TO_BNG.transform(lon, lat)
        fmt = str(RNG.choice(["%d/%m/%Y", "%d/%m/%y", "%d-%b-%Y"], p=[0.7, 0.2, 0.1]))
        ward = places.ward_of(i)
        row = [
            f"WDN/{when:%y}/{len(rows) + 1:05d}",
            when.strftime(fmt),
            when.strftime("%H:%M"),
            OFFICERS[RNG.integers(len(OFFICERS))],
            kind,
            f"{STREETS[RNG.integers(len(STREETS))]}",
            f"{e:.0f}",
            f"{n:.0f}",
            places.ward_names[ward] if ward is not None else "",
            "Action taken",
        ]
        r = RNG.random()
        if r < 0.08:
            row[6] = row[7] = ""  # handheld had no fix: ward only
        elif r < 0.09:
            row[6], row[7] = "0", "0"
        elif r < 0.095:
            row[1] = "TBC"
        rows.append(row)

    for when in _times(1500):
        i = places.draw()
        lon, lat = _jitter(places.lon[i], places.lat[i], 15)
        add(when, lon, lat, str(_pick(WARDEN_TYPES)[0]), i)
    followed = [c for c in complaints if c["Sub Type"] in WARDEN_FOR_CRM and c["Latitude"] and RNG.random() < 0.3]
    for c in followed:
        when = _crm_time(c["Created"]) + timedelta(hours=float(RNG.uniform(1, 30)))
        lon, lat = _jitter(float(c["Longitude"]), float(c["Latitude"]), 20)
        i = int(places.tree.query([lon, lat * 1.6])[1])
        add(when, lon, lat, WARDEN_FOR_CRM[c["Sub Type"]], i)
    rows.sort(key=lambda r: r[0])
    for k in RNG.choice(len(rows), 8, replace=False):
        rows.append(list(rows[int(k)]))
    return rows


def _lost_in_migration(complaint: dict[str, str]) -> bool:
    """The CRM export holds nothing logged 6-27 October 2025 (a system change), though wardens still got the jobs."""
    return CRM_OUTAGE[0] <= _crm_time(complaint["Created"]) < CRM_OUTAGE[1]


CRM_OUTAGE = (datetime(2025, 10, 6), datetime(2025, 10, 28))


def _crm_time(text: str) -> datetime:
    for fmt in ("%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def casework(places: Places) -> list[list[object]]:
    """Councillor casework log: resident postcode, ward name, free text; Excel dates and typed-in dates."""
    rows: list[list[object]] = []
    for n, when in enumerate(_times(310)):
        i = places.draw()
        issue = str(_pick(CASEWORK_TYPES)[0])
        ward = places.ward_of(i)
        received: object = when.replace(hour=0, minute=0) if RNG.random() < 0.8 else when.strftime("%d.%m.%Y")
        postcode = _messy_postcode(places.codes[i]) if RNG.random() > 0.1 else ""
        ward_name = places.ward_names[ward] if ward is not None else ""
        if RNG.random() < 0.05:
            ward_name = ward_name.upper()
        rows.append(
            [
                f"CW{2025}-{n + 1:04d}",
                received,
                COUNCILLORS[RNG.integers(len(COUNCILLORS))],
                ward_name,
                postcode,
                issue,
                f"Resident reports {issue.lower()} near {STREETS[RNG.integers(len(STREETS))]}.",
                str(RNG.choice(["Referred to ASB team", "Referred to police", "Resolved", "Awaiting response"])),
            ]
        )
    rows.append(["CW2025-9999", "", COUNCILLORS[0], "", "", "Noise nuisance", "No date or address given.", ""])
    return rows


def write_all() -> None:
    places = Places()
    complaints = crm(places)
    with (OUT / "cleveland-council-crm.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(complaints[0]))
        w.writeheader()
        w.writerows(c for c in complaints if not _lost_in_migration(c))
    log = wardens(places, complaints)
    with (OUT / "cleveland-wardens.csv").open("w", newline="", encoding="cp1252") as fh:
        fh.write("Cleveland Community Wardens - Patrol Log Export\r\nRun 02/01/2026 09:14\r\n")
        w2 = csv.writer(fh)
        w2.writerow(
            [
                "Case Ref",
                "Date",
                "Time",
                "Officer",
                "Incident Type",
                "Location",
                "Easting",
                "Northing",
                "Ward",
                "Result",
            ]
        )
        w2.writerows(log)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Casework 2025"
    sheet.append(["Ref No", "Date Received", "Councillor", "Ward", "Resident Postcode", "Issue", "Summary", "Outcome"])
    for row in casework(places):
        sheet.append(row)
    book.save(OUT / "cleveland-councillor-casework.xlsx")


if __name__ == "__main__":
    write_all()
