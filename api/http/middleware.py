"""HTTP hardening: request bodies over the limit refused (413), security headers (a Content-Security-Policy with a
fresh script nonce per response, a Permissions-Policy), CORS only when configured."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.settings import Settings

UPLOADS = (
    "/api/v1/ingest/",
    "/feeds/check",
    "/feeds/delivery",
    "/api/v1/delivery/load",
)  # feed files: the upload bound, not the body bound
AREA_FILES = "/api/v1/problem-areas"
NONCE_KEY = "csp_nonce"  # where a request's nonce is kept in its state
# Browser features no AIM page uses, refused to every page and anything it embeds (HSTS is the TLS proxy's)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), xr-spatial-tracking=()"
)


def content_security_policy(settings: Settings, nonce: str) -> str:
    """What pages may load: this site only, plus the basemap's host. Scripts: files from this site and the inline
    <script> tags the page renderers marked with this response's nonce; never inline event handlers, javascript: URLs
    or tags a name from a file could smuggle in. Styles may be inline (folium and Leaflet write style attributes)."""
    tiles = ""
    basemap = settings.basemap()
    if basemap:
        parts = urlsplit(basemap[0].replace("{s}", "a"))
        tiles = f" {parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}" if parts.netloc else ""
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; script-src-attr 'none'; "
        f"style-src 'self' 'unsafe-inline'; img-src 'self' data:{tiles}; connect-src 'self'; object-src 'none'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )


class Hardening:
    """Pure ASGI middleware: refuse oversized bodies before reading them, and add security headers; each request
    gets a new script nonce in its state (for the page renderers) and in its Content-Security-Policy."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        max_upload_bytes: int,
        csp: Callable[[str], str],
        max_area_file_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.max_area_file_bytes = max_area_file_bytes or max_body_bytes
        self.csp = csp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        limit = self.max_upload_bytes if scope["path"].startswith(UPLOADS) else self.max_body_bytes
        limit = self.max_area_file_bytes if scope["path"] == AREA_FILES else limit
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        private = b"authorization" in headers or b"aim_session=" in headers.get(b"cookie", b"")
        nonce = secrets.token_urlsafe(18)
        scope = {**scope, "state": {**scope.get("state", {}), NONCE_KEY: nonce}}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
                ]
                extra.append((b"content-security-policy", self.csp(nonce).encode()))
                given = {k.lower() for k, _ in message.get("headers", [])}
                if private and b"cache-control" not in given:  # answers that depend on who asked: no shared cache
                    extra.append((b"cache-control", b"private, no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            await _too_large(send, limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"status": 413, "detail": "request body larger than {limit} bytes"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Hardening always; CORS only for the origins settings name (none by default)."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET"],
            allow_headers=["Authorization"],
        )
    app.add_middleware(
        Hardening,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        max_area_file_bytes=settings.max_area_file_bytes,
        csp=partial(content_security_policy, settings),
    )
