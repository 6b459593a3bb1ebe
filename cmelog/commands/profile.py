"""init and profile."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cmelog.commands.common import (
    JsonOpt,
    _ctx,
    _interactive,
    app,
    profile_app,
)
from cmelog.errors import UsageError
from cmelog.services.context import Context


# ------------------------------------------------------------------ init / profile
def _profile_input(**kw: Any) -> Any:
    from cmelog.services.profile import ProfileInput

    return ProfileInput(**kw)


def _print_profile(ctx: Context, profile: Any, as_json: bool) -> None:
    if as_json:
        from cmelog.render.jsonout import dump, profile_json

        dump(profile_json(profile))
        return
    from cmelog.domain.cycles import renewal_day, renewal_status
    from cmelog.render.text import profile_text
    from cmelog.services.context import rules_for

    r = renewal_status(profile, ctx.today, rules_for(profile, ctx).renewal)
    line = f"{r.renewal_date.isoformat()} ({r.days_until_renewal} days)"
    if r.source == "estimated":
        line += "; estimated: enter the date printed on your license with --license-expires"
    if renewal_day(profile) != profile.birthday:
        line += "; on the day printed on your license, which is not your birthday"
    profile_text(profile, line)


NameOpt = Annotated[
    str | None, typer.Option("--name", help="Your name as on the license.", metavar="NAME")
]
BirthdayOpt = Annotated[
    str | None,
    typer.Option("--birthday", help="Date of birth, YYYY-MM-DD (renewal day).", metavar="DATE"),
]
LicenseOpt = Annotated[
    str | None, typer.Option("--license", help="License number.", metavar="NUMBER")
]
ExpiresOpt = Annotated[
    str | None,
    typer.Option(
        "--license-expires", help="Expiration date printed on the license.", metavar="DATE"
    ),
]
IssuedOpt = Annotated[
    str | None,
    typer.Option("--license-issued", help="Date of the initial full license.", metavar="DATE"),
]
BoardOpt = Annotated[
    str | None,
    typer.Option("--board", help="Licensing board's postal code (default MA).", metavar="BOARD"),
]
PrescriberOpt = Annotated[
    bool | None,
    typer.Option("--prescriber/--no-prescriber", help="Prescribes controlled substances."),
]
AdultOpt = Annotated[
    bool | None,
    typer.Option("--adult-patients/--no-adult-patients", help="Serves adult populations."),
]


@app.command()
def init(
    ctx: typer.Context,
    name: NameOpt = None,
    birthday: BirthdayOpt = None,
    license: LicenseOpt = None,
    license_expires: ExpiresOpt = None,
    license_issued: IssuedOpt = None,
    board: BoardOpt = None,
    prescriber: PrescriberOpt = None,
    adult_patients: AdultOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create the physician profile (and the logbook); on a terminal, asks for what is
    missing."""
    from cmelog.services.profile import init_profile

    c = _ctx(ctx)
    values: dict[str, Any] = {
        "name": name,
        "birthday": birthday,
        "license": license,
        "license_expires": license_expires,
        "license_issued": license_issued,
        "board": board,
        "prescriber": prescriber,
        "adult_patients": adult_patients,
    }
    if _interactive():
        from cmelog.commands.guided import ask_profile
        from cmelog.services.profile import refuse_if_profile

        refuse_if_profile(c)  # before any question, not after the last one
        ask_profile(c, values)
    missing = [
        opt
        for opt, v in (("--name", name), ("--birthday", birthday), ("--license", license))
        if values[opt[2:]] is None
    ]
    if values["license_expires"] is None and values["license_issued"] is None:
        missing.append("--license-expires (or --license-issued)")
    if missing:
        names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        raise UsageError(
            f"{names} {'is' if len(missing) == 1 else 'are'} missing; init needs --name, "
            "--birthday, --license and --license-expires or --license-issued (or run it on a "
            "terminal to be asked)."
        )
    profile = init_profile(
        c,
        _profile_input(**values),
    )
    if not as_json:
        typer.echo(f"Created the logbook {c.path}")
    _print_profile(c, profile, as_json)


@profile_app.callback()
def profile_show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show the physician profile."""
    if ctx.invoked_subcommand is not None:
        return
    from cmelog.services.profile import show_profile

    c = _ctx(ctx)
    _print_profile(c, show_profile(c), as_json)


@profile_app.command("set")
def profile_set(
    ctx: typer.Context,
    name: NameOpt = None,
    birthday: BirthdayOpt = None,
    license: LicenseOpt = None,
    license_expires: ExpiresOpt = None,
    license_issued: IssuedOpt = None,
    board: BoardOpt = None,
    prescriber: PrescriberOpt = None,
    adult_patients: AdultOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change the physician profile; with no option on a terminal, asks about each value."""
    from cmelog.services.profile import set_profile, show_profile

    c = _ctx(ctx)
    values: dict[str, Any] = {
        "name": name,
        "birthday": birthday,
        "license": license,
        "license_expires": license_expires,
        "license_issued": license_issued,
        "board": board,
        "prescriber": prescriber,
        "adult_patients": adult_patients,
    }
    if all(v is None for v in values.values()):
        if not _interactive():
            raise UsageError(
                "Nothing to change; give at least one option such as --license-expires "
                "(see `cmelog profile set --help`)."
            )
        from cmelog.commands.guided import ask_profile

        ask_profile(c, values, show_profile(c))
    profile = set_profile(c, _profile_input(**values))
    _print_profile(c, profile, as_json)
