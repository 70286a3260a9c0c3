"""Feed profiles: how one council export's columns, dates, locations and categories map onto the canonical schema."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest.errors import ProfileError
from ingest.taxonomy import Category

SOURCE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
LocationMethod = Literal["lonlat", "grid", "postcode", "ward"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileFormat(_Strict):
    """How the export file is laid out."""

    format: Literal["csv", "xlsx", "open311-json"] = "csv"
    encoding: str = "utf-8-sig"
    delimiter: str = ","
    sheet: str | None = None  # xlsx: the sheet holding the rows (default: the first)
    header_row: int = Field(1, ge=1, le=50)  # the row holding the column names; rows above it are skipped


class Columns(_Strict):
    """Which export column holds each canonical field (names as in the header, matched ignoring case/spaces)."""

    reference: str | None = None
    occurred: str  # date, or date and time
    occurred_time: str | None = None  # a separate time column, when the export splits them
    category: str
    longitude: str | None = None
    latitude: str | None = None
    easting: str | None = None
    northing: str | None = None
    postcode: str | None = None
    ward: str | None = None  # ward code (E05...) or ward name
    location_text: str | None = None
    outcome: str | None = None
    reported_by: str | None = None

    @model_validator(mode="after")
    def _pairs(self) -> Columns:
        if (self.longitude is None) != (self.latitude is None):
            raise ValueError("give both longitude and latitude, or neither")
        if (self.easting is None) != (self.northing is None):
            raise ValueError("give both easting and northing, or neither")
        return self


class Dates(_Strict):
    """Accepted date formats (Python strptime), tried in order on each value."""

    formats: list[str] = Field(min_length=1)
    time_formats: list[str] = ["%H:%M", "%H:%M:%S", "%H%M"]


class Location(_Strict):
    """The order in which a row's location fields are tried; the first that places the row wins."""

    order: list[LocationMethod] = ["lonlat", "grid", "postcode", "ward"]


class Profile(_Strict):
    """One feed: where it comes from and how its columns map onto the canonical schema."""

    name: str  # the feed's name: unique per store
    source: str  # warden | councillor | complaint | police | a new source name
    description: str = ""
    file: FileFormat = FileFormat(header_row=1)
    columns: Columns
    dates: Dates
    location: Location = Location()
    categories: dict[str, Category]  # source category label -> canonical category

    @field_validator("name", "source")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SOURCE_NAME.match(value):
            raise ValueError("use 2-32 lower-case letters, digits and hyphens, starting with a letter")
        return value

    @field_validator("categories")
    @classmethod
    def _labels(cls, value: dict[str, Category]) -> dict[str, Category]:
        if not value:
            raise ValueError("map at least one source category")
        return value

    def category_lookup(self) -> dict[str, Category]:
        """Category mapping keyed by the normalised source label."""
        return {normalise_label(k): v for k, v in self.categories.items()}


def normalise_label(text: str) -> str:
    """A label for matching: case-folded, inner whitespace collapsed, trimmed."""
    return " ".join(text.split()).casefold()


def _describe(exc: ValidationError) -> list[str]:
    parts = []
    for e in exc.errors():
        where = ".".join(str(p) for p in e["loc"]) or "(top level)"
        parts.append(f"{where}: {e['msg']}")
    return parts


def parse_profile(text: str, origin: str) -> Profile:
    """Parse a profile's TOML text; ProfileError names the origin and each problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(origin, f"not valid TOML ({exc})") from exc
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = _describe(exc)
        raise ProfileError(origin, "; ".join(problems), problems) from exc


def load_profile(path_or_name: str | Path) -> Profile:
    """A profile from a TOML file, or a shipped profile by name (see `shipped_profiles`)."""
    path = Path(path_or_name)
    if path.is_file():
        return parse_profile(path.read_text(encoding="utf-8"), str(path))
    shipped = shipped_profiles()
    if str(path_or_name) in shipped:
        return parse_profile(shipped[str(path_or_name)], f"shipped profile {path_or_name}")
    raise ProfileError(str(path_or_name), f"no such profile file; shipped profiles: {', '.join(sorted(shipped))}")


def shipped_profiles() -> dict[str, str]:
    """The profiles shipped with AIM: name -> TOML text."""
    folder = resources.files("ingest.profiles")
    return {
        f.name.removesuffix(".toml"): f.read_text(encoding="utf-8")
        for f in folder.iterdir()
        if f.name.endswith(".toml")
    }
