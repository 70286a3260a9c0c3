"""OGC API - Features (Part 1: Core, GeoJSON) at /ogc, for GIS clients (QGIS, ArcGIS Pro, GDAL).

Each collection serves the features of an /api/v1 route through the same service, with the same filters, and its
routes have that route's grant in the policy (api/access/policy.py): wards and hexagons as /api/v1/wards and
/api/v1/hexes (layers.py), each registered statistic with a collection as its route (analysis.py: Gi* hotspots,
the patrol plan), incidents as /api/v1/incidents (incidents.py), problem areas as /api/v1/problems (problems.py).
`datetime` maps onto AIM's months (api.services.ogc.datetime_months); every other filter (category, source, dedupe,
wards) is the same as on the /api/v1 routes. As the standard asks, an unknown or invalid parameter is a 400 here
(base.py). The modules add their routes to one router, in the order imported here.
"""

from __future__ import annotations

from api.http.routers.ogc import analysis, incidents, landing, layers, problems
from api.http.routers.ogc.base import router

__all__ = ["analysis", "incidents", "landing", "layers", "problems", "router"]
