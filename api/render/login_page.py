"""The sign-in page: a token exchanged for a session."""

from __future__ import annotations

from api.render.templates import render


def render_login(next_path: str, message: str = "") -> str:
    """The sign-in form, going back to next_path, with a message when a token was refused."""
    return render("login.html", next_path=next_path, message=message)
