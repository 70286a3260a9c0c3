"""Load patrol movement as delivery: read each file through its movement source, refuse bad rows (file, line and
reason, reported and never stored), count dosage (geo.dosage) and keep only that: the pings, tracks and devices are
dropped when the load ends (docs/delivery.md)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geo.dosage import DosageRules, Pings, dosage, local_days
from ingest.errors import FeedFileError, IngestError, reason_kind
from ingest.limits import NO_LIMITS, Limits
from ingest.movement import checked
from ingest.movement_places import MovementPlaces, Plan, store_streets
from ingest.places import Places
from ingest.sources import MovementSource, ReadContext
from ingest.store.connection import Connection
from ingest.store.write.delivery import DeliveryLoad, replace_delivery

MAX_EXAMPLES = 10


@dataclass
class DeliveryReport:
    """What a delivery load did: pings read, kept and refused (by reason, with examples), the days it replaced and
    the cell-days of dosage it wrote."""

    agency: str
    files: list[str] = field(default_factory=list)
    pings_read: int = 0
    pings_kept: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, reason)
    days: tuple[date, ...] = ()
    cell_days: int = 0
    minutes: float = 0.0
    visits: int = 0
    compliant_visits: int = 0
    load_id: int | None = None  # None: a dry run, or nothing to load

    def refuse(self, file: str, rejects: list[tuple[int, str, str]]) -> None:
        """Count a batch's refused rows and keep the first few as examples."""
        self.quarantined += len(rejects)
        for line, _, reason in rejects:
            self.reasons[reason_kind(reason)] += 1
            if len(self.examples) < MAX_EXAMPLES:
                self.examples.append((file, line, reason))


@dataclass(frozen=True)
class DeliveryOptions:
    """How a delivery load runs: the dosage rules, the present moment, size bounds, and whether to write."""

    rules: DosageRules = DosageRules()
    now: datetime | None = None  # times later than now + 1 day are refused; None: now
    limits: Limits = NO_LIMITS
    dry_run: bool = False
    plan: Plan | None = None  # the plan whose cell numbers patrol logs name (None: a number names no place)


def _no_places(postcodes: bool, wards: bool) -> Places:
    raise IngestError("movement sources are never located against places")


def _read(
    files: Sequence[tuple[MovementSource, Path]],
    report: DeliveryReport,
    options: DeliveryOptions,
    places: MovementPlaces,
) -> Pings:
    """Every file's good pings, tracks numbered across the load in the order they first appear (file and track as
    named are not kept: each batch's names end as numbers, so only numbers are held while the files are read)."""
    now = options.now or datetime.now(UTC)
    context = ReadContext(now=now, limits=options.limits, places=_no_places, movement=places)
    tracks: list[np.ndarray] = []
    times: list[np.ndarray] = []
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    numbers: dict[tuple[int, str], int] = {}  # (file, track as named) -> track number, for this load only
    for number, (source, path) in enumerate(files):
        if not path.is_file():
            raise FeedFileError(path, "no such file")
        report.files.append(str(path))
        for batch in source.read(path, context):
            report.pings_read += batch.table.num_rows + len(batch.rejects)
            good, rejects = checked(batch, now)
            report.refuse(str(path), rejects)
            del batch
            encoded = pc.dictionary_encode(good["track"].combine_chunks())  # codes in order of first appearance
            named = [numbers.setdefault((number, str(name)), len(numbers)) for name in encoded.dictionary.to_pylist()]
            codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
            tracks.append(np.asarray(named, dtype=np.int64)[codes])
            times.append(np.array(good["time"].to_numpy(), dtype=np.int64))
            lons.append(np.array(good["lon"].to_numpy(), dtype=np.float64))
            lats.append(np.array(good["lat"].to_numpy(), dtype=np.float64))
            del good, encoded, codes
            pa.default_memory_pool().release_unused()  # the batch's text, handed back before the next is read
    numbers.clear()  # the names end here: numbers only
    if not times:
        return Pings(*(np.zeros(0, dtype=t) for t in (np.int64, np.int64, np.float64, np.float64, object)))
    track, time = _joined(tracks), _joined(times)
    lon, lat = _joined(lons), _joined(lats)
    return Pings(track=track, time=time, lon=lon, lat=lat, agency=np.full(len(time), report.agency, dtype=object))


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The parts as one array, each part freed as soon as it is copied (the list is emptied)."""
    out = np.empty(sum(len(a) for a in parts), dtype=parts[0].dtype)
    at = 0
    while parts:
        part = parts.pop(0)
        out[at : at + len(part)] = part
        at += len(part)
    return out


def load_delivery(
    con: Connection, files: Sequence[tuple[MovementSource, Path]], agency: str, options: DeliveryOptions
) -> DeliveryReport:
    """Load movement files (each with its source) as one agency's delivery: their dosage replaces the agency's on
    every day their good pings cover, atomically; a file that cannot be read at all loads nothing."""
    agency = agency.strip()
    if not agency:
        raise IngestError("a delivery load needs an agency")
    report = DeliveryReport(agency=agency)
    places = MovementPlaces(plan=options.plan, streets=store_streets(con, options.rules.res))
    pings = _read(files, report, options, places)
    report.pings_kept = len(pings.time)
    epoch = date(1970, 1, 1)
    report.days = tuple(epoch + timedelta(days=int(d)) for d in np.unique(local_days(pings.time)))
    counted = dosage(pings, options.rules)
    del pings
    report.cell_days = counted.num_rows
    report.minutes = float(pc.sum(counted["minutes"]).as_py() or 0.0)
    report.visits = int(pc.sum(counted["visits"]).as_py() or 0)
    report.compliant_visits = int(pc.sum(counted["compliant_visits"]).as_py() or 0)
    if options.dry_run or not report.days:
        return report
    load = DeliveryLoad(
        agency=agency,
        res=options.rules.res,
        loaded_at=datetime.now(UTC).replace(tzinfo=None),
        files=len(report.files),
        pings_read=report.pings_read,
        pings_kept=report.pings_kept,
        quarantined=report.quarantined,
        days=report.days,
        rules=json.dumps(asdict(options.rules), sort_keys=True),
    )
    report.load_id = replace_delivery(con, load, counted)
    return report
