"""HTTP hardening: request bodies over the limit refused (413), security headers, CORS only when configured."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.settings import Settings

DOCS = ("/docs", "/redoc")
UPLOADS = "/api/v1/ingest/"


def content_security_policy(settings: Settings) -> str:
    """What pages may load: this site only (folium writes inline scripts and styles), plus the basemap's host."""
    tiles = ""
    if settings.tile_url:
        parts = urlsplit(settings.tile_url.replace("{s}", "a"))
        tiles = f" {parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}" if parts.netloc else ""
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:{tiles}; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
        "base-uri 'none'"
    )


class Hardening:
    """Pure ASGI middleware: refuse oversized bodies before reading them, and add security headers."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int, csp: str) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.csp = csp.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        limit = self.max_upload_bytes if scope["path"].startswith(UPLOADS) else self.max_body_bytes
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
        is_docs = scope["path"].startswith(DOCS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if not is_docs:
                    extra.append((b"content-security-policy", self.csp))
                if private:  # answers that depend on who asked are never cached by shared caches
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
        csp=content_security_policy(settings),
    )
