"""Repeat victims across agencies end to end: records of different feeds at one address, UPRN or case within the
window are flagged for the analyst with the records and the rule; never matched on names; a confirmed repeat victim
with a high risk is listed first; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.cases.test_cases import CASE, client, open_case


def _report(ref: str, day: str, address: str | None = None, uprn: str | None = None) -> dict[str, Any]:
    return {"feed": "housing", "ref": ref, "occurred_on": day, "address": address, "uprn": uprn}


HOUSING = [_report("HSG-9", "2025-08-28", "149, Borough Road"), _report("HSG-10", "2025-10-14", "149 Borough Rd.")]


def _scan(analyst: TestClient) -> list[dict[str, Any]]:
    assert analyst.post("/api/v1/repeat-victims/scan").status_code == 201
    return list(analyst.get("/api/v1/repeat-victims").json()["flags"])


def test_records_of_two_feeds_at_one_address_are_flagged_with_the_rule(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    # 149 Borough Rd, TS1 5JF: a council CRM complaint in September 2025 (CRM-251118); two housing reports there
    case = open_case(analyst, incidents=HOUSING, uprn=None)
    flags = [f for f in _scan(analyst) if f["rule"] == "address" and f["key"].startswith("149 borough road")]
    (flag,) = flags  # the three other CRM complaints at "149 Borough Rd" are 4 km away: another address
    assert flag["status"] == "flagged" and flag["feeds"] == ["cleveland-council-crm", "housing"]
    assert [r["ref"] for r in flag["records"]] == ["HSG-9", "CRM-251118", "HSG-10"]
    assert "3 or more records within 12 months, from at least 2 different feeds" in flag["why"]
    assert "never matched on names" in flag["why"]
    # the same records under the case's reference are not flagged twice
    assert not [f for f in _scan(analyst) if f["records"] == flag["records"] and f["id"] != flag["id"]]

    decision = {"status": "confirmed", "case_id": case["id"]}
    confirmed = analyst.patch(f"/api/v1/repeat-victims/{flag['id']}", json=decision)
    assert confirmed.status_code == 200 and confirmed.json()["decided_by"] == "test analyst"
    again = _scan(analyst)  # a decided flag stays as decided
    assert next(f for f in again if f["id"] == flag["id"])["status"] == "confirmed"
    seen = analyst.get(f"/api/v1/cases/{case['id']}").json()["repeat_flags"]
    assert [f["id"] for f in seen] == [flag["id"]]
    trail = tasking_client.app.state.cases.case_audit()  # type: ignore[attr-defined]
    reads = [a for a in trail if (a["change"], a["entity"], a["entity_id"]) == ("listed", "flag", flag["id"])]
    assert len(reads) >= 3 and reads[-1]["case_id"] == case["id"]  # every listing of the flag is recorded
    party = client(tasking_client, "partner", ("housing",)).get(f"/api/v1/cases/{case['id']}").json()
    assert party["repeat_flags"][0]["records"] == len(flag["records"])  # how many, not the other agencies' records


def test_names_alone_never_match_and_one_feed_is_not_enough(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    reports = [_report(f"HSG-{n}", f"2025-0{n}-01", f"{n} Acacia Avenue") for n in range(1, 5)]
    for report in reports:  # the same name at four addresses, four feeds' worth of reports
        open_case(analyst, address=report["address"], uprn=None, reference=None, incidents=[report])
    one_feed = [_report(f"HSG-{n}", f"2025-0{n}-02", "7 Lonely Lane") for n in range(5, 9)]
    open_case(analyst, address="7 Lonely Lane", uprn=None, reference=None, incidents=one_feed)
    flags = _scan(analyst)
    assert not [f for f in flags if "acacia" in f["key"] or "lonely" in f["key"]]
    assert not [f for f in flags if CASE["subject_name"].lower() in f["key"].lower()]


def test_a_uprn_matches_across_feeds_within_the_window(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    uprn = "10001234567"
    open_case(analyst, reference=None, incidents=[_report("HSG-20", "2025-01-05", uprn=uprn)])
    second = [
        {"feed": "landlord", "ref": "RSL-1", "occurred_on": "2025-06-05", "uprn": uprn},
        {"feed": "landlord", "ref": "RSL-2", "occurred_on": "2025-09-05", "uprn": uprn},
        {"feed": "landlord", "ref": "RSL-3", "occurred_on": "2026-03-05", "uprn": uprn},  # 14 months after the first
    ]
    open_case(analyst, reference=None, address=None, incidents=second)
    flags = [f for f in _scan(analyst) if f["rule"] == "uprn"]
    (flag,) = flags
    assert [r["ref"] for r in flag["records"]] == ["HSG-20", "RSL-1", "RSL-2"]  # the busiest window of 12 months
    assert flag["feeds"] == ["housing", "landlord"] and flag["key"] == uprn


def test_a_confirmed_repeat_victim_with_high_risk_is_listed_first(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    medium = open_case(analyst, reference="A", address="1 First Street", incidents=[])
    answers = {"repeat": "yes", "hate": "yes", "fear": "yes"}
    analyst.post(f"/api/v1/cases/{medium['id']}/risk", json={"answers": answers})
    high = open_case(analyst, reference="B", address="2 Second Street", incidents=[])
    analyst.post(f"/api/v1/cases/{high['id']}/risk", json={"answers": {"threats": "yes"}})
    victim = open_case(analyst, reference="C", incidents=HOUSING)
    analyst.post(f"/api/v1/cases/{victim['id']}/risk", json={"answers": {"threats": "yes"}})
    flag = next(f for f in _scan(analyst) if f["key"].startswith("149 borough road"))
    order = [c["reference"] for c in analyst.get("/api/v1/cases").json()["cases"]]
    assert order == ["B", "C", "A"]  # high risk before medium; the flag not yet confirmed
    analyst.patch(f"/api/v1/repeat-victims/{flag['id']}", json={"status": "confirmed", "case_id": victim["id"]})
    cases = analyst.get("/api/v1/cases").json()["cases"]
    assert [c["reference"] for c in cases] == ["C", "B", "A"]
    assert cases[0]["repeat_victim"] and cases[0]["risk_level"] == "high"
    party = client(tasking_client, "partner", ("housing",)).get("/api/v1/cases").json()["cases"]
    assert [c["reference"] for c in party] == ["C", "B", "A"]  # the owning agency sees them in the same order


def test_an_agencys_worklist_puts_its_confirmed_high_risk_repeat_victim_first(tasking_client: TestClient) -> None:
    from api.services.repeat_victims import agency_worklist

    analyst = client(tasking_client, "analyst")
    other = open_case(analyst, reference="P", owner_agency="police", agencies=[], incidents=[])
    analyst.post(f"/api/v1/cases/{other['id']}/risk", json={"answers": {"threats": "yes"}})
    mine = open_case(analyst, reference="H", incidents=[])
    analyst.post(f"/api/v1/cases/{mine['id']}/risk", json={"answers": {"threats": "yes"}})
    victim = open_case(analyst, reference="V", incidents=HOUSING)
    analyst.post(f"/api/v1/cases/{victim['id']}/risk", json={"answers": {"threats": "yes"}})
    flag = next(f for f in _scan(analyst) if f["key"].startswith("149 borough road"))
    analyst.patch(f"/api/v1/repeat-victims/{flag['id']}", json={"status": "confirmed", "case_id": victim["id"]})
    store = tasking_client.app.state.cases  # type: ignore[attr-defined]
    assert [c["reference"] for c in agency_worklist(store, {"housing"})] == ["V", "H"]
    assert [c["reference"] for c in agency_worklist(store, {"police"})] == ["V", "P", "H"]  # police take part in all
    assert agency_worklist(store, {"warden"}) == []
