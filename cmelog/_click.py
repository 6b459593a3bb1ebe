"""Where click lives: Typer >= 0.29 vendors it as `typer._click`; older Typers depend on click.

Kept in one place so that a Typer upgrade is a one-file change.
"""

from __future__ import annotations

from typing import Any

try:
    from typer import _click as click
    from typer.exceptions import Abort, Exit
except ImportError:  # pragma: no cover - older Typer with click as a dependency
    import click  # type: ignore[no-redef]
    from click.exceptions import Abort, Exit  # type: ignore[no-redef, assignment, unused-ignore]

ClickException: Any = click.exceptions.ClickException
UsageError: Any = click.exceptions.UsageError
NoArgsIsHelpError: Any = getattr(click.exceptions, "NoArgsIsHelpError", None)

__all__ = ["Abort", "ClickException", "Exit", "NoArgsIsHelpError", "UsageError", "click"]
