"""The case pages: the cases a reader may see, and one case as that reader may see it (the view api/access/cases.py
gives, never more), with its risk, linked incidents (and the rule that linked each), interventions, actions and, for
analysts, its audit and the repeat-victim flags."""

from __future__ import annotations

from typing import Any

from api.render.templates import render_page

RULE_WORDS = {
    "reference": "the feed's reference",
    "uprn": "the same UPRN",
    "address": "the same address",
    "hand": "by hand",
}


def render_case_list(
    lines: list[dict[str, Any]], every_case: bool, flags: list[dict[str, Any]] | None, rule: str, nonce: str = ""
) -> str:
    """The cases a reader may see (flags: the repeat-victim flags, for analysts; None for others)."""
    return render_page("cases.html", nonce, lines=lines, every_case=every_case, flags=flags, rule=rule)


def render_case_page(case: dict[str, Any], audit: list[dict[str, Any]] | None, nonce: str = "") -> str:
    """One case as the reader may see it (audit: for analysts; None for others)."""
    return render_page("case.html", nonce, case=case, audit=audit, rule_words=RULE_WORDS)
