"""A real XYZ tile server for the print tests: http.server on a loopback port in a thread, serving PNG tiles made
with Pillow (one solid colour, so a test can find the tile pixels in a print), and recording every request."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

TILE_COLOUR = (214, 40, 200)  # a magenta no part of the plan is drawn in
TILE_PATH = re.compile(r"^/(\d+)/(\d+)/(\d+)\.png$")


@dataclass
class TileServer:
    """The server's tile template and the requests it answered: (path, User-Agent)."""

    template: str
    requests: list[tuple[str, str]] = field(default_factory=list)


def tile_png(colour: tuple[int, int, int] = TILE_COLOUR) -> bytes:
    """One 256 px PNG tile of a colour, with a darker line along its top and left edges (as streets might be)."""
    image = Image.new("RGB", (256, 256), colour)
    for i in range(256):
        image.putpixel((i, 0), (40, 40, 40))
        image.putpixel((0, i), (40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@contextmanager
def tile_server() -> Iterator[TileServer]:
    """Serve tiles at http://127.0.0.1:PORT/{z}/{x}/{y}.png until the block ends."""
    body = tile_png()
    served = TileServer("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            served.requests.append((self.path, self.headers.get("User-Agent", "")))
            if not TILE_PATH.match(self.path):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.template = f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
