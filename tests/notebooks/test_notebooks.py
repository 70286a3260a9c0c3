"""Every notebook runs top to bottom against a real-data store."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(notebook: Path, cleveland_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIM_STORE", str(cleveland_store))
    cells = json.loads(notebook.read_text())["cells"]
    namespace: dict[str, object] = {"__name__": "__notebook__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in cells:
            if cell["cell_type"] == "code":
                exec(compile("".join(cell["source"]), f"{notebook.name}", "exec"), namespace)  # noqa: S102
    text = out.getvalue()
    assert "store holds 2025-01 to 2025-12" in text
    assert "ASB 2025-10..2025-12 against 2025-07..2025-09" in text
    assert all(f"\n2025-{m:02d} " in text for m in range(1, 13))  # the busiest ward's monthly series
    # the quarter's layers as GeoDataFrames: wards in British National Grid (areas in km2), hexagons in WGS84
    layers = re.search(r"ward layer: (\d+) wards in OSGB36 / British National Grid, ([\d,]+) km2", text)
    assert layers and int(layers.group(1)) > 80 and int(layers.group(2).replace(",", "")) > 500, text[-800:]
    assert len(re.findall(r"^E05\d{6} .+ per km2$", text, re.M)) == 5
    assert re.search(r"hex layer: \d+ H3 cells at resolution 8 holding \d+ ASB incidents with a point", text)


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS
