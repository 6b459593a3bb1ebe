"""An install that ends working: `make` checks the Python version first, in one sentence; the
README's install ends with `cmelog --version` in a new terminal and links nothing outside."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("version", ["Python 3.9.18", None])
def test_make_checks_the_python_version_first(tmp_path: Path, version: str | None) -> None:
    python = tmp_path / "python3"
    if version:  # an old Python: answers -V, fails the version check
        python.write_text(f'#!/bin/sh\n[ "$1" = -V ] && {{ echo "{version}"; exit 0; }}\nexit 1\n')
        python.chmod(0o755)
    result = subprocess.run(
        ["make", "-C", str(ROOT), "--no-print-directory", "setup", f"PY={python}",
         f"VENV={tmp_path / 'venv'}"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    first = result.stderr.splitlines()[0]
    assert first.startswith("cmelog needs Python 3.11 or newer")
    assert (version or "not found") in first
    assert not (tmp_path / "venv").exists()  # nothing was set up


def test_readme_install_ends_with_version_in_a_new_terminal() -> None:
    install = README.split("## Install (for physicians)")[1].split("## First steps")[0]
    assert "Python 3.11 or newer" in install
    assert "pipx install ." in install and "uv tool install ." in install
    assert "PATH" in install and "new" in install and "terminal" in install
    assert "cmelog --version" in install.split("open a new one")[1]
    assert README.index("make demo") < README.index("make test") < README.index("## Install")


def test_readme_links_nothing_outside_the_repository() -> None:
    targets = re.findall(r"\]\(([^)]+)\)", README) + re.findall(r"`(\.\./[^`]*)`", README)
    assert not [t for t in targets if t.startswith("..") or t.startswith("/")], targets
    assert "../shared" not in README
    for command in ("init", "add", "list", "show", "open", "edit", "delete", "attest", "status"):
        assert f"`{command}" in README, command
