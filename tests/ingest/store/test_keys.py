"""Record keys are a keyed hash under a secret drawn for each store: nobody without the store can compute them."""

from __future__ import annotations

from pathlib import Path

from ingest.store.connection import open_store
from ingest.store.keys import GROUPED
from tests.conftest import load_police, new_store, police_file

MARCH = police_file("cleveland", "03")


def keys(con: object) -> list[int]:
    return [r[0] for r in con.execute(f"SELECT record_key FROM incident_counts ORDER BY {GROUPED}").fetchall()]  # type: ignore[attr-defined]  # noqa: S608


def test_two_stores_holding_the_same_file_key_it_differently(tmp_path: Path) -> None:
    stores = []
    for name in ("a", "b"):
        con = new_store(tmp_path / f"{name}.duckdb")
        con.execute("DELETE FROM store_secret")  # each store draws its own secret (the reference copy shares one)
        con.close()
        con = open_store(tmp_path / f"{name}.duckdb")
        load_police(con, MARCH)
        stores.append(keys(con))
        unkeyed = [
            r[0]
            for r in con.execute(
                f"SELECT hash({GROUPED}) % 2147483647 FROM incident_counts ORDER BY {GROUPED}"  # noqa: S608
            ).fetchall()
        ]
        con.close()
        assert len(stores[-1]) > 1000 and None not in stores[-1]
        assert not set(stores[-1]) & set(unkeyed)  # not the unkeyed hash of the public fields
    assert len(stores[0]) == len(stores[1])
    assert sum(a == b for a, b in zip(*stores, strict=True)) == 0


def test_a_store_without_a_secret_is_rekeyed_when_opened(tmp_path: Path) -> None:
    con = new_store(tmp_path / "aim.duckdb")
    load_police(con, MARCH)
    before = keys(con)
    con.execute("DROP TABLE store_secret")  # a store written before record keys were secret
    con.close()
    con = open_store(tmp_path / "aim.duckdb")
    after = keys(con)
    secret = con.execute("SELECT secret FROM store_secret").fetchall()
    con.close()
    assert len(secret) == 1 and len(secret[0][0]) == 64
    assert len(after) == len(before) and None not in after
    assert sum(a == b for a, b in zip(before, after, strict=True)) == 0
