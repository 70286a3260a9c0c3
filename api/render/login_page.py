"""The sign-in page: a token exchanged for a session."""

from __future__ import annotations

from api.render.templates import render_page


def render_login(next_path: str, message: str = "", nonce: str = "") -> str:
    """The sign-in form, going back to next_path, with a message when a token was refused (scripts, if any, carry the
    response's nonce)."""
    return render_page("login.html", nonce, next_path=next_path, message=message)
