"""Problems end to end on the demo store: open (area, baseline profile), list, get, change; actions, reviews, roles,
evaluation, audit; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import sign_in


def _client(c: TestClient, role: str, sources: tuple[str, ...] = ()) -> TestClient:
    other = TestClient(c.app)
    if role != "public":
        sign_in(other, role, sources)
    return other


def _top_cell(analyst: TestClient) -> dict[str, Any]:
    body = analyst.get("/api/v1/hotspots", params={"res": 9, "top": 1, "from": "2025-01", "to": "2025-12"}).json()
    return dict(body["hotspots"][0])


PROBLEM = {
    "title": "Youth ASB around the town centre",
    "description": "Repeat reports of groups causing nuisance",
    "category_group": "asb",
    "owner": "CSP analyst team",
    "partners": ["warden", "police"],
    "baseline_from": "2025-01",
    "baseline_to": "2025-06",
}


def _open(analyst: TestClient, area: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = analyst.post("/api/v1/problems", json={**PROBLEM, "area": area, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def test_open_a_problem_on_a_hotspot_with_its_baseline(tasking_client: TestClient) -> None:
    analyst = _client(tasking_client, "analyst")
    top = _top_cell(analyst)
    cell = top["h3"]
    problem = _open(analyst, {"cells": [cell]})
    profile = problem["profile"]
    assert profile["period"] == {"from": "2025-01", "to": "2025-06", "months": 6}
    assert profile["total"] == sum(m["count"] for m in problem["profile"]["monthly"]) > 0
    assert {s["source"] for s in profile["by_source"]} >= {"police"}
    assert profile["places"] and profile["places"][0]["count"] >= profile["places"][-1]["count"]
    assert any(p["repeat"] for p in profile["places"])
    assert problem["area"]["names"] and problem["status"] == "scanning"
    # the baseline is frozen: changes to the problem leave it as it was
    changed = analyst.patch(f"/api/v1/problems/{problem['id']}", json={"status": "analysis"})
    assert changed.status_code == 200 and changed.json()["status"] == "analysis"
    assert changed.json()["profile"] == profile
    listed = analyst.get("/api/v1/problems").json()
    assert listed["count"] == 1 and listed["problems"][0]["title"] == PROBLEM["title"]
    audit = analyst.get(f"/api/v1/problems/{problem['id']}/audit").json()["changes"]
    assert [(a["change"], a["entity"]) for a in audit] == [
        ("created", "problem"),
        ("frozen", "profile"),
        ("updated", "problem"),
    ]
    assert all(a["who"] == "test analyst" and a["role"] == "analyst" and a["at"] for a in audit)


def test_areas_by_ward_and_polygon(tasking_client: TestClient) -> None:
    analyst = _client(tasking_client, "analyst")
    ward = {"id": _top_cell(analyst)["ward"]}
    by_ward = _open(analyst, {"wards": [ward["id"]]})
    assert by_ward["area"]["kind"] == "wards" and by_ward["profile"]["cells"]["count"] > 0
    polygon = {
        "type": "Polygon",
        "coordinates": [[[-1.24, 54.57], [-1.22, 54.57], [-1.22, 54.58], [-1.24, 54.58], [-1.24, 54.57]]],
    }
    by_polygon = _open(analyst, {"polygon": polygon})
    assert by_polygon["area"]["kind"] == "polygon" and by_polygon["profile"]["total"] > 0
    bad = analyst.post("/api/v1/problems", json={**PROBLEM, "area": {"cells": ["nothex"]}})
    assert bad.status_code == 422
    two = analyst.post("/api/v1/problems", json={**PROBLEM, "area": {"wards": [ward["id"]], "polygon": polygon}})
    assert two.status_code == 422


def test_actions_reviews_and_who_sees_what(tasking_client: TestClient) -> None:
    analyst = _client(tasking_client, "analyst")
    cell = _top_cell(analyst)["h3"]
    problem = _open(analyst, {"cells": [cell]})
    pid = problem["id"]
    action = {
        "what": "Targeted warden patrols Friday and Saturday evenings",
        "owner_agency": "warden",
        "start": "2025-07-01",
        "due": "2025-09-30",
        "measure": "ASB incidents in the response cells",
        "target": "down 20% against control over 3 months",
    }
    detail = analyst.post(f"/api/v1/problems/{pid}/actions", json=action).json()
    (a,) = detail["actions"]
    assert a["status"] == "overdue"  # due in 2025 and not marked done
    assert a["target"] == {"direction": "down", "percent": 20.0, "against": "control", "months": 3}
    done = analyst.patch(f"/api/v1/problems/{pid}/actions/{a['id']}", json={"progress": "done"}).json()
    assert done["actions"][0]["status"] == "done"

    partner = _client(tasking_client, "partner", ("warden",))
    stranger = _client(tasking_client, "partner", ("complaint",))
    councillor = _client(tasking_client, "councillor")
    public = _client(tasking_client, "public")
    seen = partner.get(f"/api/v1/problems/{pid}").json()
    assert {s["source"] for s in seen["profile"]["by_source"]} <= {"warden", "police"}
    assert partner.post(f"/api/v1/problems/{pid}/reviews", json={"note": "Patrols done"}).status_code == 201
    assert partner.post(f"/api/v1/problems/{pid}/reviews", json={"note": "x", "published": True}).status_code == 403
    assert partner.patch(f"/api/v1/problems/{pid}", json={"owner": "me"}).status_code == 403
    assert stranger.get(f"/api/v1/problems/{pid}").status_code == 404
    assert stranger.get("/api/v1/problems").json()["count"] == 0
    assert stranger.post(f"/api/v1/problems/{pid}/reviews", json={"note": "x"}).status_code == 404
    # a councillor sees problems in the wards their token covers, without counts
    assert councillor.get("/api/v1/problems").json()["count"] == 0
    token_id = councillor.app.state.access.by_token(  # type: ignore[attr-defined]
        councillor.headers["Authorization"].split()[1]
    ).token_id
    wards = [n["code"] for n in problem["area"]["names"]]
    tasking_client.app.state.tasking.set_councillor_wards(token_id, wards, ("admin", "analyst"))  # type: ignore[attr-defined]
    summary = councillor.get(f"/api/v1/problems/{pid}").json()
    assert summary["title"] == PROBLEM["title"] and "profile" not in summary and "count" not in str(summary.keys())
    assert summary["actions"][0]["status"] == "done"
    assert councillor.post(f"/api/v1/problems/{pid}/actions", json=action).status_code == 403
    # the public: nothing until a progress note is published
    assert public.get("/api/v1/problems").json()["count"] == 0
    assert public.get(f"/api/v1/problems/{pid}").status_code == 404
    note = {"note": "Evening patrols have run since July.", "published": True}
    assert analyst.post(f"/api/v1/problems/{pid}/reviews", json=note).status_code == 201
    shown = public.get(f"/api/v1/problems/{pid}").json()
    assert [n["note"] for n in shown["progress_notes"]] == [note["note"]] and "title" not in shown
    assert public.get("/api/v1/problems").json()["count"] == 1
    assert public.post("/api/v1/problems", json={**PROBLEM, "area": {"cells": [cell]}}).status_code == 401
    assert partner.post("/api/v1/problems", json={**PROBLEM, "area": {"cells": [cell]}}).status_code == 403


def test_evaluation_of_a_problem(tasking_client: TestClient) -> None:
    analyst = _client(tasking_client, "analyst")
    cell = _top_cell(analyst)["h3"]
    problem = _open(analyst, {"cells": [cell]})
    pid = problem["id"]
    action = {
        "what": "Patrols",
        "owner_agency": "police",
        "start": "2025-07-01",
        "due": "2025-09-30",
        "measure": "ASB incidents",
        "target": {"direction": "down", "percent": 20, "against": "control", "months": 6},
    }
    aid = analyst.post(f"/api/v1/problems/{pid}/actions", json=action).json()["actions"][0]["id"]
    body = {
        "before_from": "2025-01",
        "before_to": "2025-06",
        "after_from": "2025-07",
        "after_to": "2025-12",
        "action_id": aid,
    }
    response = analyst.post(f"/api/v1/problems/{pid}/evaluation", json=body)
    assert response.status_code == 201, response.text
    r = response.json()
    areas = r["areas"]
    assert areas["response"]["before"] == problem["profile"]["total"]
    assert areas["buffer"]["cells"] == 6  # a 250 m ring at res 9 is the first ring of cells
    assert len(areas["control"]["wards"]) == 5 and len(areas["buffer_control"]["wards"]) == 5
    assert not {w["code"] for w in areas["control"]["wards"]} & {w["code"] for w in areas["buffer_control"]["wards"]}
    t, c, d, dc = (areas[k] for k in ("response", "control", "buffer", "buffer_control"))
    local = (t["after"] - t["before"]) - (c["after"] - c["before"])
    assert r["wdd"]["local"] == local
    assert r["wdd"]["variance"] == sum(x["before"] + x["after"] for x in (t, c, d, dc))
    assert r["target"]["met"] in (True, False) and "Target (down 20% against control)" in r["summary"]
    words = (
        "fell more than comparable places",
        "no different from comparable places",
        "rose more than comparable places",
    )
    assert r["verdict"] == r["placebo"]["verdict"] in words and r["summary"].startswith("Verdict: the response area")
    assert r["placebo"]["areas"] == 199 and r["placebo"]["control"].startswith("scaled")
    beat = r["verdict"] == "fell more than comparable places"
    if r["target"]["met"]:
        assert r["target"]["reading"] == ("met" if beat else "met, but within what comparable places did")
    assert f"Target (down 20% against control): {r['target']['reading']}." in r["summary"]
    assert r["rate_ratio_overdispersed"]["dispersion"] is not None
    again = analyst.get(f"/api/v1/problems/{pid}").json()["evaluations"]
    assert len(again) == 1 and again[0]["result"]["wdd"] == r["wdd"]
    unequal = {**body, "after_to": "2025-11"}
    assert analyst.post(f"/api/v1/problems/{pid}/evaluation", json=unequal).status_code == 422
    past_the_data = {
        **body,
        "before_from": "2025-08",
        "before_to": "2025-12",
        "after_from": "2026-01",
        "after_to": "2026-05",
    }
    refused = analyst.post(f"/api/v1/problems/{pid}/evaluation", json=past_the_data)
    assert refused.status_code == 422 and "not comparable" in refused.text
    assert len(analyst.get(f"/api/v1/problems/{pid}").json()["evaluations"]) == 1  # nothing kept
    partner = _client(tasking_client, "partner", ("police",))
    assert partner.post(f"/api/v1/problems/{pid}/evaluation", json=body).status_code == 403


def test_a_partner_cannot_widen_a_problems_audience_through_an_action(tasking_client: TestClient) -> None:
    """An action's owner agency becomes a party to the problem: a partner may name only agencies already party to it
    (analysts bring new parties in)."""
    analyst = _client(tasking_client, "analyst")
    pid = _open(analyst, {"cells": [_top_cell(analyst)["h3"]]})["id"]
    partner = _client(tasking_client, "partner", ("warden",))
    outsider = _client(tasking_client, "partner", ("complaint",))
    action = {
        "what": "Joint visits",
        "owner_agency": "complaint",
        "start": "2025-07-01",
        "due": "2025-09-30",
        "measure": "ASB incidents in the response cells",
        "target": "down 20% against control over 3 months",
    }
    refused = partner.post(f"/api/v1/problems/{pid}/actions", json=action)
    assert refused.status_code == 403 and "complaint" in refused.text
    assert outsider.get(f"/api/v1/problems/{pid}").status_code == 404  # still not told of it
    own = partner.post(f"/api/v1/problems/{pid}/actions", json={**action, "owner_agency": "warden"})
    assert own.status_code == 201
    action_id = own.json()["actions"][0]["id"]
    moved = partner.patch(f"/api/v1/problems/{pid}/actions/{action_id}", json={"owner_agency": "complaint"})
    assert moved.status_code == 403
    assert outsider.get(f"/api/v1/problems/{pid}").status_code == 404
    assert analyst.post(f"/api/v1/problems/{pid}/actions", json=action).status_code == 201  # an analyst may
    assert outsider.get(f"/api/v1/problems/{pid}").status_code == 200  # and so the agency is party to it
