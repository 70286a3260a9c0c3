"""Exceptions raised by geo."""

from __future__ import annotations


class GeoError(Exception):
    """Base class for geo failures."""


class BoundaryError(GeoError):
    """A boundary file is unusable: wrong CRS, missing fields, duplicate codes, bad geometry."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
