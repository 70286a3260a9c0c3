"""The sign-in page: a token exchanged for a session."""

from __future__ import annotations

from html import escape


def render_login(next_path: str, message: str = "") -> str:
    """The sign-in form, going back to next_path, with a message when a token was refused."""
    note = f'<p class="aim-warn-line">{escape(message)}</p>' if message else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>AIM · sign in</title>
<link rel="stylesheet" href="/static/aim.css"></head>
<body class="aim-report"><h1>Sign in to AIM</h1>{note}
<form method="post" action="/login">
  <label>Access token <input type="password" name="token" autocomplete="current-password" required size="50"></label>
  <input type="hidden" name="next" value="{escape(next_path)}">
  <button type="submit">Sign in</button>
</form>
<p>Tokens are issued by your AIM administrator (<code>aim users create</code>). Without one, the map shows
published figures only. <a href="/">Back to the map</a></p></body></html>"""
