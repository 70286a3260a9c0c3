"""TileJSON 3.0.0 for the vector tile layers."""

from __future__ import annotations

from pydantic import Field

from api.http.models.base import FiltersEcho, Schema, absent

# TileJSON member names are as the specification writes them
# ruff: noqa: N815


class VectorLayer(Schema):
    """A layer in the tiles, and its fields."""

    id: str = Field(description="The MVT layer name")
    description: str
    minzoom: int
    maxzoom: int
    fields: dict[str, str] = Field(description="Property name -> what it holds")


class TileJson(Schema):
    """TileJSON 3.0.0: where a layer's tiles are and what they hold."""

    tilejson: str = Field(description="3.0.0")
    name: str
    description: str
    version: str
    attribution: str
    scheme: str = Field(description="xyz: rows counted from the north")
    tiles: list[str] = Field(description="Tile URL template with {z}, {x} and {y}, and this request's filters")
    minzoom: int
    maxzoom: int
    vector_layers: list[VectorLayer]
    filters: FiltersEcho
    bounds: list[float] = absent("minlon, minlat, maxlon, maxlat of the boundary set's wards")
    center: list[float] = absent("longitude, latitude and zoom of the middle of the bounds")
