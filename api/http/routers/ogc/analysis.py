"""Each registered statistic with a collection (api.services.statistics) as an OGC collection: the features of its
/api/v1 route (Gi* hot and cold spots as /api/v1/hotspots/gi, the patrol plan as /api/v1/patrol-plan?format=geojson),
with the parameters the statistic declares."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Query

from api.http.deps import CachesDep, Con, SettingsDep, StudyAreaDep
from api.http.models import ogc as models
from api.http.routers.ogc.base import OgcFiltersDep
from api.http.routers.ogc.pages import Route, Select, add_collection, whole
from api.services.cell_places import postcode_lookup
from api.services.statistics import Parameter, Statistic, View, registered

# the documented pages (items, one item) of a statistic's collection; any other's: its features, undocumented
PAGES: dict[str, tuple[Any, Any]] = {
    "hotspots": (models.GiCellItems | models.GiWardItems, models.GiCellItem | models.GiWardItem),
    "patrol-plan": (models.PatrolItems, models.PatrolItem),
    "concentration": (models.ConcentrationItems, models.ConcentrationItem),
    "repeat-places": (models.RepeatPlaceItems, models.RepeatPlaceItem),
    "near-repeat": (models.NearRepeatItems, models.NearRepeatItem),
    "patrol-delivery": (models.DeliveryItems, models.DeliveryItem),
    "risky-facilities": (models.FacilityRiskItems, models.FacilityRiskItem),
}


def query_type(parameter: Parameter) -> Any:
    """A declared parameter as FastAPI reads a query parameter: its type (choices as a Literal) and bounds."""
    kind: Any = Literal[parameter.choices] if parameter.choices else parameter.kind  # type: ignore[valid-type]
    p = parameter
    query = Query(description=p.description, ge=p.ge, gt=p.gt, le=p.le, lt=p.lt)
    return Annotated[kind | None if parameter.optional else kind, query]


def statistic_layer(statistic: Statistic) -> Callable[..., Select]:
    """The dependency giving the statistic's layer for a request: the view (store, caches, filters, study area, the
    settings' postcodes) and the statistic's own parameters, as it declares them."""

    def layer(
        con: Con, settings: SettingsDep, caches: CachesDep, filters: OgcFiltersDep, area: StudyAreaDep, **given: Any
    ) -> Select:
        arguments = statistic.arguments(given)  # a ParameterError (400) before any figure is computed
        return whole(
            lambda: statistic.compute(View(con, filters, area, caches, postcode_lookup(settings.postcodes)), arguments)
        )

    fixed = [p for p in inspect.signature(layer).parameters.values() if p.kind != inspect.Parameter.VAR_KEYWORD]
    declared = [
        inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default, annotation=query_type(p))
        for p in statistic.parameters
    ]
    layer.__signature__ = inspect.Signature([*fixed, *declared])  # type: ignore[attr-defined]
    layer.__doc__ = f"The layer of {statistic.title}, for the statistic's parameters."
    return layer


for _statistic in registered():
    if _statistic.collection is None:
        continue
    _c = _statistic.collection
    _items, _item = PAGES.get(_c.id, (dict[str, Any], dict[str, Any]))
    add_collection(
        _c.id,
        statistic_layer(_statistic),
        Route(_c.items_name, _c.items_doc, _items),
        Route(_c.item_name, _c.item_doc, _item),
    )
