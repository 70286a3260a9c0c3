"""The accessibility statement: in the regulations' shape, its status and non-accessible content from the audit's
recorded results, served to the public at /accessibility and linked from every page."""

from __future__ import annotations

import copy

from fastapi.testclient import TestClient

from api.render.accessibility_statement import findings, load_audit, statement_page

SECTIONS = (
    "Compliance status",
    "Non-accessible content",
    "How we tested this service",
    "Reporting accessibility problems with this service",
    "Enforcement procedure",
    "Preparation of this accessibility statement",
)


def test_the_statement_follows_the_audit() -> None:
    audit = load_audit()
    page = statement_page(audit)
    assert all(f"<h2>{section}</h2>" in page for section in SECTIONS)
    assert f"prepared on {audit['prepared']}" in page and audit["tool"] in page
    passing = copy.deepcopy(audit)
    passing["unnamed_map_shapes"] = 0
    passing["reflow"] = [{**p, "width": min(p["width"], audit["reflow_width"])} for p in audit["reflow"]]
    for p in passing["pages"]:
        p["violations"] = []
    assert findings(passing)["status"] == "fully compliant"
    assert "<strong>fully compliant</strong>" in statement_page(passing)
    failing = copy.deepcopy(passing)
    failing["pages"][0]["violations"] = [
        {"id": "html-has-lang", "impact": "serious", "help": "html element must have a lang attribute",
         "tags": ["wcag2a", "wcag311"], "nodes": ["html"]}
    ]  # fmt: skip
    shown = statement_page(failing)
    assert "<strong>partially compliant</strong>" in shown and "html element must have a lang attribute" in shown


def test_the_recorded_audit_is_what_the_statement_says() -> None:
    audit = load_audit()
    found = findings(audit)
    wide = {p["path"] for p in audit["reflow"] if p["width"] > audit["reflow_width"]}
    assert {p["path"] for p in found["wide"]} == wide
    compliant = not (wide or audit["unnamed_map_shapes"])
    assert found["status"] == ("fully compliant" if compliant else "partially compliant")
    assert {"public", "analyst", "partner", "councillor"} == set(found["roles"])


def test_the_statement_is_served_and_linked_from_every_page(client: TestClient) -> None:
    public = TestClient(client.app)
    answer = public.get("/accessibility")
    assert answer.status_code == 200 and "<h1>Accessibility statement for AIM</h1>" in answer.text
    for path in ("/", "/login", "/accessibility", "/ogc/collections/nothing/items"):  # the API viewers load assets only
        assert 'href="/accessibility"' in public.get(path, headers={"accept": "text/html"}).text, path


def test_a_page_too_wide_at_320_px_is_named_with_its_role() -> None:
    audit = copy.deepcopy(load_audit())
    audit["reflow"] = [{"path": "/sources", "role": "partner", "width": 651}]
    shown = statement_page(audit)
    assert findings(audit)["status"] == "partially compliant"
    assert "<code>/sources</code> (partner) is 651 px wide" in " ".join(shown.split())
