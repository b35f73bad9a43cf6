"""The rules of the code's shape, checked on every run: the shell never imports an area
(except where create_app registers them), surveys never import tracking, and no module
grows past 400 lines."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "surveys", "tracking")
MAX_LINES = 400


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> list[tuple[str, ast.AST]]:
    """Every module `path` imports, with the function it is imported in (or the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, ast.AST]] = []

    def visit(node: ast.AST, scope: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef) else scope
            if isinstance(child, ast.Import):
                found.extend((alias.name, scope) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.append((child.module, scope))
            visit(child, inner)

    visit(tree, tree)
    return found


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", _modules("app"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_shell_imports_no_area(path):
    for name, scope in _imports(path):
        if _top(name) in ("surveys", "tracking"):
            where = getattr(scope, "name", None)
            assert path == ROOT / "app" / "__init__.py" and where == "create_app", (
                f"{path.relative_to(ROOT)} imports {name}"
            )


@pytest.mark.parametrize("path", _modules("surveys"), ids=lambda p: str(p.relative_to(ROOT)))
def test_surveys_never_import_tracking(path):
    assert not [name for name, _ in _imports(path) if _top(name) == "tracking"]


@pytest.mark.parametrize(
    "path",
    [p for package in PACKAGES for p in _modules(package)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_module_is_over_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it"


def test_the_checks_see_the_code():
    assert len(_modules("app")) > 20 and len(_modules("tracking")) > 15
    assert any(_top(n) == "surveys" for n, _ in _imports(ROOT / "app" / "__init__.py"))
