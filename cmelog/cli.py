"""The command-line entry point: the app from commands.common plus every command module.

Each module in cmelog/commands registers its commands on the one Typer app; importing this
module must stay cheap (tests/test_startup.py guards it).
"""

from __future__ import annotations

import importlib
from typing import Any

import typer

from cmelog.commands.common import CmelogGroup, app, run_guarded

__all__ = ["CmelogGroup", "app", "get_command", "main", "run_guarded"]

# The order here is the order of `cmelog --help`.
COMMAND_MODULES = ("profile", "entries", "status", "export", "safety", "remind", "licenses")
for _name in COMMAND_MODULES:
    importlib.import_module(f"cmelog.commands.{_name}")


def main() -> None:
    get_command().main(prog_name="cmelog")


def get_command() -> Any:
    return typer.main.get_command(app)
