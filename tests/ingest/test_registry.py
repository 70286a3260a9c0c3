"""The registry of feeds: police.uk, every shipped profile, and a user's own profile file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ProfileError
from ingest.profiles import shipped_profiles
from ingest.registry import feed_files, resolve_feed, shipped_feeds
from tests.conftest import POLICE


def test_shipped_feeds_are_police_and_every_shipped_profile() -> None:
    feeds = shipped_feeds()
    assert set(feeds) == {"police", *shipped_profiles()}
    assert feeds["police"].source == "police" and feeds["police"].profile is None
    wardens = feeds["cleveland-wardens"]
    assert wardens.source == "warden" and wardens.profile is not None and wardens.profile.name == wardens.name


def test_a_profile_file_of_ones_own_resolves(tmp_path: Path) -> None:
    toml = tmp_path / "mine.toml"
    toml.write_text(
        'name = "my-feed"\nsource = "housing"\n[columns]\noccurred = "When"\ncategory = "What"\n'
        '[dates]\nformats = ["%d/%m/%Y"]\n[categories]\nnoise = "noise"\n'
    )
    feed = resolve_feed(toml)
    assert (feed.name, feed.source) == ("my-feed", "housing")
    assert feed_files(feed, [toml]) == [toml]


def test_unknown_feeds_are_refused_with_the_known_ones_named() -> None:
    with pytest.raises(ProfileError, match="police, cleveland-council-crm"):
        resolve_feed("no-such-feed")


def test_police_folders_expand_to_their_csv_files() -> None:
    files = feed_files(resolve_feed("police"), [POLICE / "suffolk"])
    assert len(files) == 12 and all(f.name.endswith(".csv.gz") for f in files)
