"""`aim serve` and `aim demo`: serve a store over HTTP; load the bundled demo first."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from api.cli.common import StoreOpt, console, err, fail, log, open_writable, settings_from
from api.cli.delivery import load_sample_delivery
from api.cli.facilities import SAMPLE_FACILITIES, load_sample_facilities
from api.cli.feeds import sample_feeds
from api.cli.ingest import load_with_progress
from api.cli.report import print_reports
from api.cli.users import demo_token

if TYPE_CHECKING:
    from api.settings import Settings
    from ingest.store.connection import Connection


def serve(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="Interface (default $AIM_HOST or 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default $AIM_PORT or 8000)")] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Processes serving (default $AIM_WORKERS or 1); above 1 they read published snapshots"),
    ] = None,
) -> None:
    """Serve the API and the analyst map over a store (the server holds it: files load through the API)."""
    run_server(settings_from(store, host=host, port=port, workers=workers))


def run_server(settings: Settings) -> None:
    """Migrate the store, then serve it until stopped; refused when another `aim serve` serves it already."""
    from ingest.store.serving import AlreadyServed, serving_lock

    if not settings.store.exists():
        err.print(f"[red]error[/]: no store at {settings.store}; run `aim ingest police PATH` or `aim demo`")
        raise typer.Exit(1)
    where = f"http://{settings.host}:{settings.port}/, {settings.workers} worker{'s' if settings.workers > 1 else ''}"
    try:
        with serving_lock(settings.store, where):  # one serving group per store: a second `aim serve` stops here
            _serve(settings)
    except AlreadyServed as exc:
        fail(exc)


def _serve(settings: Settings) -> None:
    """Serve the store, its serving lock held."""
    import uvicorn

    from api.database.tasking import TaskingStore, TaskingUnavailable
    from api.http.app import create_app
    from api.http.nodelay import protocol
    from ingest.store.snapshots import ensure_published

    con = open_writable(settings)  # migrate and fill reference tables added since the store was written
    con.close()
    log.info("serving %s on http://%s:%s/", settings.store, settings.host, settings.port)
    console.print(f"AIM serving {settings.store} on http://{settings.host}:{settings.port}/ (API docs at /docs)")
    if settings.workers <= 1:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port, http=protocol(), log_level="info")
        return
    ensure_published(settings.store, settings.memory_limit)  # the workers read snapshots; loads publish new ones
    try:
        TaskingStore.open(settings.tasking_url()).close()  # created and migrated here: a failure stops it now
    except TaskingUnavailable as exc:
        fail(exc)
    given = {"store": str(settings.store.resolve()), "host": settings.host, "port": str(settings.port)}
    os.environ.update({f"AIM_{k.upper()}": v for k, v in {**given, "workers": str(settings.workers)}.items()})
    uvicorn.run(
        "api.http.app:served_app",
        factory=True,
        workers=settings.workers,
        http=protocol(),
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_worker_healthcheck=settings.worker_healthcheck_timeout,
    )


def load_cases(con: Connection, settings: Settings) -> list[str]:
    """The demo's sample cases, repeat victims and Case Review applications, into the deployment database."""
    from api.database.case_reviews import CaseReviewStore
    from api.rules import case_ladder, case_review_rule, repeat_rule, risk_matrix
    from api.services.case_demo import load_demo_case_reviews, load_demo_cases
    from api.services.case_places import locator
    from ingest.geocode import load_postcodes

    cases = CaseReviewStore.open(settings.tasking_url())
    try:
        locate = locator(load_postcodes(list(settings.postcodes)))
        ladder, matrix, rule = case_ladder(settings), risk_matrix(settings), repeat_rule(settings)
        lines = load_demo_cases(con, cases, settings.data_dir, ladder, matrix, locate, rule)
        return lines + load_demo_case_reviews(cases, settings.data_dir, case_review_rule(settings))
    finally:
        cases.close()


def demo(
    store: StoreOpt = None,
    host: Annotated[str | None, typer.Option(help="Interface")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve after loading")] = True,
) -> None:
    """Load the bundled demo: real Cleveland Police data (2025), the sample warden, casework and CRM feeds, and a
    fortnight of sample patrol delivery and a synthetic sample list of licensed premises."""
    from api.access.store import AccessStore, AccessUnavailable
    from api.database.tasking import TaskingStore, TaskingUnavailable
    from api.rules import ingest_options
    from api.services.loading import load_files
    from api.services.tasking_demo import open_demo_problems
    from ingest.registry import resolve_feed

    settings = settings_from(store, host=host, port=port)
    con = open_writable(settings)
    errors: list[str] = []
    try:
        reports, errors = load_with_progress(con, settings, resolve_feed("police"), [settings.data_dir / "demo"])
        print_reports(reports, errors)
        for feed, sample in sample_feeds(settings.data_dir):
            feed_reports, feed_errors = load_files(con, feed, [sample], ingest_options(settings))
            print_reports(feed_reports, feed_errors)
            errors += feed_errors
        if not errors:
            load_sample_delivery(con, settings, settings.data_dir / "delivery")
            load_sample_facilities(con, settings.data_dir / "facilities" / SAMPLE_FACILITIES, "licensed premises")
        if not errors:
            try:
                tasking = TaskingStore.open(settings.tasking_url())
                for p in open_demo_problems(con, tasking):
                    console.print(f"problem {p['id']}: {escape(p['title'])}\n  {escape(p['summary'])}", soft_wrap=True)
                tasking.close()
                for line in load_cases(con, settings):
                    console.print(escape(line), soft_wrap=True)
            except TaskingUnavailable as exc:
                fail(exc)
    finally:
        con.close()
    if errors:
        raise typer.Exit(1)
    try:
        token = demo_token(AccessStore(settings.tasking_url(), settings.access_path()))
    except AccessUnavailable as exc:
        fail(exc)
    console.print(
        "Without a token the map shows published (disclosure-controlled) figures. For the analyst's view, sign in at "
        f"/login with this demo analyst token (earlier demo tokens are revoked):\n{token}",
        soft_wrap=True,
    )
    if serve_after:
        run_server(settings)
