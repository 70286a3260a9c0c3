"""Profiles a running service keeps: the shipped ones and those analysts send it (a TOML file each, beside the
store), so a council's new export can be checked and loaded without stopping the service."""

from __future__ import annotations

import re
from pathlib import Path

from api.services.errors import ParameterError
from ingest.errors import ProfileError
from ingest.profiles import Profile, load_profile, parse_profile
from ingest.registry import Feed, profile_feed, shipped_feeds

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_PROFILE_BYTES = 64 * 1024


def served_feeds(folder: Path) -> dict[str, Feed]:
    """Every feed the service loads: police.uk, the shipped profiles and the profiles sent to it."""
    feeds = shipped_feeds()
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            if path.stem not in feeds:
                feeds[path.stem] = profile_feed(load_profile(path))
    return feeds


def save_profile(folder: Path, name: str, text: str) -> Profile:
    """Check a profile's TOML and keep it as `name` (its own `name`); a shipped feed's name cannot be replaced."""
    if not NAME.match(name):
        raise ParameterError("name", "a profile name is lower-case letters, digits and hyphens (e.g. redcar-wardens)")
    if name in shipped_feeds():
        raise ParameterError("name", f"{name!r} is a shipped feed: give your profile a name of its own")
    if len(text.encode()) > MAX_PROFILE_BYTES:
        raise ParameterError("body", f"a profile is at most {MAX_PROFILE_BYTES // 1024} KB of TOML")
    try:
        profile = parse_profile(text, f"profile {name}")
    except ProfileError as exc:
        raise ParameterError("body", str(exc)) from exc
    if profile.name != name:
        raise ParameterError(
            "name", f"the profile calls itself {profile.name!r}: send it as /api/v1/profiles/{profile.name}"
        )
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{name}.toml.part"
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(folder / f"{name}.toml")  # whole or not at all
    return profile


def list_profiles(folder: Path) -> list[dict[str, str]]:
    """The feeds the service knows: name, source and whether it was shipped or sent."""
    shipped = shipped_feeds()
    return [
        {"name": name, "source": feed.source, "kind": "shipped" if name in shipped else "sent"}
        for name, feed in served_feeds(folder).items()
    ]
