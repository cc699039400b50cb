"""The layout in docs/architecture.md holds: every module imports only from upstream."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dreamgen"

# Upstream first; a module may import from its own layer or any layer above it.
LAYERS = [
    {"errors", "version", "text", "resources"},
    {"files", "rng"},
    {"grammar"},
    {"corpus", "markov"},
    {"bundle", "cache", "corpus_lint"},
    {"compose"},
    {"checks", "explain", "stats", "mine", "tag"},
    {"output"},
    {"batch", "resume", "verify"},
    {"cli", "__main__"},
]
LAYER = {name: i for i, names in enumerate(LAYERS) for name in names}


def _imports(path, source=None):
    """The top-level dreamgen modules that ``path`` imports (relative imports only)."""
    inside = path.relative_to(PACKAGE).parts
    found = set()
    source = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(inside[:-1])[:len(inside) - node.level]
            target = base + (node.module.split(".") if node.module else [])
            if target:
                found.add(target[0])
            else:
                found |= {a.name for a in node.names}
    return found


def _top(path):
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def test_every_module_has_a_layer():
    tops = {_top(p) for p in PACKAGE.rglob("*.py")} - {"__init__"}
    assert tops == set(LAYER)


def test_imports_flow_only_from_upstream():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        top = _top(path)
        if top == "__init__":  # the package root only gathers the public names
            continue
        for dep in _imports(path) - {top}:
            if LAYER[dep] > LAYER[top]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {dep}")
    assert wrong == []


def test_the_check_sees_a_downstream_import():
    fake = PACKAGE / "grammar" / "read.py"
    found = _imports(fake, "from ..compose import Dreamer\nfrom . import rules\n")
    assert found == {"compose", "grammar"}
    assert LAYER["compose"] > LAYER[_top(fake)]
