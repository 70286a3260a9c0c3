"""Every notebook runs top to bottom in a kernel of this python, reading a served demo through the API while the
service holds the store."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.api.render.browser import served_copy, serving

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _kernel(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec running this python (the venv's), found first on JUPYTER_PATH; its name."""
    spec = folder / "kernels" / "aim-python"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "AIM", "language": "python", "env": {"PYTHONPATH": str(ROOT)}}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(folder))
    return "aim-python"


def _printed(notebook: nbformat.NotebookNode) -> str:
    """Everything the code cells printed, after checking none failed."""
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stdout")


@pytest.mark.server
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_beside_the_service(
    notebook: Path, demo_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, token = served_copy(demo_store, tmp_path)
    kernel = _kernel(tmp_path / "jupyter", monkeypatch)
    monkeypatch.setenv("AIM_TOKEN", token)
    monkeypatch.setenv("AIM_STORE", str(store))  # the served store: a notebook opening it would fail on its lock
    with serving(store) as url:
        monkeypatch.setenv("AIM_SERVER", url)
        ran = nbformat.read(notebook, as_version=4)
        NotebookClient(ran, timeout=600, kernel_name=kernel, resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = _printed(ran)
    assert "service holds 2025-01 to 2025-12" in text
    assert "ASB 2025-10..2025-12 against 2025-07..2025-09" in text
    assert re.search(r"the area changed [+-]\d+\.\d%; wards tested", text)
    assert len(re.findall(r" vs expected +\d+\.\d", text)) == 20  # ten rising and ten falling wards
    assert all(f"\n2025-{m:02d} " in text for m in range(1, 13))  # the busiest ward's monthly series
    total = re.search(r": (\d+) ASB incidents in the year", text)
    counts = re.findall(r"^2025-\d\d #* (\d+)$", text, re.M)
    assert total and len(counts) == 12 and sum(map(int, counts)) == int(total.group(1))
    # the quarter's layers as GeoDataFrames: wards in British National Grid (areas in km2), hexagons in WGS84
    layers = re.search(r"ward layer: (\d+) wards in OSGB36 / British National Grid, ([\d,]+) km2", text)
    assert layers and int(layers.group(1)) > 80 and int(layers.group(2).replace(",", "")) > 500, text[-800:]
    assert len(re.findall(r"^E05\d{6} .+ per km2$", text, re.M)) == 5
    assert re.search(r"hex layer: \d+ H3 cells at resolution 8 holding \d+ ASB incidents with a point", text)


def test_there_is_a_notebook() -> None:
    assert NOTEBOOKS


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_kept_without_outputs_and_read_no_store(notebook: Path) -> None:
    kept = nbformat.read(notebook, as_version=4)
    nbformat.validate(kept)
    code = [cell for cell in kept.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)
    source = "\n".join(cell.source for cell in code)
    assert "AimClient" in source and not re.search(r"ingest\.store|api\.services|duckdb|AIM_STORE", source)
