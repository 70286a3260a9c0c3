"""The command line starts fast: `aim --help` (and any command's help) loads none of the heavy libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("scipy", "geopandas", "pandas", "matplotlib", "duckdb", "numpy", "pyarrow", "sqlalchemy", "shapely", "fastapi")


def _loaded_after(args: list[str], exit_code: int = 0) -> set[str]:
    """The top-level modules loaded by a fresh interpreter that ran the CLI with these arguments."""
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from api.cli import app\n"
        f"result = CliRunner().invoke(app, {args!r})\n"
        f"assert result.exit_code == {exit_code}, result.output\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(done.stdout.split())


HELP = [["--help"], ["users", "--help"], ["tasking", "pack", "--help"], ["evaluate", "--help"]]


@pytest.mark.parametrize("args", HELP)
def test_help_loads_no_heavy_library(args: list[str]) -> None:
    loaded = _loaded_after(args)
    assert "typer" in loaded  # the check sees the modules the CLI loaded
    assert not loaded & set(HEAVY)


def test_a_command_still_loads_what_it_uses(tmp_path: Path) -> None:
    """The check above is not vacuous: a command that opens a store loads DuckDB when it runs (here to find none)."""
    args = ["export", "parquet", "--out", str(tmp_path / "out"), "--store", str(tmp_path / "none.duckdb")]
    assert "duckdb" in _loaded_after(args, exit_code=1)
