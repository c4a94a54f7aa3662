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
