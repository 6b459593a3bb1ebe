"""license add/list/set/remove and ledger add/list/remove (several licenses and ledgers).

Each change is one write transaction that also writes its history row (storage/repo.py); the
values are checked before the logbook is opened for writing, so a refused command changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from cmelog.domain.entries import clean_text
from cmelog.domain.model import Ledger, License, Profile
from cmelog.domain.suggest import nearest
from cmelog.domain.suggest import parse_date_hint as parse_date
from cmelog.errors import CmelogError, UsageError
from cmelog.services.context import Context, require_profile
from cmelog.structs import Struct, replace

LEDGER_KINDS = ("dea-mate", "moc")
DEFAULT_TYPE = "full"


class LicenseInput(Struct):
    number: str | None = None
    type: str | None = None
    expires: str | None = None
    issued: str | None = None

    def empty(self) -> bool:
        return all(v is None for v in (self.number, self.type, self.expires, self.issued))


def _joined(values: list[str]) -> str:
    return ", ".join(values) if values else "none"


# ------------------------------------------------------------------ checks (no logbook needed)
def board_code(text: str, option: str = "--board", user_dir: Path | None = None) -> str:
    """A board cmelog has rules for (shipped, or in the data folder's rules/), upper-cased;
    exit 2 naming the accepted boards."""
    from cmelog.rules import available_boards

    code = text.strip().upper()
    boards = available_boards(user_dir) if user_dir is not None else available_boards()
    if code not in boards:
        raise UsageError(
            f"{option} {text.strip()!r} is not a board cmelog has rules for; "
            f"accepted: {_joined(boards)}."
        )
    return code


def license_types(board: str, user_dir: Path | None = None) -> list[str]:
    """The license types the board's rules know (`full` when they name none)."""
    from cmelog.rules import load_rules

    rules = load_rules(board, user_dir) if user_dir is not None else load_rules(board)
    types = getattr(rules, "license_types", None)
    return list(types) if types else [DEFAULT_TYPE]


def license_type(text: str, board: str, user_dir: Path | None = None) -> str:
    accepted = license_types(board, user_dir)
    value = text.strip().lower()
    if value not in accepted:
        raise UsageError(
            f"--type {text.strip()!r} is not a license type for {board}; "
            f"accepted: {_joined(accepted)}."
        )
    return value


def _number(text: str) -> str:
    cleaned = clean_text(text, "--number", multiline=False)
    if not cleaned:
        raise UsageError("--number is empty; give the license number.")
    return cleaned


def _dates(
    inp: LicenseInput, today: date, birthday: date, base: License | None
) -> tuple[date | None, date | None]:
    expires = parse_date(inp.expires, today, "--expires") if inp.expires is not None else None
    issued = parse_date(inp.issued, today, "--issued") if inp.issued is not None else None
    if base is not None:
        expires = expires if inp.expires is not None else base.expires
        issued = issued if inp.issued is not None else base.issued
    if issued is not None and issued <= birthday:
        raise UsageError(
            f"--issued {issued.isoformat()} is not after your birthday {birthday.isoformat()}."
        )
    if expires is not None and issued is not None and expires <= issued:
        raise UsageError(
            f"--expires {expires.isoformat()} is not after --issued {issued.isoformat()}."
        )
    return expires, issued


def check_clock(ctx: Context, profile: Profile, lic: License) -> None:
    """The board's renewal clock can place this license's renewals (an assigned date needs
    --expires; a birthday anchor needs --expires or --issued): exit 2 naming what to give."""
    from cmelog.domain.cycles import clock_for
    from cmelog.rules import load_rules

    rules = load_rules(lic.board, ctx.rules_dir)
    clock_for(profile.birthday, lic, rules.renewal).status(ctx.today)


def _held(profile: Profile, board: str) -> License:
    for lic in profile.all_licenses:
        if lic.board == board:
            return lic
    held = [lic.board for lic in profile.all_licenses]
    raise CmelogError(
        f"You hold no license from {board}; held: {_joined(held)} "
        "(`cmelog license add --board BOARD` adds one)."
    )


# ------------------------------------------------------------------ licenses
def list_licenses(ctx: Context) -> list[License]:
    with ctx.logbook().reader() as c:
        return list(require_profile(c).all_licenses)


def add_license(ctx: Context, board: str, inp: LicenseInput) -> License:
    from cmelog.storage import repo

    code = board_code(board, user_dir=ctx.rules_dir)
    if inp.number is None:
        raise UsageError("--number is missing; give the license number.")
    number = _number(inp.number)
    kind = license_type(inp.type, code, ctx.rules_dir) if inp.type is not None else DEFAULT_TYPE
    with ctx.logbook().session(write=True) as s:
        profile = require_profile(s)
        if any(lic.board == code for lic in profile.all_licenses):
            raise CmelogError(
                f"You already hold a license from {code}; change it with "
                f"`cmelog license set {code}`."
            )
        expires, issued = _dates(inp, ctx.today, profile.birthday, None)
        lic = License(code, number, kind, expires, issued)
        check_clock(ctx, profile, lic)
        repo.add_license(s, lic)
        return lic


def set_license(ctx: Context, board: str, inp: LicenseInput) -> License:
    from cmelog.storage import repo

    if inp.empty():
        raise UsageError(
            "Nothing to change; give at least one of --number, --type, --expires or --issued."
        )
    code = board.strip().upper()
    number = _number(inp.number) if inp.number is not None else None
    with ctx.logbook().session(write=True) as s:
        profile = require_profile(s)
        base = _held(profile, code)
        kind = license_type(inp.type, code, ctx.rules_dir) if inp.type is not None else base.type
        expires, issued = _dates(inp, ctx.today, profile.birthday, base)
        lic = replace(base, number=number or base.number, type=kind, expires=expires, issued=issued)
        check_clock(ctx, profile, lic)
        if lic != base:
            repo.update_license(s, code, lic)
        return lic


def remove_license(
    ctx: Context, board: str, confirm: Callable[[License], bool] | None = None
) -> tuple[License, License]:
    """Remove a license after `confirm(license)` agrees; returns it and the first license
    afterwards. The only license cannot be removed: a logbook needs one."""
    from cmelog.storage import repo

    code = board.strip().upper()
    with ctx.logbook().session(write=True) as s:
        profile = require_profile(s)
        lic = _held(profile, code)
        rest = [other for other in profile.all_licenses if other.board != code]
        if not rest:
            raise CmelogError(
                f"The {code} license is your only one and a logbook needs one license; "
                f"change it with `cmelog license set {code}`, or add another first."
            )
        if confirm is not None and not confirm(lic):
            raise CmelogError("Nothing was removed.")
        repo.remove_license(s, code)
        return lic, rest[0]


# ------------------------------------------------------------------ ledgers
def ledger_kind(text: str) -> str:
    value = text.strip().lower()
    if value not in LEDGER_KINDS:
        near = nearest(value, LEDGER_KINDS)
        hint = f" (did you mean {near}?)" if near else ""
        raise UsageError(
            f"Ledger kind {text.strip()!r} is not known{hint}; accepted: {', '.join(LEDGER_KINDS)}."
        )
    return value


def _ledger_values(
    kind: str,
    registered: str | None,
    board_name: str | None,
    cycle_start: str | None,
    today: date,
) -> Ledger:
    if kind == "dea-mate":
        wrong = [o for o, v in (("--board-name", board_name), ("--cycle-start", cycle_start)) if v]
        if wrong:
            raise UsageError(
                f"{' and '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} for a moc ledger; "
                "`ledger add dea-mate` takes only --registered DATE."
            )
        if registered is None:
            raise UsageError(
                "--registered is missing; `ledger add dea-mate` needs --registered DATE "
                "(the date of your DEA registration)."
            )
        return Ledger("dea-mate", "dea-mate", parse_date(registered, today, "--registered"))
    if registered is not None:
        raise UsageError(
            "--registered is for the dea-mate ledger; `ledger add moc` takes "
            "--board-name NAME and --cycle-start DATE."
        )
    missing = [
        o for o, v in (("--board-name", board_name), ("--cycle-start", cycle_start)) if v is None
    ]
    if missing:
        raise UsageError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing; "
            "`ledger add moc` needs --board-name NAME (for example ABIM) and --cycle-start DATE."
        )
    assert board_name is not None and cycle_start is not None
    name = clean_text(board_name, "--board-name", multiline=False)
    if not name:
        raise UsageError("--board-name is empty; give the certifying board's name, e.g. ABIM.")
    from cmelog.rules import available_boards

    if name.lower() in LEDGER_KINDS or name.upper() in available_boards():
        raise UsageError(
            f"--board-name {name!r} is the name of a license board or ledger kind; give the "
            "certifying board's name, for example ABIM."
        )
    return Ledger("moc", name, parse_date(cycle_start, today, "--cycle-start"))


def add_ledger(
    ctx: Context,
    kind: str,
    *,
    registered: str | None = None,
    board_name: str | None = None,
    cycle_start: str | None = None,
) -> Ledger:
    from cmelog.storage import repo

    ledger = _ledger_values(ledger_kind(kind), registered, board_name, cycle_start, ctx.today)
    with ctx.logbook().session(write=True) as s:
        profile = require_profile(s)
        if any(other.name.lower() == ledger.name.lower() for other in profile.ledgers):
            raise CmelogError(
                f"A ledger named {ledger.name} already exists; remove it first with "
                f"`cmelog ledger remove {ledger.name}` to start it again."
            )
        repo.add_ledger(s, ledger)
        return ledger


def list_ledgers(ctx: Context) -> list[Ledger]:
    with ctx.logbook().reader() as c:
        return list(require_profile(c).ledgers)


def remove_ledger(
    ctx: Context, name: str, confirm: Callable[[Ledger], bool] | None = None
) -> Ledger:
    from cmelog.storage import repo

    wanted = name.strip()
    with ctx.logbook().session(write=True) as s:
        profile = require_profile(s)
        found = [x for x in profile.ledgers if x.name == wanted] or [
            x for x in profile.ledgers if x.name.lower() == wanted.lower()
        ]
        if not found:
            names = [x.name for x in profile.ledgers]
            raise CmelogError(
                f"There is no ledger named {wanted!r}; ledgers: {_joined(names)} "
                "(`cmelog ledger list` shows them)."
            )
        ledger = found[0]
        if confirm is not None and not confirm(ledger):
            raise CmelogError("Nothing was removed.")
        repo.remove_ledger(s, ledger.name)
        return ledger
