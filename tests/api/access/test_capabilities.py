"""What each role may see and do, read from the policy table; and a new role added in api/access alone (a policy with
one more column) answers over HTTP exactly as its capabilities say."""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from api.access.capabilities import AUDIT, PROBLEMS, Capabilities, capabilities
from api.access.policy import DEFAULT_POLICY, POLICY, Grant
from api.access.principals import Principal, Role
from api.http.app import create_app
from api.services.tasking_demo import open_demo_problems
from api.settings import Settings
from tests.conftest import sign_in

FLAGS = (
    "signed_in",
    "analyses",
    "sources_report",
    "every_source",
    "loads_feeds",
    "tasking_pack",
    "incident_rows",
    "agreement",
    "audit",
    "publishes_notes",
    "opens_problems",
    "problem_details",
    "problem_areas",
)
# what each role was allowed before capabilities existed, flag by flag (in the order of FLAGS)
EXPECTED = {
    Role.ANALYST: (1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1),
    Role.PARTNER: (1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1),
    Role.COUNCILLOR: (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
    Role.PUBLIC: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
}
PROBLEMS_GRANT = {Role.ANALYST: Grant.FULL, Role.PARTNER: Grant.PARTY, Role.COUNCILLOR: Grant.WARDS}


def _flags(caps: Capabilities) -> tuple[int, ...]:
    return tuple(int(getattr(caps, flag)) for flag in FLAGS)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_may_do_what_it_did(role: Role) -> None:
    caps = capabilities(Principal("x", role, ("warden",) if role == Role.PARTNER else ()), "/")
    assert _flags(caps) == EXPECTED[role]
    assert caps.problems == PROBLEMS_GRANT.get(role, Grant.NOTES)
    assert caps.published_only == (role in (Role.COUNCILLOR, Role.PUBLIC))  # the map's published tables
    assert caps.listed_sources == (None if role == Role.ANALYST else caps.principal.sources)
    assert caps.row_sources == (("warden",) if role == Role.PARTNER else None)


def test_the_grant_is_the_routes() -> None:
    for route, roles in POLICY.items():
        for role, grant in roles.items():
            assert capabilities(Principal("x", role), route).grant == grant
    assert capabilities(Principal("x", Role.ANALYST), "/not/a/route").grant == Grant.DENIED


def test_refusals_say_sign_in_or_not_this_role() -> None:
    assert capabilities(Principal("x", Role.PUBLIC), "/tasking").refusal()[0] == 401
    assert capabilities(Principal("x", Role.COUNCILLOR), "/tasking").refusal() == (
        403,
        "the councillor role may not use this route",
    )


class Extra(StrEnum):
    """A role the application does not define: added by a policy alone."""

    AUDITOR = "auditor"


PROBLEM_ROUTES = ("/api/v1/problems", "/api/v1/problems/{problem_id}", "/problems", "/problems/{problem_id}")
# an auditor: a councillor's published figures, every problem in full with its audit trail, and nothing to change
AUDITOR_POLICY = DEFAULT_POLICY.with_role(
    Extra.AUDITOR, like=Role.COUNCILLOR, grants={**dict.fromkeys(PROBLEM_ROUTES, Grant.FULL), AUDIT: Grant.FULL}
)
ANN = Principal("Ann", Extra.AUDITOR)  # type: ignore[arg-type]


def test_a_policy_with_one_more_role() -> None:
    assert AUDITOR_POLICY.roles() == (*Role, Extra.AUDITOR)
    assert Extra.AUDITOR in AUDITOR_POLICY.token_roles() and Role.PUBLIC not in AUDITOR_POLICY.token_roles()
    assert DEFAULT_POLICY.grant(PROBLEMS, Extra.AUDITOR) == Grant.DENIED  # the default policy is not changed
    caps = capabilities(ANN, "/problems/{problem_id}", AUDITOR_POLICY)
    assert caps.grant == Grant.FULL and caps.problems == Grant.FULL and caps.problem_work == Grant.DENIED
    assert caps.audit and caps.problem_details and caps.problem_areas and caps.signed_in
    assert not (caps.analyses or caps.sources_report or caps.loads_feeds or caps.tasking_pack or caps.incident_rows)
    assert not (caps.opens_problems or caps.publishes_notes or caps.every_source or caps.agreement)
    assert capabilities(ANN, "/", AUDITOR_POLICY).published_only
    assert capabilities(ANN, "/api/v1/hotspots/gi", AUDITOR_POLICY).refusal() == (
        403,
        "the auditor role may not use this route",
    )
    with pytest.raises(ValueError, match="not in the policy"):
        DEFAULT_POLICY.with_role("auditor", grants={"/no/such/route": Grant.FULL})


class SignedInAs:
    """A request without a bearer token comes from one principal, as if its token had been looked up (the access
    store's tokens carry the members of Role: a role added to the enum needs nothing more there)."""

    def __init__(self, app: ASGIApp, principal: Principal) -> None:
        self.app = app
        self.principal = principal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not any(name == b"authorization" for name, _ in scope["headers"]):
            scope.setdefault("state", {})["principal"] = self.principal
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def auditor_app(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, int]]:
    """The demo store served under the auditor's policy with the demo's problems opened: a client that is the
    auditor (clients with a token of a built-in role are who their token says), and the first problem's id."""
    tmp = tmp_path_factory.mktemp("auditor")
    settings = Settings(store=demo_store, database_url=f"sqlite:///{tmp / 'tasking.sqlite'}", access_db=tmp / "a.db")
    app = create_app(settings, AUDITOR_POLICY)
    app.add_middleware(SignedInAs, principal=ANN)
    with TestClient(app) as client:
        problems = open_demo_problems(app.state.con, app.state.tasking)  # type: ignore[attr-defined]
        yield client, int(problems[0]["id"])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_new_role_reads_every_problem_with_its_audit_trail(auditor_app: tuple[TestClient, int]) -> None:
    auditor, pid = auditor_app
    analyst: Any = sign_in(TestClient(auditor.app))
    detail = analyst.get(f"/api/v1/problems/{pid}").json()
    assert auditor.get(f"/api/v1/problems/{pid}").json() == detail  # in full, as analysts see it
    listed = auditor.get("/problems")
    assert listed.status_code == 200 and detail["title"] in listed.text and "Overdue actions" in listed.text
    page = _text(auditor.get(f"/problems/{pid}").text)
    assert "Audit trail" in page and f"{detail['profile']['total']} incidents in the area" in page
    assert auditor.get(f"/api/v1/problems/{pid}/audit").status_code == 200
    councillor: Any = sign_in(TestClient(auditor.app), "councillor")
    assert councillor.get(f"/api/v1/problems/{pid}/audit").status_code == 403  # the built-in roles are as they were


def test_the_new_role_changes_nothing_and_gets_published_figures(auditor_app: tuple[TestClient, int]) -> None:
    auditor, pid = auditor_app
    refused = auditor.post(f"/api/v1/problems/{pid}/reviews", json={"note": "seen", "published": False})
    assert refused.status_code == 403 and "the auditor role may not use this route" in refused.text
    assert auditor.get("/api/v1/hotspots/gi", params={"force": "cleveland", "res": 8}).status_code == 403
    wards = auditor.get("/api/v1/wards", params={"source": "council"})
    assert wards.status_code == 200 and wards.json()["filters"]["disclosure"]["suppressed_below"] == 10
    page = _text(auditor.get("/").text)
    assert "Ann (auditor) Sign out" in page and "Problems" in page
    assert "Sources and data quality" not in page and "Tasking pack" not in page and "Gi* hot/cold" not in page
    assert "Police.uk open data, counted as data.police.uk publishes it" in page
    assert "counts under 10 are not shown" in _text(auditor.get("/", params={"source": "council"}).text)
