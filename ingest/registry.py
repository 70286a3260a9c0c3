"""One registry of feeds: data.police.uk and every profile, shipped with AIM or the user's own TOML file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ProfileError
from ingest.profiles import Profile, load_profile, shipped_profiles
from ingest.schema import Source

POLICE = "police"


@dataclass(frozen=True)
class Feed:
    """A feed AIM can load: its name, the canonical source its rows belong to, and its profile (None: police.uk)."""

    name: str  # "police" for data.police.uk, else the profile's name
    source: str  # canonical source: police, warden, councillor, complaint, or a profile's own
    profile: Profile | None  # None for police.uk


POLICE_FEED = Feed(POLICE, Source.POLICE.value, None)


def profile_feed(profile: Profile) -> Feed:
    """The feed a profile describes."""
    return Feed(profile.name, profile.source, profile)


def shipped_feeds() -> dict[str, Feed]:
    """The police.uk feed and every shipped profile, by name."""
    feeds = {POLICE: POLICE_FEED}
    for name in sorted(shipped_profiles()):
        feeds[name] = profile_feed(load_profile(name))
    return feeds


def resolve_feed(ref: str | Path) -> Feed:
    """A feed by name ("police" or a shipped profile) or by the path of a profile TOML file; ProfileError if unknown."""
    if str(ref) == POLICE:
        return POLICE_FEED
    path = Path(ref)
    if path.is_file():
        return profile_feed(load_profile(path))
    if str(ref) in shipped_profiles():
        return profile_feed(load_profile(str(ref)))
    known = ", ".join([POLICE, *sorted(shipped_profiles())])
    raise ProfileError(str(ref), f"no such feed or profile file; feeds: {known}")


def _police_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith((".csv", ".csv.gz")))
    return [path]


def feed_files(feed: Feed, paths: list[Path]) -> list[Path]:
    """The files to load at these paths: folders expanded to *.csv and *.csv.gz for police.uk; profiles: as given."""
    if feed.profile is None:
        return [f for p in paths for f in _police_files(p)]
    return list(paths)
