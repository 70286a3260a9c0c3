"""Sign-in over plain HTTP from another host with the Secure session cookie: the browser drops the cookie, and the
login page and the log say why (the real app, a client at a routable address, http://)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.access.principals import Role
from api.access.store import AccessStore
from api.http.app import create_app
from api.http.auth import SESSION_COOKIE
from api.http.secure_cookie import loopback
from api.settings import Settings
from tests.api.render.browser import serving
from tests.conftest import new_store

REMOTE = ("203.0.113.7", 50123)  # a documentation address: another host on the network
PAGE_SAYS = ("did not keep the session cookie", "plain HTTP", "HTTPS (TLS)", "AIM_COOKIE_SECURE=false")


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    path = tmp_path_factory.mktemp("cookie") / "aim.duckdb"
    new_store(path).close()
    yield Settings(store=path)


@contextmanager
def signing_in(
    settings: Settings, base_url: str, client: tuple[str, int], **headers: str
) -> Iterator[tuple[TestClient, httpx.Response]]:
    """A browser at the client address signing in through /login with a fresh analyst token, and the page it ends
    on."""
    with TestClient(create_app(settings), base_url=base_url, client=client) as browser:
        token = browser.app.state.access.create_token("Robin", "analyst")  # type: ignore[attr-defined]
        yield browser, browser.post("/login", data={"token": token, "next": "/feeds"}, headers=headers)


def dropped_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.WARNING and "plain HTTP" in r.getMessage()]


def test_plain_http_from_another_host_says_why_on_the_page_and_in_the_log(
    app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with signing_in(app_settings, "http://aim.example", REMOTE) as (browser, page):
        assert page.status_code == 200 and page.url.path == "/login"
        assert page.url.params["cookie"] == "sent" and page.url.params["next"] == "/feeds"
        assert all(words in page.text for words in PAGE_SAYS), page.text
        first = page.history[0]
        assert first.status_code == 303 and "secure" in first.headers["set-cookie"].lower()
        assert SESSION_COOKIE not in browser.get("/healthz").request.headers.get("cookie", "")  # not sent back
    (record,) = dropped_records(caplog)
    message = record.getMessage()
    assert record.name == "aim.access" and "Robin" in message and REMOTE[0] in message and "aim.example" in message
    assert "AIM_COOKIE_SECURE=false" in message and "FORWARDED_ALLOW_IPS" in message


def test_the_app_itself_does_not_trust_x_forwarded_proto(
    app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """X-Forwarded-Proto counts only from the proxies uvicorn trusts (it rewrites the scheme before the app sees the
    request): the header from any other client changes nothing."""
    with signing_in(app_settings, "http://aim.example", REMOTE, **{"X-Forwarded-Proto": "https"}) as (_, page):
        assert "did not keep the session cookie" in page.text and len(dropped_records(caplog)) == 1


@pytest.mark.parametrize(
    ("base_url", "client", "secure"),
    [
        ("https://aim.example", REMOTE, True),  # over TLS: the browser keeps it
        ("http://localhost:8000", ("127.0.0.1", 50123), True),  # a browser on this machine: kept over http://localhost
        ("http://[::1]:8000", ("::1", 50123), True),
        ("http://aim.example", REMOTE, False),  # AIM_COOKIE_SECURE=false: not Secure, kept
    ],
)
def test_no_warning_where_the_browser_keeps_the_cookie(
    app_settings: Settings, caplog: pytest.LogCaptureFixture, base_url: str, client: tuple[str, int], secure: bool
) -> None:
    settings = app_settings.model_copy(update={"cookie_secure": secure})
    with signing_in(settings, base_url, client) as (_, page):
        first = page.history[0]
        assert first.status_code == 303 and first.headers["location"] == "/feeds"  # straight on to the page
        assert "did not keep" not in page.text and not dropped_records(caplog)
        if not base_url.startswith("http://localhost") and not base_url.startswith("http://[::1]"):
            assert page.status_code == 200 and page.url.path == "/feeds"  # signed in (the test client, unlike a
            # browser, sends a Secure cookie back over https only, even to localhost)


def test_a_browser_on_this_machine_using_a_routable_name_is_warned(
    app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """http://<the machine's name> is not a loopback origin to the browser, even from this machine."""
    with signing_in(app_settings, "http://aim-host:8000", ("127.0.1.1", 50123)) as (_, page):
        assert "did not keep the session cookie" in page.text and len(dropped_records(caplog)) == 1


def test_a_cookie_sent_back_after_a_plain_http_sign_in_goes_on_to_the_page(app_settings: Settings) -> None:
    """A browser that did keep it (e.g. the page came over TLS through a proxy uvicorn does not trust) goes on."""
    with TestClient(create_app(app_settings), base_url="http://aim.example", client=REMOTE) as browser:
        kept = browser.get(
            "/login?next=/feeds&cookie=sent", headers={"Cookie": f"{SESSION_COOKIE}=x"}, follow_redirects=False
        )
        assert kept.status_code == 303 and kept.headers["location"] == "/feeds"
        plain = browser.get("/login?next=/feeds")
        assert plain.status_code == 200 and "did not keep" not in plain.text
        assert browser.get("/login?cookie=other").status_code == 422


def test_loopback_hosts() -> None:
    assert all(loopback(h) for h in ("localhost", "app.localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"))
    assert not any(loopback(h) for h in (None, "", "testclient", "aim.example", "10.0.0.1", "203.0.113.7", "::2"))


@pytest.mark.server
def test_behind_a_proxy_uvicorn_trusts_its_x_forwarded_proto_counts(tmp_path: Path) -> None:
    """`aim serve` (uvicorn trusts X-Forwarded-* from loopback proxies unless FORWARDED_ALLOW_IPS says otherwise): a
    sign-in a local proxy forwards from a browser on TLS goes on; one it forwards over plain HTTP is warned of."""
    store = tmp_path / "aim.duckdb"
    new_store(store).close()
    token = AccessStore(Settings(store=store).tasking_url()).create_token("Robin", Role.ANALYST)
    log = tmp_path / "serve.log"
    proxied = {"X-Forwarded-For": REMOTE[0], "Host": "aim.example"}
    form = {"token": token, "next": "/feeds"}
    with serving(store, log=log) as url:
        over_tls = httpx.post(f"{url}/login", data=form, headers={**proxied, "X-Forwarded-Proto": "https"})
        assert over_tls.status_code == 303 and over_tls.headers["location"] == "/feeds"
        plain = httpx.post(f"{url}/login", data=form, headers=proxied)
        assert plain.status_code == 303 and plain.headers["location"] == "/login?next=%2Ffeeds&cookie=sent"
    warned = [line for line in log.read_text().splitlines() if "plain HTTP" in line]
    assert len(warned) == 1 and REMOTE[0] in warned[0] and "aim.example" in warned[0]
