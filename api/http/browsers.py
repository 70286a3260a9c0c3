"""Whether a request is a browser's asking for a page (answered with pages: a sign-in redirect, a readable error) or
an API client's (answered with JSON): its Accept header prefers text/html to JSON, and it is not for /api/."""

from __future__ import annotations

from fastapi import Request

API_PREFIX = "/api/"


def _quality(accept: str, media_type: str) -> float:
    """The quality the Accept header gives a media type: its most specific entry's (exact, type/*, */*), else 0."""
    kind = media_type.split("/", 1)[0]
    found: dict[str, float] = {}
    for entry in accept.split(","):
        name, *params = (part.strip() for part in entry.split(";"))
        name = name.lower()
        if name not in (media_type, f"{kind}/*", "*/*"):
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        found[name] = max(found.get(name, 0.0), quality)
    for name in (media_type, f"{kind}/*", "*/*"):
        if name in found:
            return found[name]
    return 0.0


def prefers_html(accept: str) -> bool:
    """Whether an Accept header prefers text/html to application/json (a browser's; `*/*` alone, or no header, is
    an API client's)."""
    return _quality(accept, "text/html") > _quality(accept, "application/json")


def asks_for_html(request: Request) -> bool:
    """Whether the request's Accept header prefers text/html to JSON, whatever its path."""
    return prefers_html(request.headers.get("accept", ""))


def wants_page(request: Request) -> bool:
    """Whether to answer an error with a page: a browser's request (its Accept prefers text/html) for a page, not for
    an /api/ route (those answer JSON to everyone)."""
    return asks_for_html(request) and not request.url.path.startswith(API_PREFIX)
