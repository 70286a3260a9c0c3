"""The one Jinja2 environment for AIM's pages: templates shipped in api/render/templates, HTML autoescaped."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from api.render.scripts import with_nonce


def thousands(n: int) -> str:
    """A count with thousands separators (12,345)."""
    return f"{n:,}"


def percent(share: float) -> str:
    """A share as a whole percentage (0.125 -> 13%)."""
    return f"{share:.0%}"


@cache
def environment() -> Environment:
    """Templates escape every value they insert into .html; a name missing from the context is an error."""
    env = Environment(
        loader=PackageLoader("api.render", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["thousands"] = thousands
    env.filters["percent"] = percent
    return env


def render(name: str, **context: Any) -> str:
    """The template `name` rendered with the context."""
    return environment().get_template(name).render(**context)


def render_page(name: str, nonce: str = "", **context: Any) -> str:
    """A whole page from the template `name`, its <script> tags given the response's script nonce."""
    return with_nonce(render(name, **context), nonce)
