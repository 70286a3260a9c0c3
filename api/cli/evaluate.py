"""`aim evaluate`: hit rate, PAI and RRI of AIM's patrol selection and the baselines, per force, on held-out months."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from api.cli.common import console, fail, open_existing, settings_from
from api.services.errors import ParameterError

if TYPE_CHECKING:
    from ingest.store.connection import Connection

NULLS = ("both", "space", "time")  # calibration: counts shuffled across cells, across months, or both
ORDER = ("aim", "training_window", "last_3_months", "previous_period", "kde", "random")


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
    train: Annotated[str | None, typer.Option(help="Training months, e.g. 2025-01:2025-09")] = None,
    test: Annotated[str | None, typer.Option(help="Test months, e.g. 2025-10:2025-12")] = None,
    coverage: Annotated[str, typer.Option(help="Share of each area to select, e.g. 5%")] = "5%",
    force: Annotated[
        list[str] | None, typer.Option(help="Force (code, name or slug); repeatable. Default: all held")
    ] = None,
    res: Annotated[
        int | None, typer.Option(min=7, max=10, help="H3 resolution (default 9; calibration: 8 and 9)")
    ] = None,
    markdown: Annotated[bool, typer.Option(help="Print a Markdown table (for the docs)")] = False,
    calibration: Annotated[
        bool,
        typer.Option(
            "--calibration",
            help="Check hotspot significance on counts shuffled across cells, and the emerging hotspots' trends and "
            "classes on each cell's counts shuffled across months, instead",
        ),
    ] = False,
    null: Annotated[
        str,
        typer.Option(
            help="Calibration: the spatial null (ASB shuffled across cells), the time null (each crime type's counts "
            "shuffled across months, cell by cell): both, space or time",
        ),
    ] = "both",
    rolling: Annotated[
        bool,
        typer.Option(
            "--rolling",
            help="Score on rolling origins (every month from the 6th), horizons of 1 and 3 months, plan sizes 10 cells "
            "to 10%, res 8 and 9, ASB and five crime types, against each simple baseline and the one a rolling "
            "validation picks, with intervals clustered by force x crime type x origin",
        ),
    ] = False,
    disclosure: Annotated[
        bool,
        typer.Option(
            "--disclosure",
            help="Run the disclosure audit instead: differencing and joint (cross-group, cross-window) attacks on "
            "the published council table, exact recovery against the best blind guess",
        ),
    ] = False,
    placebo: Annotated[
        bool,
        typer.Option(
            "--placebo",
            help="Run the placebo audit of problem evaluations instead: busy areas where nothing was done, one res-9 "
            "cell to a ward, ASB and two crime types, 2025's quarter-to-quarter windows; the share called fell or "
            "rose at 5%, and power against injected reductions",
        ),
    ] = False,
    category: Annotated[
        list[str] | None,
        typer.Option(
            help="Crime types: rolling (default: ASB and five), placebo and the calibration's time null (default: ASB, "
            "criminal damage and violence)"
        ),
    ] = None,
    horizon: Annotated[
        list[int] | None, typer.Option(min=1, max=6, help="Rolling: months forecast; repeatable (default 1 and 3)")
    ] = None,
    forecast: Annotated[
        str, typer.Option(help="Rolling: the forecast scored, aim (the plan's) or stacked (a candidate)")
    ] = "aim",
    draws: Annotated[int, typer.Option(min=1, max=1000, help="Calibration: shuffles per area")] = 50,
    trend_draws: Annotated[
        int, typer.Option(min=1, max=200, help="Calibration: month shuffles per area, crime type and resolution")
    ] = 10,
    seed: Annotated[int, typer.Option(help="Calibration: random seed")] = 0,
    store: Annotated[Path | None, typer.Option(help="Store path (default: $AIM_STORE or ./aim.duckdb)")] = None,
) -> None:
    """Score AIM's patrol selection against previous-period, kernel-density and random picks on held-out months;
    with --calibration, check that hotspot significance holds its nominal level on shuffled counts."""
    from api.access.attacks import audit as disclosure_audit
    from api.access.attacks import markdown as attacks_markdown
    from api.cli.evaluate_placebo import run_placebo
    from api.rules import disclosure_rule
    from api.services.caches import Caches
    from api.services.evaluation import evaluate_forces
    from api.services.params import check_split, parse_coverage, parse_span
    from api.services.placebo_audit import CATEGORIES as PLACEBO_CATEGORIES
    from api.services.reference import WardCache
    from api.services.rolling import CATEGORIES, HORIZONS

    settings = settings_from(store)
    con = open_existing(settings)
    try:
        if disclosure:
            audit = disclosure_audit(con, disclosure_rule(settings), WardCache())
            if not audit:
                raise ParameterError("store", "no council records held: nothing below analyst to attack")
            console.print(attacks_markdown(audit), soft_wrap=True, markup=False)
            return
        if placebo:
            return run_placebo(con, force, tuple(category or ()), seed, markdown)
        if calibration:
            if null not in NULLS:
                raise ParameterError("null", f"--null is one of {', '.join(NULLS)}, not {null!r}")
            resolutions = [res] if res else [8, 9]
            if null in ("both", "space"):
                _calibrate(con, train, force, resolutions, draws, seed, markdown)
            if null in ("both", "time"):
                cats = tuple(category or PLACEBO_CATEGORIES)
                _calibrate_trends(con, train, force, cats, resolutions, trend_draws, seed, markdown)
            return
        if rolling:
            _rolling(
                con,
                force,
                (res,) if res else (8, 9),
                tuple(category or CATEGORIES),
                tuple(horizon or HORIZONS),
                forecast,
                markdown,
            )
            return
        if train is None or test is None:
            raise ParameterError("train", "give --train and --test months (or --calibration)")
        train_span, test_span = parse_span(train, "train"), parse_span(test, "test")
        check_split(train_span, test_span)
        share = parse_coverage(coverage)
        results = evaluate_forces(con, force, train_span, test_span, share, res or 9, Caches())
    except ParameterError as exc:
        fail(exc)
    finally:
        con.close()
    if markdown:
        console.print(markdown_table(results), soft_wrap=True, markup=False)
        return
    print_results(results, f"Train {train}, test {test}, {share:.1%} of each area, H3 res {res or 9}")


def _calibrate(
    con: Connection,
    period: str | None,
    force: list[str] | None,
    resolutions: list[int],
    draws: int,
    seed: int,
    md: bool,
) -> None:
    from api.services.caches import Caches
    from api.services.calibration import calibrate_forces
    from api.services.evaluation import force_areas
    from api.services.filters import resolve_filters
    from api.services.params import parse_span
    from ingest.schema import DEFAULT_CATEGORIES

    start, end = parse_span(period, "train") if period else (None, None)
    filters = resolve_filters(con, start=start, end=end, categories=DEFAULT_CATEGORIES, sources=())
    caches = Caches()
    areas = force_areas(con, force, filters.boundary_set)
    results = calibrate_forces(con, areas, filters, resolutions, draws, seed, caches.wards, caches.lattices)
    console.print(calibration_table(results) if md else calibration_text(results), soft_wrap=True, markup=False)


def _calibrate_trends(
    con: Connection,
    period: str | None,
    force: list[str] | None,
    categories: tuple[str, ...],
    resolutions: list[int],
    draws: int,
    seed: int,
    md: bool,
) -> None:
    from api.services.caches import Caches
    from api.services.evaluation import force_areas
    from api.services.filters import resolve_filters
    from api.services.params import parse_span
    from api.services.trend_calibration import calibrate_trends

    start, end = parse_span(period, "train") if period else (None, None)
    by_category = [resolve_filters(con, start=start, end=end, categories=(c,), sources=()) for c in categories]
    caches = Caches()
    areas = force_areas(con, force, by_category[0].boundary_set)
    results = calibrate_trends(con, areas, by_category, resolutions, draws, seed, caches.wards, caches.lattices)
    console.print(
        trend_tables(results) if md else trend_calibration_text(results), soft_wrap=True, markup=False, end="\n\n"
    )


def _rolling(
    con: Connection,
    force: list[str] | None,
    resolutions: tuple[int, ...],
    cats: tuple[str, ...],
    horizons: tuple[int, ...],
    forecast: str,
    md: bool,
) -> None:
    from api.services.caches import Caches
    from api.services.evaluation import force_areas
    from api.services.rolling import FORECASTS, rolling_cases
    from api.services.rolling_table import rolling_markdown
    from ingest.store import read

    if forecast not in FORECASTS:
        raise ParameterError("forecast", f"unknown forecast {forecast!r}: one of {', '.join(FORECASTS)}")
    first, last = read.month_extent(con)
    if first is None or last is None:
        raise ParameterError("store", "no incidents held")
    areas = force_areas(con, force, read.resolve_boundary_set(con, None))
    cases = rolling_cases(con, areas, first, last, Caches(), resolutions, cats, horizons, forecast=FORECASTS[forecast])
    console.print(rolling_markdown(cases), soft_wrap=True, markup=False)


def calibration_table(results: list[dict[str, Any]]) -> str:
    """The calibration as a Markdown table: share of shuffled cells called hot at 1/5/10% (expected a/2), AIM's test
    against the normal approximation, and FDR calls."""
    head = (
        "| area | res | cells | empty | hot at 1% (exp. 0.5%) | hot at 5% (exp. 2.5%) | hot at 10% (exp. 5%) "
        "| normal approx. 1% / 5% / 10% | shuffles with an FDR call | observed hot cells (99/95/90) |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in results:
        lv = r["levels"]
        fdr = r["fdr_hot"]
        lines.append(
            f"| {r['area']['name']} | {r['resolution']} | {r['cells']:,} | {r['empty_share']:.0%} | "
            + " | ".join(f"{x['hot_share']:.2%}" for x in lv)
            + " | "
            + " / ".join(f"{x['normal_hot_share']:.2%}" for x in lv)
            + f" | {fdr[-1]['shuffles_with_any']} of {r['draws']} | "
            + "/".join(str(f["observed_cells"]) for f in fdr)
            + " |"
        )
    return "\n".join(lines)


def calibration_text(results: list[dict[str, Any]]) -> str:
    """The calibration in plain lines."""
    out = []
    for r in results:
        shares = ", ".join(
            f"p<{x['level']:g}: {x['hot_share']:.2%} hot (expected {x['hot_share_expected']:.1%}; normal approximation "
            f"{x['normal_hot_share']:.2%})"
            for x in r["levels"]
        )
        fdr = r["fdr_hot"][-1]
        out.append(
            f"{r['area']['name']} res {r['resolution']}, {r['cells']:,} cells, {r['draws']} shuffles: {shares}; "
            f"an FDR hot call in {fdr['shuffles_with_any']} shuffles (observed data: {fdr['observed_cells']} hot cells)"
        )
    return "\n".join(out)


def _share(null: float | None, real: float | None) -> str:
    return "-" if null is None or real is None else f"{null:.1%} ({real:.1%})"


def trend_tables(results: list[dict[str, Any]]) -> str:
    """The time null as two Markdown tables: trend calls on shuffled months (real counts in brackets), then the mean
    cells of each hot-spot class per shuffle beside the real count."""
    head = (
        "| area | crime | res | active cells | dense cells | trend at 10% | trend at 5% | dense at 10% | dense at 5% "
        "| mostly hot called intensifying / diminishing |"
    )
    lines = [head, "|" + "---|" * 10]
    for r in results:
        lv = r["levels"]
        lines.append(
            f"| {r['area']['name']} | {r['category']} | {r['resolution']} | {r['active_cells']:,} | "
            f"{r['dense_cells']:,} | "
            + " | ".join(_share(x["trend_share"], x["real_trend_share"]) for x in lv)
            + " | "
            + " | ".join(_share(x["dense_trend_share"], x["real_dense_trend_share"]) for x in lv)
            + f" | {_share(r['persistent_trend_share'], r['real_persistent_trend_share'])} |"
        )
    names = [c["class"] for c in results[0]["classes"]] if results else []
    lines += ["", "| area | crime | res | " + " | ".join(names) + " |", "|" + "---|" * (3 + len(names))]
    for r in results:
        lines.append(
            f"| {r['area']['name']} | {r['category']} | {r['resolution']} | "
            + " | ".join(f"{c['shuffled_mean_cells']:g} / {c['real_cells']}" for c in r["classes"])
            + " |"
        )
    return "\n".join(lines)


def trend_calibration_text(results: list[dict[str, Any]]) -> str:
    """The time null in plain lines."""
    out = []
    for r in results:
        calls = ", ".join(
            f"p<{x['level']:g}: {x['trend_share']:.1%} of active cells on shuffled months ({x['real_trend_share']:.1%} "
            "real)"
            for x in r["levels"]
        )
        classes = ", ".join(f"{c['class']} {c['shuffled_mean_cells']:g} ({c['real_cells']})" for c in r["classes"])
        out.append(
            f"{r['area']['name']} {r['category']} res {r['resolution']}, {r['active_cells']:,} active cells, "
            f"{r['draws']} month shuffles: trends {calls}; hot classes per shuffle (real): {classes}"
        )
    return "\n".join(out)


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
