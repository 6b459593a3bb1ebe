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

    r = renewal_status(profile, ctx.today, rules_for(profile).renewal)
    line = f"{r.renewal_date.isoformat()} ({r.days_until_renewal} days)"
    if r.source == "estimated":
        line += "; estimated: enter the date printed on your license with --license-expires"
    if renewal_day(profile) != profile.birthday:
        line += "; on the day printed on your license, which is not your birthday"
    profile_text(profile, line)


NameOpt = Annotated[str | None, typer.Option("--name", help="Your name as on the license.")]
BirthdayOpt = Annotated[str | None, typer.Option("--birthday", metavar="DATE")]
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
BoardOpt = Annotated[str | None, typer.Option("--board", help="Licensing board (MA).")]
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
    """Create the physician profile (and the logbook)."""
    from cmelog.services.profile import init_profile

    c = _ctx(ctx)
    if _interactive():
        name = name or typer.prompt("Name (as on the license)")
        birthday = birthday or typer.prompt("Birthday (YYYY-MM-DD)")
        license = license or typer.prompt("License number")
        if not license_expires and not license_issued:
            license_expires = typer.prompt(
                "License expiration date printed on the license (YYYY-MM-DD)"
            )
    missing = [
        opt
        for opt, v in (("--name", name), ("--birthday", birthday), ("--license", license))
        if v is None
    ]
    if missing:
        raise UsageError(
            f"{', '.join(missing)} missing; init needs --name, --birthday and --license."
        )
    profile = init_profile(
        c,
        _profile_input(
            name=name,
            birthday=birthday,
            license=license,
            license_expires=license_expires,
            license_issued=license_issued,
            board=board,
            prescriber=prescriber,
            adult_patients=adult_patients,
        ),
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
    """Change the physician profile."""
    from cmelog.services.profile import set_profile

    c = _ctx(ctx)
    profile = set_profile(
        c,
        _profile_input(
            name=name,
            birthday=birthday,
            license=license,
            license_expires=license_expires,
            license_issued=license_issued,
            board=board,
            prescriber=prescriber,
            adult_patients=adult_patients,
        ),
    )
    _print_profile(c, profile, as_json)
