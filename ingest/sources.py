"""The one contract every feed's adapter meets: which files it reads, their rows, and the months a file replaces.

A source is an adapter behind three steps, each its own method:

(a) `files`: the files to load at the paths a person gave (a folder may expand to the files of the source's format);
(b) `read`: one file of the source's format as a generator of `Candidates` batches (rows in the candidate layout,
    with the problems parsing found and the rows refused while reading); a file that cannot be read at all raises
    `FeedFileError` by the first batch;
(c) `months`: the month partition each valid candidate row belongs to. A file replaces, for its feed, exactly the
    months its good rows cover, atomically: the store keeps every other month as it is, and a month the file covers
    holds the file's rows and nothing else once the load commits (or, if anything fails, the store is unchanged).

The pipeline does the rest for every source alike: the shared checks and canonical rows (`ingest.validate`), the
quarantine of bad rows with their file, line and reason, enrichment (`ingest.enrich`), and the store's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from ingest.limits import Limits
from ingest.movement import PingBatch
from ingest.movement_places import MovementPlaces
from ingest.places import Places
from ingest.profiles import Profile
from ingest.validate import Candidates

PlacesLookup = Callable[[bool, bool], Places]  # (postcodes wanted, wards wanted) -> what rows can be placed against


@dataclass(frozen=True)
class ReadContext:
    """What reading a file may use besides the file: the present moment, the size bounds, and the places (postcode
    centroids, the store's wards) rows can be located against, read for the source before its rows are."""

    now: datetime  # dates later than now + 1 day are refused
    limits: Limits  # the most rows (and bytes once decompressed) the file may hold
    places: PlacesLookup  # read from the store once per file, on demand: adapters never touch the store
    movement: MovementPlaces = MovementPlaces()  # a named plan's cells and streets, for patrol logs


class Source(Protocol):
    """A feed AIM can load: an adapter meeting the three steps of this module's contract."""

    @property
    def name(self) -> str:
        """The feed's name in the registry (what a person names to load it)."""

    @property
    def source(self) -> str:
        """The canonical source its rows belong to: police, warden, councillor, complaint, or a source's own."""

    @property
    def label(self) -> str:
        """The feed as recorded on each row and in the load log."""

    @property
    def description(self) -> str:
        """One line saying what the feed is."""

    @property
    def file_format(self) -> str:
        """The format of its files, as listed to people."""

    @property
    def profile(self) -> Profile | None:
        """The profile mapping its columns where it is read through one (None: a format of its own)."""

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) The files to load at these paths, in load order."""

    def read(self, path: Path, context: ReadContext) -> Generator[Candidates, None, None]:
        """(b) One file as batches of candidate rows: a generator (a batch is read when the last one is used; it is
        closed when the load stops early)."""

    def months(self, candidates: pa.Table) -> pa.Array:
        """(c) The partition (source:scope:YYYY-MM) each candidate row replaces: most sources give
        `ingest.validate.scoped_months` (scope: the feed itself, or a part such as a police force)."""


class MovementSource(Protocol):
    """A format of patrol movement AIM can read (GPS tracks, pings): steps (a) and (b) of this module's contract,
    yielding pings (`ingest.movement.PingBatch`) instead of candidate rows. A load keeps only the dosage it counts
    from them (ingest.delivery), never the pings."""

    @property
    def name(self) -> str:
        """The format's name in the registry."""

    @property
    def description(self) -> str:
        """One line saying what the format is."""

    @property
    def suffixes(self) -> tuple[str, ...]:
        """The endings of its files' names (a folder given expands to the files with these)."""

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) The files to load at these paths, in load order."""

    def read(self, path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
        """(b) One file as batches of pings; a file that cannot be read at all raises `FeedFileError` by the first
        batch, a row that cannot is refused with its line and reason."""


def files_as_given(paths: Sequence[Path]) -> list[Path]:
    """Step (a) for a source whose paths name its files: the paths, in the order given."""
    return list(paths)


def files_with_suffixes(paths: Sequence[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """Step (a) for a source whose folders hold its files: a folder becomes its files (at any depth) whose names end
    with one of the suffixes, sorted; a file stays as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(suffixes))
        else:
            found.append(path)
    return found
