"""init, profile, profile set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cmelog.domain.entries import clean_text
from cmelog.domain.model import Profile
from cmelog.domain.suggest import parse_date_hint as parse_date
from cmelog.errors import CmelogError, ExitStatus, UsageError
from cmelog.services.context import Context, require_profile
from cmelog.structs import Struct


class ProfileInput(Struct):
    name: str | None = None
    birthday: str | None = None
    license: str | None = None
    license_expires: str | None = None
    license_issued: str | None = None
    board: str | None = None
    prescriber: bool | None = None
    adult_patients: bool | None = None


def _build(
    inp: ProfileInput, today: date, base: Profile | None, rules_dir: Path | None = None
) -> Profile:
    from cmelog.rules import load_rules

    def text(value: str | None, option: str, current: str | None) -> str:
        if value is None:
            if current is None:
                raise UsageError(f"{option} is missing; it is required to create the profile.")
            return current
        cleaned = clean_text(value, option, multiline=False)
        if not cleaned:
            raise UsageError(f"{option} is empty; give a value.")
        return cleaned

    name = text(inp.name, "--name", base.name if base else None)
    license_no = text(inp.license, "--license", base.license if base else None)
    if inp.birthday is not None:
        birthday = parse_date(inp.birthday, today, "--birthday")
    elif base is not None:
        birthday = base.birthday
    else:
        raise UsageError("--birthday is missing; give your date of birth as YYYY-MM-DD.")
    if birthday >= today:
        raise UsageError(
            f"--birthday {birthday.isoformat()} is not in the past; give your date of birth."
        )
    expires = (
        parse_date(inp.license_expires, today, "--license-expires") if inp.license_expires else None
    )
    issued = (
        parse_date(inp.license_issued, today, "--license-issued") if inp.license_issued else None
    )
    if base is not None:
        # a newly given expiration replaces the estimate basis and vice versa only when asked
        expires = expires if inp.license_expires is not None else base.license_expires
        issued = issued if inp.license_issued is not None else base.license_issued
    if expires is None and issued is None:
        raise UsageError(
            "Give --license-expires (the expiration date printed on your license) or "
            "--license-issued (the date of your initial full license)."
        )
    if issued is not None and issued <= birthday:
        raise UsageError(
            f"--license-issued {issued.isoformat()} is not after --birthday {birthday.isoformat()}."
        )
    if expires is not None and issued is not None and expires <= issued:
        raise UsageError(
            f"--license-expires {expires.isoformat()} is not after "
            f"--license-issued {issued.isoformat()}."
        )
    board = (inp.board or (base.board if base else "MA")).strip().upper()
    load_rules(board, rules_dir)  # unknown board -> exit 2 (a user's own file is known)
    return Profile(
        name=name,
        birthday=birthday,
        license=license_no,
        board=board,
        license_expires=expires,
        license_issued=issued,
        prescriber=inp.prescriber
        if inp.prescriber is not None
        else (base.prescriber if base else True),
        adult_patients=inp.adult_patients
        if inp.adult_patients is not None
        else (base.adult_patients if base else True),
        license_type=base.license_type if base else "full",
    )


def refuse_if_profile(ctx: Context) -> None:
    """Exit 1 before any question when the logbook already has a profile."""
    from cmelog.storage import reads
    from cmelog.storage.db import open_logbook

    path = ctx.path
    if path.exists() and path.stat().st_size > 0:
        with open_logbook(path).reader() as s:
            if reads.get_profile(s) is not None:
                raise CmelogError(
                    f"The logbook {path} already has a profile; "
                    "use `cmelog profile set` to change it.",
                    ExitStatus.FAILURE,
                )


def init_profile(ctx: Context, inp: ProfileInput) -> Profile:
    from cmelog.storage import reads, repo
    from cmelog.storage.db import open_logbook

    profile = _build(inp, ctx.today, None, ctx.rules_dir)
    path = ctx.path
    if path.exists() and path.stat().st_size > 0:
        logbook = open_logbook(path)
        with logbook.reader() as s:
            if reads.get_profile(s) is not None:
                raise CmelogError(
                    f"The logbook {path} already has a profile; "
                    "use `cmelog profile set` to change it.",
                    ExitStatus.FAILURE,
                )
    logbook = ctx.logbook(create=True)
    with logbook.session(write=True) as s:
        if reads.get_profile(s) is not None:
            raise CmelogError(
                f"The logbook {path} already has a profile; use `cmelog profile set` to change it."
            )
        repo.save_profile(s, profile)
    return profile


def show_profile(ctx: Context) -> Profile:
    with ctx.logbook().reader() as s:
        return require_profile(s)


def set_profile(ctx: Context, inp: ProfileInput) -> Profile:
    from cmelog.storage import repo

    with ctx.logbook().session(write=True) as s:
        base = require_profile(s)
        profile = _build(inp, ctx.today, base, ctx.rules_dir)
        others = [lic.board for lic in base.all_licenses[1:]]
        if profile.board != base.board and profile.board in others:
            raise CmelogError(
                f"You already hold a license from {profile.board}; change that one with "
                f"`cmelog license set {profile.board}`, or remove it with "
                f"`cmelog license remove {profile.board}` first."
            )
        if profile != base:
            repo.save_profile(s, profile)
        return profile
