"""Rules files, one per board (`ma.toml`, `nh.toml`, ...) or ledger (`dea-mate.toml`,
`moc.toml`): the shipped ones beside this module, and a user's own in `<data folder>/rules/`,
which are used like the shipped ones (and win over a shipped file of the same name)."""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path
from typing import Any

from cmelog import cachefiles
from cmelog.domain.rules import LEDGER_KINDS, Rules, RulesError, check_rules, parse_rules
from cmelog.domain.topics import FORMATS, VOCABULARY
from cmelog.errors import UsageError

SHIPPED = Path(__file__).parent


def _stem_code(path: Path) -> str:
    stem = path.name.removesuffix(".toml")
    return stem if stem in LEDGER_KINDS else stem.upper()


def _files(user_dir: Path | None) -> dict[str, Path]:
    """Every rules file by board code (or ledger kind); a user's file wins over a shipped one."""
    found = {_stem_code(p): p for p in SHIPPED.glob("*.toml")}
    if user_dir is not None and user_dir.is_dir():
        for p in sorted(user_dir.glob("*.toml")):
            found[_stem_code(p)] = p
    return found


def available_boards(user_dir: Path | None = None) -> list[str]:
    return sorted(c for c in _files(user_dir) if c not in LEDGER_KINDS)


CACHE_FORMAT = 1  # of a parsed rules file kept in the cache folder


def read_toml(path: Path, code: str) -> dict[str, Any]:
    """The rules file at `path` as TOML data. Parsing TOML (and importing the parser) is a
    tenth of a `status`; a file's parsed data is kept in the user's cache folder with the text
    it was parsed from, and used again only for that very text."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(code, f"it cannot be read ({exc}).") from None
    # named by the file's folder too: a user's rules file and the shipped one of a board
    where = zlib.crc32(bytes(path.parent.resolve()))
    target = cachefiles.folder("rules") / f"{path.stem}-{where:08x}.marshal"
    held = cachefiles.load(target)
    if (
        isinstance(held, tuple)
        and len(held) == 3
        and held[0] == CACHE_FORMAT
        and held[1] == text
        and isinstance(held[2], dict)
    ):
        return held[2]
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(code, f"it is not valid TOML ({exc}).") from None
    cachefiles.store(target, (CACHE_FORMAT, text, data))
    return data


@cache
def _load(path: Path, code: str, shipped: bool) -> Rules:
    rules = parse_rules(read_toml(path, code), code, VOCABULARY, FORMATS)
    if rules.board != code:
        raise RulesError(code, f"the file {path.name} names board {rules.board!r}.")
    if shipped:
        return rules
    from cmelog.structs import replace

    return replace(rules, origin=str(path))


def load_rules(board: str = "MA", user_dir: Path | None = None) -> Rules:
    """The rules of a board (two-letter code) or a ledger kind."""
    files = _files(user_dir)
    raw = board.strip()
    code = raw if raw in LEDGER_KINDS else raw.upper()
    if code not in files:
        boards = [c for c in sorted(files) if c not in LEDGER_KINDS]
        raise UsageError(f"Board {board!r} is not known; accepted: {', '.join(boards)}.")
    path = files[code]
    return _load(path, code, path.parent == SHIPPED)


def check_file(path: Path) -> list[str]:
    """Every problem of the rules file at `path`, each naming its key (empty: valid)."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return [f"the file is not valid TOML: {exc}"]
    return check_rules(data, VOCABULARY, FORMATS)
