"""create_app(settings): the FastAPI application over an AIM store it holds for its lifetime."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from threading import Lock

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api.access.store import AccessStore
from api.http.answers import AnswerCache
from api.http.auth import enforce
from api.http.errors import ERROR_RESPONSES, install_error_handlers
from api.http.middleware import install_middleware
from api.http.routers import (
    docs,
    evaluate,
    health,
    hotspots,
    incidents,
    layers,
    maps,
    ogc,
    patrol,
    problems,
    profiles,
    session,
    sources,
    tiles,
    trends,
    uploads,
)
from api.http.strict import refuse_unknown_parameters
from api.services.caches import Caches
from api.settings import Settings
from api.tasking import TaskingStore, TaskingUnavailable
from ingest.store.connection import open_served_store

log = logging.getLogger("aim.http")
STATIC = Path(__file__).resolve().parents[1] / "static"


def _tasking(url: str, access: AccessStore) -> TaskingStore:
    """The tasking store on the deployment's database, migrated to the latest version; when the database cannot be
    opened (damaged, or a server out of reach: the access store has logged why) a store whose calls fail until it
    can, so the service still starts, public-only, and says so on /healthz."""
    if access.health().status not in ("damaged", "unavailable"):
        try:
            return TaskingStore.open(url)
        except TaskingUnavailable as exc:
            log.error("the tasking database cannot be opened: %s", exc)
    return TaskingStore(access.shared_engine())


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the store named in settings is opened for the app's lifetime (it must exist already)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.con = open_served_store(settings.store, settings.memory_limit)
        app.state.access = AccessStore.serving(settings.tasking_url(), settings.access_path())  # never raises
        app.state.writer = Lock()
        app.state.caches = Caches.serving()
        app.state.answers = AnswerCache(settings.answer_cache_mb * 1024 * 1024)
        app.state.tasking = _tasking(settings.tasking_url(), app.state.access)
        try:
            yield
        finally:
            app.state.tasking.close()
            app.state.con.close()
            gc.unfreeze()

    app = FastAPI(
        title="AIM",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(enforce), Depends(refuse_unknown_parameters)],
        responses=ERROR_RESPONSES,
        description="ASB intelligence mapping: ward and hexagon layers, trends and hotspots.",
        docs_url=None,  # served by routers/docs.py on vendored assets
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_middleware(app, settings)
    for module in (
        layers,
        trends,
        hotspots,
        patrol,
        evaluate,
        incidents,
        problems,
        sources,
        uploads,
        health,
        maps,
        session,
        docs,
        profiles,
        tiles,
        ogc,
    ):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
