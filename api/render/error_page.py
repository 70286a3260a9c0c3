"""An error as a page for browsers: what went wrong in words, and where to go from here."""

from __future__ import annotations

from http import HTTPStatus

from api.render.templates import render_page

TITLES = {
    400: "That request could not be read",
    401: "Sign in first",
    403: "Not open to you",
    404: "Not found",
    405: "Not available this way",
    409: "Not loaded",
    413: "Too large",
    422: "Check what was asked for",
    503: "Not available just now",
}


def error_title(status: int) -> str:
    """A heading in words for an error's status."""
    if status in TITLES:
        return TITLES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Something went wrong"


def render_error_page(
    status: int, message: str, problems: list[str], links: list[tuple[str, str]], nonce: str = ""
) -> str:
    """The error page: its status and heading, the message, each parameter's problem (when several), and links
    (href, label) onwards; every text given is escaped by the template."""
    return render_page(
        "error.html", nonce, status=status, title=error_title(status), message=message, problems=problems, links=links
    )
