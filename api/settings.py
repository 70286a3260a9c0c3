"""Service settings, read from AIM_* environment variables at the entry points and passed down."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def installed_data() -> Path:
    """The shipped reference data installed with AIM (package `aim_data`; `data/` in the repository)."""
    root = resources.files("aim_data")
    if not isinstance(root, Path):
        raise RuntimeError(f"AIM's shipped data must be installed as files on disk, not {root!r}")
    return root


PROJECT_DATA = installed_data()


OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


class Settings(BaseSettings):
    """Where the store is, how to serve it, and where the shipped reference data lives."""

    model_config = SettingsConfigDict(env_prefix="AIM_", extra="ignore")

    store: Path = Path("aim.duckdb")
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = PROJECT_DATA  # the installed shipped data unless AIM_DATA_DIR says otherwise
    memory_limit: str = "2GB"  # DuckDB's, per process
    workers: int = 1  # processes serving; above 1 each reads published snapshots and loads go through one writer
    threads: int = 0  # DuckDB threads per serving process; 0: the machine's cores shared among the workers
    # seconds a worker process (--workers above 1) has to answer the supervisor's health check before it is killed
    # and replaced: long enough for a worker the machine starves of CPU (uvicorn's own 5 s killed working ones)
    worker_healthcheck_timeout: int = Field(default=60, ge=1)
    tile_url: str = OSM_TILES  # basemap XYZ tile template (the browser, printed plans); "none" for no basemap
    tile_attribution: str = OSM_ATTRIBUTION  # HTML shown with the basemap (OpenStreetMap's, by default)

    def duckdb_threads(self) -> int:
        """DuckDB threads for each serving process: as set, else the cores divided among the workers (at least 1);
        0 (DuckDB's own default, every core) for one process, so its store opens as every other connection does."""
        if self.threads > 0:
            return self.threads
        return 0 if self.workers <= 1 else max(1, (os.cpu_count() or 1) // self.workers)

    def basemap(self) -> tuple[str, str] | None:
        """The basemap's tile template and attribution, or None when there is none."""
        url = self.tile_url.strip()
        if not url or url.lower() == "none":
            return None
        return url, self.tile_attribution or "basemap"

    postcodes: list[Path] = [PROJECT_DATA / "postcodes"]  # Code-Point Open CSV files or folders
    dedupe_distance_m: float = 150.0  # records of different sources this close ...
    dedupe_hours: float = 48.0  # ... and this close in time may be one incident
    dedupe_month_only: bool = False  # also link month-only records (police.uk) to any record of that month
    gap_ratio: float = 0.5  # a month below this share of the feed's recent median ...
    gap_alpha: float = 0.01  # ... and this unlikely under a Poisson count at that median is flagged low
    default_months: int = 12  # period shown when no from/to is given, ending at the latest month held ...
    core_sources: list[str] = ["police"]  # ... by every one of these sources held (police.uk lags council feeds)
    database_url: str | None = None  # the database (SQLAlchemy URL): tokens, sessions, audit, tasking; default: SQLite
    access_db: Path | None = None  # the old layout's access file (SQLite), carried over on first start; default: beside
    session_hours: float = 12.0  # a map-page login lasts this long
    cookie_secure: bool = True  # session cookie only over HTTPS (turn off only for plain-HTTP local use)
    cors_origins: list[str] = []  # browser origins allowed to call the API; none by default
    sdc_threshold: int = 10  # below analyst: counts below this are suppressed ...
    sdc_round: int = 5  # ... and the rest are rounded to a multiple of this
    sdc_max_res: int = 8  # ... and hexagons are no finer than this resolution
    sdc_open_sources: list[str] = ["police"]  # sources already public (police.uk): counted as they are, never summed
    max_body_bytes: int = 64 * 1024  # request bodies larger than this are refused (413) ...
    max_upload_bytes: int = 512 * 1024 * 1024  # ... except feed files (/api/v1/ingest, /feeds/check), up to this
    max_area_file_bytes: int = 4 * 1024 * 1024  # ... and problem areas' files sent to /api/v1/problem-areas
    # cases about people (docs/cases.md): the risk matrix (JSON; None: the standard victim questions), the ladder of
    # interventions, the repeat-victim rule, and how long a closed case is kept before it is anonymised or deleted
    case_risk_matrix: Path | None = None
    case_ladder: list[str] = [
        "warning letter",
        "acceptable behaviour contract",
        "community protection warning",
        "community protection notice",
        "breach",
        "fixed penalty notice",
        "civil injunction",
        "closure order",
    ]
    repeat_victim_count: int = 3
    repeat_victim_months: int = 12
    repeat_victim_feeds: int = 2
    repeat_victim_near_m: float = 500.0  # one address text further apart than this is two addresses
    case_retention_months: int = 24
    case_retention_action: Literal["anonymise", "delete"] = "anonymise"
    # the ASB Case Review threshold (ASBCPA 2014 s.104; docs/cases.md): the statutory defaults, or the local ones
    case_review_count: int = 3
    case_review_complaint_months: int = 1  # a complaint made within this many months of the behaviour qualifies ...
    case_review_window_months: int = 6  # ... in this many months ending with the application
    case_review_procedure_url: str | None = None  # the published procedure, linked from the yearly publication
    answer_cache_mb: int = 256  # answers kept per store version (0: none, e.g. to time every request cold)
    max_upload_decompressed_bytes: int = 1024 * 1024 * 1024  # a feed file (upload or CLI) expands to at most this
    max_upload_rows: int = 250_000  # ... and holds at most this many rows (police.uk: a force-month is under 100,000)
    replace_min_share: float = 0.5  # a file replacing a partition with under this share of its rows is refused
    layout_drift: float = 1.5  # after a load, rewrite cell_counts' resolution-years whose reads open more than this
    # many times the row groups of their rows laid out together (docs/scale.md, layout after many loads; 0: never)
    # patrol delivery (docs/delivery.md): the dosage rules a load counts under ...
    delivery_buffer_m: float = 25.0  # a cell's geofence is the cell and this far around it
    delivery_merge_gap_s: int = 300  # presence in a fence no more than this apart is one visit
    delivery_ping_gap_s: int = 300  # a gap between pings longer than this is not presence
    delivery_walking_mps: float = 2.0  # faster than this is a drive-by
    delivery_compliant_s: int = 600  # a visit at least this long is compliant (Koper's 10 minutes)
    delivery_below_analyst: Literal["wards", "none"] = "wards"  # ... and below analyst: monthly ward totals, or none

    def profiles_path(self) -> Path:
        """Where the profiles analysts send to a running service are kept (one TOML file each)."""
        return self.store.with_name(f"{self.store.stem}-profiles")

    def tile_cache_path(self) -> Path:
        """Where basemap tiles fetched for printed maps are kept (a week each)."""
        return self.store.with_name(f"{self.store.stem}-tiles")

    def checked_path(self) -> Path:
        """Where files checked on the feeds page wait (an hour at most) for the person who checked them to load them."""
        return self.store.with_name(f"{self.store.stem}-checked")

    def access_path(self) -> Path:
        """Where the old layout kept tokens, sessions and the audit log (carried over on first start)."""
        return self.access_db or self.store.with_name(f"{self.store.stem}-access.sqlite")

    def tasking_url(self) -> str:
        """The deployment's database (tokens, sessions, audit, tasking): AIM_DATABASE_URL, else <store
        stem>-tasking.sqlite beside the store."""
        return self.database_url or f"sqlite:///{self.store.with_name(f'{self.store.stem}-tasking.sqlite')}"
