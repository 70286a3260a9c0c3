"""Shared fixtures: the real public data the repository ships and stores built from it."""

from __future__ import annotations

import atexit
import fcntl
import gzip
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ingest.boundary_sets import ensure_reference_data
from ingest.dedupe import LinkRule
from ingest.pipeline import IngestOptions, IngestReport, run
from ingest.registry import resolve_feed
from ingest.store.connection import Connection, open_store
from ingest.store.keys import set_store_secret

PROJECT_DATA = Path(__file__).resolve().parents[1] / "data"  # the shipped reference data, as in the repository
TEST_DATA = Path(__file__).resolve().parent / "data"  # real public data shipped for the tests (see its SOURCE.md)
BOUNDARIES = TEST_DATA / "boundaries"
POLICE = TEST_DATA / "police_uk"
FORCES = ["cleveland", "derbyshire", "nottinghamshire", "devon-and-cornwall", "suffolk"]
HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)


# each also marked slow: `pytest -m "not slow"`
SLOW_KINDS = ("browser", "postgres", "gdal", "fuzz", "server", "bulk", "spark")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow kinds slow, and every case run on PostgreSQL (a parameter "postgresql") postgres; the PostgreSQL
    cases share one database, so under xdist's `--dist loadgroup` they run on one worker."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker(pytest.mark.postgres)
        if item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.xdist_group("postgres"))
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS):
            item.add_marker(pytest.mark.slow)


def police_folder(force: str) -> Path:
    """The folder of a force's twelve real 2025 police.uk monthly files (Cleveland's are the demo's)."""
    return PROJECT_DATA / "demo" if force == "cleveland" else POLICE / force


def police_file(force: str, month: str) -> Path:
    """A real police.uk monthly file of 2025 shipped in the repository."""
    return police_folder(force) / f"2025-{month}-{force}-street.csv.gz"


def write_csv(path: Path, lines: list[str], gz: bool = False) -> Path:
    """Write lines as a CSV file (gzipped when asked)."""
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def real_lines(force: str, month: str, n: int) -> list[str]:
    """The header and the first n data lines of a real monthly file."""
    with gzip.open(police_file(force, month), "rt") as fh:
        return [next(fh).rstrip("\n") for _ in range(n + 1)]


def load_police(con: Connection, path: Path, options: IngestOptions | None = None) -> IngestReport:
    """Load one police.uk file through the pipeline."""
    return run(resolve_feed("police"), path, con, options or IngestOptions())


_REFERENCE: list[Path] = []  # the empty reference store, built once per test session


def _reference_store() -> Path:
    """An empty store with the shipped reference data, built on first use and copied for every new store."""
    if not _REFERENCE:
        folder = Path(tempfile.mkdtemp(prefix="aim-reference-"))
        atexit.register(shutil.rmtree, folder, True)
        con = open_store(folder / "reference.duckdb")
        ensure_reference_data(con, PROJECT_DATA)
        con.close()
        _REFERENCE.append(folder / "reference.duckdb")
    return _REFERENCE[0]


def new_store(path: Path) -> Connection:
    """A fresh store with the shipped reference data loaded (a copy of the session's reference store)."""
    shutil.copyfile(_reference_store(), path)
    return open_store(path)


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Connection]:
    """An empty store with the shipped wards and LSOA reference."""
    con = new_store(tmp_path / "aim.duckdb")
    yield con
    con.close()


def _built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A session store at stores/<name>.duckdb made by `build`; under pytest-xdist the first worker to ask builds it
    once for the run (under a file lock) and every worker gets its own copy."""
    path = factory.mktemp("stores") / f"{name}.duckdb"
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        build(path)
        return path
    shared = factory.getbasetemp().parent / "stores-built-once"  # the run's folder, above each worker's own
    shared.mkdir(exist_ok=True)
    built, done = shared / f"{name}.duckdb", shared / f"{name}.done"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            build(built)
            done.touch()
    shutil.copyfile(built, path)
    return path


def _police_store(factory: pytest.TempPathFactory, name: str, files: list[Path]) -> Path:
    """A session store at stores/<name>.duckdb with these police.uk files loaded."""

    def build(path: Path) -> None:
        con = new_store(path)
        for f in files:
            load_police(con, f)
        con.close()

    return _built_once(factory, name, build)


DEMO_SECRET = "a fixed secret for the test session's demo store"
CLEVELAND_2025 = [police_file("cleveland", f"{month:02d}") for month in range(1, 13)]


@pytest.fixture(scope="session")
def cleveland_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding all 12 months of real Cleveland data plus one Nottinghamshire month."""
    return _police_store(tmp_path_factory, "cleveland", [*CLEVELAND_2025, police_file("nottinghamshire", "01")])


@pytest.fixture(scope="session")
def five_forces_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding June 2025 of each of the five forces (about 45,000 incidents across their whole areas)."""
    return _police_store(tmp_path_factory, "five", [police_file(force, "06") for force in FORCES])


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo: 12 months of real Cleveland police.uk data plus the shipped warden, casework and CRM samples."""
    from api.cli.feeds import sample_feeds
    from ingest.pipeline import IngestOptions, run

    def build(path: Path) -> None:
        con = new_store(path)
        for f in CLEVELAND_2025:
            load_police(con, f)
        options = IngestOptions(rule=LinkRule(), postcodes=(PROJECT_DATA / "postcodes",))
        for feed, sample in sample_feeds(PROJECT_DATA):
            run(feed, sample, con, options)
        set_store_secret(con, DEMO_SECRET)  # the disclosure tests' figures are the same on every run
        con.close()

    return _built_once(tmp_path_factory, "demo", build)


def sign_in(client: object, role: str = "analyst", sources: tuple[str, ...] = ()) -> object:
    """Give a test client a fresh token of the role (sent as Authorization: Bearer); returns the client."""
    from api.access.principals import Role

    app = client.app  # type: ignore[attr-defined]
    token = app.state.access.create_token(f"test {role}", Role(role), sources)
    client.headers["Authorization"] = f"Bearer {token}"  # type: ignore[attr-defined]
    return client


def three_forces_file(path: Path) -> Path:
    """Three months of three forces in one gzipped police.uk file (about 88,000 rows): long enough to overlap."""
    lines: list[str] = []
    for force in FORCES[1:4]:
        for month in ("01", "02", "03"):
            with gzip.open(police_file(force, month), "rt") as fh:
                rows = fh.read().splitlines()
            lines += rows if not lines else rows[1:]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    return path
