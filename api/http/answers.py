"""Answers kept per store version: the same question from the same kind of caller is built once per store version,
revalidated with an ETag (304 when unchanged), and labelled Cache-Control by who may see it.

The key holds the store version (every load adds one), the path, the query and the caller's role and sources, so
a cached answer is only ever served to a caller who would get the same answer, after the caller has been checked
(routes call `cached` once authentication and the policy have let the request in). Exports (CSV, PNG, PDF) are
never kept here: each one is built and written to the audit log.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.http.auth import capabilities_of, principal_of
from api.http.formats import Answer, respond
from api.services.caches import store_version
from ingest.store.connection import Connection

MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Kept:
    """A built answer: its body, media type and entity tag."""

    body: bytes
    media_type: str
    etag: str


class AnswerCache:
    """Built answers, least recently used out once they hold more than `max_bytes`."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._items: OrderedDict[str, Kept] = OrderedDict()
        self._bytes = 0
        self._max = max_bytes
        self._lock = Lock()

    def holds_any(self) -> bool:
        """Whether any answer is kept."""
        return bool(self._items)

    def get(self, key: str) -> Kept | None:
        """A kept answer, or None."""
        with self._lock:
            kept = self._items.get(key)
            if kept is not None:
                self._items.move_to_end(key)
            return kept

    def put(self, key: str, kept: Kept) -> None:
        """Keep an answer (answers larger than a quarter of the budget are not kept; none with no budget)."""
        if len(kept.body) > self._max // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes -= len(old.body) if old else 0
            self._items[key] = kept
            self._bytes += len(kept.body)
            while self._bytes > self._max and self._items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)


def _key(request: Request, version: int) -> str:
    principal = principal_of(request)
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    parts = [str(version), request.url.path, query, principal.role.value, ",".join(principal.sources)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _headers(request: Request, etag: str) -> dict[str, str]:
    public = not capabilities_of(request).signed_in
    return {
        "ETag": etag,
        "Cache-Control": "public, no-cache" if public else "private, no-cache",
        "Vary": "Authorization, Cookie",
    }


class KeptAnswer(Exception):
    """A kept answer found before the route's own dependencies ran (answer_kept); its response."""

    def __init__(self, response: Response) -> None:
        self.response = response


async def answer_kept(request: Request) -> None:
    """App-wide dependency, after the policy let the caller in: a kept answer to this request goes out before the
    route's own dependencies (filters, store look-ups) run. It was built for the same store version, path, query,
    role and sources, so it passed the same checks. With no answer kept (or none kept at all: AIM_ANSWER_CACHE_MB=0)
    it returns on the event loop; the look-up (the store's version, the caller) runs in a worker thread."""
    answers: AnswerCache = request.app.state.answers
    if request.method != "GET" or not answers.holds_any():
        return
    await run_in_threadpool(_raise_kept, request, answers)


def _raise_kept(request: Request, answers: AnswerCache) -> None:
    kept = answers.get(_key(request, request.app.state.store.version()))
    if kept is not None:
        raise KeptAnswer(_sent(request, kept))


def _sent(request: Request, kept: Kept) -> Response:
    headers = _headers(request, kept.etag)
    if kept.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(kept.body, media_type=kept.media_type, headers=headers)


def cached(request: Request, con: Connection, build: Callable[[], Response]) -> Response:
    """The answer to this request: kept (or a 304 when the caller holds it already), else built and kept."""
    answers: AnswerCache = request.app.state.answers
    key = _key(request, store_version(con))
    kept = answers.get(key)
    if kept is None:
        response = build()
        if response.status_code != 200:
            return response
        body = bytes(response.body)
        kept = Kept(body, response.media_type or "application/json", f'"{key[:32]}"')
        answers.put(key, kept)
    return _sent(request, kept)


def layer_answer(request: Request, con: Connection, answer: Answer, fmt: str, crs: str) -> Response:
    """A layer in the format asked for: GeoJSON kept per store version, GIS files built (and audited) each time."""
    if fmt == "geojson" and crs == "EPSG:4326":
        return cached(request, con, lambda: respond(request, answer, fmt, crs=crs))
    return respond(request, answer, fmt, crs=crs)
