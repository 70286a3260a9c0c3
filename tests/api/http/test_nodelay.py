"""aim serve's HTTP protocols: Nagle's algorithm off on a connection of a socket made without the TCP protocol number
(as uvicorn's supervisor hands its workers), and httptools' parser chosen when it is installed."""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from api.http import nodelay


@pytest.fixture
def listening() -> Iterator[socket.socket]:
    """A listening loopback socket made as uvicorn's supervisor makes it: no protocol number, so asyncio leaves
    Nagle's algorithm on for its connections."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    assert sock.proto == 0
    yield sock
    sock.close()


@pytest.mark.parametrize("protocol", ["NoDelayH11", "NoDelayHttpTools"])
def test_each_connection_has_nagle_off(
    listening: socket.socket, protocol: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if protocol == "NoDelayHttpTools" and not nodelay.HTTPTOOLS:
        pytest.skip("httptools is not installed")
    seen: list[int] = []
    real = nodelay.no_delay

    def recorded(transport: asyncio.Transport) -> None:
        real(transport)
        seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    async def hello(_: object) -> PlainTextResponse:
        return PlainTextResponse("hello")

    app = Starlette(routes=[Route("/", hello)])
    config = uvicorn.Config(app, http=f"api.http.nodelay:{protocol}", log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    monkeypatch.setattr(nodelay, "no_delay", recorded)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    try:
        port = listening.getsockname()[1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(200):
                try:
                    answers = [client.get("/").text for _ in range(3)]
                    break
                except httpx.TransportError:
                    threading.Event().wait(0.05)
        assert answers == ["hello"] * 3
        assert seen and all(flag != 0 for flag in seen)  # one keep-alive connection, Nagle's algorithm off on it
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_without_the_flag_a_connection_keeps_nagle_on(listening: socket.socket) -> None:
    """The reference: a connection accepted from such a socket starts with Nagle's algorithm on."""
    with socket.create_connection(listening.getsockname()):
        accepted, _ = listening.accept()
        with accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0


def test_the_protocol_is_httptools_when_installed() -> None:
    installed = importlib.util.find_spec("httptools") is not None
    assert nodelay.protocol() == f"api.http.nodelay:{'NoDelayHttpTools' if installed else 'NoDelayH11'}"
    module, name = nodelay.protocol().split(":")
    assert getattr(importlib.import_module(module), name).__name__ == name
