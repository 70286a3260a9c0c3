"""The printed plan draws text from boundary files as it is: mathtext markup in a ward name cannot break it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from api.render.patrol_print import render_plan
from api.services.reference import Ward
from geo.lattice import build_lattice

HOSTILE_NAMES = [r"$\foo{$", "$x^2$", "<img src=x onerror=alert(1)>", "50% & 'quoted'"]


def _plan(name: str) -> tuple[dict[str, object], list[tuple[Ward, shapely.Geometry]]]:
    shape = shapely.box(-1.26, 54.54, -1.20, 54.58)
    lattice = build_lattice(["W1"], [shape], 9)
    chosen = np.arange(3)
    cells = [
        {
            "rank": i + 1,
            "ward": "W1",
            "ward_name": name,
            "recent_counts": {"Oct 2025": 1, "Nov 2025": 2, "Dec 2025": 3},
            "expected_per_month": 2.0,
            "trend": "steady",
            "gi_class": "not significant",
        }
        for i in range(3)
    ]
    plan = {
        "area": {"name": name},
        "period": {"from": "2025-01", "to": "2025-12"},
        "cells": cells,
        "selected_area_km2": 0.3,
        "area_share": 0.01,
        "expected_per_month": 6.0,
        "expected_share": 0.1,
        "forecast": {"fitted": f"fitted for {name}"},
        "_lattice": lattice,
        "_selected": chosen,
    }
    ward = Ward("W1", name, "E06000002", "Middlesbrough", shapely.geometry.mapping(shape))
    return plan, [(ward, shape)]


def test_hostile_ward_names_print(tmp_path: Path) -> None:
    for name in HOSTILE_NAMES:
        plan, wards = _plan(name)
        png = render_plan(plan, wards, "png")
        pdf = render_plan(plan, wards, "pdf")
        assert png.startswith(b"\x89PNG") and pdf.startswith(b"%PDF")
