"""The layout keeps its promises: which packages may import what, and no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("api", "ingest", "geo")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every module a file imports (absolute names), wherever the import statement stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


IMPORTS = {name: _imports(path) for name, path in MODULES.items()}


def _importers(prefixes: tuple[str, ...]) -> set[str]:
    return {m for m, imported in IMPORTS.items() if any(i.split(".")[0] in prefixes for i in imported)}


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_only_the_http_layer_imports_the_web_framework() -> None:
    outside = {m for m in _importers(("fastapi", "starlette")) if not _under(m, "api.http")}
    assert not outside


def test_only_the_store_imports_duckdb() -> None:
    outside = {m for m in _importers(("duckdb",)) if not _under(m, "ingest.store")}
    assert not outside


DATABASE_MODULES = {"api.access.connection", "api.access.database", "api.access.legacy", "api.access.store"}


def test_only_the_deployment_database_imports_sqlalchemy() -> None:
    """The tasking store and the access store's database modules: tokens, sessions and audit share its database."""
    outside = {
        m for m in _importers(("sqlalchemy", "alembic")) if not _under(m, "api.tasking") and m not in DATABASE_MODULES
    }
    assert not outside
    assert _importers(("sqlalchemy",))


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("geo", ("api", "ingest")),
        ("ingest", ("api",)),
        ("api.services", ("api.http", "api.access", "api.render", "api.cli")),
        ("api.access", ("api.http", "api.render", "api.cli")),
        ("api.render", ("api.http", "api.cli")),
        ("api.http", ("api.cli",)),
        ("api.tasking", ("api.services", "api.access", "api.http", "api.render", "api.cli", "ingest", "geo")),
    ],
)
def test_imports_run_one_way(package: str, forbidden: tuple[str, ...]) -> None:
    wrong = {
        (m, i)
        for m, imported in IMPORTS.items()
        if _under(m, package)
        for i in imported
        if any(_under(i, f) for f in forbidden)
    }
    assert not wrong


def _graph() -> dict[str, set[str]]:
    """Module -> the project's modules it imports (a name imported from a package counts as that package)."""
    graph: dict[str, set[str]] = {}
    for module, imported in IMPORTS.items():
        targets = set()
        for name in imported:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module and not module.startswith(name + "."):
                targets.add(name)
        graph[module] = targets
    return graph


def test_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles


def test_the_checks_see_the_code() -> None:
    """The rules above looked at real modules (a renamed package would make them pass vacuously)."""
    assert {"api.http.app", "api.services.trends", "ingest.pipeline", "geo.hotspots"} <= set(MODULES)
    assert "fastapi" in {i.split(".")[0] for i in IMPORTS["api.http.app"]}
    assert _importers(("duckdb",))


def _string_constants(path: Path) -> set[str]:
    """Every string constant a file writes (the literal parts of f-strings included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_statistic_keys_are_written_only_where_the_statistic_is_declared() -> None:
    """A registered statistic's key is a string in its own module only (and the registry, were it to name one): the
    map, its layers and legend, the downloads, the policy, the OGC collections and the tasking pack iterate the
    registry (api.services.statistics) and never name a statistic."""
    from api.services.statistics import registered

    own = {s.key: s.compute.__module__ for s in registered()}  # the module declaring each statistic
    spelled = {module: _string_constants(path) & set(own) for module, path in MODULES.items()}
    outside = {(m, key) for m, keys in spelled.items() for key in keys if m not in (own[key], REGISTRY)}
    assert not outside
    # not vacuous: every key is found where it is declared, and the modules that once listed them are scanned
    assert len(own) >= 3 and all(key in spelled[module] for key, module in own.items())
    assert {"api.render.map_layers", "api.render.map_page", "api.access.policy", "api.services.tasking_pack"} <= set(
        spelled
    )


REGISTRY = "api.services.statistics.registry"
