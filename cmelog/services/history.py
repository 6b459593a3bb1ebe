"""history, undelete, and the attestation edits (each change recorded in the same transaction)."""

from __future__ import annotations

from cmelog.domain.dates import parse_date
from cmelog.domain.entries import clean_text
from cmelog.domain.model import Attestation, Entry
from cmelog.errors import CmelogError, UsageError
from cmelog.services.certificates import (
    StoredCertificate,
    check_certificate,
    discard,
    store_certificate,
)
from cmelog.services.context import Context, require_profile
from cmelog.storage.reads import Change


def changes(ctx: Context, entry_id: int | None) -> list[Change]:
    from cmelog.storage import reads

    with ctx.logbook().reader() as c:
        require_profile(c)
        found = reads.history(c, entry_id, "entry" if entry_id is not None else None)
        if entry_id is not None and not found and reads.get_entry(c, entry_id) is None:
            raise CmelogError(
                f"There is no entry {entry_id} and no recorded change of it; "
                "`cmelog history` lists every change."
            )
        return found


def undelete(ctx: Context, entry_id: int) -> Entry:
    from cmelog.storage import reads, repo

    with ctx.logbook().session(write=True) as s:
        require_profile(s)
        if reads.get_entry(s, entry_id) is not None:
            raise CmelogError(
                f"Entry {entry_id} is not deleted; `cmelog show {entry_id}` shows it."
            )
        gone = reads.last_deletion(s, entry_id)
        if gone is None or gone.old is None:
            raise CmelogError(
                f"Entry {entry_id} was never deleted; `cmelog history` lists every change."
            )
        repo.undelete_entry(s, entry_id, gone.old)
        entry = reads.get_entry(s, entry_id)
        assert entry is not None
        return entry


def _attestation_id(text: str) -> int:
    raw = text.strip()
    if not raw.isascii() or not raw.isdigit():
        raise UsageError(
            f"Attestation id {text!r} is not valid; give the number shown by `cmelog attestations`."
        )
    return int(raw)


def _not_found(attestation_id: int) -> CmelogError:
    return CmelogError(
        f"There is no attestation {attestation_id}; `cmelog attestations` lists them."
    )


def edit_attestation(
    ctx: Context,
    id_text: str,
    *,
    date: str | None,
    how: str | None,
    certificate: str | None,
) -> Attestation:
    from cmelog.storage import reads, repo

    attestation_id = _attestation_id(id_text)
    if date is None and how is None and certificate is None:
        raise UsageError("Nothing to change; give --date, --how or --certificate.")
    when = parse_date(date, ctx.today, "--date") if date is not None else None
    text = clean_text(how, "--how") if how is not None else None
    if text is not None and not text:
        raise UsageError("--how is empty; say how the requirement was met.")
    cert_path = check_certificate(certificate) if certificate else None
    logbook = ctx.logbook()
    stored: StoredCertificate | None = None
    try:
        with logbook.session(write=True) as s:
            require_profile(s)
            current = reads.get_attestation(s, attestation_id)
            if current is None:
                raise _not_found(attestation_id)
            if cert_path is not None:
                stored = store_certificate(cert_path, logbook.certificates)
            changed = Attestation(
                current.id,
                current.requirement,
                when or current.date,
                text or current.how,
                stored.sha256 if stored else current.certificate_sha256,
                stored.name if stored else current.certificate_name,
            )
            repo.update_attestation(s, changed)
            return changed
    except BaseException:
        discard(stored)
        raise


def delete_attestation(ctx: Context, id_text: str, confirm: object = None) -> Attestation:
    from cmelog.storage import reads, repo

    attestation_id = _attestation_id(id_text)
    with ctx.logbook().session(write=True) as s:
        require_profile(s)
        current = reads.get_attestation(s, attestation_id)
        if current is None:
            raise _not_found(attestation_id)
        if callable(confirm) and not confirm(current):
            raise CmelogError("Nothing was deleted.")
        repo.delete_attestation(s, attestation_id)
        return current
