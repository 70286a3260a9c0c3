"""The client is published typed: the `api` package ships the PEP 561 marker (py.typed), so a consumer's type checker
reads AimClient's hints and the API models it returns."""

from __future__ import annotations

import tomllib
from pathlib import Path

import api

ROOT = Path(__file__).resolve().parents[3]


def test_the_api_package_ships_its_py_typed_marker() -> None:
    assert (Path(api.__file__).parent / "py.typed").is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["api"]
