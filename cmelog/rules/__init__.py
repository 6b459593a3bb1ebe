"""Packaged rules files, one per board (`ma.toml`, ...)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from cmelog.domain.rules import Rules, RulesError, parse_rules
from cmelog.errors import UsageError


def available_boards() -> list[str]:
    return sorted(
        p.name.removesuffix(".toml").upper()
        for p in resources.files(__package__).iterdir()
        if p.name.endswith(".toml")
    )


@cache
def load_rules(board: str = "MA") -> Rules:
    boards = available_boards()
    code = board.strip().upper()
    if code not in boards:
        raise UsageError(f"Board {board!r} is not known; accepted: {', '.join(boards)}.")
    text = resources.files(__package__).joinpath(f"{code.lower()}.toml").read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(code, f"it is not valid TOML ({exc}).") from None
    return parse_rules(data, code)
