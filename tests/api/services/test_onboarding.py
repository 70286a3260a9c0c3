"""Onboarding from the feeds page as plain Python: profiles checked with each problem named, checked files kept for
their owner for an hour, and what a check found month by month against the rows a store holds."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from api.services.errors import NotFoundError
from api.services.onboarding import (
    KEEP_SECONDS,
    ProfileProblems,
    check_view,
    discard,
    keep_profile,
    shelve,
    shelved,
    upload_name,
)
from api.settings import PROJECT_DATA
from ingest.pipeline import IngestOptions, run
from ingest.profiles import shipped_profiles
from ingest.registry import resolve_feed
from ingest.store.connection import Connection

SAMPLE = PROJECT_DATA / "feeds" / "cleveland-wardens.csv"


def own(name: str) -> str:
    return shipped_profiles()["cleveland-wardens"].replace('name = "cleveland-wardens"', f'name = "{name}"', 1)


def test_a_profile_is_kept_under_its_own_name_or_every_problem_is_named(tmp_path: Path) -> None:
    assert keep_profile(tmp_path, own("redcar-wardens")).name == "redcar-wardens"
    assert (tmp_path / "redcar-wardens.toml").read_text() == own("redcar-wardens")
    cases = {
        "": ["the profile is empty"],
        'name = "a-b"\nsource = \n[file]\n': ["not valid TOML", "line 2"],
        'name = "a-b"\nsource = "warden"\n[file]\nformat = "pdf"\n': ["file.format:", "columns: Field required"],
        own("cleveland-wardens"): ["is a shipped feed"],
    }
    for text, said in cases.items():
        with pytest.raises(ProfileProblems) as caught:
            keep_profile(tmp_path, text)
        joined = "\n".join(caught.value.problems)
        assert all(s in joined for s in said), joined
    with pytest.raises(ProfileProblems) as caught:
        keep_profile(tmp_path, 'name = "a-b"\nsource = "warden"\n[file]\nformat = "pdf"\n')
    assert len(caught.value.problems) >= 3  # one line per problem, not one run-on sentence
    assert sorted(p.name for p in tmp_path.iterdir()) == ["redcar-wardens.toml"]  # nothing else kept


def test_a_checked_file_is_kept_for_its_owner_until_loaded_or_an_hour_passes(tmp_path: Path) -> None:
    shelf = tmp_path / "checked"
    checked = shelve(shelf, io.BytesIO(b"a,b\n1,2\n"), "cleveland-wardens", "../../etc/pass wd.csv", "7:analyst")
    assert checked.name == "pass_wd.csv" and checked.path.read_bytes() == b"a,b\n1,2\n"
    assert checked.path.parent.parent == shelf
    assert shelved(shelf, checked.id, "7:analyst") == checked
    for check_id, owner in ((checked.id, "8:other"), ("../" + checked.id, "7:analyst"), ("x" * 30, "7:analyst")):
        with pytest.raises(NotFoundError):
            shelved(shelf, check_id, owner)
    old = time.time() - KEEP_SECONDS - 5
    os.utime(shelf / checked.id, (old, old))
    with pytest.raises(NotFoundError):
        shelved(shelf, checked.id, "7:analyst")  # expired
    newer = shelve(shelf, io.BytesIO(b"x"), "cleveland-wardens", None, "7:analyst")
    assert not (shelf / checked.id).exists() and newer.name == "upload.csv"  # the expired one went
    discard(shelf, newer)
    assert list(shelf.iterdir()) == []
    assert upload_name("C:\\exports\\wardens.xlsx").endswith("wardens.xlsx") and upload_name("..") == "upload.csv"


def test_what_a_check_found_month_by_month(store: Connection, tmp_path: Path) -> None:
    feed = resolve_feed("cleveland-wardens")
    first = check_view(run(feed, SAMPLE, store, IngestOptions(dry_run=True, examples=20)))
    assert first["status"] == "would load" and first["loaded"] == 1761 and first["quarantined"] == 81
    assert len(first["examples"]) == 20 and first["examples"][0] == {
        "line": 40,
        "reason": "ward name 'Central' is ambiguous (E05009857, E05014614): give the ward code",
    }
    assert [m["month"] for m in first["months"]] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert {m["effect"] for m in first["months"]} == {"new"} and sum(m["rows"] for m in first["months"]) == 1761
    run(feed, SAMPLE, store, IngestOptions())
    again = check_view(run(feed, SAMPLE, store, IngestOptions(dry_run=True)))
    assert again["status"] == "unchanged" and {m["effect"] for m in again["months"]} == {"unchanged"}
    edited = tmp_path / "wardens-edited.csv"  # another export: one reference changed in January
    edited.write_bytes(SAMPLE.read_bytes().replace(b"WDN/25/00001,", b"WDN/25/90001,", 1))
    replaced = check_view(run(feed, edited, store, IngestOptions(dry_run=True)))
    assert replaced["status"] == "would load" and replaced["months_replaced"]
    assert all(m["effect"] == "replaces" and m["held"] == m["rows"] for m in replaced["months"])
