"""Lint, format and type checks, run with the tests so the README's one test command covers them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run scripts/setup.sh (it installs the test extras)")
    return str(path)


@pytest.mark.parametrize(
    "args",
    [["ruff", "check", "--output-format", "concise", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_is_clean(args):
    done = subprocess.run(
        [_tool(args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_readme_lists_every_setting():
    from formcheck import settings

    readme = (ROOT / "README.md").read_text()
    for name in settings.VARIABLES:
        assert f"`{name}`" in readme, name
