"""A TCP forwarder to the PostgreSQL server that can be cut (every connection closed, new ones refused) and put
back: the server stopping and starting again, as the service sees it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tests.api.access.conftest import closed_port


class Cuttable:
    """Forwards 127.0.0.1:port to the target port while it is up."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = closed_port()  # down until up()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def up(self) -> None:
        """Accept connections again."""
        self._stop.clear()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, args=(self._listener,), daemon=True)
        self._thread.start()

    def cut(self) -> None:
        """Close every connection and refuse new ones."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for s in self._sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self._sockets.clear()

    def _serve(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            server = socket.create_connection(("127.0.0.1", self.target))
            with self._lock:
                self._sockets += [client, server]
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass


@contextmanager
def cuttable(target: int) -> Iterator[Cuttable]:
    """A forwarder, up; cut at the end."""
    forwarder = Cuttable(target)
    forwarder.up()
    try:
        yield forwarder
    finally:
        forwarder.cut()
