"""audit-export: the current and previous cycles as PDF, CSV or a zip bundle."""

from __future__ import annotations

import hashlib
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from itertools import chain
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Protocol, TextIO

from cmelog import __version__
from cmelog.domain.dates import parse_date
from cmelog.domain.model import Attestation, Entry
from cmelog.domain.report import AuditReport, OneTimeEvidence, ReportCycle
from cmelog.errors import CmelogError, UsageError
from cmelog.paths import user_path
from cmelog.services.context import Context, require_profile
from cmelog.services.files import atomic_write
from cmelog.structs import Struct

# json and zipfile serve the bundle only: imported where used, the PDF and CSV exports do
# without them
if TYPE_CHECKING:
    import zipfile

FORMATS = ("pdf", "csv")
PROGRESS_THRESHOLD = 2000  # entries: below this an export is quick enough to need no bar
MANIFEST_SCHEMA = 1  # manifest.json "schema_version"; raised when a key changes meaning
COPY_CHUNK = 1 << 20  # certificates are streamed into the zip a MiB at a time


class Certificate(Struct, frozen=True):
    """A certificate file the bundle carries: its stored SHA-256 and original file name."""

    sha256: str
    name: str | None
    path: Path


@contextmanager
def open_report(
    ctx: Context, today: date, only: str | None = None
) -> Iterator[tuple[AuditReport, list[Certificate]]]:
    """The report, and the certificate files of every entry and attestation it shows, valid
    inside the block: the cycles' entries are read from one read transaction as they are
    written out (a consistent view, and never all of them in memory)."""
    with ctx.logbook().reader() as s:
        yield build_report(ctx, s, today, only)


def build_report(
    ctx: Context, s: Any, today: date, only: str | None = None
) -> tuple[AuditReport, list[Certificate]]:
    """The report of the first license, or of the license or ledger `only` (--license), read
    through the open reader `s` (its entries stream from `s`)."""
    from cmelog.domain.report import EntryStream
    from cmelog.rules import load_rules
    from cmelog.services.certificates import certificate_file
    from cmelog.services.status import held, judge_cycles, select
    from cmelog.storage import reads

    logbook = ctx.logbook()
    physician = require_profile(s)
    licenses, ledgers = (
        select(physician, only) if only is not None else ([physician.all_licenses[0]], [])
    )
    ledger = ledgers[0] if ledgers else None
    rules = load_rules(ledger.kind if ledger else licenses[0].board, ctx.rules_dir)
    h = held(physician, rules, licenses[0] if licenses else None, ledger)
    profile = h.profile
    renewal = h.clock.status(today)
    # both cycles judged by what this license asks at each renewal (plain activities summed
    # in SQL: the same figures as per entry, a property test holds status to that)
    current_ev, previous_ev = judge_cycles(s, rules, physician, h, renewal, detail=False)
    attestations = tuple(reads.list_attestations(s))
    by_id = {a.id: a for a in attestations}
    cycles: list[ReportCycle] = []
    windows = [
        ("current", renewal.current, current_ev),
        ("previous", renewal.previous, previous_ev),
    ]
    for label, window, ev in windows:
        if window is None or ev is None:
            continue
        entries = EntryStream(
            reads.count_entries(s, start=window.start, end=window.end),
            partial(reads.iter_entries, s, start=window.start, end=window.end),
        )
        dated = tuple(a for a in attestations if window.contains(a.date))
        cycles.append(ReportCycle(label, window, ev, entries, dated))
    one_time: list[OneTimeEvidence] = []
    for result in cycles[0].evaluation.requirements:
        if result.scope != "one-time":
            continue
        met_by = result.met_by or ()
        met_entries = reads.get_entries(s, [m.id for m in met_by if m.kind == "entry"])
        one_time.append(
            OneTimeEvidence(
                requirement_id=result.id,
                label=result.label,
                applies=result.applies,
                met=result.met,
                entries=tuple(
                    met_entries[m.id] for m in met_by if m.kind == "entry" and m.id in met_entries
                ),
                attestations=tuple(
                    by_id[m.id] for m in met_by if m.kind == "attestation" and m.id in by_id
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
        attestations=attestations,
        board=profile.board,
    )
    # the cycles' entries in the one pass that also sums them for the PDF (ReportCycle.scan)
    wanted: dict[str, str | None] = {}
    for c in cycles:
        for sha, name in c.scan.certificates.items():
            wanted.setdefault(sha, name)
    shown: Iterator[Entry | Attestation] = chain(
        (e for ot in one_time for e in ot.entries),
        (a for ot in one_time for a in ot.attestations),
    )
    for item in shown:
        if item.certificate_sha256:
            wanted.setdefault(item.certificate_sha256, item.certificate_name)
    folder = logbook.certificates
    certificates = [
        Certificate(sha, name, certificate_file(folder, sha, name)) for sha, name in wanted.items()
    ]
    return report, certificates


def _cycle_of(report: AuditReport) -> Iterator[tuple[str, Entry]]:
    for c in report.cycles:
        for e in c.entries:
            yield c.label, e


class Sink(Protocol):
    """Where bytes are written: a file, a zip member, a hashing pass-through."""

    def write(self, data: bytes, /) -> int: ...


class _Hashing(io.RawIOBase):
    """Passes bytes on to `dest`, keeping their SHA-256 and count."""

    def __init__(self, dest: IO[bytes]) -> None:
        super().__init__()
        self.dest = dest
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self.digest.update(data)
        self.dest.write(data)
        self.size += len(data)
        return len(data)


@contextmanager
def _text_file(dest: Sink) -> Iterator[TextIO]:
    """A UTF-8 text stream onto `dest` starting with the BOM (Excel reads the file as UTF-8
    only then), written through as it goes: the CSV of 100k entries is never held whole."""
    from cmelog.render.csvout import BOM

    buffered = io.BufferedWriter(_Unclosable(dest), 1 << 16)
    text = io.TextIOWrapper(buffered, encoding="utf-8", newline="")
    text.write(BOM)
    yield text
    text.flush()
    text.detach()
    buffered.flush()


class _Unclosable(io.RawIOBase):
    def __init__(self, dest: Sink) -> None:
        super().__init__()
        self.dest = dest

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.dest.write(bytes(b))
        return len(b)


def write_entries_csv(dest: Sink, report: AuditReport) -> None:
    """The audit CSV file: a UTF-8 BOM, then the entry CSV of the two cycles."""
    from cmelog.render.csvout import write_csv

    label = ""

    def entries() -> Iterator[Entry]:
        nonlocal label
        for label, e in _cycle_of(report):  # noqa: B007 - read by the cycle_of callback
            yield e

    with _text_file(dest) as out:
        write_csv(out, entries(), lambda e: label)


def write_attestations_csv(dest: Sink, report: AuditReport) -> None:
    from cmelog.render.csvout import write_attestations

    with _text_file(dest) as out:
        write_attestations(out, report.attestations)


def write_summary_csv(dest: Sink, report: AuditReport) -> None:
    from cmelog.render.csvout import write_summary

    with _text_file(dest) as out:
        write_summary(out, report)


def csv_bytes(report: AuditReport) -> bytes:
    buf = io.BytesIO()
    write_entries_csv(buf, report)
    return buf.getvalue()


@contextmanager
def progress_bar(total: int, what: str) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal and the job is large."""
    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    from cmelog.render.text import console

    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.update(task, completed=n)


def undrawable_warnings(report: AuditReport) -> list[str]:
    """One sentence per text holding characters the PDF font cannot draw (for stderr)."""
    from cmelog.render.pdf import REPLACEMENT, undrawable_characters

    return [u.message(REPLACEMENT) for u in undrawable_characters(report)]


def pdf_bytes(report: AuditReport) -> bytes:
    from cmelog.render.pdf import render_pdf

    total = sum(len(c.entries) for c in report.cycles)
    buf = io.BytesIO()
    with progress_bar(total, "Writing the audit PDF") as progress:
        render_pdf(report, buf, progress=progress)
    return buf.getvalue()


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "license"


def member_name(name: str | None, fallback: str) -> str:
    """A certificate's original file name made safe as one zip member name (no folders, no
    control characters, nothing sha256sum would escape)."""
    text = re.sub(r"[\x00-\x1f\x7f-\x9f/\\:]+", "-", name or "").strip(" .-")
    return text[:120] or fallback


def certificate_members(certificates: list[Certificate]) -> list[tuple[str, Certificate]]:
    """`certificates/<original file name>`, a name used twice getting its SHA-256 prefix."""
    out: list[tuple[str, Certificate]] = []
    used: set[str] = set()
    for cert in certificates:
        name = member_name(cert.name, f"{cert.sha256[:12]}{cert.path.suffix}")
        if name.lower() in used:
            stem, dot, ext = name.rpartition(".")
            name = (
                f"{stem} ({cert.sha256[:12]}).{ext}"
                if dot and stem
                else f"{name} ({cert.sha256[:12]})"
            )
        used.add(name.lower())
        out.append((f"certificates/{name}", cert))
    return out


def _zip_time() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        t = time.gmtime(max(int(epoch), 315532800))  # zip cannot store dates before 1980
        return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    return (1980, 1, 1, 0, 0, 0)


def _stream_certificate(cert: Certificate, dest: IO[bytes]) -> tuple[str, int]:
    """Copy the stored file into `dest` a chunk at a time; its SHA-256 and size."""
    digest = hashlib.sha256()
    size = 0
    try:
        src = cert.path.open("rb")
    except OSError:
        raise CmelogError(
            f"The certificate {cert.sha256} ({cert.name or 'no name'}) is missing from "
            f"{cert.path.parent}; restore it from a backup, then export again."
        ) from None
    with src:
        for chunk in iter(lambda: src.read(COPY_CHUNK), b""):
            digest.update(chunk)
            dest.write(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def write_bundle(
    fh: BinaryIO, report: AuditReport, base: str, certificates: list[Certificate]
) -> None:
    """The zip: PDF, CSV, attestations.csv, summary.csv, the certificates (streamed from disk,
    never whole in memory), manifest.json and SHA256SUMS listing every other member."""
    import json
    import zipfile

    stamp = _zip_time()
    files: list[dict[str, Any]] = []

    def info(name: str, compress: int) -> zipfile.ZipInfo:
        i = zipfile.ZipInfo(name, date_time=stamp)
        i.compress_type = compress
        i.external_attr = 0o600 << 16
        return i

    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:

        def add(name: str, data: bytes, role: str) -> None:
            zf.writestr(info(name, zipfile.ZIP_DEFLATED), data)
            files.append(
                {
                    "path": name,
                    "role": role,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                }
            )

        add(f"{base}.pdf", pdf_bytes(report), "pdf")
        for name, role, writer in (
            (f"{base}.csv", "entries", write_entries_csv),
            ("attestations.csv", "attestations", write_attestations_csv),
            ("summary.csv", "summary", write_summary_csv),
        ):
            with zf.open(info(name, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as member:
                hashing = _Hashing(member)
                writer(hashing, report)
            files.append(
                {
                    "path": name,
                    "role": role,
                    "sha256": hashing.digest.hexdigest(),
                    "bytes": hashing.size,
                }
            )
        for name, cert in certificate_members(certificates):
            # stored, not deflated: certificates are PDFs and images, compressed already
            with zf.open(info(name, zipfile.ZIP_STORED), "w", force_zip64=True) as dest:
                sha, size = _stream_certificate(cert, dest)
            if sha != cert.sha256:
                raise CmelogError(
                    f"The certificate file {cert.path} no longer matches its SHA-256 "
                    f"{cert.sha256}; run cmelog check, then export again."
                )
            files.append(
                {
                    "path": name,
                    "role": "certificate",
                    "sha256": sha,
                    "bytes": size,
                    "original_name": cert.name,
                }
            )
        manifest = json.dumps(manifest_of(report, files), indent=2, ensure_ascii=False) + "\n"
        add("manifest.json", manifest.encode("utf-8"), "manifest")
        sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in files)
        zf.writestr(info("SHA256SUMS", zipfile.ZIP_DEFLATED), sums.encode("utf-8"))


def manifest_of(report: AuditReport, files: list[dict[str, Any]]) -> dict[str, Any]:
    """What the bundle is, for a program reading it: versioned by `schema_version`."""
    from cmelog.domain.report import cycle_states

    p = report.profile
    return {
        "schema": "cmelog-audit-bundle",
        "schema_version": MANIFEST_SCHEMA,
        "cmelog_version": report.version,
        "as_of": report.as_of.isoformat(),
        "physician": {"name": p.name},
        "license": {
            "board": report.board,
            "number": p.license,
            "expires": p.license_expires.isoformat() if p.license_expires else None,
            "issued": p.license_issued.isoformat() if p.license_issued else None,
        },
        "board": {"code": report.board, "name": report.board_name},
        "renewal_date": report.renewal.renewal_date.isoformat(),
        "renewal_date_source": report.renewal.source,
        "cycles": [
            {
                "cycle": c.label,
                "start": c.window.start.isoformat(),
                "end": c.window.end.isoformat(),
                "entries": len(c.entries),
                "complete": all(
                    s.status in ("met", "met by attestation", "does not apply")
                    for s in cycle_states(report, c)
                ),
            }
            for c in report.cycles
        ],
        "files": files,
    }


def audit_export(
    ctx: Context,
    *,
    fmt: str | None,
    output: str | None,
    as_of: str | None,
    bundle: bool,
    force: bool = False,
    warn: Callable[[str], None] | None = None,
    only: str | None = None,
) -> Path:
    """Write the export; the format defaults to pdf, or to csv for an --output ending in .csv.

    An --output that is an existing folder receives the default file name. `warn` receives one
    sentence per text the PDF cannot fully draw.
    """
    target = user_path(output) if output else None
    if fmt is None:
        fmt = "csv" if target is not None and target.suffix.lower() == ".csv" else "pdf"
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r} is not known; accepted: pdf, csv.")
    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    with open_report(ctx, today, only) as (report, certificates):
        return _write_export(ctx, report, certificates, target, fmt, bundle, force, warn)


def _write_export(
    ctx: Context,
    report: AuditReport,
    certificates: list[Certificate],
    target: Path | None,
    fmt: str,
    bundle: bool,
    force: bool,
    warn: Callable[[str], None] | None,
) -> Path:
    today = report.as_of
    base = f"cmelog-audit-{safe_name(report.profile.license)}-{today.isoformat()}"
    default_name = f"{base}.{'zip' if bundle else fmt}"
    if target is None:
        path = Path.cwd() / default_name
    elif target.is_dir():
        path = target / default_name
    else:
        path = target
    if (bundle or fmt == "pdf") and warn is not None:
        for message in undrawable_warnings(report):
            warn(message)

    def write(fh: BinaryIO) -> None:
        if bundle:
            write_bundle(fh, report, base, certificates)
        elif fmt == "pdf":
            fh.write(pdf_bytes(report))
        else:
            write_entries_csv(fh, report)

    return atomic_write(path, write, force=force, protect=ctx.logbook().path)
