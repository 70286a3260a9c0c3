"""Gi* against esda's reference implementation, FDR classes, and the sparsity warnings."""

from __future__ import annotations

import warnings

import numpy as np
import shapely

from geo.hotspots import classify, gi_star, hotspot_classes, sparsity_warnings, two_sided_p
from geo.lattice import build_lattice, neighbour_matrix

MIDDLESBROUGH = shapely.box(-1.26, 54.54, -1.20, 54.58)


def test_gi_star_equals_esda_on_a_real_lattice_with_edges() -> None:
    from esda.getisord import G_Local
    from libpysal.weights import W

    lattice = build_lattice(["m"], [MIDDLESBROUGH], 9)
    assert len(lattice) > 100
    for k in (1, 2):
        without_self = neighbour_matrix(lattice, k, include_self=False)
        x = np.random.default_rng(k).poisson(1.5, len(lattice)).astype(float)
        x[:5] = [40, 30, 0, 0, 25]
        w = W({i: list(without_self[i].indices) for i in range(len(lattice))}, silence_warnings=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = G_Local(x, w, transform="B", star=True, permutations=0)
        ours = gi_star(x, neighbour_matrix(lattice, k, include_self=True))
        np.testing.assert_allclose(ours, reference.Zs, atol=1e-10)


def test_a_planted_cluster_is_hot_and_nothing_else_at_99() -> None:
    lattice = build_lattice(["m"], [MIDDLESBROUGH], 9)
    weights = neighbour_matrix(lattice, 1)
    x = np.random.default_rng(7).poisson(1.0, len(lattice)).astype(float)
    centre = len(lattice) // 2
    cluster = weights[centre].indices
    x[cluster] += 12
    result = hotspot_classes(x, weights)
    assert result.confidence[centre] == 99
    hot99 = set(np.flatnonzero(result.confidence == 99))
    # every 99% hot cell touches the planted cluster
    assert hot99 and all(set(weights[i].indices) & set(cluster) for i in hot99)
    assert (result.confidence < 0).sum() == 0


def test_classes_follow_fdr_q_values() -> None:
    z = np.array([4.0, 2.2, 1.8, 0.1, -3.5, -2.0])
    result = classify(z, two_sided_p(z))
    assert (result.q >= result.p).all()
    for c, q, zi in zip(result.confidence, result.q, z, strict=True):
        expected = next((lvl for lvl, rate in ((99, 0.01), (95, 0.05), (90, 0.10)) if q <= rate), 0)
        assert c == expected * np.sign(zi)


def test_sparse_counts_and_tiny_areas_are_warned_about() -> None:
    lattice = build_lattice(["m"], [MIDDLESBROUGH], 10)
    weights = neighbour_matrix(lattice, 1)
    sparse = np.zeros(len(lattice))
    sparse[:3] = 1
    assert any("sparse counts" in w for w in sparsity_warnings(sparse, weights))
    dense = np.random.default_rng(1).poisson(5, len(lattice)).astype(float)
    assert sparsity_warnings(dense, weights) == []
    small = build_lattice(["m"], [shapely.box(-1.24, 54.56, -1.235, 54.565)], 9)
    assert any("only" in w for w in sparsity_warnings(np.ones(len(small)), neighbour_matrix(small, 1)))
    assert any("no incidents" in w for w in sparsity_warnings(np.zeros(len(lattice)), weights))


def test_polygon_neighbours_are_queen_contiguity() -> None:
    from geo.lattice import polygon_neighbours

    grid = [shapely.box(x, y, x + 1e-2, y + 1e-2) for y in (0, 1e-2, 2e-2) for x in (0, 1e-2, 2e-2)]
    w = polygon_neighbours(grid)
    assert w[4].nnz == 9  # the centre square, itself and all eight around it (corners count)
    assert w[0].nnz == 4  # a corner square: itself, two edge neighbours, one across the corner
    apart = polygon_neighbours([shapely.box(0, 0, 1, 1), shapely.box(1.001, 0, 2, 1)])
    assert apart[0].nnz == 1  # a 0.001 degree gap is not contiguity
