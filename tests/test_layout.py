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


ACCESS = "api.access"
TEMPLATES = ROOT / "api" / "render" / "templates"


def _names_a_role(node: ast.expr) -> bool:
    """Whether an expression is a Role member (Role.ANALYST) or a role attribute (principal.role)."""
    if not isinstance(node, ast.Attribute):
        return False
    if node.attr == "role":
        return True
    return isinstance(node.value, ast.Name) and node.value.id == "Role"


def _role_comparisons(source: str) -> list[int]:
    """The lines of Python source that compare roles or test membership among them (==, !=, in, is, match)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            parts = [p for side in sides for p in ast.walk(side) if isinstance(p, ast.expr)]
            if any(_names_a_role(p) for p in parts):
                found.append(node.lineno)
        elif isinstance(node, ast.Match) and any(_names_a_role(p) for p in ast.walk(node.subject)):
            found.append(node.lineno)
    return found


def test_only_access_compares_roles() -> None:
    """Roles are compared in api/access only; every other module asks the caller's capabilities."""
    wrong = {
        f"{name}:{line}"
        for name, path in MODULES.items()
        if not _under(name, ACCESS)
        for line in _role_comparisons(path.read_text(encoding="utf-8"))
    }
    assert not wrong


def _template_roles(source: str) -> list[str]:
    """The Jinja statements and expressions of a template that name a role (`role`, `.role`)."""
    import jinja2

    env = jinja2.Environment()
    found = set()
    for node in env.parse(source).find_all((jinja2.nodes.If, jinja2.nodes.Compare, jinja2.nodes.CondExpr)):
        tested = node.test if isinstance(node, jinja2.nodes.If | jinja2.nodes.CondExpr) else node
        for name in tested.find_all((jinja2.nodes.Name, jinja2.nodes.Getattr)):
            named = name.name if isinstance(name, jinja2.nodes.Name) else name.attr
            if "role" in named:
                found.add(f"line {node.lineno}: {named}")
    return sorted(found)


def test_templates_decide_on_capabilities_not_roles() -> None:
    """No template tests a role: they are given the caller's capabilities."""
    wrong = {f"{path.name} {hit}" for path in TEMPLATES.rglob("*.html") for hit in _template_roles(path.read_text())}
    assert not wrong
    assert len(list(TEMPLATES.rglob("*.html"))) > 10  # the scan saw the templates


def test_the_role_scan_finds_comparisons() -> None:
    """The scans above recognise what they forbid (a changed scan must still catch these)."""
    source = "a = p.role == Role.PUBLIC\nb = x in (Role.ANALYST,)\nc = p.role.value\nd = Role.ANALYST\n"
    assert _role_comparisons(source) == [1, 2]
    assert _role_comparisons("match p.role:\n    case Role.PUBLIC:\n        pass\n") == [1]
    assert _template_roles('{% if role == "public" %}x{% endif %}{{ account.role }}') == ["line 1: role"]
    assert _template_roles("{% if caps.audit %}x{% endif %}{{ a.role }}") == []
