"""Unknown query parameters are refused (422, naming them) instead of being ignored and answering another question."""

from __future__ import annotations

import weakref

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.services.errors import ParameterError

_KNOWN: dict[int, tuple[weakref.ref[APIRoute], frozenset[str]]] = {}  # by live route: an entry goes with its route
# OGC API routes answer unknown names with their own 400, and let another collection's parameters through: GDAL
# sends a dataset URL's query string with every request it makes
OGC = "/ogc"


def known_parameters(route: APIRoute) -> frozenset[str]:
    """Every query parameter a route (and its dependencies) declares, by the name callers use."""
    key = id(route)
    held = _KNOWN.get(key)
    if held is not None and held[0]() is route:
        return held[1]
    known = frozenset(_query_names(route.dependant))
    _KNOWN[key] = (weakref.ref(route, lambda _: _KNOWN.pop(key, None)), known)
    return known


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def refuse_unknown_parameters(request: Request) -> None:
    """Refuse a request that names a query parameter its route does not take (set arithmetic: run on the event loop,
    not handed to a worker thread)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.path.startswith(OGC):
        return
    unknown = sorted(set(request.query_params) - known_parameters(route))
    if unknown:
        known = ", ".join(sorted(known_parameters(route))) or "none"
        raise ParameterError(
            unknown[0], f"unknown parameter(s) {', '.join(map(repr, unknown))}; this route takes: {known}"
        )
