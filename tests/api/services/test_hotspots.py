"""Gi*, emerging hotspots, patrol plan and evaluation over HTTP on the real Cleveland store."""

from __future__ import annotations

import io

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient
from PIL import Image

from api.services.hotspots import EMERGING_METHOD, GI_LEGEND, GI_METHOD, flagged_words
from geo.emerging import CLASSES
from geo.hotspots import LEVELS
from geo.inference import gi_p_values, local_sum_p_values
from geo.lattice import build_lattice, neighbour_matrix


def test_gi_star_hotspots_of_cleveland(client: TestClient) -> None:
    r = client.get("/api/v1/hotspots/gi", params={"force": "cleveland", "res": 9})
    assert r.status_code == 200
    body = r.json()
    assert body["area"] == {"type": "force", "code": "E23000013", "name": "Cleveland"}
    assert body["cells_tested"] > 5000 and body["incidents"] > 15000
    assert body["hot"]["99"] >= 10 and body["warnings"] == []  # exact inference: 22 at res 9 (normal: 325)
    first = body["features"][0]["properties"]
    assert first["class"] == "hot-99" and first["q"] <= 0.01 and first["z"] > 3
    zs = [f["properties"]["z"] for f in body["features"]]
    assert zs == sorted(zs, reverse=True)
    assert {f["properties"]["class"] for f in body["features"]} <= {
        "hot-99",
        "hot-95",
        "hot-90",
        "cold-90",
        "cold-95",
        "cold-99",
    }
    assert "Benjamini-Hochberg" in body["method"] and "shuffled" in body["method"] and len(body["legend"]) == 6


def test_gi_star_warns_when_counts_are_sparse(client: TestClient) -> None:
    r = client.get("/api/v1/hotspots/gi", params={"force": "cleveland", "res": 10, "from": "2025-12", "to": "2025-12"})
    assert r.status_code == 200
    assert any("sparse" in w or "cells have any incident" in w for w in r.json()["warnings"])


def test_emerging_hotspots_of_cleveland(client: TestClient) -> None:
    r = client.get("/api/v1/hotspots/emerging", params={"force": "cleveland", "res": 8})
    assert r.status_code == 200
    body = r.json()
    assert len(body["slices"]) == 12
    assert sum(body["patterns"].values()) == len(body["features"]) > 10
    for f in body["features"]:
        p = f["properties"]
        assert p["class"] in CLASSES
        assert len(p["counts"]) == 12
        if p["class"] in {"persistent", "intensifying", "diminishing"}:
            assert p[f"slices_{p['side']}"] >= 11


def test_patrol_plan_by_cells_and_by_budget(client: TestClient) -> None:
    r = client.get("/api/v1/patrol-plan", params={"force": "cleveland", "cells": 15})
    assert r.status_code == 200
    plan = r.json()
    assert [c["rank"] for c in plan["cells"]] == list(range(1, 16))
    expected = [c["expected_per_month"] for c in plan["cells"]]
    assert expected == sorted(expected, reverse=True)
    top = plan["cells"][0]
    assert top["ward_name"] and top["reason"] and len(top["recent_counts"]) == 3
    assert top["trend"] in {"rising", "falling", "steady"}
    assert "kernel" in plan["forecast"]["fitted"]
    assert all(c["other_crime_count"] is not None for c in plan["cells"])  # ASB plans lean on other crime
    r = client.get("/api/v1/patrol-plan", params={"force": "cleveland", "budget_km2": 1.0, "format": "geojson"})
    geo = r.json()
    assert geo["type"] == "FeatureCollection" and geo["selected_area_km2"] <= 1.0
    assert sum(f["properties"]["area_km2"] for f in geo["features"]) == pytest.approx(
        geo["selected_area_km2"], abs=0.01
    )


def test_patrol_plan_prints_as_png_and_pdf(client: TestClient) -> None:
    r = client.get("/api/v1/patrol-plan", params={"force": "cleveland", "cells": 10, "format": "png"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(r.content))
    assert image.size[0] > 1000 and image.size[0] > image.size[1]  # A4 landscape
    r = client.get("/api/v1/patrol-plan", params={"lad": "E06000002", "cells": 10, "format": "pdf"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_evaluation_over_the_api(client: TestClient) -> None:
    params = {"force": "cleveland", "train": "2025-01:2025-09", "test": "2025-10:2025-12", "coverage": "5%"}
    r = client.get("/api/v1/evaluate", params=params)
    assert r.status_code == 200
    body = r.json()
    m = body["methods"]
    baselines = ("training_window", "last_3_months", "previous_period", "kde")
    assert set(m) == {"aim", *baselines, "random"}
    assert m["aim"]["pai"] > 5 * m["random"]["pai"]
    assert 0.04 < m["aim"]["area_share"] <= 0.05
    assert body["test_incidents"] == pytest.approx(3734, abs=200)
    # every baseline is scored and the strongest is the one compared with (skill is judged over many splits:
    # `aim evaluate --rolling`, not on one)
    assert body["best_baseline"] == max(baselines, key=lambda b: m[b]["pai"])
    best = m[body["best_baseline"]]["pai"]
    assert body["aim_vs_best_baseline_pai"] == pytest.approx(m["aim"]["pai"] / best, abs=0.01)
    assert body["aim_model"].startswith("monthly rate")


def test_a_plan_over_every_category_has_no_context(client: TestClient) -> None:
    r = client.get("/api/v1/patrol-plan", params={"force": "cleveland", "cells": 5, "category": "all"})
    plan = r.json()
    assert r.status_code == 200 and "other crime" not in plan["forecast"]["fitted"]
    assert all(c["other_crime_count"] is None for c in plan["cells"])


@pytest.mark.parametrize(
    ("path", "params", "word"),
    [
        ("/api/v1/hotspots/gi", {"force": "atlantis"}, "force"),
        ("/api/v1/hotspots/gi", {"force": "cleveland", "lad": "E06000002"}, "lad"),
        ("/api/v1/hotspots/gi", {"res": 6}, "res"),
        ("/api/v1/hotspots/emerging", {"from": "2025-11", "to": "2025-12"}, "from"),
        ("/api/v1/patrol-plan", {"force": "cleveland"}, "budget_km2"),
        ("/api/v1/patrol-plan", {"force": "cleveland", "cells": 5, "budget_km2": 1}, "budget_km2"),
        ("/api/v1/evaluate", {"train": "2025-01:2025-09", "test": "2025-05:2025-12"}, "test"),
        ("/api/v1/evaluate", {"train": "2025-13", "test": "2025-10:2025-12"}, "train"),
        ("/api/v1/evaluate", {"train": "2025-01:2025-09", "test": "2025-10", "coverage": "90%"}, "coverage"),
    ],
)
def test_bad_parameters_are_422_and_say_which(
    client: TestClient, path: str, params: dict[str, object], word: str
) -> None:
    r = client.get(path, params=params)
    assert r.status_code == 422, r.text
    assert word in r.text


def test_map_page_draws_the_statistical_layers_with_a_legend(client: TestClient) -> None:
    r = client.get("/", params={"force": "cleveland"})
    assert r.status_code == 200
    page = r.text
    for text in ("Gi* hot and cold spots", "Emerging hotspots", "Patrol plan: top 20 cells", "flagged at FDR q ≤ 0.01"):
        assert text in page
    assert '<option value="force:cleveland" selected>Cleveland</option>' in page


def test_gi_star_over_wards(client: TestClient) -> None:
    r = client.get("/api/v1/hotspots/gi", params={"unit": "ward", "force": "cleveland", "all": "true"})
    assert r.status_code == 200
    body = r.json()
    assert body["unit"] == "ward" and body["cells_tested"] == len(body["features"]) > 80
    assert sum(f["properties"]["count"] for f in body["features"]) == body["incidents"]
    props = [f["properties"] for f in body["features"]]
    assert all(0 < p["p"] <= p["q"] <= 1 and p["neighbours"] >= 1 for p in props)
    # 83 wards with heavy-tailed counts: the exact test finds no ward cluster at FDR 10% (the normal approximation
    # called several); the strongest is the ward with the largest z
    strongest = min(props, key=lambda p: p["p"])
    assert strongest["z"] == max(p["z"] for p in props) and strongest["p"] < 0.05
    assert "queen contiguity" in body["method"]


def test_the_map_plan_and_the_printed_plan_are_one_plan(client: TestClient) -> None:
    import json
    import re

    from markupsafe import escape

    params = {"force": "cleveland", "from": "2025-01", "to": "2025-12"}
    page = client.get("/", params=params).text
    layers = [json.loads(m) for m in re.findall(r"geo_json_\w+_add\((\{.*?\})\);\n", page)]
    (plan,) = [fc for fc in layers if fc["features"] and "expected_per_month" in fc["features"][0]["properties"]]
    link = re.search(r'href="(/api/v1/patrol-plan\?[^"]+)"', page)
    assert link, "the map links to its printed plan"
    url = link.group(1).replace("&amp;", "&")
    assert "format=pdf" in url and "cells=20" in url
    printed = client.get(url.replace("format=pdf", "format=geojson")).json()
    ranked = [(f["properties"]["rank"], f["properties"]["expected_per_month"]) for f in printed["features"]]
    assert [(f["properties"]["rank"], f["properties"]["expected_per_month"]) for f in plan["features"]] == ranked
    assert f"top 20 cells by expected incidents ({escape(printed['forecast']['fitted'])})" in page  # legend
    assert [f["geometry"] for f in plan["features"]] == [f["geometry"] for f in printed["features"]]
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_gi_method_words_say_the_unconditional_randomisation_computed() -> None:
    """The cell's own count is shuffled with the rest (unconditional), and the method texts say so."""
    lattice = build_lattice(["W"], [shapely.box(-1.25, 54.55, -1.2, 54.58)], 9)
    weights = neighbour_matrix(lattice, 1)
    x = np.random.default_rng(4).poisson(0.6, len(lattice)).astype(np.float64)
    local, m = weights @ x, np.asarray(weights.sum(axis=1)).ravel()
    computed = gi_p_values(x, weights)
    assert np.array_equal(computed, local_sum_p_values(x, local, m, own_fixed=False))
    assert not np.allclose(computed, local_sum_p_values(x, local - x, m - 1, own_fixed=True))
    for method in (GI_METHOD, EMERGING_METHOD):
        assert "unconditional exact p-values" in method or "p-values are unconditional and exact" in method
        assert "conditional" not in method.replace("unconditional", "")
        assert "its own included" in method and "given a cell's own count" not in method


def test_fdr_levels_are_worded_as_flags_not_confidence(client: TestClient) -> None:
    assert [flagged_words(level) for level, _ in LEVELS] == [
        "flagged at FDR q ≤ 0.01",
        "flagged at FDR q ≤ 0.05",
        "flagged at FDR q ≤ 0.10",
    ]
    for row in GI_LEGEND:
        level = int(row["class"].partition("-")[2])
        assert row["meaning"].endswith(f"flagged at FDR q ≤ {dict(LEVELS)[level]:.2f}")
    body = client.get("/api/v1/hotspots/gi", params={"force": "cleveland", "res": 9}).json()
    plan = client.get("/api/v1/patrol-plan", params={"force": "cleveland", "cells": 20}).json()
    page = client.get("/", params={"area": "force:cleveland"}).text
    hot_reasons = [c["reason"] for c in plan["cells"] if c["gi_class"].startswith("hot-")]
    assert hot_reasons and all("flagged at FDR q ≤ 0." in r for r in hot_reasons)
    for words in (body["method"], str(body["legend"]), str(plan["cells"]), page):
        assert "% confidence" not in words and "confidence (FDR" not in words
    assert "flagged at FDR q ≤ 0.01" in page
