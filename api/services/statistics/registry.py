"""The statistics registry: each statistic is declared once (name, parameters, computation, drawing, exposure) and
every surface that shows statistics (the map, its layers and legend, the OGC collections, the access policy and the
tasking pack) iterates the registry instead of naming them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from api.services.caches import Caches
from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.layer_tables import Table
from api.services.study_area import StudyArea
from ingest.geocode import PostcodeIndex
from ingest.store.connection import Connection

Layer = dict[str, Any]  # a GeoJSON FeatureCollection with the statistic's own members (area, method, legend, ...)
Properties = dict[str, Any]


@dataclass(frozen=True)
class Parameter:
    """One parameter of a statistic: its (query) name, type, default, bounds (or choices) and meaning."""

    name: str
    kind: type  # int, float, bool or str
    default: Any
    description: str
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False  # None is a value (absent)

    def check(self, value: Any) -> Any:
        """The value, or ParameterError when it is of the wrong type, out of bounds or not a choice."""
        if value is None and self.optional:
            return None
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ParameterError(self.name, "true or false")
            return value
        if self.kind in (int, float):
            if isinstance(value, bool) or not isinstance(value, int | float) or (self.kind is int and value % 1):
                raise ParameterError(self.name, f"a number ({self.kind.__name__})")
            return self._within(self.kind(value))
        if not isinstance(value, str) or (self.choices and value not in self.choices):
            raise ParameterError(self.name, f"one of {', '.join(self.choices)}" if self.choices else "text")
        return value

    def _within(self, value: float) -> float:
        """The number, or ParameterError when it is outside the bounds."""
        broken = [
            f"{words} {bound:g}"
            for bound, inside, words in (
                (self.ge, lambda b: value >= b, "at least"),
                (self.gt, lambda b: value > b, "more than"),
                (self.le, lambda b: value <= b, "at most"),
                (self.lt, lambda b: value < b, "less than"),
            )
            if bound is not None and not inside(bound)
        ]
        if broken:
            raise ParameterError(self.name, broken[0])
        return value


@dataclass(frozen=True)
class View:
    """What a statistic is computed over: the store, the filters, the study area and the service's caches."""

    con: Connection
    filters: Filters
    area: StudyArea
    caches: Caches
    postcodes: PostcodeIndex | None = None  # with them, cells are described by their streets and places


Style = Callable[[dict[str, Any]], dict[str, Any]]  # a feature -> its Leaflet path options


@dataclass(frozen=True)
class Legend:
    """A statistic's part of the map's legend: a template (under api/render/templates) and what it is given."""

    template: str
    context: Callable[[Layer], dict[str, Any]]


@dataclass(frozen=True)
class Drawing:
    """How a statistic's layer is drawn on the analyst map: its name in the layer control, style per feature,
    tooltip rows (property, label) with the words behind them, and its legend."""

    name: Callable[[Layer], str]
    style: Style
    tooltip: tuple[tuple[str, str], ...]
    words: Callable[[Properties, Layer], Properties]  # a feature's properties (its cell as h3) -> tooltip text
    legend: Legend
    shown: bool = False  # drawn when the page opens (otherwise toggled on from the layer control)
    download: str | None = None  # the title of the layer's GeoJSON download on the map (None: not offered)
    numbered: bool = False  # cells numbered on the map as printed, and chosen from for a problem area
    table: Callable[[Layer], Table] | None = None  # the layer as a table, for the map's table view


@dataclass(frozen=True)
class OgcCollection:
    """A statistic served as an OGC API - Features collection."""

    id: str
    title: str
    description: str
    items_name: str  # the items route's name in the API definition
    items_doc: str
    item_name: str
    item_doc: str


@dataclass(frozen=True)
class PackSection:
    """A statistic's section of the tasking pack: its member, the summary figure and how it is built."""

    member: str
    summary: str
    build: Callable[[View, Any], dict[str, Any]]  # (view, the pack's options) -> the section
    count: Callable[[dict[str, Any]], int]  # the section -> its summary figure
    order: int  # where the section stands among the pack's statistic sections


class Kind(StrEnum):
    """What kind of figures a statistic gives: the access policy (api.access.policy) grants each role its kinds."""

    ANALYSIS = "analysis"  # exact figures at fine cells: the callers the policy gives analyses to
    AGGREGATES = "aggregates"  # counts under disclosure control below analyst
    DELIVERY = "delivery"  # patrol delivery by cell and day: analysts only (docs/delivery.md)
    FACILITIES = "facilities"  # risky facilities of the kept facility lists (they may name premises): analysts only


@dataclass(frozen=True)
class Statistic:
    """A statistic, declared once."""

    key: str
    title: str
    parameters: tuple[Parameter, ...]
    compute: Callable[[View, dict[str, Any]], Layer]  # (view, checked parameters) -> its layer
    on_map: Callable[[int], dict[str, Any]]  # the map's hexagon resolution -> the parameters it is drawn with
    drawing: Drawing
    route: str | None = None  # the /api/v1 route answering it
    collection: OgcCollection | None = None
    kind: str = Kind.ANALYSIS  # what its figures are: the policy grants each kind (a kind it does not name: denied)
    check: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # checks across parameters (after each's own)
    pack: PackSection | None = None

    @property
    def analysis(self) -> bool:
        """Whether it is one of the map's analyses (exact figures, for the callers the policy gives analyses to)."""
        return self.kind == Kind.ANALYSIS

    def arguments(self, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The parameters, defaults filled in, each checked, then checked together (ParameterError when not)."""
        given = dict(given or {})
        unknown = set(given) - {p.name for p in self.parameters}
        if unknown:
            raise ParameterError(sorted(unknown)[0], f"not a parameter of {self.title}")
        out = {p.name: p.check(given.get(p.name, p.default)) for p in self.parameters}
        return self.check(out) if self.check else out

    def layer(self, view: View, given: Mapping[str, Any] | None = None) -> Layer:
        """The statistic's layer over the view for the parameters given (defaults for the rest)."""
        return self.compute(view, self.arguments(given))


_REGISTERED: dict[str, Statistic] = {}  # by key, in the order registered (the order the map draws them)


def register(statistic: Statistic) -> Statistic:
    """Add a statistic (its key, route and collection must be new); returns it."""
    if statistic.key in _REGISTERED:
        raise ValueError(f"statistic {statistic.key!r} is registered already")
    for other in _REGISTERED.values():
        if statistic.route and statistic.route == other.route:
            raise ValueError(f"route {statistic.route} answers {other.key!r} already")
        if statistic.collection and other.collection and statistic.collection.id == other.collection.id:
            raise ValueError(f"collection {statistic.collection.id} serves {other.key!r} already")
    _REGISTERED[statistic.key] = statistic
    return statistic


def unregister(key: str) -> None:
    """Remove a statistic from the registry."""
    del _REGISTERED[key]


def registered() -> tuple[Statistic, ...]:
    """Every statistic, in the order the map draws them."""
    return tuple(_REGISTERED.values())


def statistic(key: str) -> Statistic:
    """The statistic of a key (KeyError when none is registered)."""
    return _REGISTERED[key]
