"""`aim evaluate`: hit rate, PAI and RRI of AIM's patrol selection and the baselines, per force, on held-out months."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.common import console, fail, settings_from
from api.services.caches import Caches
from api.services.errors import ParameterError
from api.services.evaluation import evaluate_forces
from api.services.params import check_split, parse_coverage, parse_span
from ingest.errors import StoreError
from ingest.store.connection import open_served_store

ORDER = ("aim", "previous_period", "kde", "random")


def markdown_table(results: list[dict[str, Any]]) -> str:
    """The evaluation as a Markdown table: one row per area, PAI / hit rate / RRI per method, and the mean."""
    head = "| area | test incidents | " + " | ".join(f"{m} PAI (hit rate, RRI)" for m in ORDER) + " | AIM / best |"
    lines = [head, "|" + "---|" * (len(ORDER) + 3)]
    for r in results:
        cells = []
        for m in ORDER:
            s = r["methods"][m]
            rri = "-" if s["rri"] is None else f"{s['rri']:.2f}"
            cells.append(f"{s['pai']:.2f} ({s['hit_rate']:.1%}, {rri})")
        lines.append(
            f"| {r['area']['name']} | {r['test_incidents']:,} | "
            + " | ".join(cells)
            + f" | {r['aim_vs_best_baseline_pai']:.3f} |"
        )
    means = [sum(r["methods"][m]["pai"] for r in results) / len(results) for m in ORDER]
    ratio = sum(r["aim_vs_best_baseline_pai"] for r in results) / len(results)
    lines.append("| **mean** | | " + " | ".join(f"{v:.2f}" for v in means) + f" | {ratio:.3f} |")
    return "\n".join(lines)


def evaluate_command(
    train: Annotated[str, typer.Option(help="Training months, e.g. 2025-01:2025-09")],
    test: Annotated[str, typer.Option(help="Test months, e.g. 2025-10:2025-12")],
    coverage: Annotated[str, typer.Option(help="Share of each area to select, e.g. 5%")] = "5%",
    force: Annotated[
        list[str] | None, typer.Option(help="Force (code, name or slug); repeatable. Default: all held")
    ] = None,
    res: Annotated[int, typer.Option(min=8, max=10, help="H3 resolution")] = 9,
    markdown: Annotated[bool, typer.Option(help="Print a Markdown table (for the README)")] = False,
    store: Annotated[Path | None, typer.Option(help="Store path (default: $AIM_STORE or ./aim.duckdb)")] = None,
) -> None:
    """Score AIM's patrol selection against previous-period, kernel-density and random picks on held-out months."""
    settings = settings_from(store)
    try:
        train_span, test_span = parse_span(train, "train"), parse_span(test, "test")
        check_split(train_span, test_span)
        share = parse_coverage(coverage)
        con = open_served_store(settings.store, settings.memory_limit)
    except (ParameterError, StoreError) as exc:
        fail(exc)
    try:
        results = evaluate_forces(con, force, train_span, test_span, share, res, Caches())
    except ParameterError as exc:
        fail(exc)
    finally:
        con.close()
    if markdown:
        console.print(markdown_table(results), soft_wrap=True, markup=False)
        return
    print_results(results, f"Train {train}, test {test}, {share:.1%} of each area, H3 res {res}")


def print_results(results: list[dict[str, Any]], title: str) -> None:
    """The evaluation as a table per area and method, then what AIM fitted and its ratio to the best baseline."""
    table = Table(title=title)
    for column in ("area", "method", "cells", "hit rate", "PAI", "RRI"):
        table.add_column(column, justify="left" if column in ("area", "method") else "right")
    for r in results:
        for m in ORDER:
            s = r["methods"][m]
            rri = "-" if s["rri"] is None else f"{s['rri']:.2f}"
            table.add_row(r["area"]["name"], m, f"{s['cells']:,}", f"{s['hit_rate']:.1%}", f"{s['pai']:.2f}", rri)
        table.add_section()
    console.print(table)
    for r in results:
        ratio = r["aim_vs_best_baseline_pai"]
        said = f"{ratio:.3f}" if ratio is not None else "- (no incidents in the test months)"
        console.print(f"{r['area']['name']}: AIM used {r['aim_model']}; AIM / best baseline PAI {said}")
