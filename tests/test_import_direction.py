"""Apps import downwards only: bookday ← home ← events ← publishers ← figures.

Read from the source (every import statement, also those inside functions), so an import that
runs back up fails here before it becomes a circle. The few deliberate exceptions are listed
with their reason in docs/architecture.md.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["home", "events", "publishers", "figures"]  # each may import those before it (and bookday)
EXCEPTIONS = {
    # The pages show the public counters, read inside get_context.
    ("events/models/pages.py", "figures.counters"),
    ("home/models.py", "figures.counters"),
    # The home page features an event.
    ("home/models.py", "events.models"),
    # The demo command seeds every app.
    ("home/management/commands/seed_demo.py", "events.demo"),
    ("home/management/commands/seed_demo.py", "publishers.demo"),
}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_app_imports_an_app_above_it():
    upward = []
    for rank, app in enumerate(ORDER):
        above = set(ORDER[rank + 1 :])
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            for name in imported(path):
                if name.split(".")[0] in above and (relative, name) not in EXCEPTIONS:
                    upward.append(f"{relative} imports {name}")
    assert upward == []


def test_the_exceptions_are_still_needed():
    # An exception nobody uses any more is removed from the list (and from the architecture map).
    assert all(name in imported(ROOT / path) for path, name in EXCEPTIONS)
