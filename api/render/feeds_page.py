"""The feeds page: send a profile, check a file against a feed, load it, load patrol movement; with what the last
step found."""

from __future__ import annotations

from typing import Any

from api.render.templates import render_page


def render_feeds_page(
    feeds: list[dict[str, str]],
    token: str,
    nonce: str = "",
    *,
    chosen: str | None = None,
    kept: str | None = None,
    profile_problems: list[str] | None = None,
    profile_text: str = "",
    message: str | None = None,
    refused: dict[str, str] | None = None,
    result: dict[str, Any] | None = None,
    movement_formats: list[dict[str, str]] | None = None,
    delivery: dict[str, Any] | None = None,
    delivery_message: str | None = None,
) -> str:
    """The page (every value from a file or a profile escaped); `token` goes in every form it posts."""
    return render_page(
        "feeds.html",
        nonce,
        feeds=feeds,
        token=token,
        chosen=chosen,
        kept=kept,
        profile_problems=profile_problems or [],
        profile_text=profile_text,
        message=message,
        refused=refused,
        result=result,
        movement_formats=movement_formats or [],
        delivery=delivery,
        delivery_message=delivery_message,
    )
