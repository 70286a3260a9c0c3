"""Fixtures for feed ingest: what rows can be placed against."""

from __future__ import annotations

import pytest

from ingest.places import store_places
from ingest.profile_rows import Places
from ingest.store.connection import Connection
from tests.conftest import PROJECT_DATA


@pytest.fixture()
def places(store: Connection) -> Places:
    """The shipped postcodes and the store's wards."""
    return store_places(store, [PROJECT_DATA / "postcodes"])
