"""rules check: validate a rules file against docs/rules-schema.md."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cmelog.commands.common import app
from cmelog.errors import ExitStatus

if TYPE_CHECKING:
    from cmelog.domain.rules import Rules

rules_app = typer.Typer(
    help="Rules files: check one against the schema (docs/rules-schema.md).\n\n"
    "Example: cmelog rules check my-rules.toml",
    invoke_without_command=True,
)
app.add_typer(rules_app, name="rules")


@rules_app.callback()
def _rules(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:  # bare `cmelog rules`: its help, once
        help_text = ctx.get_help()  # Typer's rich help prints itself and returns ""
        if help_text:
            typer.echo(help_text)


@rules_app.command("check")
def rules_check(
    file: Annotated[str, typer.Argument(help="The rules file (TOML) to check.", metavar="FILE")],
) -> None:
    """Check a rules file: exit 0 when it is valid, 2 naming each bad key.

    A valid file placed in the data folder's rules/ folder (named after the board's code, e.g.
    pa.toml) is used like a shipped one.
    """
    problems, rules = check(Path(file))
    if problems:
        for problem in problems:
            typer.echo(f"{file}: {problem}", err=True)
        raise typer.Exit(int(ExitStatus.USAGE))
    if rules is None:  # pragma: no cover - check() returns one or the other
        raise typer.Exit(int(ExitStatus.USAGE))
    n = len(rules.requirements)
    what = f"ledger {rules.ledger}" if rules.ledger else f"board {rules.board}"
    typer.echo(f"{file} is a valid rules file for {what} ({n} requirement{'s' if n != 1 else ''}).")


def check(path: Path) -> tuple[list[str], Rules | None]:
    """The problems of the file at `path` (each naming its key), else its parsed rules."""
    import tomllib

    from cmelog.domain.rules import parse_rules
    from cmelog.domain.topics import FORMATS, VOCABULARY
    from cmelog.rules import check_file

    if not path.is_file():
        return [f"there is no file here ({'a folder' if path.is_dir() else 'not found'})"], None
    try:
        problems = check_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        return [f"the file cannot be read ({exc})"], None
    if problems:
        return problems, None
    data = tomllib.loads(path.read_text("utf-8"))
    return [], parse_rules(data, "?", VOCABULARY, FORMATS)
