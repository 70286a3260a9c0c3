"""Onboarding a feed from the feeds page: a profile checked and kept, a file checked (a dry run) and kept until the
person who checked it loads it, and what a check or a load found, as data for the page."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from api.services.default_period import new_month_effect
from api.services.errors import NotFoundError, ParameterError
from api.services.loading import report_summary
from api.services.profiles import save_profile
from ingest.errors import ProfileError
from ingest.pipeline import IngestReport
from ingest.profiles import Profile, parse_profile
from ingest.store.connection import Connection

KEEP_SECONDS = 3600  # a checked file waits this long to be loaded, then it is removed
MONTH = re.compile(r"^\d{4}-\d{2}$")
CHECK_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
EXAMPLES = 20  # quarantined rows shown by line and reason after a check


class ProfileProblems(ParameterError):
    """A profile that cannot be kept, with each of its problems (naming a field or a line) on its own."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("profile", "; ".join(problems))


@dataclass(frozen=True)
class Checked:
    """A file checked against a feed and kept for its owner to load."""

    id: str
    feed: str
    name: str
    owner: str
    path: Path


def keep_profile(folder: Path, text: str) -> Profile:
    """Check a profile's TOML and keep it under its own `name`; every problem is reported, each in plain words."""
    if not text.strip():
        raise ProfileProblems(["the profile is empty: choose a TOML file or paste its text"])
    try:
        profile = parse_profile(text, "sent from the feeds page")
    except ProfileError as exc:
        raise ProfileProblems(exc.problems) from exc
    try:
        return save_profile(folder, profile.name, text)
    except ParameterError as exc:
        raise ProfileProblems([f"{exc.parameter}: {exc.message}"]) from exc


def upload_name(filename: str | None) -> str:
    """A sent file's name, safe to keep on disk and to show (its folders and odd characters dropped)."""
    return SAFE_NAME.sub("_", Path(filename or "").name).strip("._") or "upload.csv"


def shelve(folder: Path, upload: BinaryIO, feed: str, filename: str | None, owner: str) -> Checked:
    """Keep a sent file (copied from `upload`) under a new random id, for `owner` only; older ones expire."""
    expire(folder, time.time())
    check_id = secrets.token_urlsafe(24)
    place = folder / check_id
    place.mkdir(parents=True)
    name = upload_name(filename)
    with (place / name).open("wb") as fh:
        shutil.copyfileobj(upload, fh, 1 << 20)
    (place / "check.json").write_text(json.dumps({"feed": feed, "name": name, "owner": owner}), encoding="utf-8")
    return Checked(check_id, feed, name, owner, place / name)


def shelved(folder: Path, check_id: str, owner: str) -> Checked:
    """The file kept under `check_id` for `owner` (NotFoundError when it has gone, expired or is someone else's)."""
    place = folder / check_id
    gone = NotFoundError("that checked file is no longer kept (an hour has passed, or it was loaded): check it again")
    if not CHECK_ID.match(check_id) or not (place / "check.json").is_file():
        raise gone
    kept = json.loads((place / "check.json").read_text(encoding="utf-8"))
    if kept.get("owner") != owner or time.time() - place.stat().st_mtime > KEEP_SECONDS:
        raise gone
    return Checked(check_id, str(kept["feed"]), str(kept["name"]), owner, place / str(kept["name"]))


def discard(folder: Path, checked: Checked) -> None:
    """Remove a kept file (after it loaded)."""
    shutil.rmtree(folder / checked.id, ignore_errors=True)


def expire(folder: Path, now: float) -> None:
    """Remove kept files older than KEEP_SECONDS."""
    if not folder.is_dir():
        return
    for place in folder.iterdir():
        if place.is_dir() and now - place.stat().st_mtime > KEEP_SECONDS:
            shutil.rmtree(place, ignore_errors=True)


def check_view(report: IngestReport) -> dict[str, Any]:
    """What a check (or a load) found, for the page: the summary, the quarantined rows shown by line, and month by
    month what the file does to the rows held (new, replaces N rows, unchanged: the same file again)."""
    months = []
    new, replaced = set(report.partitions_new), set(report.partitions_replaced)
    for key, rows in sorted(report.partition_rows.items()):
        effect = "new" if key in new else "replaces" if key in replaced else "unchanged"
        held = report.partition_held.get(key)
        months.append({"key": key, "month": key.rsplit(":", 1)[-1], "rows": rows, "held": held, "effect": effect})
    return {
        **report_summary(report),
        "examples": [{"line": line, "reason": reason} for line, reason in report.examples],
        "months": months,
    }


def defaults_effect(
    con: Connection, report: IngestReport, source: str, core: tuple[str, ...], default_months: int
) -> str | None:
    """What a checked file's new months would do to the default period (None: it adds no month), in a sentence."""
    months = sorted({key.rsplit(":", 1)[-1] for key in report.partitions_new})
    found = [date(int(m[:4]), int(m[5:7]), 1) for m in months if MONTH.match(m)]
    return new_month_effect(con, source, found, core, default_months)
