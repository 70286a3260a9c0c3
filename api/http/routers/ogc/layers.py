"""The ward layer and the hexagon layers (one collection per resolution) as OGC collections: the features of
/api/v1/wards and /api/v1/hexes, with the same filters and disclosure control."""

from __future__ import annotations

from api.http.deps import CachesDep, Con
from api.http.models import ogc as models
from api.http.routers.ogc.base import OgcFiltersDep
from api.http.routers.ogc.pages import Route, Select, add_collection, whole
from api.services import ogc
from api.services.layers import hex_layer, wards_layer
from api.services.params import MAX_BBOX_DEGREES


def ward_layer(con: Con, caches: CachesDep, filters: OgcFiltersDep) -> Select:
    """Wards with count, previous_count and change over the period (as /api/v1/wards)."""
    return whole(lambda: wards_layer(con, filters, caches.wards))


add_collection(
    "wards",
    ward_layer,
    Route(
        "ward_items",
        "Wards with count, previous_count and change over the period (as /api/v1/wards), a page at a time.",
        models.WardItems,
    ),
    Route("ward_item", "One ward by code.", models.WardItem),
)


def _large(bbox: ogc.Box | None) -> bool:
    return bbox is not None and (bbox[2] - bbox[0] > MAX_BBOX_DEGREES or bbox[3] - bbox[1] > MAX_BBOX_DEGREES)


def _hex_collection(res: int) -> None:
    collection = f"hexagons-{res}"

    def hexagons(con: Con, filters: OgcFiltersDep) -> Select:
        def select(box: ogc.Box | None) -> tuple[dict[str, object], bool]:
            if box is None or _large(box):  # the service takes a box of at most MAX_BBOX_DEGREES: every cell then
                return hex_layer(con, filters, res, None), False
            return hex_layer(con, filters, res, box), True

        return select

    hexagons.__doc__ = f"H3 cells at resolution {res} with their counts (as /api/v1/hexes?res={res})."
    add_collection(
        collection,
        hexagons,
        Route(
            f"items_{collection}",
            f"H3 cells at resolution {res} with their counts (as /api/v1/hexes?res={res}), a page at a time.",
            models.HexItems,
        ),
        Route(f"item_{collection}", f"One H3 cell at resolution {res} by id.", models.HexItem),
    )


for _collection in ogc.COLLECTIONS:
    if _collection.res is not None:
        _hex_collection(_collection.res)
