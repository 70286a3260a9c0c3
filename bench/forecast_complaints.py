"""Council complaints as a covariate of the patrol forecast, scored on rolling origins against AIM's forecast.

FixMyStreet reports per LSOA (2019-2020, mySociety's fms_geographic_data) are spread over each force's H3 cells by
area overlap and offered to the forecast's validation as one more blend component, scaled to the same total as the
own rate like the other-crime context: rate = (1 - w) * AIM's blend + w * reports, w chosen with the rest of the blend
by the same rolling-origin validation on the training months alone. Each case is scored three ways on the same
split: the training-window counts, AIM's forecast (`geo.forecast.fit_forecast`, as `aim evaluate --rolling` scores
it) and the forecast with the covariate.

    PYTHONPATH=. nice -n 5 python -m bench.forecast_complaints STORE --categories asb --res 8 --out asb8.pkl
    PYTHONPATH=. python -m bench.forecast_complaints --summary asb8.pkl [more.pkl ...]
    PYTHONPATH=. python -m bench.forecast_complaints STORE --correlations --groups ALL,C1,C2,C3,C4,C5,C6,C7,C8

--correlations ranks the report groups before any test month is seen: the Spearman correlation of each group's
reports per cell (and of the other crime, for scale) with the category's counts in the first FIRST_ORIGIN - 1 months,
the training months of the first origin. The shared data folder is ../shared/data unless --shared names another.

Design split only unless --held-out is given (Suffolk and public order are left out while designing). STORE is
opened as the product opens it: give a copy of the store, not one in use.
Contains information from FixMyStreet Geographic Data (https://github.com/mysociety/fms_geographic_data) which is
made available under the ODC Attribution License (http://opendatacommons.org/licenses/by/1.0).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from shapely.geometry import Polygon

from api.services.caches import Caches
from api.services.evaluation import force_areas
from api.services.filters import resolve_filters
from api.services.patrol import area_model
from api.services.rolling import FIRST_ORIGIN, HELD_OUT_CATEGORY, HELD_OUT_FORCE, HORIZONS, SIZES, aim_forecast
from api.services.rolling import coverage as plan_coverage
from api.services.rolling_baselines import plan_cells
from geo import forecast as F
from geo.clustered import clustered_mean
from geo.selection import select_blends
from ingest.store import read
from ingest.store.connection import open_store

ROOT = Path(__file__).resolve().parents[1]
REPORTS_CSV = Path("complaints") / "fixmystreet_lsoa_monthly_2019-2020_5forces.csv.gz"
LSOA_FILES = {
    "Cleveland": "cleveland",
    "Derbyshire": "derbyshire",
    "Devon & Cornwall": "devon-and-cornwall",
    "Nottinghamshire": "nottinghamshire",
    "Suffolk": "suffolk",
}
REPORT_WEIGHTS = (0.0, 0.1, 0.25, 0.5)
DESIGN_CATEGORIES = ("asb", "criminal-damage-arson", "violence-sexual", "burglary", "vehicle-crime")
BRITISH_GRID = 27700


def lsoa_reports(shared: Path, group: str = "ALL") -> pd.Series:
    """FixMyStreet reports per LSOA over 2019-2020: every category (ALL) or one SHEF_C group (C1..C9)."""
    d = pd.read_csv(shared / REPORTS_CSV)
    scheme = "ALL" if group == "ALL" else "SHEF_C"
    d = d[(d.category_scheme == scheme) & (d.category_code == group)]
    return d.groupby("LSOA_code")["reports"].sum()


def lsoa_polygons(shared: Path) -> gpd.GeoDataFrame:
    """The five forces' LSOA 2021 polygons (super-generalised) on the British National Grid."""
    parts = []
    for slug in LSOA_FILES.values():
        with gzip.open(shared / "boundaries" / f"lsoa_dec2021_bsc_{slug}.geojson.gz") as f:
            parts.append(gpd.read_file(f))
    lsoas = pd.concat(parts, ignore_index=True).drop_duplicates("LSOA21CD")
    return gpd.GeoDataFrame(lsoas[["LSOA21CD", "geometry"]], crs=parts[0].crs).to_crs(BRITISH_GRID)


def cell_reports(cells: np.ndarray, lsoas: gpd.GeoDataFrame, reports: pd.Series) -> np.ndarray:
    """Each LSOA's reports spread over the H3 cells by the share of its area each cell overlaps."""
    polygons = [
        Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(h3.int_to_str(int(c)))]) for c in np.asarray(cells)
    ]
    grid = gpd.GeoDataFrame({"cell": np.arange(len(cells))}, geometry=polygons, crs=4326).to_crs(BRITISH_GRID)
    held = lsoas.assign(reports=lsoas["LSOA21CD"].map(reports).fillna(0.0))
    held = held[held["reports"] > 0]
    held = held.assign(lsoa_km2=held.area / 1e6)
    pieces = gpd.overlay(grid, held, how="intersection", keep_geom_type=True)
    spread = pieces["reports"] * (pieces.area / 1e6) / pieces["lsoa_km2"]
    return np.bincount(pieces["cell"].to_numpy(), weights=spread.to_numpy(), minlength=len(cells))


@dataclass(frozen=True)
class Fitted:
    """AIM's blend and the weight of the reports' covariate beside it."""

    model: F.ForecastModel
    reports_weight: float

    def monthly_rate(
        self, counts: np.ndarray, kernels: dict, context: np.ndarray | None, reports: np.ndarray
    ) -> np.ndarray:
        """AIM's rate blended with the reports, scaled to the own rate's total."""
        rate = self.model.monthly_rate(counts, kernels, context)
        if self.reports_weight == 0:
            return rate
        extra = F.context_rate(self.model.recency_rate(counts), reports)
        return (1 - self.reports_weight) * rate + self.reports_weight * extra


def fit_with_reports(
    counts: np.ndarray,
    kernels: dict,
    area_km2: np.ndarray,
    coverage: float,
    holdout: int,
    context: np.ndarray | None,
    reports: np.ndarray,
    weights: tuple[float, ...] = REPORT_WEIGHTS,
) -> Fitted:
    """fit_forecast's rolling-origin choice over its grid times the reports' weights (weights (0,) is fit_forecast)."""
    months = counts.shape[1]
    holdout = min(holdout, months // 3)
    if holdout < 1:
        return Fitted(F.ForecastModel(), 0.0)
    context_weights = F.CONTEXT_WEIGHTS if context is not None and float(context.sum()) > 0 else (0.0,)
    report_weights = weights if float(reports.sum()) > 0 else (0.0,)
    grid = [
        (o, b, c, r)
        for o, b, c, r in itertools.product(F.OWN_WEIGHTS, F.BANDWIDTHS_M, context_weights, report_weights)
        if o < 1 or b == F.BANDWIDTHS_M[0]
    ]
    table = np.array([[o, F.BANDWIDTHS_M.index(b), c, r] for o, b, c, r in grid])
    budget = coverage * float(area_km2.sum())
    captured: dict[tuple[F.ForecastModel, float], float] = {}
    for end in range(months, max(months - F.FOLDS, 2 * holdout) - 1, -1):
        past, recent = counts[:, : end - holdout], counts[:, end - holdout : end].sum(axis=1)
        if recent.sum() <= 0:
            continue
        tiebreak, total = past.sum(axis=1), float(recent.sum())
        for half_life, window in F.RECENCY:
            own = F.recency_rate(past, half_life, window)
            smoothed = np.stack([kernels[bw] @ own for bw in F.BANDWIDTHS_M])
            extra = (
                own
                if context is None
                else F.context_rate(own, F.recency_rate(context[:, : end - holdout], half_life, window))
            )
            spread = F.context_rate(own, reports)
            rows = [own, smoothed]
            if len(context_weights) > 1:
                rows.append(extra)
            if len(report_weights) > 1:
                rows.append(spread)
            components = np.vstack(rows)

            rates = report_blend_rates(table, own, smoothed, extra, spread)
            picks = select_blends(components, rates, len(grid), area_km2, budget, tiebreak)
            for (o, b, c, r), chosen in zip(grid, picks, strict=True):
                key = (F.ForecastModel(half_life, o, b, c, window), r)
                captured[key] = captured.get(key, 0.0) + float(recent[chosen].sum()) / total
    best, best_captured = (F.ForecastModel(), 0.0), -1.0
    for key, value in captured.items():
        if value > best_captured + 1e-9:
            best, best_captured = key, value
    simplest = (F.ForecastModel(float("inf"), 1.0, F.BANDWIDTHS_M[0], 0.0), 0.0)
    if simplest in captured and best_captured <= captured[simplest] * (1 + F.MARGIN) + 1e-9:
        best = simplest
    return Fitted(*best)


def report_blend_rates(
    table: np.ndarray, own: np.ndarray, smoothed: np.ndarray, extra: np.ndarray, spread: np.ndarray
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """geo.forecast.blend_rates with the reports' weight as a fourth column of the grid (own weight, bandwidth
    index, context weight, reports weight): each value as Fitted.monthly_rate computes it."""

    def rates(cells: np.ndarray, at: np.ndarray) -> np.ndarray:
        o, b, c, r = (table[at, j][:, None] for j in range(4))
        near = smoothed[b.astype(np.int64), cells[None, :]]
        mine = own[cells]
        x = np.where(o < 1, o * mine + (1 - o) * near, mine)
        x = np.where(c > 0, (1 - c) * x + c * extra[cells], x)
        return np.where(r > 0, (1 - r) * x + r * spread[cells], x)

    return rates


def pai(score: np.ndarray, area_km2: np.ndarray, size: int | float, tiebreak: np.ndarray, test: np.ndarray) -> float:
    """PAI of the plan a score picks."""
    chosen = plan_cells(score, area_km2, size, tiebreak)
    share = float(area_km2[chosen].sum() / area_km2.sum())
    return (float(test[chosen].sum()) / float(test.sum())) / share if share else 0.0


def run(
    store: Path, shared: Path, categories: list[str], res: int, groups: list[str], held_out: bool, forces: list[str]
) -> list[dict]:
    """Every case of the chosen categories and forces: PAI of the training window, AIM, and AIM with each group."""
    con = open_store(store)
    first, last = read.month_extent(con)
    areas = [a for a in force_areas(con, None, read.resolve_boundary_set(con, None)) if not forces or a.name in forces]
    lsoas = lsoa_polygons(shared)
    reports = {g: lsoa_reports(shared, g) for g in groups}
    caches, rows, spread = Caches(), [], {}
    for category in categories:
        if category == HELD_OUT_CATEGORY and not held_out:
            continue
        filters = resolve_filters(con, start=first, end=last, categories=(category,), sources=())
        for area in areas:
            if area.name == HELD_OUT_FORCE and not held_out:
                continue
            started = time.process_time()
            m = area_model(con, filters, area, res, caches.wards, caches.lattices)
            for g in groups:
                if (area.name, g) not in spread:
                    spread[(area.name, g)] = cell_reports(m.lattice.cells, lsoas, reports[g])
            for horizon in HORIZONS:
                for t in range(FIRST_ORIGIN - 1, len(m.months) - horizon + 1):
                    train, test = m.counts[:, :t], m.counts[:, t : t + horizon].sum(axis=1)
                    if test.sum() == 0 or train.sum() == 0:
                        continue
                    context = None if m.context is None else m.context[:, :t]
                    tiebreak = train.sum(axis=1)
                    for size in SIZES:
                        cov = plan_coverage(size, m.area_km2)
                        row = dict(
                            force=area.name,
                            category=category,
                            res=res,
                            origin=f"{m.months[t]:%Y-%m}",
                            horizon=horizon,
                            size=str(size),
                            tw=pai(tiebreak.astype(float), m.area_km2, size, tiebreak, test),
                            aim=pai(aim_forecast(m, train, context, cov, horizon), m.area_km2, size, tiebreak, test),
                        )
                        for g in groups:
                            cell = spread[(area.name, g)]
                            fitted = fit_with_reports(train, m.kernels, m.area_km2, cov, horizon, context, cell)
                            score = fitted.monthly_rate(train, m.kernels, context, cell)
                            row[g] = pai(score, m.area_km2, size, tiebreak, test)
                            row[g + " weight"] = fitted.reports_weight
                        rows.append(row)
            print(category, area.name, f"res {res}", f"{time.process_time() - started:.0f} CPU s", flush=True)
    return rows


def correlations(store: Path, shared: Path, category: str, res: int, groups: list[str]) -> None:
    """Spearman correlation of each group's reports per cell, and of the other crime, with the category's counts
    over the months before the first origin, per design force."""
    con = open_store(store)
    first, last = read.month_extent(con)
    areas = [a for a in force_areas(con, None, read.resolve_boundary_set(con, None)) if a.name != HELD_OUT_FORCE]
    lsoas, caches = lsoa_polygons(shared), Caches()
    filters = resolve_filters(con, start=first, end=last, categories=(category,), sources=())
    for area in areas:
        m = area_model(con, filters, area, res, caches.wards, caches.lattices)
        early = m.counts[:, : FIRST_ORIGIN - 1].sum(axis=1)
        out = [f"{area.name} ({len(early)} cells):"]
        for g in groups:
            out.append(f"{g} {spearmanr(cell_reports(m.lattice.cells, lsoas, lsoa_reports(shared, g)), early)[0]:.3f}")
        if m.context is not None:
            out.append(f"other crime {spearmanr(m.context[:, : FIRST_ORIGIN - 1].sum(axis=1), early)[0]:.3f}")
        print(" ".join(out), flush=True)


def summary(rows: list[dict]) -> None:
    """Mean ratio over the training-window counts' PAI (95% interval clustered by force x crime type x origin) and
    the share of cases below 0.97, for AIM and each covariate variant, per split."""
    methods = ["aim"] + [
        k
        for k in rows[0]
        if k not in ("force", "category", "res", "origin", "horizon", "size", "tw", "aim") and not k.endswith("weight")
    ]

    def line(name: str, sel: list[dict]) -> None:
        kept = [r for r in sel if r["tw"] > 0]
        if not kept:
            return
        clusters = [(r["force"], r["category"], r["origin"]) for r in kept]
        out = [f"| {name} | {len(kept)} |"]
        for method in methods:
            ratio = np.array([r[method] / r["tw"] for r in kept])
            cm = clustered_mean(ratio, clusters)
            out.append(f" {cm.mean:.4f} ({cm.low:.3f}-{cm.high:.3f}), {np.mean(ratio < 0.97):.1%} below 0.97 |")
        for method in methods[1:]:
            used = np.mean([r[method + " weight"] > 0 for r in kept])
            out.append(f" {used:.0%} |")
        print("".join(out))

    print(
        "| split | cases | " + " | ".join(methods) + " | " + " | ".join(f"{m}: weight > 0" for m in methods[1:]) + " |"
    )
    design = [r for r in rows if r["force"] != HELD_OUT_FORCE and r["category"] != HELD_OUT_CATEGORY]
    for res in sorted({r["res"] for r in design}):
        at = [r for r in design if r["res"] == res]
        line(f"design res {res}", at)
        for c in sorted({r["category"] for r in at}):
            line(f"design res {res} {c}", [r for r in at if r["category"] == c])
        line(f"design res {res} 10 cells", [r for r in at if r["size"] == "10"])
        for f in sorted({r["force"] for r in at}):
            line(f"design res {res} {f}", [r for r in at if r["force"] == f])
    for name, keep in (
        ("held-out force", lambda r: r["force"] == HELD_OUT_FORCE and r["category"] != HELD_OUT_CATEGORY),
        ("held-out crime type", lambda r: r["force"] != HELD_OUT_FORCE and r["category"] == HELD_OUT_CATEGORY),
        ("held-out both", lambda r: r["force"] == HELD_OUT_FORCE and r["category"] == HELD_OUT_CATEGORY),
    ):
        for res in sorted({r["res"] for r in rows}):
            sel = [r for r in rows if keep(r) and r["res"] == res]
            line(f"{name} res {res}", sel)
            line(f"{name} res {res} 10 cells", [r for r in sel if r["size"] == "10"])


def main() -> None:
    """Run the cases (or summarise saved runs)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", type=Path)
    parser.add_argument("--categories", default=",".join(DESIGN_CATEGORIES))
    parser.add_argument("--forces", default="", help="comma-separated force names (default: every force)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--res", type=int, default=8)
    parser.add_argument("--groups", default="ALL", help="ALL and/or SHEF_C groups (C1..C9), comma-separated")
    parser.add_argument("--held-out", action="store_true", help="also score the held-out force and crime type")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--correlations", action="store_true", help="rank the report groups (first category)")
    parser.add_argument("--summary", nargs="+", type=Path)
    args = parser.parse_args()
    if args.summary:
        rows = [r for p in args.summary for r in pickle.loads(p.read_bytes())]
        summary(rows)
        return
    if args.correlations:
        correlations(args.store, args.shared, args.categories.split(",")[0], args.res, args.groups.split(","))
        return
    forces = [f for f in args.forces.split(",") if f]
    rows = run(
        args.store, args.shared, args.categories.split(","), args.res, args.groups.split(","), args.held_out, forces
    )
    if args.out:
        args.out.write_bytes(pickle.dumps(rows))
    summary(rows)


if __name__ == "__main__":
    main()
