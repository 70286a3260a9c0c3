"""The feeds page: an analyst onboards a feed while the service runs. Send a profile (checked, kept), check a file
against a feed (a dry run: what would load, which rows would not and why, what it replaces), then load the very file
that was checked; and load a patrol movement file (GPX, MF-JSON, MF-CSV, CSV pings, patrol log) as an agency's
delivery, checked first if wished. Plain HTML forms with the results rendered by the service: no script needed."""

from __future__ import annotations

import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api.access.principals import Principal
from api.http.audit import record_access
from api.http.deps import NonceDep, PrincipalDep, SettingsDep
from api.http.errors import STATUS
from api.http.forms import FORM_FIELD, check_form_token, form_token
from api.http.routers.delivery import load_movement, movement_summary
from api.http.routers.uploads import SAFE_NAME
from api.http.writer import checked_effect, load_file
from api.render.feeds_page import render_feeds_page
from api.services.errors import NotFoundError, ParameterError
from api.services.onboarding import (
    EXAMPLES,
    ProfileProblems,
    check_view,
    discard,
    keep_profile,
    shelve,
    shelved,
)
from api.services.profiles import MAX_PROFILE_BYTES, list_profiles, served_feeds
from api.settings import Settings
from ingest.errors import FeedFileError, IngestError, SuspiciousFileError
from ingest.registry import MOVEMENT, movement_source, movement_source_for

router = APIRouter(tags=["map"])
FeedQuery = Annotated[str | None, Query(max_length=64, description="The feed chosen in the check form")]


def _page(request: Request, settings: Settings, nonce: str, status: int = 200, **shown: Any) -> HTMLResponse:
    feeds = list_profiles(settings.profiles_path())
    formats = [{"name": s.name, "description": s.description} for s in MOVEMENT.values()]
    html = render_feeds_page(feeds, form_token(request), nonce, movement_formats=formats, **shown)
    return HTMLResponse(html, status_code=status)


def _owner(principal: Principal) -> str:
    return f"{principal.token_id}:{principal.name}"


def _status(exc: Exception) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)


@router.get("/feeds", response_class=HTMLResponse)
def feeds_page(request: Request, settings: SettingsDep, nonce: NonceDep, feed: FeedQuery = None) -> HTMLResponse:
    """The feeds page for analysts: send a profile, check a file against a feed, load it."""
    return _page(request, settings, nonce, chosen=feed)


@router.post("/feeds/profile", response_class=HTMLResponse)
async def send_profile(request: Request, settings: SettingsDep, nonce: NonceDep) -> HTMLResponse:
    """Form fields `profile` (a TOML file) or `profile_text`: check the profile and keep it under its own name;
    every problem is listed, naming its field or line."""
    text = ""
    try:
        async with request.form(max_files=1, max_fields=4, max_part_size=MAX_PROFILE_BYTES) as form:
            check_form_token(request, form.get(FORM_FIELD))
            text = await _profile_text(form)
        profile = await run_in_threadpool(keep_profile, settings.profiles_path(), text)
    except ProfileProblems as exc:
        return _page(request, settings, nonce, 422, profile_problems=exc.problems, profile_text=text)
    record_access(request, 0, f"profile {profile.name}")
    return _page(request, settings, nonce, kept=profile.name, chosen=profile.name)


async def _profile_text(form: FormData) -> str:
    sent = form.get("profile")
    if isinstance(sent, UploadFile) and sent.filename:
        body = await sent.read(MAX_PROFILE_BYTES + 1)
        try:
            return body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProfileProblems(["the profile file is not UTF-8 text: save it as UTF-8 and send it again"]) from None
    text = form.get("profile_text")
    return text if isinstance(text, str) else ""


@router.post("/feeds/check", response_class=HTMLResponse)
async def check_file(request: Request, settings: SettingsDep, nonce: NonceDep, principal: PrincipalDep) -> HTMLResponse:
    """Form fields `feed` and `file`: check the file as a dry run (nothing kept in the store) and keep it, for an
    hour, for the same person to load."""
    async with request.form(max_files=1, max_fields=4) as form:
        check_form_token(request, form.get(FORM_FIELD))
        feed, upload = str(form.get("feed") or ""), form.get("file")
        try:
            feeds = served_feeds(settings.profiles_path())
            if feed not in feeds:
                raise ParameterError("feed", f"choose a feed: {feed!r} is not one the service loads")
            if not isinstance(upload, UploadFile) or not upload.filename or not upload.size:
                raise ParameterError("file", "choose a file to check (it was missing or empty)")
            checked = await run_in_threadpool(
                shelve, settings.checked_path(), upload.file, feed, upload.filename, _owner(principal)
            )
        except ParameterError as exc:
            return _page(request, settings, nonce, 422, message=exc.message, chosen=feed or None)
    return await _run(request, settings, nonce, checked.id, principal, dry_run=True, replace_smaller=False)


@router.post("/feeds/load", response_class=HTMLResponse)
async def load_checked(
    request: Request, settings: SettingsDep, nonce: NonceDep, principal: PrincipalDep
) -> HTMLResponse:
    """Form fields `check` (a checked file's id) and `replace_smaller`: load the file that was checked."""
    async with request.form(max_files=0, max_fields=4) as form:
        check_form_token(request, form.get(FORM_FIELD))
        check_id, smaller = str(form.get("check") or ""), form.get("replace_smaller") == "yes"
    return await _run(request, settings, nonce, check_id, principal, dry_run=False, replace_smaller=smaller)


async def _run(
    request: Request,
    settings: Settings,
    nonce: str,
    check_id: str,
    principal: Principal,
    *,
    dry_run: bool,
    replace_smaller: bool,
) -> HTMLResponse:
    """Check or load a kept file and show what it did (or why it was refused)."""
    shelf = settings.checked_path()
    try:
        checked = shelved(shelf, check_id, _owner(principal))
        feed = served_feeds(settings.profiles_path()).get(checked.feed)
        if feed is None:
            raise NotFoundError("the feed this file was checked against is no longer served: check it again")
        report = await run_in_threadpool(
            partial(
                load_file,
                request,
                settings,
                feed,
                checked.path,
                checked.name,
                replace_smaller=replace_smaller,
                dry_run=dry_run,
                examples=EXAMPLES,
            )
        )
    except SuspiciousFileError as exc:
        reason = exc.reason.split(". Fix the file, or load it with --replace-smaller")[0] + "."  # the CLI's advice
        refused = {"file": checked.name, "feed": checked.feed, "check": checked.id, "reason": reason}
        return _page(request, settings, nonce, 409, refused=refused, chosen=checked.feed)
    except NotFoundError as exc:
        return _page(request, settings, nonce, 404, message=str(exc))
    except FeedFileError as exc:  # a file that cannot be read at all is not kept
        await run_in_threadpool(discard, shelf, checked)
        return _page(request, settings, nonce, _status(exc), message=str(exc))
    record_access(request, report.loaded, f"{'check' if dry_run else 'ingest'} {checked.feed}")
    if not dry_run:
        await run_in_threadpool(discard, shelf, checked)
    result = {**check_view(report), "feed": checked.feed, "check": checked.id, "dry_run": dry_run}
    if dry_run:
        result["defaults"] = await run_in_threadpool(checked_effect, request, settings, report, feed.source)
    return _page(request, settings, nonce, result=result, chosen=checked.feed)


@router.post("/feeds/delivery", response_class=HTMLResponse)
async def load_delivery_file(request: Request, settings: SettingsDep, nonce: NonceDep) -> HTMLResponse:
    """Form fields `agency`, `format` (empty: from the file's name), `movement` (the file) and `action` (`check`:
    count and keep nothing; `load`): load a patrol movement file as the agency's delivery, its bad rows refused with
    line and reason. Like the load route, not written to the audit log: the file's name may name a person."""
    async with request.form(max_files=1, max_fields=6) as form:
        check_form_token(request, form.get(FORM_FIELD))
        agency, fmt = str(form.get("agency") or "").strip(), str(form.get("format") or "").strip()
        dry_run, upload = form.get("action") != "load", form.get("movement")
        try:
            if not 0 < len(agency) <= 80:
                raise ParameterError("agency", "name the agency whose patrols these are (up to 80 characters)")
            if not isinstance(upload, UploadFile) or not upload.filename or not upload.size:
                raise ParameterError("file", "choose a movement file (it was missing or empty)")
            name = SAFE_NAME.sub("_", Path(upload.filename).name) or "upload"
            try:
                source = movement_source(fmt) if fmt else movement_source_for(Path(name))
            except IngestError as exc:
                raise ParameterError("format", str(exc)) from exc
            with tempfile.TemporaryDirectory(prefix="aim-delivery-") as folder:
                path = Path(folder) / name
                await run_in_threadpool(_save, upload, path)
                report = await run_in_threadpool(
                    partial(load_movement, request, settings, source, path, agency, dry_run)
                )
        except ParameterError as exc:
            return _page(request, settings, nonce, 422, delivery_message=exc.message)
        except FeedFileError as exc:  # a file that cannot be read at all loads nothing
            return _page(request, settings, nonce, _status(exc), delivery_message=str(exc))
    return _page(request, settings, nonce, delivery=movement_summary(report, name, source, dry_run))


def _save(upload: UploadFile, path: Path) -> None:
    """The uploaded file (already spooled by the form parser) copied to `path`."""
    upload.file.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1 << 20)
