"""Basemap tiles for printed maps: the XYZ tiles (Web Mercator) covering an extent, fetched over HTTP with a timeout
and an identifying User-Agent, kept in memory and on disk, and stitched into one image. Nothing is fetched unless a
tile template is configured; a tile that cannot be had means no basemap (never half of one)."""

from __future__ import annotations

import hashlib
import html
import io
import math
import re
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

EARTH_RADIUS = 6378137.0  # metres, the sphere of EPSG:3857
ORIGIN = math.pi * EARTH_RADIUS  # half the width of the Web Mercator square, metres
MAX_LATITUDE = 85.0511287798
USER_AGENT = "AIM/0.1 (ASB intelligence mapping; printed patrol plans; python-urllib)"
MAX_TILES = 16  # tiles fetched for one print at most (the zoom is lowered until the extent fits)
MAX_TILE_BYTES = 1 << 20
DISK_SECONDS = 7 * 24 * 3600  # a tile kept on disk is used for a week
WORKERS = 4
RETRY_SECONDS = 300  # after tiles could not be had, prints go without them this long before trying again

Bounds = tuple[float, float, float, float]  # min x, min y, max x, max y (metres, EPSG:3857)


@dataclass(frozen=True)
class PrintBasemap:
    """The tiles a print draws under its map, and the attribution it prints with them (plain text)."""

    source: TileSource
    attribution: str


class TileError(Exception):
    """A tile that could not be fetched or read."""


@dataclass(frozen=True)
class Mosaic:
    """Tiles stitched into one RGB image and where it lies: (left, right, bottom, top) in EPSG:3857 metres."""

    image: np.ndarray
    extent: tuple[float, float, float, float]
    zoom: int


def to_mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude (degrees) as Web Mercator (EPSG:3857) x and y in metres."""
    lat = np.clip(np.asarray(lat, dtype=float), -MAX_LATITUDE, MAX_LATITUDE)
    x = EARTH_RADIUS * np.radians(np.asarray(lon, dtype=float))
    y = EARTH_RADIUS * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return x, y


def tile_span(bounds: Bounds, zoom: int) -> tuple[int, int, int, int]:
    """The tiles (x0, x1, y0, y1, inclusive; y counted down from the north) covering the bounds at a zoom."""
    n = 2**zoom
    size = 2 * ORIGIN / n
    minx, miny, maxx, maxy = bounds

    def index(v: float) -> int:
        return min(n - 1, max(0, math.floor(v / size)))

    return index(minx + ORIGIN), index(maxx + ORIGIN), index(ORIGIN - maxy), index(ORIGIN - miny)


def span_extent(span: tuple[int, int, int, int], zoom: int) -> tuple[float, float, float, float]:
    """Where a block of tiles lies: (left, right, bottom, top) in metres."""
    x0, x1, y0, y1 = span
    size = 2 * ORIGIN / 2**zoom
    return x0 * size - ORIGIN, (x1 + 1) * size - ORIGIN, ORIGIN - (y1 + 1) * size, ORIGIN - y0 * size


def tile_zoom(bounds: Bounds, pixels: int, max_zoom: int = 18, max_tiles: int = MAX_TILES) -> int:
    """The zoom at which the bounds' longer side spans about `pixels` tile pixels, lowered until the tiles that
    cover them number at most max_tiles."""
    width = max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1.0)
    zoom = min(max_zoom, max(0, math.floor(math.log2(pixels * 2 * ORIGIN / (256 * width)))))
    while zoom > 0:
        x0, x1, y0, y1 = tile_span(bounds, zoom)
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= max_tiles:
            break
        zoom -= 1
    return zoom


def plain_attribution(text: str) -> str:
    """An attribution written as HTML (as the map page shows it), as plain text for print: tags dropped, entities
    read (&copy; -> ©)."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", text)).split())


class TileSource:
    """One XYZ tile template ({z}/{x}/{y}, optional {s} and {r}), its tiles kept in memory (the most recent
    `memory_tiles`) and, when `cache_dir` is given, on disk for a week."""

    def __init__(
        self, template: str, cache_dir: Path | None = None, timeout: float = 5.0, memory_tiles: int = 256
    ) -> None:
        if not template.lower().startswith(("http://", "https://")):
            raise ValueError("a tile template is an http(s) URL with {z}, {x} and {y}")
        self.template = template
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.memory_tiles = memory_tiles
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._retry_at = 0.0  # a failed fetch: no more tries (each waiting up to the timeout) until then

    def url(self, z: int, x: int, y: int) -> str:
        """The URL of one tile."""
        subdomain = "abc"[(x + y) % 3]
        parts = {"{z}": str(z), "{x}": str(x), "{y}": str(y), "{s}": subdomain, "{r}": ""}
        return re.sub(r"\{[zxysr]\}", lambda m: parts[m.group(0)], self.template)

    def tile(self, z: int, x: int, y: int) -> bytes:
        """One tile's bytes: from memory, from disk while fresh, else fetched (TileError when it cannot be)."""
        url = self.url(z, x, y)
        with self._lock:
            if url in self._memory:
                self._memory.move_to_end(url)
                return self._memory[url]
        on_disk = self._disk_path(url)
        if on_disk is not None and on_disk.is_file() and time.time() - on_disk.stat().st_mtime < DISK_SECONDS:
            body = on_disk.read_bytes()
        else:
            body = self._fetch(url)
            if on_disk is not None:
                on_disk.parent.mkdir(parents=True, exist_ok=True)
                part = on_disk.with_name(f".{on_disk.name}.{threading.get_ident()}.part")
                part.write_bytes(body)
                part.replace(on_disk)
        with self._lock:
            self._memory[url] = body
            while len(self._memory) > self.memory_tiles:
                self._memory.popitem(last=False)
        return body

    def _disk_path(self, url: str) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()}.tile"

    def _fetch(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "image/png,image/*"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 (http(s) checked)
                body: bytes = answer.read(MAX_TILE_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise TileError(f"{url}: {exc}") from exc
        if len(body) > MAX_TILE_BYTES:
            raise TileError(f"{url}: larger than {MAX_TILE_BYTES} bytes")
        return body

    def mosaic(self, bounds: Bounds, pixels: int) -> Mosaic | None:
        """The tiles covering the bounds (EPSG:3857 metres) at about `pixels` across, stitched; None when any tile
        cannot be fetched or read (the print then says it has no basemap, and the next prints for RETRY_SECONDS do
        not wait for the tile server again)."""
        if time.monotonic() < self._retry_at:
            return None
        zoom = tile_zoom(bounds, pixels)
        span = tile_span(bounds, zoom)
        x0, x1, y0, y1 = span
        keys = [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            try:
                decoded = [_decode(body) for body in pool.map(lambda k: self.tile(zoom, *k), keys)]
            except TileError:
                pool.shutdown(wait=False, cancel_futures=True)
                self._retry_at = time.monotonic() + RETRY_SECONDS
                return None
        images = [image for image in decoded if image is not None]
        if len(images) != len(keys) or any(image.shape != images[0].shape for image in images):
            return None
        across = x1 - x0 + 1
        rows = [np.concatenate(images[i : i + across], axis=1) for i in range(0, len(images), across)]
        return Mosaic(np.concatenate(rows, axis=0), span_extent(span, zoom), zoom)


def print_basemap(basemap: tuple[str, str] | None, cache_dir: Path | None) -> PrintBasemap | None:
    """The basemap prints draw, from the configured (template, HTML attribution); None without one, or when the
    template is not an http(s) URL the service can fetch itself."""
    if basemap is None:
        return None
    template, attribution = basemap
    try:
        return PrintBasemap(TileSource(template, cache_dir), plain_attribution(attribution))
    except ValueError:
        return None


def _decode(body: bytes) -> np.ndarray | None:
    """A tile image as an RGB array (None when it is not an image)."""
    try:
        with Image.open(io.BytesIO(body)) as image:
            return np.asarray(image.convert("RGB"))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
