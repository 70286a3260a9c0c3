"""ASB Case Review applications over HTTP: record an application with the complaints it cites, list and read them,
the bodies' decision on the threshold, the review, its recommendations, a withdrawal; the audit and erasure; the
watchlist of victims and addresses near the threshold; the yearly publication (JSON, CSV, PDF). Thin: parse, check
who may (api/access/case_reviews.py), call the services, audit the read, shape the view.

Applications are special category data: analysts and the application's agencies only; every read and change is
audited. The publication is counts of applications, for publishing (analysts)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from pydantic import Field

from api.access import case_reviews as access
from api.access.cases import actor
from api.access.principals import AuthError
from api.database.case_reviews import CaseReviewStore
from api.http.deps import CapabilitiesDep, SettingsDep
from api.http.formats import Answer, respond
from api.http.models.base import documented_as, plain
from api.http.models.case_reviews import (
    ApplicationDetail,
    ApplicationErased,
    ApplicationList,
    Publication,
    Watchlist,
)
from api.http.models.cases import ApplicationAudit
from api.http.routers.problems import BAD_BODY, Body, IdempotencyKey, _once, _values
from api.render.case_review_pdf import render_publication_pdf
from api.rules import case_review_rule
from api.services import case_reviews as service
from api.services.case_review_publication import PUBLICATION_HEADER, publication, publication_rows
from api.services.case_review_threshold import window_start
from api.services.case_review_watchlist import watchlist

router = APIRouter(prefix="/api/v1", tags=["cases"], responses=BAD_BODY)
ApplicationId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Case Review application id")]
YearQuery = Annotated[int, Query(ge=1900, le=2199, description="Calendar year the applications were received, YYYY")]
BodyQuery = Annotated[
    str | None, Query(max_length=200, description="One relevant body (none: the partnership and each)")
]
OnQuery = Annotated[date | None, Query(description="The day the window ends, YYYY-MM-DD (default: today)")]
ERASURE = "erasure requested by the data subject"


class ComplaintIn(Body):
    complained_on: date
    behaviour_on: date | None = Field(None, description="The day of the behaviour (default: the complaint's day)")
    agency: str = Field(max_length=200)
    ref: str | None = Field(None, max_length=120)
    incident_id: int | None = Field(None, ge=1, le=2**31 - 1, description="The case's linked incident it is")
    note: str | None = Field(None, max_length=2000)


class ApplicationIn(Body):
    reference: str | None = Field(None, max_length=60)
    received: date
    applicant_kind: Literal["victim", "on behalf"] = "victim"
    applicant_name: str = Field(max_length=200)
    on_behalf_of: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=300)
    postcode: str | None = Field(None, max_length=10)
    bodies: list[Annotated[str, Field(max_length=200)]] = Field(min_length=1, max_length=20)
    summary: str = Field("", max_length=5000)
    case_id: int | None = Field(None, ge=1, le=2**31 - 1)
    flag_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(default_factory=list, max_length=20)
    complaints: list[ComplaintIn] = Field(default_factory=list, max_length=200)


class DecisionIn(Body):
    decided: date
    met: bool | None = Field(None, description="The bodies' decision (default: as the threshold check finds)")
    note: str | None = Field(None, max_length=2000, description="Why, when the decision differs from the check")
    communicated: date | None = Field(None, description="The day the decision was told to the applicant")


class ReviewHeldIn(Body):
    held: date
    note: str | None = Field(None, max_length=2000)
    communicated: date | None = None


class RecommendationIn(Body):
    text: str = Field(max_length=2000)
    agency: str = Field(max_length=200)
    due: date | None = None


class RecommendationsIn(Body):
    recommendations: list[RecommendationIn] = Field(min_length=1, max_length=50)
    communicated: date | None = None


class WithdrawalIn(Body):
    on: date
    note: str | None = Field(None, max_length=2000)


class ErasureIn(Body):
    why: str = Field(ERASURE, max_length=500)


def reviews_store(request: Request) -> CaseReviewStore:
    """The app's case store, which holds the applications."""
    store: CaseReviewStore = request.app.state.cases
    return store


def _shown(request: Request, caps: CapabilitiesDep, settings: SettingsDep, aid: int) -> dict[str, Any]:
    """The application as the caller may see it, its read audited (404 when the caller may not know of it)."""
    store = reviews_store(request)
    access.visible_application(store, caps, aid)
    detail = service.application_detail(store, aid, case_review_rule(settings))
    store.record_application_reads(actor(caps.principal), "read", [aid], {"route": request.url.path})
    return jsonable_encoder(detail)


def _workable(request: Request, caps: CapabilitiesDep, aid: int) -> CaseReviewStore:
    store = reviews_store(request)
    access.visible_application(store, caps, aid)
    return store


@router.get("/case-reviews", response_model=ApplicationList, **plain)
def list_applications(request: Request, caps: CapabilitiesDep) -> dict[str, Any]:
    """The Case Review applications the caller may see, newest first; each listed is audited."""
    store = reviews_store(request)
    seen = access.visible_applications(store, caps)
    store.record_application_reads(
        actor(caps.principal), "listed", [a["id"] for a in seen], {"route": request.url.path}
    )
    lines = [access.line(a) for a in sorted(seen, key=lambda a: (a["received"], a["id"]), reverse=True)]
    return jsonable_encoder({"applications": lines, "count": len(lines)})


@router.post("/case-reviews", status_code=201, response_model=ApplicationDetail, **plain)
def record_application(
    request: Request, caps: CapabilitiesDep, settings: SettingsDep, body: ApplicationIn, key: IdempotencyKey = None
) -> dict[str, Any]:
    """Record an application (analysts; a partner one made to its own agency): when received, the applicant, the
    relevant bodies, the complaints it cites, and the case or repeat-victim flags it concerns."""
    values = _values(body) | {"complaints": [_values(c) for c in body.complaints]}
    store = reviews_store(request)
    access.require_recording(caps, store, values)
    once = _once(caps, key, request, body)
    made = store.made(once) if once else None
    aid = made or service.record_application(store, values, actor(caps.principal), once)
    return _shown(request, caps, settings, aid)


@router.get("/case-reviews/watchlist", response_model=Watchlist, **plain)
def get_watchlist(request: Request, caps: CapabilitiesDep, settings: SettingsDep, on: OnQuery = None) -> dict[str, Any]:
    """Victims and addresses whose reports in the window reach the threshold or will with one more, and those at a
    second report, who must be told about the Case Review (analysts; each case and flag shown is audited)."""
    rule, day = case_review_rule(settings), on or date.today()
    store = reviews_store(request)
    found = watchlist(store, rule, day)
    who = actor(caps.principal)
    store.record_reads(who, "listed", [e["id"] for e in found if e["kind"] == "case"], {"route": request.url.path})
    store.record_flag_reads(who, [{"id": e["id"]} for e in found if e["kind"] == "flag"], {"route": request.url.path})
    return jsonable_encoder(
        {
            "on": day,
            "window_from": window_start(rule, day),
            "rule": rule.as_dict(),
            "entries": found,
            "count": len(found),
        }
    )


DOCUMENTED = documented_as({"json": Publication}, "csv", "pdf")[200]


@router.get(
    "/case-reviews/publication", response_class=Response, response_model=Publication, responses={200: DOCUMENTED}
)
def get_publication(
    request: Request,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    year: YearQuery,
    body: BodyQuery = None,
    format: Annotated[Literal["json", "csv", "pdf"], Query(description="json, csv or pdf")] = "json",  # noqa: A002
) -> Response:
    """The yearly publication (ASBCPA 2014 s.104(10)): for the applications received in the year, the number
    received, the times the threshold was not met, the reviews carried out and those resulting in recommendations,
    with the withdrawn and pending shown; for the partnership and each relevant body (or one), with the local
    threshold and the procedure's link. Counts of applications, for publishing."""
    found = publication(
        reviews_store(request), year, case_review_rule(settings), settings.case_review_procedure_url, body
    )
    stem = f"aim-case-review-{year}" + (f"-{_slug(body)}" if body else "")
    answer = Answer(
        json=lambda: jsonable_encoder(found),
        table=lambda: (PUBLICATION_HEADER, publication_rows(found), f"{stem}.csv"),
        printed=lambda fmt: (render_publication_pdf(found), f"{stem}.pdf"),
    )
    return respond(request, answer, format)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")[:60] or "body"


@router.get("/case-reviews/{application_id}", response_model=ApplicationDetail, **plain)
def get_application(
    request: Request, caps: CapabilitiesDep, settings: SettingsDep, application_id: ApplicationId
) -> dict[str, Any]:
    """An application with its complaints, the threshold (as decided, and as it stands) and its dated steps."""
    return _shown(request, caps, settings, application_id)


@router.delete("/case-reviews/{application_id}", response_model=ApplicationErased, **plain)
def erase_application(
    request: Request, caps: CapabilitiesDep, application_id: ApplicationId, body: ErasureIn | None = None
) -> dict[str, Any]:
    """Erase an application (analysts): it and its complaints; the audit keeps that it was, without personal data."""
    store = _workable(request, caps, application_id)
    if not caps.case_audit:
        raise AuthError(403, "only an analyst may erase an application")
    store.erase_application(application_id, actor(caps.principal), body.why if body else ERASURE)
    return {"erased": application_id}


@router.post("/case-reviews/{application_id}/decision", response_model=ApplicationDetail, **plain)
def decide(
    request: Request, caps: CapabilitiesDep, settings: SettingsDep, application_id: ApplicationId, body: DecisionIn
) -> dict[str, Any]:
    """The relevant bodies' decision on the threshold, with the check under the local rule kept beside it."""
    store = _workable(request, caps, application_id)
    service.decide(store, application_id, _values(body), case_review_rule(settings), actor(caps.principal))
    return _shown(request, caps, settings, application_id)


@router.post("/case-reviews/{application_id}/review", response_model=ApplicationDetail, **plain)
def review(
    request: Request, caps: CapabilitiesDep, settings: SettingsDep, application_id: ApplicationId, body: ReviewHeldIn
) -> dict[str, Any]:
    """The review carried out, with its date (after a threshold met)."""
    store = _workable(request, caps, application_id)
    service.review(store, application_id, _values(body), actor(caps.principal))
    return _shown(request, caps, settings, application_id)


@router.post("/case-reviews/{application_id}/recommendations", response_model=ApplicationDetail, **plain)
def recommend(
    request: Request,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    application_id: ApplicationId,
    body: RecommendationsIn,
) -> dict[str, Any]:
    """The review's recommendations: each its text, agency and due date."""
    store = _workable(request, caps, application_id)
    values = _values(body) | {"recommendations": [_values(r) for r in body.recommendations]}
    service.recommend(store, application_id, values, actor(caps.principal))
    return _shown(request, caps, settings, application_id)


@router.post("/case-reviews/{application_id}/withdraw", response_model=ApplicationDetail, **plain)
def withdraw(
    request: Request, caps: CapabilitiesDep, settings: SettingsDep, application_id: ApplicationId, body: WithdrawalIn
) -> dict[str, Any]:
    """The applicant withdrew the application before its review."""
    store = _workable(request, caps, application_id)
    service.withdraw(store, application_id, _values(body), actor(caps.principal))
    return _shown(request, caps, settings, application_id)


@router.get("/case-reviews/{application_id}/audit", response_model=ApplicationAudit, **plain)
def application_audit(request: Request, caps: CapabilitiesDep, application_id: ApplicationId) -> dict[str, Any]:
    """Every read and change of the application (analysts)."""
    store = _workable(request, caps, application_id)
    trail = store.application_audit(application_id)
    store.record_application_reads(actor(caps.principal), "read", [application_id], {"route": request.url.path})
    return jsonable_encoder({"audit": trail})
