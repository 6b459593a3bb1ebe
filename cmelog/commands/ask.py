"""Questions on a terminal: each answer is checked as it is typed, explained and asked again at
once when it is not accepted; earlier answers are kept. Choices complete with Tab.

Used only when stdin is a terminal; prompts go to the terminal (stderr when stdout is not one),
so `--json` output on stdout stays one document.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from cmelog.errors import CmelogError, UsageError

T = TypeVar("T")

_SKIP = object()


def _set_completion(choices: Sequence[str] | None, multiple: bool) -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return
    if not choices:
        readline.set_completer(None)
        return
    options = sorted(choices)

    def complete(text: str, state: int) -> str | None:
        matches = [o for o in options if o.startswith(text.strip().lower())]
        return matches[state] if state < len(matches) else None

    readline.set_completer(complete)
    readline.set_completer_delims(" ,;\t" if multiple else "\t")
    readline.parse_and_bind("tab: complete")


def _read(prompt: str) -> str:
    try:
        if sys.stdout.isatty():
            return input(prompt)
        sys.stderr.write(prompt)
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")
    except EOFError:
        sys.stderr.write("\n")
        raise CmelogError("Stopped before the last answer; nothing was changed.") from None
    except KeyboardInterrupt:  # Typer would turn it into a silent exit 130
        sys.stderr.write("\n")
        raise CmelogError("Interrupted; nothing was changed.") from None


def say(text: str) -> None:
    """A line for the person at the terminal (not part of the command's output), wrapped
    between words to the terminal's width."""
    import shutil
    import textwrap

    stream = sys.stdout if sys.stdout.isatty() else sys.stderr
    width = max(40, shutil.get_terminal_size((80, 24)).columns - 1)
    indent = " " * (len(text) - len(text.lstrip(" ")))
    lines = textwrap.wrap(
        text.strip(),
        width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    stream.write("\n".join(lines or [""]) + "\n")
    stream.flush()


def ask(
    label: str,
    check: Callable[[str], T],
    *,
    default: str | None = None,
    choices: Sequence[str] | None = None,
    optional: bool = False,
    multiple: bool = False,
    hint: str | None = None,
) -> T | None:
    """Ask until `check(answer)` accepts it (a UsageError is explained and asked again).

    Enter takes `default` when there is one; for an optional question Enter gives None."""
    shown = f" [{default}]" if default else (" (Enter to skip)" if optional else "")
    if hint:
        say(f"  {hint}")
    while True:
        _set_completion(choices, multiple)
        answer = _read(f"{label}{shown}: ").strip()
        if not answer and default:
            answer = default
        if not answer:
            if optional:
                return None
            say("  An answer is needed here.")
            continue
        try:
            return check(answer)
        except UsageError as exc:
            say(f"  {exc.message}")


def ask_text(label: str, **kw: object) -> str | None:
    def check(answer: str) -> str:
        return answer

    return ask(label, check, **kw)  # type: ignore[arg-type]


def confirm(question: str, default: bool = False) -> bool:
    shown = "[Y/n]" if default else "[y/N]"
    while True:
        _set_completion(None, False)
        answer = _read(f"{question} {shown}: ").strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        say("  Please answer yes or no (y or n).")


def yes_no(answer: str) -> bool:
    value = answer.strip().lower()
    if value in ("y", "yes", "true", "1"):
        return True
    if value in ("n", "no", "false", "0"):
        return False
    raise UsageError(f"{answer!r} is not an answer to this question; type yes or no.")
