"""attest: a one-time requirement met without logged credits."""

from __future__ import annotations

from cmelog.domain.dates import parse_date
from cmelog.domain.entries import clean_text
from cmelog.domain.model import Attestation, Profile
from cmelog.domain.rules import Requirement
from cmelog.errors import CmelogError, UsageError
from cmelog.services.certificates import (
    StoredCertificate,
    check_certificate,
    discard,
    store_certificate,
)
from cmelog.services.context import Context, require_profile, rules_for


def attestable(ctx: Context, profile: Profile) -> list[Requirement]:
    """The requirements of every license and ledger held (an attestation names a requirement
    id; the same id of two boards is one attestation, counted by each)."""
    from cmelog.rules import load_rules

    codes = [lic.board for lic in profile.all_licenses] + [g.kind for g in profile.ledgers]
    out: list[Requirement] = list(rules_for(profile, ctx).requirements)
    for code in codes[1:]:
        try:
            out += load_rules(code, ctx.rules_dir).requirements
        except CmelogError:  # a board whose file went away offers nothing to attest
            continue
    return out


def add_attestation(
    ctx: Context, requirement_id: str, date: str | None, how: str | None, certificate: str | None
) -> Attestation:
    from cmelog.storage import repo

    cert_path = check_certificate(certificate) if certificate else None
    logbook = ctx.logbook()
    stored: StoredCertificate | None = None
    try:
        with logbook.session(write=True) as s:
            held = attestable(ctx, require_profile(s))
            accepted = list(dict.fromkeys(r.id for r in held if r.attestation))
            wanted = requirement_id.strip()
            req = next((r for r in held if r.id == wanted and r.attestation), None)
            req = req or next((r for r in held if r.id == wanted), None)
            if req is None or not req.attestation:
                what = "is not a requirement" if req is None else "cannot be met by an attestation"
                raise UsageError(
                    f"{requirement_id!r} {what}; attestations are accepted for: "
                    f"{', '.join(accepted)}."
                )
            if date is None:
                raise UsageError("--date is missing; give the date the requirement was met.")
            when = parse_date(date, ctx.today, "--date")
            text = clean_text(how or "", "--how")
            if not text:
                raise UsageError(
                    "--how is missing; say how the requirement was met (for example "
                    "'child-abuse training in residency, 2009')."
                )
            if cert_path is not None:
                stored = store_certificate(cert_path, logbook.certificates)
            return repo.add_attestation(
                s,
                Attestation(
                    id=0,
                    requirement=req.id,
                    date=when,
                    how=text,
                    certificate_sha256=stored.sha256 if stored else None,
                    certificate_name=stored.name if stored else None,
                ),
            )
    except BaseException:
        discard(stored)
        raise


def list_attestations(ctx: Context) -> list[Attestation]:
    from cmelog.storage import reads

    with ctx.logbook().reader() as s:
        require_profile(s)
        return reads.list_attestations(s)
