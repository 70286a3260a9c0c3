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


def test_only_the_deployment_database_imports_sqlalchemy() -> None:
    """api.database alone: engines, tables, migrations and every query on them (the tasking store, access rows)."""
    assert not {m for m in _importers(("sqlalchemy", "alembic")) if not _under(m, "api.database")}
    assert {"api.database.tasking", "api.database.access_rows"} <= _importers(("sqlalchemy",))
    assert {m for m in _importers(("alembic",)) if _under(m, "api.database")}


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("geo", ("api", "ingest")),
        ("ingest", ("api",)),
        ("api.services", ("api.http", "api.access", "api.render", "api.cli")),
        ("api.access", ("api.http", "api.render", "api.cli")),
        ("api.render", ("api.http", "api.cli")),
        ("api.http", ("api.cli",)),
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


def _outside_the_repository(path: Path) -> list[str]:
    """Paths a test file builds above the repository's root (`Path(__file__).parents[k]` past it) or into `shared`."""
    depth = len(path.relative_to(ROOT).parts)  # parents[depth - 1] is the root
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parents"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, int)
            and node.slice.value >= depth
        ):
            found.append(f"{path.name}:{node.lineno} parents[{node.slice.value}]")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip("./") == "shared":
            found.append(f"{path.name}:{node.lineno} {node.value!r}")
    return found


def test_tests_read_only_what_the_repository_holds() -> None:
    """A fresh clone runs the suite with nothing beside it: no test reaches above the repository's root."""
    files = sorted(p for p in (ROOT / "tests").rglob("*.py") if p.name != "test_layout.py")  # this file names them
    assert len(files) > 100
    assert not [hit for path in files for hit in _outside_the_repository(path)]
    assert _outside_the_repository(ROOT / "bench" / "national.py")  # the check sees such a path where one is


def test_only_the_registry_names_a_source_adapter() -> None:
    """Feeds are reached through the registry's source objects: no module outside it (and the adapters themselves)
    imports an adapter, so the pipeline, the services and the CLI work with any source alike."""
    naming = {m for m, imported in IMPORTS.items() if any(_under(i, "ingest.adapters") for i in imported)}
    outside = {m for m in naming if not _under(m, "ingest.adapters") and m != "ingest.registry"}
    assert not outside
    assert "ingest.registry" in naming


def test_no_module_tells_sources_apart_by_their_profile() -> None:
    """A source is an adapter: nothing branches on a feed having no profile (`x.profile is None`)."""
    found = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Compare)
                and isinstance(node.left, ast.Attribute)
                and node.left.attr == "profile"
                and any(isinstance(op, ast.Is | ast.IsNot) for op in node.ops)
            ):
                found.append(f"{module}:{node.lineno}")
    assert not found


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


def _calls_engine_or_migration(path: Path) -> set[str]:
    """The calls in a file that make an SQLAlchemy engine or run Alembic's upgrade (`command.upgrade`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("create_engine", "engine_from_config"):
            found.add(name)
        elif name == "upgrade" and isinstance(func, ast.Attribute) and ast.unparse(func.value).endswith("command"):
            found.add("command.upgrade")
    return found


def test_only_the_deployment_database_makes_engines_and_migrates() -> None:
    """One way into the deployment database: no module outside api.database makes an engine or runs migrations."""
    calls = {m: _calls_engine_or_migration(path) for m, path in MODULES.items()}
    outside = {m: found for m, found in calls.items() if found and not _under(m, "api.database")}
    assert not outside
    inside = set().union(*(found for m, found in calls.items() if _under(m, "api.database")))
    assert inside == {"create_engine", "command.upgrade"}  # the check sees the calls it looks for


def test_the_deployment_database_imports_no_other_part_of_aim() -> None:
    """api.database is the bottom layer: the access store and the services build on it, never the other way."""
    wrong = {
        (m, i)
        for m, imported in IMPORTS.items()
        if _under(m, "api.database")
        for i in imported
        if (_under(i, "api") or i.split(".")[0] in PACKAGES) and not _under(i, "api.database")
    }
    assert not wrong
    assert any(_under(i, "api.database") for i in IMPORTS["api.access.store"] | IMPORTS["api.access.connection"])


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


def test_the_client_reads_only_the_api() -> None:
    """api.client talks to a running service: of AIM it imports only the API's models and problem body and geo's
    frames, never the store, the services or the deployment database (so it runs beside `aim serve`)."""
    client = {m: imported for m, imported in IMPORTS.items() if _under(m, "api.client")}
    aim = {i for imported in client.values() for i in imported if i.split(".")[0] in PACKAGES}
    allowed = ("api.client", "api.http.models", "api.http.errors", "geo.frames")
    assert client and aim and not {i for i in aim if not any(_under(i, a) for a in allowed)}
    assert not {m for m in _importers(("duckdb", "sqlalchemy")) if m in client}


CASE_READERS = {
    "api.database.cases",
    "api.access.cases",
    "api.http.app",
    "api.http.routers.cases",
    "api.http.routers.case_pages",
    "api.cli.cases",
    "api.cli.serve",
    "api.services.cases",
    "api.services.case_demo",
    "api.services.case_export",
    "api.services.case_retention",
    "api.services.case_subject",
    "api.services.repeat_victims",
    "api.database.case_reviews",  # the Case Review applications, kept beside the cases
    "api.services.tasking_pack_cases",  # the pack's worklist: case ids, priority and risk, no names (analysts only)
    "api.http.routers.tasking_pack",  # audits each case the worklist lists
    "api.access.case_reviews",
    "api.http.routers.case_reviews",
    "api.services.case_reviews",
    "api.services.case_review_export",
    "api.services.case_review_watchlist",
    "api.services.case_review_publication",  # the yearly statutory counts of applications
    "api.services.assessment_cases",  # the assessment's Case Review chapter: the same counts (analysts only)
}


def test_only_the_case_modules_reach_the_case_store() -> None:
    """Cases are special category data: the store of cases is reached from the case modules only (and the analysts'
    pack worklist), so no map, OGC, tile, problem or status module can show a case, or a count of them."""
    stores = ("api.database.cases", "api.database.case_reviews")
    reaching = {m for m, imported in IMPORTS.items() if any(_under(i, s) for i in imported for s in stores)}
    assert reaching <= CASE_READERS
    assert {"api.http.routers.cases", "api.access.cases"} <= reaching
