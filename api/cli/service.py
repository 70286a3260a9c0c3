"""A running AIM service, for commands that work through it while it holds the store: the --server option, the
token in AIM_TOKEN, one request and its answer."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import typer

from api.cli.common import fail
from ingest.errors import IngestError

ServerOpt = Annotated[
    str | None,
    typer.Option(
        envvar="AIM_SERVER",
        help="A running AIM service (e.g. http://127.0.0.1:8000) to work through, with an analyst token in "
        "AIM_TOKEN: the service holds the store, so this works while it serves",
    ),
]


@dataclass(frozen=True)
class Answered:
    """A service's answer: its status, media type and body."""

    status: int
    media_type: str
    body: bytes

    @property
    def ok(self) -> bool:
        """Whether the service did what was asked (2xx)."""
        return 200 <= self.status < 300

    def json(self) -> object:
        """The body as JSON (its text when it is not JSON)."""
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return self.body.decode("utf-8", "replace")


def token() -> str:
    """The token in AIM_TOKEN (the command fails, saying so, when there is none)."""
    found = os.environ.get("AIM_TOKEN", "").strip()
    if not found:
        fail(IngestError("set AIM_TOKEN to an analyst token to work through a running service"))
    return found


def call(
    server: str,
    method: str,
    path: str,
    query: Mapping[str, object] | None = None,
    data: bytes | None = None,
    media_type: str | None = None,
    timeout: float = 600,
) -> Answered:
    """One request to the service with the token in AIM_TOKEN; its answer, whatever its status (the command fails
    when the service cannot be reached)."""
    values = {k: str(v).lower() if isinstance(v, bool) else v for k, v in (query or {}).items()}
    url = server.rstrip("/") + path + (f"?{urlencode(values, doseq=True)}" if values else "")
    headers = {"Authorization": f"Bearer {token()}", "Accept": "application/json"}
    if media_type:
        headers["Content-Type"] = media_type
    request = Request(url, data=data, method=method, headers=headers)
    try:
        with urlopen(request, timeout=timeout) as response:  # noqa: S310 (the analyst's own service URL)
            return Answered(response.status, response.headers.get_content_type(), response.read())
    except HTTPError as exc:
        return Answered(exc.code, exc.headers.get_content_type(), exc.read())
    except URLError as exc:
        fail(IngestError(f"cannot reach the service at {server} ({exc.reason})"))


def asked(
    server: str,
    method: str,
    path: str,
    query: Mapping[str, object] | None = None,
    body: object = None,
) -> Answered:
    """One request to the service, with `body` (when given) sent as JSON; the command fails with what the service
    said unless it did what was asked (exit 2 for a 4xx: what the user asked; 1 otherwise)."""
    data = None if body is None else json.dumps(body).encode()
    answer = call(server, method, path, query, data, "application/json" if data is not None else None)
    if answer.ok:
        return answer
    said = answer.json()
    detail = said.get("detail") if isinstance(said, dict) else said
    message = f"the service at {server} answered {answer.status}: {detail}"
    fail(ValueError(message) if 400 <= answer.status < 500 else IngestError(message))
