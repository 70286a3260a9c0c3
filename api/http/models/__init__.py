"""Response models: what each JSON and GeoJSON route answers with, for the OpenAPI document.

Routes that return a Response (the map layers, trends, patrol plans, incidents) declare these for documentation
only: FastAPI does not validate or filter a Response, so large layers are written once, by orjson. Routes that return
small plain dicts (health, movers, top cells, evaluation, sources, ingest, problems, problem areas, profiles) are
validated against complete models and written by pydantic's serializer as before (see `base.plain`), so their bodies
stay byte for byte the same.
"""
