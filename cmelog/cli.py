"""The command-line entry point: the app from commands.common plus every command module.

Each module in cmelog/commands registers its commands on the one Typer app; importing this
module must stay cheap (tests/test_startup.py guards it).
"""

from __future__ import annotations

import gc
import importlib
import inspect
from collections.abc import Callable
from functools import partial
from typing import Any

import typer
from typer.core import TyperCommand
from typer.main import get_command_name

from cmelog.commands.common import CmelogGroup, LazyCommands, app, run_guarded

__all__ = ["CmelogGroup", "app", "get_command", "main", "run_guarded"]

# The order here is the order of `cmelog --help`.
COMMAND_MODULES = (
    "profile",
    "entries",
    "status",
    "export",
    "safety",
    "remind",
    "licenses",
    "rulesfiles",
)
for _name in COMMAND_MODULES:
    importlib.import_module(f"cmelog.commands.{_name}")


def main() -> None:
    """The `cmelog` program (the console script and `python -m cmelog`)."""
    try:
        get_command().main(prog_name="cmelog")
    finally:
        # The program ends here. At exit Python walks every object still alive for garbage
        # (ReportLab's font tables, the rules, the logbook's rows): 30-70 ms after a PDF
        # export, to free memory that goes back with the process anyway. Frozen objects are
        # not walked; files are still flushed and atexit handlers still run.
        gc.freeze()


def get_command() -> Any:
    """The click group for `app`, each subcommand built only when used (see LazyCommands).

    Typer's own `typer.main.get_command(app)` builds all ~30 commands' parameters on every
    start; this builds the group's options, and a command's the first time it is looked up.
    """
    from copy import copy

    from typer.main import get_command_from_info, get_group_from_info

    short = app.pretty_exceptions_short
    markup = app.rich_markup_mode
    builders: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {}

    for cinfo in app.registered_commands:  # Typer's order: commands, then groups
        assert cinfo.callback is not None
        name = cinfo.name or get_command_name(cinfo.callback.__name__)
        help_text = inspect.getdoc(cinfo.callback) if cinfo.help is None else cinfo.help
        builders[name] = (
            partial(
                get_command_from_info, cinfo, pretty_exceptions_short=short, rich_markup_mode=markup
            ),
            partial(_listed, name, cinfo, inspect.cleandoc(help_text or "")),
        )
    for ginfo in app.registered_groups:
        assert ginfo.name, "every command group has a name"
        builders[ginfo.name] = (
            partial(
                get_group_from_info,
                ginfo,
                pretty_exceptions_short=short,
                rich_markup_mode=markup,
                suggest_commands=app.suggest_commands,
            ),
            partial(_listed_group, ginfo),
        )
    shell = copy(app)  # the group itself: its own options, no subcommands yet
    shell.registered_commands = []
    shell.registered_groups = []
    root = typer.main.get_command(shell)
    assert isinstance(root, CmelogGroup)
    root.commands = LazyCommands(builders)
    return root


def _listed_group(info: Any) -> TyperCommand:
    from typer.main import solve_typer_info_defaults

    return _listed(info.name, solve_typer_info_defaults(info), None)


def _listed(name: str, info: Any, help_text: str | None) -> TyperCommand:
    """What `cmelog --help` and completion show of a command: name, help, panel, flags."""
    return TyperCommand(
        name=name,
        help=info.help if help_text is None else help_text,
        short_help=info.short_help,
        hidden=bool(info.hidden),
        deprecated=info.deprecated,
        rich_help_panel=info.rich_help_panel,
    )
