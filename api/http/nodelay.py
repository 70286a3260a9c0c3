"""uvicorn's HTTP/1.1 protocols with Nagle's algorithm off on every connection, for `aim serve`.

asyncio turns Nagle's algorithm off on the TCP sockets it makes, but uvicorn hands its worker processes a listening
socket made without the TCP protocol number, which asyncio does not recognise as TCP: every connection kept it on, so
a response's body waited for the client's delayed acknowledgement of its headers (about 40 ms a request on
loopback; one client was served 20 requests a second by two workers, 570 by one).

The protocol is httptools' (its C parser, llhttp) when installed, as pinned: less CPU a request than h11's pure
Python (docs/scale.md, "CPU a computed answer"); h11's otherwise.
"""

from __future__ import annotations

import asyncio
import socket
from importlib.util import find_spec

from uvicorn.protocols.http.h11_impl import H11Protocol


def no_delay(transport: asyncio.Transport) -> None:
    """Set TCP_NODELAY on a TCP connection's socket."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11(H11Protocol):
    """H11Protocol that sets TCP_NODELAY on each connection it serves."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Set TCP_NODELAY, then start serving the connection."""
        no_delay(transport)
        super().connection_made(transport)


HTTPTOOLS = find_spec("httptools") is not None

if HTTPTOOLS:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class NoDelayHttpTools(HttpToolsProtocol):
        """HttpToolsProtocol that sets TCP_NODELAY on each connection it serves."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            """Set TCP_NODELAY, then start serving the connection."""
            no_delay(transport)
            super().connection_made(transport)


def protocol() -> str:
    """The protocol class `aim serve` gives uvicorn (its import path): httptools' when installed, else h11's."""
    return f"{__name__}:{'NoDelayHttpTools' if HTTPTOOLS else 'NoDelayH11'}"
