"""One registry of feeds: each name maps to a source (`ingest.sources.Source`): data.police.uk, every profile shipped
with AIM or in the user's own TOML file, and any source registered by name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ingest.adapters.gpx import GpxSource
from ingest.adapters.mfcsv import MfCsvSource
from ingest.adapters.mfjson import MfJsonSource
from ingest.adapters.patrol_log import PatrolLogSource
from ingest.adapters.ping_csv import PingCsvSource
from ingest.adapters.police import PoliceSource
from ingest.adapters.tabular import ProfileSource
from ingest.errors import ProfileError
from ingest.profiles import Profile, load_profile, shipped_profiles
from ingest.sources import MovementSource, Source

Feed = Source  # a feed is a source the registry knows by name
POLICE = "police"
POLICE_SOURCE: Source = PoliceSource()
_REGISTERED: dict[str, Source] = {POLICE: POLICE_SOURCE}  # sources of a format of their own, by name


def register(source: Source) -> None:
    """Make a source loadable by its name; a name already taken (by a source or a shipped profile) is refused."""
    if source.name in _REGISTERED or source.name in shipped_profiles():
        raise ProfileError(source.name, "a feed of that name is already registered")
    _REGISTERED[source.name] = source


def unregister(name: str) -> None:
    """Forget a registered source (police.uk stays)."""
    if name != POLICE:
        _REGISTERED.pop(name, None)


def profile_feed(profile: Profile) -> Source:
    """The feed a profile describes."""
    return ProfileSource(profile)


def shipped_feeds() -> dict[str, Source]:
    """The registered sources (police.uk first) and every shipped profile, by name."""
    feeds = dict(_REGISTERED)
    for name in sorted(shipped_profiles()):
        feeds[name] = profile_feed(load_profile(name))
    return feeds


def resolve_feed(ref: str | Path) -> Source:
    """A feed by name (a registered source or a shipped profile) or by the path of a profile TOML file; ProfileError
    if unknown."""
    if str(ref) in _REGISTERED:
        return _REGISTERED[str(ref)]
    path = Path(ref)
    if path.is_file():
        return profile_feed(load_profile(path))
    if str(ref) in shipped_profiles():
        return profile_feed(load_profile(str(ref)))
    known = ", ".join([*_REGISTERED, *sorted(shipped_profiles())])
    raise ProfileError(str(ref), f"no such feed or profile file; feeds: {known}")


def feed_files(feed: Source, paths: Sequence[Path]) -> list[Path]:
    """The files to load at these paths: the source's own step (a)."""
    return feed.files(paths)


# formats of patrol movement (ingest.delivery), by name; a file's format is found from its name's ending
MOVEMENT: dict[str, MovementSource] = {
    s.name: s for s in (GpxSource(), MfJsonSource(), MfCsvSource(), PingCsvSource(), PatrolLogSource())
}


def movement_source(name: str) -> MovementSource:
    """A movement format by name; ProfileError if unknown."""
    if name not in MOVEMENT:
        raise ProfileError(name, f"no such movement format; formats: {', '.join(MOVEMENT)}")
    return MOVEMENT[name]


def movement_source_for(path: Path) -> MovementSource:
    """The movement format a file's name ends with (GPX, MF-JSON, CSV pings, patrol logs; the longest ending
    matched decides: `x.log.csv` is a patrol log); ProfileError if none."""
    name = path.name.lower()
    matched = [(len(end), source) for source in MOVEMENT.values() for end in source.suffixes if name.endswith(end)]
    if matched:
        return max(matched, key=lambda m: m[0])[1]
    endings = ", ".join(s for source in MOVEMENT.values() for s in source.suffixes)
    raise ProfileError(path.name, f"not a movement file by its name (endings: {endings}); name its format")
