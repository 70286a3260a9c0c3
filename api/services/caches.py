"""What a running service keeps between questions: ward polygons, study-area lattices and coverage reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.services.layer_cache import LayerCache
from api.services.reference import WardCache
from api.services.sources import ReportCache
from api.services.study_area import LatticeCache
from ingest.store import read
from ingest.store.connection import Connection


@dataclass
class Caches:
    """The caches one service (or one CLI run) shares across questions."""

    wards: WardCache = field(default_factory=WardCache)
    lattices: LatticeCache = field(default_factory=LatticeCache)
    reports: ReportCache = field(default_factory=ReportCache)
    layers: LayerCache = field(default_factory=LayerCache)

    @classmethod
    def serving(cls) -> Caches:
        """Caches for a long-running service (ward geometries kept out of garbage collection)."""
        return cls(wards=WardCache(freeze=True))


def store_version(con: Connection) -> int:
    """The store's version: every load adds one, so anything derived from the store is keyed by it."""
    return read.store_version(con)
