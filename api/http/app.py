"""create_app(settings): the FastAPI application over an AIM store it holds for its lifetime."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api.access.policy import DEFAULT_POLICY, Policy
from api.access.store import AccessStore
from api.database.case_reviews import CaseReviewStore
from api.database.tasking import TaskingStore
from api.http.answers import AnswerCache, KeptAnswer, answer_kept
from api.http.auth import enforce
from api.http.csrf import refuse_cross_site
from api.http.errors import ERROR_RESPONSES, install_error_handlers
from api.http.middleware import install_middleware
from api.http.routers import (
    accessibility,
    assessment,
    case_pages,
    case_review_pages,
    case_reviews,
    cases,
    concentration,
    delivery,
    docs,
    evaluate,
    facility_risk,
    feeds,
    health,
    hotspots,
    incidents,
    layers,
    maps,
    near_repeat,
    ogc,
    patrol,
    problem_areas,
    problem_pages,
    problems,
    profiles,
    repeat_places,
    risky_facilities,
    session,
    sources,
    tasking_pack,
    tiles,
    trends,
    uploads,
)
from api.http.strict import refuse_unknown_parameters
from api.render.basemap_tiles import print_basemap
from api.services.caches import Caches
from api.settings import Settings
from ingest.store.connection import HeldStore
from ingest.store.snapshots import Snapshots, ensure_published

STATIC = Path(__file__).resolve().parents[1] / "static"


def create_app(settings: Settings | None = None, policy: Policy = DEFAULT_POLICY) -> FastAPI:
    """Build the app; the store named in settings is opened for the app's lifetime (it must exist already); the
    policy says what each role gets from each route (api/access/policy.py)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = _open_store(settings)
        if isinstance(app.state.store, HeldStore):
            app.state.con = app.state.store.con  # the one connection, for tests and notebooks reaching into the app
        app.state.access = AccessStore.serving(settings.tasking_url(), settings.access_path())  # never raises
        app.state.caches = Caches.serving()
        app.state.answers = AnswerCache(settings.answer_cache_mb * 1024 * 1024)
        app.state.tasking = TaskingStore(app.state.access.shared_engine())  # one database, migrated by the above
        app.state.cases = CaseReviewStore(app.state.access.shared_engine())  # cases and Case Review applications
        try:
            yield
        finally:
            app.state.tasking.close()
            app.state.store.close()
            gc.unfreeze()

    app = FastAPI(
        title="AIM",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[
            Depends(enforce),
            Depends(refuse_cross_site),
            Depends(refuse_unknown_parameters),
            Depends(answer_kept),
        ],
        responses=ERROR_RESPONSES,
        description="ASB intelligence mapping: ward and hexagon layers, trends and hotspots.",
        docs_url=None,  # served by routers/docs.py on vendored assets
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.policy = policy
    app.state.print_basemap = print_basemap(settings.basemap(), settings.tile_cache_path())
    install_error_handlers(app)
    app.add_exception_handler(KeptAnswer, lambda _, exc: exc.response)  # type: ignore[attr-defined]
    install_middleware(app, settings)
    for module in (
        layers,
        trends,
        hotspots,
        patrol,
        evaluate,
        concentration,
        repeat_places,
        near_repeat,
        risky_facilities,
        facility_risk,
        incidents,
        problems,
        problem_pages,
        problem_areas,
        cases,
        case_pages,
        case_reviews,
        case_review_pages,
        sources,
        uploads,
        health,
        maps,
        session,
        docs,
        profiles,
        feeds,
        tiles,
        ogc,
        tasking_pack,
        assessment,
        delivery,
        accessibility,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _open_store(settings: Settings) -> HeldStore | Snapshots:
    """One process: the store held read-write. Several (AIM_WORKERS > 1): the published snapshots, read-only, with
    loads through the one writer (ingest.store.snapshots)."""
    if settings.workers > 1:
        ensure_published(settings.store, settings.memory_limit)
        return Snapshots(settings.store, settings.memory_limit, settings.duckdb_threads())
    return HeldStore(settings.store, settings.memory_limit, settings.duckdb_threads())


def served_app() -> FastAPI:
    """The app a worker process of `aim serve --workers N` builds, with the settings of its environment."""
    return create_app(Settings())
