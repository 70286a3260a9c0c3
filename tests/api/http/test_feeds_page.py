"""The feeds page: an analyst signed in with the session cookie sends a profile, checks a messy council export and
loads the file that was checked; forms without the session's token, and roles below analyst, are refused."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.http.app import create_app
from api.settings import PROJECT_DATA, Settings
from tests.api.http.test_profiles import feed_rows, own_profile

SAMPLE = PROJECT_DATA / "feeds" / "cleveland-wardens.csv"
HOSTILE = "<script>window.__pwned=1</script>"


def signed_in(client: TestClient, role: Role = Role.ANALYST, name: str = "analyst") -> str:
    """Sign the client in through /login (the session cookie, as a browser does); the page's form token."""
    token = client.app.state.access.create_token(name, role)  # type: ignore[attr-defined]
    assert client.post("/login", data={"token": token, "next": "/feeds"}, follow_redirects=False).status_code == 303
    page = client.get("/feeds")
    assert page.status_code == 200
    found = re.search(r'name="form_token" value="([0-9a-f]{64})"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def hostile_sample(folder: Path) -> Path:
    """The wardens sample with a script for a category on its first data row (line 4)."""
    lines = SAMPLE.read_bytes().split(b"\r\n" if b"\r\n" in SAMPLE.read_bytes() else b"\n")
    lines[3] = lines[3].replace(b"FLYTIP", HOSTILE.encode(), 1)
    path = folder / "wardens-hostile.csv"
    path.write_bytes(b"\n".join(lines))
    return path


@pytest.fixture()
def client(cleveland_store: Path, tmp_path: Path) -> Iterator[TestClient]:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(cleveland_store, store)
    with TestClient(create_app(Settings(store=store, cookie_secure=False))) as c:
        yield c


def check(client: TestClient, token: str, feed: str, path: Path) -> tuple[int, str, str | None]:
    """Post the check form: status, page, and the id of the checked file (None when there is no Load button)."""
    answer = client.post(
        "/feeds/check", data={"form_token": token, "feed": feed}, files={"file": (path.name, path.read_bytes())}
    )
    found = re.search(r'name="check" value="([A-Za-z0-9_-]+)"', answer.text)
    return answer.status_code, answer.text, found.group(1) if found else None


def test_a_profile_is_sent_a_messy_file_checked_then_loaded(client: TestClient) -> None:
    token = signed_in(client)
    broken = client.post(
        "/feeds/profile", data={"form_token": token, "profile_text": 'name = "x"\nsource = \nformat = 1\n'}
    )
    assert broken.status_code == 422 and "not valid TOML" in broken.text and "line 2" in broken.text
    fields = client.post(
        "/feeds/profile", data={"form_token": token, "profile_text": 'name = "redcar-x"\nsource = "warden"\n'}
    )
    assert fields.status_code == 422 and "<li>columns: Field required</li>" in fields.text
    shipped = client.post(
        "/feeds/profile",
        data={"form_token": token},
        files={"profile": ("p.toml", own_profile("cleveland-wardens").encode())},
    )
    assert shipped.status_code == 422 and "is a shipped feed" in shipped.text
    latin = client.post(
        "/feeds/profile", data={"form_token": token}, files={"profile": ("p.toml", "name = 'café'".encode("cp1252"))}
    )
    assert latin.status_code == 422 and "not UTF-8 text" in latin.text and 'id="aim-problems"' in latin.text
    kept = client.post(
        "/feeds/profile", data={"form_token": token}, files={"profile": ("p.toml", own_profile().encode())}
    )
    assert kept.status_code == 200 and 'id="aim-kept"' in kept.text
    assert '<option value="redcar-wardens" selected>' in kept.text

    status, page, check_id = check(client, token, "redcar-wardens", SAMPLE)
    assert status == 200 and check_id is not None, page[:2000]
    assert "<strong>1,761</strong> of 1,842 rows would load" in page and "<strong>81</strong>" in page
    assert '<td class="n">40</td><td>ward name &#39;Central&#39; is ambiguous' in page  # line and reason
    assert "The first 20 of 81 quarantined rows" in page and "new month" in page
    assert feed_rows(client, "redcar-wardens") == 0  # a check keeps nothing

    loaded = client.post("/feeds/load", data={"form_token": token, "check": check_id})
    assert loaded.status_code == 200 and 'id="aim-loaded"' in loaded.text
    assert feed_rows(client, "redcar-wardens") == 1761
    assert 'href="/sources#feed-redcar-wardens"' in loaded.text
    assert 'id="feed-redcar-wardens"' in client.get("/sources").text
    again = client.post("/feeds/load", data={"form_token": token, "check": check_id})
    assert again.status_code == 404 and "no longer kept" in again.text  # a loaded file is not kept


def test_a_much_smaller_file_is_refused_with_its_reason_then_loaded_when_asked(
    client: TestClient, tmp_path: Path
) -> None:
    token = signed_in(client)
    _, _, first = check(client, token, "cleveland-wardens", SAMPLE)
    assert client.post("/feeds/load", data={"form_token": token, "check": first}).status_code == 200
    lines = SAMPLE.read_bytes().splitlines()
    small = tmp_path / "wardens-january-part.csv"
    small.write_bytes(b"\n".join(lines[:13]))  # the title lines, header and the first ten rows of January
    status, page, check_id = check(client, token, "cleveland-wardens", small)
    assert status == 409 and 'id="aim-refused"' in page and "far fewer rows than they hold" in page
    assert "2025-01 holds" in page and check_id is not None and "--replace-smaller" not in page
    held = feed_rows(client, "cleveland-wardens")
    anyway = client.post("/feeds/load", data={"form_token": token, "check": check_id, "replace_smaller": "yes"})
    assert anyway.status_code == 200 and 'id="aim-loaded"' in anyway.text
    assert feed_rows(client, "cleveland-wardens") < held


def test_text_from_the_file_is_escaped(client: TestClient, tmp_path: Path) -> None:
    token = signed_in(client)
    status, page, _ = check(client, token, "cleveland-wardens", hostile_sample(tmp_path))
    assert status == 200
    assert HOSTILE not in page and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert page.count("<script") == 0


def test_a_form_posted_without_the_sessions_token_is_refused(client: TestClient) -> None:
    token = signed_in(client)
    for sent in ({}, {"form_token": "0" * 64}):
        refused = client.post(
            "/feeds/check", data={**sent, "feed": "cleveland-wardens"}, files={"file": ("a.csv", SAMPLE.read_bytes())}
        )
        assert refused.status_code == 403 and "form token" in refused.text
        assert client.post("/feeds/profile", data={**sent, "profile_text": own_profile()}).status_code == 403
    assert not client.app.state.settings.checked_path().exists()  # type: ignore[attr-defined]
    other = TestClient(client.app)
    other_token = signed_in(other, name="another analyst")
    assert other_token != token  # a token is the session's own
    _, _, check_id = check(client, token, "cleveland-wardens", SAMPLE)
    stolen = other.post("/feeds/load", data={"form_token": other_token, "check": check_id})
    assert stolen.status_code == 404 and feed_rows(client, "cleveland-wardens") == 0  # only its checker loads it


def test_partners_councillors_and_the_public_are_refused(client: TestClient) -> None:
    for role in (Role.PARTNER, Role.COUNCILLOR):
        other = TestClient(client.app)
        sources = ("warden",) if role == Role.PARTNER else ()  # a partner whose agreement covers the wardens' feed
        token = other.app.state.access.create_token(role.value, role, sources)  # type: ignore[attr-defined]
        assert other.post("/login", data={"token": token}, follow_redirects=False).status_code == 303
        assert other.get("/feeds").status_code == 403
        files = {"file": ("a.csv", SAMPLE.read_bytes())}
        assert other.post("/feeds/check", data={"feed": "cleveland-wardens"}, files=files).status_code == 403
        page = other.get("/").text
        assert "Load a feed" not in page and 'href="/tasking"' not in page and 'href="/problems"' in page
    public = TestClient(client.app)
    assert public.get("/feeds", headers={"accept": "text/html"}, follow_redirects=False).headers["location"] == (
        "/login?next=/feeds"
    )
    assert public.post("/feeds/load", data={"check": "x" * 30}).status_code == 401
    signed_in(client)
    assert 'href="/feeds"' in client.get("/").text and 'href="/feeds"' in client.get("/sources").text
    assert 'href="/tasking"' in client.get("/").text


def test_spreadsheets_and_open311_json_are_checked_too(client: TestClient, tmp_path: Path) -> None:
    token = signed_in(client)
    sheet = PROJECT_DATA / "feeds" / "cleveland-councillor-casework.xlsx"
    status, page, check_id = check(client, token, "cleveland-councillor-casework", sheet)
    assert status == 200 and check_id is not None and "rows would load" in page
    requests = [
        {
            "service_request_id": f"R{i}",
            "requested_datetime": f"2025-06-0{i}T21:15:00+01:00",
            "service_name": name,
            "lat": 54.5742,
            "long": -1.2350,
            "address": "Albert Road, Middlesbrough",
            "status": "open",
        }
        for i, name in ((1, "Fly tipping"), (2, "Noise"), (3, "<b>Bins</b>"))
    ]
    reports = tmp_path / "requests.json"
    reports.write_text(json.dumps(requests))
    status, page, check_id = check(client, token, "open311", reports)
    assert status == 200 and check_id is not None, page[:3000]
    assert "<strong>2</strong> of 3 rows would load" in page and "&lt;b&gt;Bins&lt;/b&gt;" in page
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    status, page, check_id = check(client, token, "open311", broken)
    assert status == 400 and check_id is None and 'id="aim-message"' in page and "broken.json" in page
    kept = client.app.state.settings.checked_path()  # type: ignore[attr-defined]
    assert len(list(kept.iterdir())) == 2  # the two files checked, waiting to be loaded; not the broken one


def _delivery_rows(client: TestClient, agency: str) -> list[tuple[object, ...]]:
    con = client.app.state.con.cursor()  # type: ignore[attr-defined]
    try:
        return con.execute(
            "SELECT cell, day, minutes, visits FROM delivery_cells WHERE agency = ? ORDER BY ALL", [agency]
        ).fetchall()
    finally:
        con.close()


PINGS = (
    "device,time,lat,lon\n"
    + "".join(f"radio-7,2025-12-03T10:{m:02d}:00Z,54.5742,-1.2350\n" for m in range(15))
    + "radio-7,not a time,54.5742,-1.2350\n"
    + f"radio-7,2025-12-03T10:20:00Z,54.5742,{HOSTILE}\n"
    + "radio-7,2025-12-03T10:21:00Z,40.0,-1.2350\n"
)


def test_patrol_movement_is_checked_then_loaded_from_the_page(client: TestClient) -> None:
    token = signed_in(client)
    page = client.get("/feeds").text
    assert 'action="/feeds/delivery"' in page and '<option value="patrol-log">' in page
    checked = client.post(
        "/feeds/delivery",
        data={"form_token": token, "agency": "wardens", "action": "check"},
        files={"movement": ("PC Smith.csv", PINGS.encode())},
    )
    assert checked.status_code == 200 and 'id="aim-delivery-result"' in checked.text
    assert "<strong>15</strong> of 18 pings would load" in checked.text and "<strong>3</strong>" in checked.text
    assert '<td class="n">17</td><td>time &#39;not a time&#39; is not a date and time</td>' in checked.text
    assert '<td class="n">18</td><td>no longitude and latitude</td>' in checked.text  # the hostile longitude
    assert '<td class="n">19</td><td>coordinates outside the UK</td>' in checked.text
    assert HOSTILE not in checked.text and _delivery_rows(client, "wardens") == []  # a check keeps nothing
    loaded = client.post(
        "/feeds/delivery",
        data={"form_token": token, "agency": "wardens", "action": "load", "format": "pings-csv"},
        files={"movement": ("shift", PINGS.encode())},
    )
    assert loaded.status_code == 200 and 'id="aim-delivery-loaded"' in loaded.text
    rows = _delivery_rows(client, "wardens")
    assert rows and sum(float(str(r[2])) for r in rows) >= 15.0 and "2025-12-03 to 2025-12-03" in loaded.text
    assert "PC Smith" not in str(rows)


def test_a_movement_file_that_cannot_be_read_leaves_the_store_as_it_was(client: TestClient) -> None:
    token = signed_in(client)
    client.post(
        "/feeds/delivery",
        data={"form_token": token, "agency": "wardens", "action": "load"},
        files={"movement": ("shift.csv", PINGS.encode())},
    )
    held = _delivery_rows(client, "wardens")
    hostile = b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "x">]><gpx/>'
    for name, body, status, said in (
        ("shift.gpx", hostile, 400, "document type"),
        ("shift.csv", b"crime id,month\n1,2025-01\n", 400, "not a pings CSV"),
        ("shift.txt", PINGS.encode(), 422, "not a movement file by its name"),
    ):
        answer = client.post(
            "/feeds/delivery",
            data={"form_token": token, "agency": "wardens", "action": "load"},
            files={"movement": (name, body)},
        )
        assert answer.status_code == status and 'id="aim-delivery-message"' in answer.text, answer.text[-3000:]
        assert said in answer.text
    assert _delivery_rows(client, "wardens") == held
    no_agency = client.post(
        "/feeds/delivery", data={"form_token": token, "action": "load"}, files={"movement": ("a.csv", PINGS.encode())}
    )
    assert no_agency.status_code == 422 and "name the agency" in no_agency.text


def test_movement_from_the_page_needs_the_sessions_token_and_an_analyst(client: TestClient) -> None:
    token = signed_in(client)
    files = {"movement": ("shift.csv", PINGS.encode())}
    for sent in ({}, {"form_token": "0" * 64}):
        refused = client.post("/feeds/delivery", data={**sent, "agency": "wardens", "action": "load"}, files=files)
        assert refused.status_code == 403 and "form token" in refused.text
    assert _delivery_rows(client, "wardens") == [] and token
    other = TestClient(client.app)
    partner = other.app.state.access.create_token("partner", Role.PARTNER, ("warden",))  # type: ignore[attr-defined]
    assert other.post("/login", data={"token": partner}, follow_redirects=False).status_code == 303
    assert other.post("/feeds/delivery", data={"agency": "wardens"}, files=files).status_code == 403
    assert TestClient(client.app).post("/feeds/delivery", data={"agency": "x"}, files=files).status_code == 401
    assert _delivery_rows(client, "wardens") == []
