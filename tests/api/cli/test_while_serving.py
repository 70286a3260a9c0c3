"""The command line while `aim serve` holds the store: read commands work through the service (--server), and a
command that needs the store says exactly what to run instead."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from api.access.principals import Role
from api.access.store import AccessStore
from api.settings import Settings
from tests.api.render.browser import serving
from tests.conftest import police_file

pytestmark = pytest.mark.server
MEETING = (date.today() + timedelta(days=2)).isoformat()
THROUGH = "--server URL (or set AIM_SERVER) and an analyst token in AIM_TOKEN"


def _copy(pack_demo: Path, folder: Path) -> Path:
    """The store and its tasking database, copied (a served store is the server's alone)."""
    store = folder / "aim.duckdb"
    shutil.copyfile(pack_demo, store)
    shutil.copyfile(pack_demo.with_name("aim-tasking.sqlite"), folder / "aim-tasking.sqlite")
    return store


def _aim(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "api", *(str(a) for a in args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_tasking_and_problems_commands_while_the_service_holds_the_store(pack_demo: Path, tmp_path: Path) -> None:
    store = _copy(pack_demo, tmp_path)
    token = AccessStore(Settings(store=store).tasking_url()).create_token("cli", Role.ANALYST)
    env = {k: v for k, v in os.environ.items() if k not in ("AIM_SERVER", "AIM_TOKEN")}
    env |= {"AIM_TOKEN": token, "COLUMNS": "200"}  # tables unwrapped
    pack = ["tasking", "pack", "--csp", "Middlesbrough", "--date", MEETING]
    area = ["--ward", "Park, Middlesbrough", "--owner", "CSP", "--from", "2025-01", "--to", "2025-06"]
    with serving(store) as url:
        held = _aim(env, *pack, "--out", tmp_path / "held.pdf", "--store", store)
        assert held.returncode == 1 and THROUGH in held.stderr, held.stderr
        assert "another process holds it" in held.stderr and "/api/v1/ingest" not in held.stderr
        assert not (tmp_path / "held.pdf").exists()
        opened = _aim(env, "problems", "create", "Noise in Albert Park", *area, "--store", store)
        assert opened.returncode == 1 and THROUGH in opened.stderr, opened.stderr
        ingest = _aim(env, "ingest", "police", police_file("cleveland", "01"), "--store", store)
        assert ingest.returncode == 1 and "aim feeds load police FILE... --server URL" in ingest.stderr
        # the problems themselves are in the tasking database, which the service shares: listed without it
        listed = _aim(env, "problems", "list", "--store", store)
        assert listed.returncode == 0 and "ASB hotspot in Central" in listed.stdout, listed.stderr
        one = _aim(env, "problems", "show", "1", "--store", store)
        assert one.returncode == 0 and json.loads(one.stdout)["id"] == 1, one.stderr

        served = {**env, "AIM_SERVER": url}
        pdf = _aim(served, *pack, "--out", tmp_path / "pack.pdf")
        assert pdf.returncode == 0, pdf.stderr
        text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "pack.pdf").pages)
        assert "Tasking pack: Middlesbrough" in text and "ASB hotspot in Central" in text
        html = _aim(served, *pack, "--format", "html", "--out", tmp_path / "pack.html")
        assert html.returncode == 0 and "Download PDF" in (tmp_path / "pack.html").read_text(encoding="utf-8")
        as_json = _aim(served, *pack, "--format", "json", "--out", tmp_path / "first.json")
        assert as_json.returncode == 0 and "1 problems, 1 actions (0 overdue)" in as_json.stdout, as_json.stderr
        unknown = _aim(served, "tasking", "pack", "--csp", "Gotham", "--out", tmp_path / "x.pdf")
        assert unknown.returncode == 2 and "no community safety partnership" in unknown.stderr
        assert not (tmp_path / "x.pdf").exists()
        no_token = _aim({k: v for k, v in served.items() if k != "AIM_TOKEN"}, "problems", "list")
        assert no_token.returncode != 0 and "AIM_TOKEN" in no_token.stderr

        created = _aim(served, "problems", "create", "Noise in Albert Park", *area)
        assert created.returncode == 0, created.stderr
        problem = json.loads(created.stdout)
        assert problem["title"] == "Noise in Albert Park" and problem["profile"]
        shown = _aim(served, "problems", "show", str(problem["id"]))
        assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == problem["id"]
        through = _aim(served, "problems", "list")
        assert through.returncode == 0 and "Noise in Albert Park" in through.stdout and "Central" in through.stdout
        missing = _aim(served, "problems", "show", "999")
        assert missing.returncode == 2 and "404" in missing.stderr
        final = _aim(served, *pack, "--format", "json", "--out", tmp_path / "served.json")
        assert final.returncode == 0 and "2 problems" in final.stdout, final.stderr
    # the service stopped: the same pack from the store itself is the one the service gave
    local = _aim(env, *pack, "--format", "json", "--out", tmp_path / "local.json", "--store", store)
    assert local.returncode == 0, local.stderr
    assert json.loads((tmp_path / "local.json").read_text()) == json.loads((tmp_path / "served.json").read_text())
