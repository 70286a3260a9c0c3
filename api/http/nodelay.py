"""uvicorn's HTTP/1.1 protocol with Nagle's algorithm off on every connection, for `aim serve --workers N`.

asyncio turns Nagle's algorithm off on the TCP sockets it makes, but uvicorn hands its worker processes a listening
socket made without the TCP protocol number, which asyncio does not recognise as TCP: every connection kept it on, so
a response's body waited for the client's delayed acknowledgement of its headers (about 40 ms a request on
loopback; one client was served 20 requests a second by two workers, 570 by one).
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11(H11Protocol):
    """H11Protocol that sets TCP_NODELAY on each connection it serves."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Set TCP_NODELAY, then start serving the connection."""
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
