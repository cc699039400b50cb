"""The layout in docs/architecture.md holds: every module imports only from upstream."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dreamgen"

# Upstream first; a module may import from its own layer or any layer above it.
LAYERS = [
    {"errors", "settings", "version", "text", "resources"},
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


def _defaults_assigned(source):
    """The ``DEFAULT_*`` names a module's own top level assigns (not those it imports)."""
    found, todo = [], list(ast.parse(source).body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        else:  # an if or try at the top level still assigns module names
            todo += [n for n in ast.iter_child_nodes(node) if isinstance(n, ast.stmt)]
            continue
        found += [n.id for t in targets for n in ast.walk(t)
                  if isinstance(n, ast.Name) and n.id.startswith("DEFAULT_")]
    return found


def test_every_default_is_in_settings():
    wrong = [f"{path.relative_to(PACKAGE)} sets {name}"
             for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "settings.py"
             for name in _defaults_assigned(path.read_text(encoding="utf-8"))]
    assert wrong == []


def test_settings_takes_nothing_from_the_rest_of_dreamgen():
    assert _imports(PACKAGE / "settings.py") <= {"errors"}


def test_the_check_sees_a_default_set_elsewhere():
    source = ("from .settings import DEFAULT_CHUNK\nDEFAULT_A = 1\nDEFAULT_B, c = 2, 3\n"
              "if True:\n    DEFAULT_C: int = 4\ndef f():\n    DEFAULT_D = 5\n")
    assert sorted(_defaults_assigned(source)) == ["DEFAULT_A", "DEFAULT_B", "DEFAULT_C"]
    assert "DEFAULT_CHUNK" in _defaults_assigned((PACKAGE / "settings.py").read_text())
