"""Dates as council exports write them: the profile's formats, then ISO 8601; offsets become UK local time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ingest.profiles import Profile
from ingest.validate import RowError, date_problem

ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d")
LONDON = ZoneInfo("Europe/London")


def _london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON).replace(tzinfo=None)


class DateParser:
    """Parse dates (and separate times) with the profile's formats, then ISO, once per distinct text."""

    def __init__(self, profile: Profile, now: datetime) -> None:
        self.formats = [*profile.dates.formats, *ISO_FORMATS]
        self.time_formats = profile.dates.time_formats
        self.latest = now + timedelta(days=1)
        self.cache: dict[tuple[str, str], datetime | str] = {}

    def _parse(self, text: str, time_text: str) -> datetime | str:
        if not text:
            return "missing date"
        for fmt in self.formats:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            if parsed.tzinfo is not None:
                parsed = _london(parsed)
            break
        else:
            return f"date {text!r} matches none of the profile's formats ({', '.join(self.formats[:4])}...)"
        if time_text:
            for fmt in self.time_formats:
                try:
                    t = datetime.strptime(time_text, fmt).time()
                except ValueError:
                    continue
                parsed = datetime.combine(parsed.date(), t)
                break
            else:
                return f"time {time_text!r} matches none of the profile's time formats"
        return date_problem(parsed, text, self.latest) or parsed

    def __call__(self, text: str, time_text: str = "") -> datetime:
        """The moment a row records; RowError says why it cannot be read."""
        key = (text, time_text)
        got = self.cache.get(key)
        if got is None:
            got = self.cache[key] = self._parse(text, time_text)
        if isinstance(got, str):
            raise RowError(got)
        return got
