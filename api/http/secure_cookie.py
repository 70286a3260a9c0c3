"""Whether a browser keeps the Secure session cookie set on an answer: not when the page came over plain HTTP from
anywhere but this machine. Browsers keep Secure cookies over TLS, and over plain HTTP only on a loopback origin
(http://localhost, http://127.0.0.1)."""

from __future__ import annotations

import ipaddress

from starlette.requests import Request

DROPPED_ON_PAGE = (
    "Your token was accepted, but your browser did not keep the session cookie, so you are still signed out. "
    "AIM marks the cookie Secure (sent over HTTPS only) and this page came over plain HTTP: the browser drops it. "
    "Serve AIM over HTTPS (TLS), or, on a trusted network only, set AIM_COOKIE_SECURE=false and restart it."
)
DROPPED_IN_LOG = (
    "sign-in by %s over plain HTTP (client %s, host %s): the session cookie is Secure, so the browser will drop it "
    "and the user stays signed out. Serve AIM over TLS (behind a TLS proxy, let uvicorn trust its "
    "X-Forwarded-Proto: FORWARDED_ALLOW_IPS), or set AIM_COOKIE_SECURE=false on a trusted network"
)


def loopback(host: str | None) -> bool:
    """Whether a host name or address is this machine's loopback (localhost, 127.0.0.0/8, ::1)."""
    if not host:
        return False
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def cookie_dropped(request: Request, secure: bool) -> bool:
    """Whether a browser will drop a cookie set on the answer to this request: it is Secure, the request came over
    plain HTTP (the scheme as uvicorn gives it: X-Forwarded-Proto counts only from the proxies it trusts), and it did
    not come from a browser on this machine (client and host both loopback)."""
    if not secure or request.url.scheme != "http":
        return False
    client = request.client.host if request.client else None
    return not (loopback(client) and loopback(request.url.hostname))
