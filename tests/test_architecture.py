"""The apps depend one way: each may import only the apps below it (issue 13).

Read from the code's own imports (every module but tests and migrations, parsed, imports inside
functions included), so a reverse import fails here whether or not anything runs it.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top: an app may import the apps before it in this list, never one after it.
LAYERS = ["lifevalley", "zones", "directory", "events", "portal"]
# Apps beside the chain: what each may import (never another side app unless listed).
SIDE_APPS = {
    "space": {"lifevalley", "zones"},
    "shortlist": {"lifevalley", "zones", "directory", "events"},
    "event_sources": {"lifevalley", "zones", "directory", "events"},
    "api": {"lifevalley", "zones", "directory", "events"},
    "opendata": {"lifevalley", "zones", "directory", "events"},
    "enquiries": {"lifevalley", "zones", "directory", "space"},
}
def allowed_imports(app):
    if app in SIDE_APPS:
        return SIDE_APPS[app]
    if app == "portal":
        return set(LAYERS[:-1]) | set(SIDE_APPS)
    return set(LAYERS[: LAYERS.index(app)])


def app_modules():
    for path in sorted(ROOT.glob("*/**/*.py")):
        parts = path.relative_to(ROOT).parts
        if (parts[0] in LAYERS or parts[0] in SIDE_APPS) and "migrations" not in parts:
            yield parts[0], path


def imported_apps(path):
    apps = set(LAYERS) | set(SIDE_APPS)
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in apps:
                yield top, node.lineno


def import_graph():
    """{(importer, imported): ["path:line", ...]} between different apps."""
    graph = {}
    for app, path in app_modules():
        for imported, line in imported_apps(path):
            if imported != app:
                where = f"{path.relative_to(ROOT)}:{line}"
                graph.setdefault((app, imported), []).append(where)
    return graph


def test_every_app_is_covered_by_the_rule():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS) | set(SIDE_APPS)


def test_apps_import_only_the_apps_below_them():
    reverse = {
        edge: where
        for edge, where in import_graph().items()
        if edge[1] not in allowed_imports(edge[0])
    }
    assert reverse == {}


def test_the_import_graph_has_no_cycle():
    edges = set(import_graph())
    cycles = {(a, b) for a, b in edges if (b, a) in edges}
    assert cycles == set()


# Modules ----------------------------------------------------------------------------------------

# Where an import inside a function is how Django is written: AppConfig.ready() (it must wait
# for the app registry) and management commands.
DEFERRED_IMPORTS_ALLOWED = ("apps.py", "management")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules():
    return {module_name(path): path for _app, path in app_modules()} | {
        module_name(path): path
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name in set(LAYERS) | set(SIDE_APPS)
    }


def resolve(node, modules):
    """The project modules an import statement names (``from events import ical`` names
    events.ical; ``from events.models import Event`` names events.models)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    if node.level or not node.module:
        return set()
    named = {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in named if name in modules} or (
        {node.module} if node.module in modules else set()
    )


def imports_of(path, modules):
    """{module: [(line, inside a function?)]} of the project modules ``path`` imports."""
    tree = ast.parse(path.read_text(), str(path))
    deferred = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
    }
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for module in resolve(node, modules):
                found.setdefault(module, []).append((node.lineno, id(node) in deferred))
    return found


def test_no_project_import_is_hidden_in_a_function():
    """An import inside a function hides a dependency (often a cycle) from a reader."""
    modules = project_modules()
    hidden = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for name, path in modules.items()
        if not any(part in DEFERRED_IMPORTS_ALLOWED for part in path.relative_to(ROOT).parts)
        for module, places in imports_of(path, modules).items()
        for line, deferred in places
        if deferred
    ]
    assert hidden == []


def test_no_module_imports_itself_through_others():
    modules = project_modules()
    graph = {
        name: set(imports_of(path, modules)) - {name} for name, path in modules.items()
    }

    def reachable(start):
        seen, todo = set(), [start]
        while todo:
            for module in graph[todo.pop()] - seen:
                seen.add(module)
                todo.append(module)
        return seen

    in_cycles = sorted(name for name in graph if name in reachable(name))
    assert in_cycles == []
