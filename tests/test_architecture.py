"""The project's modules import one another without a cycle, and apps import downwards only:
bookday ← home ← events ← publishers ← figures ← floor ← messaging ← privacy (docs/architecture.md).

A cycle works only as long as the modules happen to load in one order: the day a worker, a
management command or a test imports the other one first, it fails with a half-initialised
module. Hiding an import inside a function only postpones that, so imports in functions count
here too. Read with ``ast``: nothing is imported to draw the graph.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bookday", "events", "figures", "floor", "home", "messaging", "privacy", "publishers")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imported(node: ast.AST, module: str, is_package: bool, modules: dict) -> list[str]:
    """The project modules one import statement loads (``from a import b`` loads a.b when b is
    a module, else a); wherever the statement is, a function's body included."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the module's package, one level up per extra dot
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        names = [f"{base}.{alias.name}" for alias in node.names]
        names = [name if name in modules else base for name in names]
    found = []
    for name in names:
        # "import a.b.c" of a module that does not exist (an attribute): the nearest module above
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name and name != module and name not in found:
            found.append(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        graph[module] = {
            target
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for target in imported(node, module, is_package, modules)
        }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle for each group of modules that reach one another (Tarjan's strongly connected
    components), as a path a -> b -> ... -> a."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(start):
        # Iterative, so a deep graph cannot hit the recursion limit.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_path_within(graph, group) for group in groups]


def _path_within(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest cycle through the group's first module, by breadth-first search."""
    start = min(group)
    came_from = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & group):
            if target == start:
                path = [node]
                while came_from[path[-1]] is not None:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"no cycle in {group}")  # pragma: no cover: a component always has one


def test_no_import_cycles():
    found = cycles(import_graph())
    assert not found, "Import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_check_sees_imports_inside_functions_and_relative_imports():
    # Built from source text, as the real modules are read: the check must catch the old trick.
    graph = {
        "a": {"b"},
        "b": {"c"},
        "c": {"a"},  # an import inside a function closes the loop
        "d": {"a"},
    }
    assert cycles(graph) == [["a", "b", "c", "a"]]
    tree = ast.parse("def f():\n    from .services import registration\n")
    modules = {"events.tasks": None, "events.services": None, "events.services.registration": None}
    (node,) = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert imported(node, "events.tasks", False, modules) == ["events.services.registration"]


ORDER = [
    "home",
    "events",
    "publishers",
    "figures",
    "floor",
    "messaging",
    "privacy",
]  # each may import those before it (and bookday)
UPWARD_EXCEPTIONS = {
    # The pages show the public counters, read inside get_context.
    ("events.models.pages", "figures.counters"),
    ("home.models", "figures.counters"),
    # The home page features an event.
    ("home.models", "events.models"),
    # The demo command seeds every app.
    ("home.management.commands.seed_demo", "events.demo"),
    ("home.management.commands.seed_demo", "publishers.demo"),
    ("home.management.commands.seed_demo", "floor.demo"),
}


def upward_imports(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    rank = {app: n for n, app in enumerate(ORDER)}
    return {
        (module, target)
        for module, targets in graph.items()
        for target in targets
        if rank.get(target.split(".")[0], -1) > rank.get(module.split(".")[0], len(ORDER))
        and ".migrations." not in module
    }


def test_no_app_imports_an_app_above_it():
    upward = upward_imports(import_graph()) - UPWARD_EXCEPTIONS
    assert not upward, "Imports that run up: " + ", ".join(sorted(f"{m} -> {t}" for m, t in upward))


def test_the_upward_exceptions_are_still_needed():
    # An exception nobody uses any more is removed from the list (and from the architecture map).
    assert upward_imports(import_graph()) >= UPWARD_EXCEPTIONS
