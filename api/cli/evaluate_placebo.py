"""`aim evaluate --placebo`: the placebo audit of problem evaluations on the store's data, as a table."""

from __future__ import annotations

from typing import Any

from api.cli.common import console
from api.services.errors import ParameterError
from api.services.evaluation import force_areas
from api.services.placebo_audit import CATEGORIES, PER_CELL, REDUCTIONS, audit_cases, audit_table
from api.services.placebo_evaluation import PLACEBOS
from ingest.store import read
from ingest.store.connection import Connection


def placebo_rows(
    con: Connection, forces: list[str] | None, categories: tuple[str, ...], seed: int, per_cell: int = PER_CELL
) -> list[dict[str, Any]]:
    """The audit's rows: per force x window, then per force, category and size."""
    boundary_set = read.resolve_boundary_set(con, None)
    areas = force_areas(con, forces, boundary_set)
    cases = [c for a in areas for c in audit_cases(con, a, boundary_set, categories or CATEGORIES, per_cell, seed)]
    if not cases:
        raise ParameterError("store", "no busy areas to audit: no incidents in 2025's quarters")
    return audit_table(cases)


def placebo_markdown(rows: list[dict[str, Any]]) -> str:
    """The audit as a Markdown table."""
    cuts = " | ".join(f"power at -{c:.0%}" for c in REDUCTIONS)
    head = (
        "| placebo problems | n | called fell | called rose | called either (5% expected; 95% band) | "
        f"old exact Poisson IRR excludes 1 | {cuts} |"
    )
    lines = [head, "|" + "---|" * (6 + len(REDUCTIONS))]
    for r in rows:
        low, high = r["band"]
        mark = "" if r["within"] else " (outside)"
        power = " | ".join(f"{r['power'][c]:.1%}" for c in REDUCTIONS)
        lines.append(
            f"| {r['group']} | {r['cases']} | {r['fell']:.1%} | {r['rose']:.1%} | {r['called']:.1%}{mark} "
            f"({max(low, 0):.1%}-{high:.1%}) | {r['exact_poisson']:.1%} | {power} |"
        )
    lines.append("")
    lines.append(
        f"Each placebo problem is read against {PLACEBOS} placebo areas of its force, category and window; "
        'power: the share called "fell" after thinning its after-period incidents.'
    )
    return "\n".join(lines)


def placebo_text(rows: list[dict[str, Any]]) -> str:
    """The audit in plain lines."""
    return "\n".join(
        f"{r['group']}: {r['cases']} placebo problems, {r['called']:.1%} called fell or rose "
        f"({r['fell']:.1%} fell, {r['rose']:.1%} rose; 5% expected), power "
        + ", ".join(f"{r['power'][c]:.0%} at -{c:.0%}" for c in REDUCTIONS)
        for r in rows
    )


def run_placebo(con: Connection, forces: list[str] | None, categories: tuple[str, ...], seed: int, md: bool) -> None:
    """Run the audit and print it."""
    rows = placebo_rows(con, forces, categories, seed)
    console.print(placebo_markdown(rows) if md else placebo_text(rows), soft_wrap=True, markup=False)
