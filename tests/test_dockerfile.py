"""The Dockerfile (Docker cannot run here, so it is read): AIM runs as a user of its own that owns /data, and the
HEALTHCHECK asks the app's real health route with Python's urllib; that very command is run against `aim serve`."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from api.http.app import create_app
from api.settings import Settings
from tests.api.render.browser import free_port, serving
from tests.conftest import new_store

DOCKERFILE = Path(__file__).resolve().parents[1] / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    arguments: str


def instructions(text: str) -> list[Instruction]:
    """The instructions of the Dockerfile's text, in order (comments dropped, `\\` continuations joined)."""
    found: list[Instruction] = []
    pending = ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).strip().partition(" ")
        found.append(Instruction(keyword.upper(), " ".join(arguments.split())))
        pending = ""
    return found


def final_stage(found: list[Instruction]) -> list[Instruction]:
    """The instructions of the last build stage (the image that runs)."""
    starts = [i for i, instruction in enumerate(found) if instruction.keyword == "FROM"]
    return found[starts[-1] :]


def healthcheck_command(found: list[Instruction]) -> list[str]:
    """The HEALTHCHECK's command in exec form (options such as --interval left out)."""
    (check,) = [i for i in found if i.keyword == "HEALTHCHECK"]
    _, _, command = check.arguments.partition("CMD ")
    argv = json.loads(command)
    assert isinstance(argv, list) and all(isinstance(a, str) for a in argv), command
    return argv


STAGE = final_stage(instructions(DOCKERFILE.read_text(encoding="utf-8")))


def test_aim_runs_as_a_user_of_its_own_that_owns_data() -> None:
    keywords = [i.keyword for i in STAGE]
    users = [i for i in STAGE if i.keyword == "USER"]
    assert users, "no USER: the container would run as root"
    user = users[-1].arguments.split(":")[0]
    assert user == "aim" and user not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD") and keywords[-1] == "CMD"
    runs = " ".join(i.arguments for i in STAGE if i.keyword == "RUN")
    assert re.search(r"useradd .*--uid 10001 .*\baim\b", runs), "the user is created with a fixed uid"
    (workdir,) = [i.arguments for i in STAGE if i.keyword == "WORKDIR"]
    (volume,) = [json.loads(i.arguments) for i in STAGE if i.keyword == "VOLUME"]
    assert workdir == "/data" and volume == ["/data"]
    chown = next(i for i, ins in enumerate(STAGE) if ins.keyword == "RUN" and "chown aim:aim /data" in ins.arguments)
    assert chown < keywords.index("VOLUME")  # changes to a volume after VOLUME are discarded
    env = dict(re.findall(r"(AIM_\w+)=(\S+)", " ".join(i.arguments for i in STAGE if i.keyword == "ENV")))
    assert env["AIM_STORE"].startswith("/data/") and env["AIM_PORT"] in [
        i.arguments for i in STAGE if i.keyword == "EXPOSE"
    ]


def test_the_healthcheck_asks_the_apps_health_route_with_urllib(tmp_path: Path) -> None:
    argv = healthcheck_command(STAGE)
    assert argv[:2] == ["python", "-c"] and "urllib.request" in argv[2] and "curl" not in argv[2]
    (path,) = re.findall(r"'(/[^']*)'", argv[2])
    app = create_app(Settings(store=tmp_path / "none.duckdb"))
    routes = {r.path for r in iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)}
    assert path == "/healthz" and path in routes


def run_healthcheck(port: int) -> subprocess.CompletedProcess[str]:
    """The HEALTHCHECK's exact command, with `python` this interpreter and AIM_PORT the port (as in the image)."""
    environment = {**os.environ, "AIM_PORT": str(port), "PATH": f"{Path(sys.executable).parent}{os.pathsep}"}
    environment["PATH"] += os.environ.get("PATH", "")
    argv = healthcheck_command(STAGE)
    return subprocess.run(argv, env=environment, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.server
def test_the_healthcheck_command_passes_on_a_served_store_and_fails_when_nothing_listens(tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    new_store(store).close()
    with serving(store) as url:
        port = int(url.rsplit(":", 1)[1])
        healthy = run_healthcheck(port)
        assert healthy.returncode == 0, shlex.join(healthy.args) + "\n" + healthy.stderr
    stopped = run_healthcheck(port)
    assert stopped.returncode != 0 and "URLError" in stopped.stderr
    nothing = run_healthcheck(free_port())
    assert nothing.returncode != 0 and "Connection refused" in nothing.stderr
