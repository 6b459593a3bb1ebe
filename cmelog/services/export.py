"""audit-export: the current and previous cycles as PDF, CSV or a zip bundle."""

from __future__ import annotations

import hashlib
import io
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import BinaryIO

from cmelog import __version__
from cmelog.domain.dates import parse_date
from cmelog.domain.model import Entry, Evaluation
from cmelog.domain.report import AuditReport, OneTimeEvidence, ReportCycle
from cmelog.errors import UsageError
from cmelog.services.context import Context, require_profile, rules_for
from cmelog.services.files import atomic_write

FORMATS = ("pdf", "csv")
PROGRESS_THRESHOLD = 2000  # entries: below this an export is quick enough to need no bar


def build_report(ctx: Context, today: date) -> tuple[AuditReport, list[Path]]:
    """The report, and the certificate files of every entry and attestation it shows."""
    from cmelog.domain.cycles import renewal_status
    from cmelog.services.status import evaluate_window
    from cmelog.storage import reads

    logbook = ctx.logbook()
    with logbook.reader() as s:
        profile = require_profile(s)
        rules = rules_for(profile)
        renewal = renewal_status(profile, today, rules.renewal)
        cycles: list[ReportCycle] = []
        evaluations: list[Evaluation] = []
        windows = [("current", renewal.current), ("previous", renewal.previous)]
        for label, window in windows:
            if window is None:
                continue
            ev = evaluate_window(s, rules, profile, window, detail=True)
            entries = reads.list_entries(s, start=window.start, end=window.end)
            cycles.append(ReportCycle(label, window, ev, tuple(entries)))
            evaluations.append(ev)
        attestations = {a.id: a for a in reads.list_attestations(s)}
        one_time: list[OneTimeEvidence] = []
        current_ev = evaluations[0]
        for result in current_ev.requirements:
            if result.scope != "one-time":
                continue
            met_by = result.met_by or ()
            entries_met = [reads.get_entry(s, m.id) for m in met_by if m.kind == "entry"]
            one_time.append(
                OneTimeEvidence(
                    requirement_id=result.id,
                    label=result.label,
                    applies=result.applies,
                    met=result.met,
                    entries=tuple(e for e in entries_met if e is not None),
                    attestations=tuple(
                        attestations[m.id] for m in met_by if m.kind == "attestation"
                    ),
                )
            )
    report = AuditReport(
        profile=profile,
        board_name=rules.name,
        as_of=today,
        version=__version__,
        renewal=renewal,
        cycles=tuple(cycles),
        one_time=tuple(one_time),
    )
    hashes: list[str] = []
    for c in cycles:
        hashes += [e.certificate_sha256 for e in c.entries if e.certificate_sha256]
    for ot in one_time:
        hashes += [e.certificate_sha256 for e in ot.entries if e.certificate_sha256]
        hashes += [a.certificate_sha256 for a in ot.attestations if a.certificate_sha256]
    files = [logbook.certificates / h for h in dict.fromkeys(hashes)]
    return report, files


def csv_bytes(report: AuditReport) -> bytes:
    from cmelog.render.csvout import write_csv

    buf = io.StringIO(newline="")
    rows: list[tuple[str, Entry]] = [(c.label, e) for c in report.cycles for e in c.entries]
    labels = {id(e): label for label, e in rows}
    write_csv(buf, [e for _, e in rows], lambda e: labels[id(e)])
    return buf.getvalue().encode("utf-8")


@contextmanager
def progress_bar(total: int, what: str) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal and the job is large."""
    import sys

    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    from cmelog.render.text import console

    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.update(task, completed=n)


def pdf_bytes(report: AuditReport) -> bytes:
    from cmelog.render.pdf import render_pdf

    total = sum(len(c.entries) for c in report.cycles)
    buf = io.BytesIO()
    with progress_bar(total, "Writing the audit PDF") as progress:
        render_pdf(report, buf, progress=progress)
    return buf.getvalue()


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "license"


def _zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        t = time.gmtime(max(int(epoch), 315532800))  # zip cannot store dates before 1980
        return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    return (1980, 1, 1, 0, 0, 0)


def bundle_bytes(report: AuditReport, base: str, certificates: list[Path]) -> bytes:
    from cmelog.errors import CmelogError

    members: list[tuple[str, bytes]] = [
        (f"{base}.pdf", pdf_bytes(report)),
        (f"{base}.csv", csv_bytes(report)),
    ]
    names = _certificate_names(report)
    for path in certificates:
        try:
            data = path.read_bytes()
        except OSError:
            raise CmelogError(
                f"The certificate {path.name} is missing from {path.parent}; restore it from a "
                "backup, then export again."
            ) from None
        members.append(
            (f"certificates/{path.name[:12]}-{names.get(path.name, 'certificate')}", data)
        )
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in members)
    members.append(("SHA256SUMS", sums.encode("utf-8")))
    buf = io.BytesIO()
    stamp = _zip_time()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def _certificate_names(report: AuditReport) -> dict[str, str]:
    names: dict[str, str] = {}
    entries = [e for c in report.cycles for e in c.entries]
    entries += [e for ot in report.one_time for e in ot.entries]
    for e in entries:
        if e.certificate_sha256 and e.certificate_name:
            names.setdefault(e.certificate_sha256, safe_name(e.certificate_name))
    for ot in report.one_time:
        for a in ot.attestations:
            if a.certificate_sha256 and a.certificate_name:
                names.setdefault(a.certificate_sha256, safe_name(a.certificate_name))
    return names


def audit_export(
    ctx: Context, *, fmt: str | None, output: str | None, as_of: str | None, bundle: bool
) -> Path:
    """Write the export; the format defaults to pdf, or to csv for an --output ending in .csv.

    An --output that is an existing folder receives the default file name.
    """
    target = Path(output).expanduser() if output else None
    if fmt is None:
        fmt = "csv" if target is not None and target.suffix.lower() == ".csv" else "pdf"
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r} is not known; accepted: pdf, csv.")
    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    report, certificates = build_report(ctx, today)
    base = f"cmelog-audit-{safe_name(report.profile.license)}-{today.isoformat()}"
    default_name = f"{base}.{'zip' if bundle else fmt}"
    if target is None:
        path = Path.cwd() / default_name
    elif target.is_dir():
        path = target / default_name
    else:
        path = target
    if bundle:
        data = bundle_bytes(report, base, certificates)
    elif fmt == "pdf":
        data = pdf_bytes(report)
    else:
        data = csv_bytes(report)

    def write(fh: BinaryIO) -> None:
        fh.write(data)

    return atomic_write(path, write)
