"""import: the CSV of `list --csv` / `audit-export --format csv`, or a bundle `.zip` written by
`audit-export --bundle` (entries, attestations and certificates); all rows or none."""

from __future__ import annotations

import csv
import io
import os
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from cmelog.domain.credits import minutes_text, parse_decimal
from cmelog.domain.csvsafe import unescape_cell
from cmelog.domain.entries import EntryInput, build_entry
from cmelog.domain.model import Attestation, Entry
from cmelog.domain.textsafe import control_message, has_control
from cmelog.errors import CmelogError, UsageError
from cmelog.paths import user_path
from cmelog.services.context import Context, entry_rules, require_profile
from cmelog.structs import Struct, field, replace

REQUIRED = ("date", "title", "category", "credits")
ATTESTATION_REQUIRED = ("requirement", "date", "how")
BAD = "\x00error"  # key of a record that could not be split into the columns
_HEX = "0123456789abcdef"
_TEXT_COLUMNS = ("title", "provider", "notes", "url")  # control characters refused


class ImportResult(Struct, frozen=True):
    name: str
    added: int
    skipped: int
    dry_run: bool
    rounded: tuple[int, ...] = ()  # line numbers whose Category 2 credits were rounded
    attestations: int = 0  # attestations added (bundle)
    certificates: int = 0  # certificates added (bundle)


class BundleContents(Struct):
    """What a bundle brings, validated: entries, attestations, certificates (sha -> member)."""

    name: str
    zip_path: Path | None = None
    entries: list[Entry] = field(default_factory=list)
    attestations: list[Attestation] = field(default_factory=list)
    certificates: dict[str, str] = field(default_factory=dict)
    rounded: list[int] = field(default_factory=list)


Rows = list[tuple[int, dict[str, str]]]
RowStream = Iterator[tuple[int, dict[str, str]]]


def _csv_problem(name: str, exc: Exception, line: int) -> UsageError:
    if isinstance(exc, UnicodeDecodeError):
        return UsageError(f"{name} is not UTF-8 text; save the CSV as UTF-8 and retry.")
    return UsageError(f"{name} is not a well-formed CSV near line {line} ({exc}).")


def _read_stream(fh: IO[str], name: str, required: tuple[str, ...]) -> tuple[RowStream, list[str]]:
    """The header's columns (checked first: known once, no column twice, the required ones
    present), and (first line number, row) for every record, read as the stream is consumed
    (a 100k-row file is never held whole)."""
    reader = csv.reader(fh, strict=True)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _csv_problem(name, exc, reader.line_num) from None
    if header is None:
        raise UsageError(
            f"{name} is empty; it needs a header line with the columns {', '.join(required)}."
        )
    columns = [h.strip().lower() for h in header]
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        raise UsageError(
            f"{name} names the column(s) {', '.join(twice)} more than once in its header; "
            "give each column once."
        )
    missing = [c for c in required if c not in columns]
    if missing:
        raise UsageError(
            f"{name} lacks the required column(s) {', '.join(missing)}; the header needs "
            f"{', '.join(required)} (see `cmelog list --csv`)."
        )

    def rows() -> RowStream:
        line = reader.line_num
        try:
            for record in reader:
                first = line + 1
                line = reader.line_num
                if not "".join(record).strip():  # a blank record (every cell blank)
                    continue
                if len(record) > len(columns):
                    yield first, {BAD: f"{len(record)} fields, the header has {len(columns)}"}
                    continue
                # unescape_cell changes only a cell that starts with "'"
                cells = [unescape_cell(c) if c[:1] == "'" else c for c in record]
                yield first, dict(zip(columns, cells, strict=False))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _csv_problem(name, exc, reader.line_num) from None

    return rows(), columns


@contextmanager
def _open_rows(path: Path) -> Iterator[tuple[RowStream, list[str]]]:
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise UsageError(
            f"The file {str(path)!r} does not exist; give the path of a CSV file."
        ) from None
    except IsADirectoryError:
        raise UsageError(
            f"{path} is a folder; give the path of a CSV file or bundle .zip."
        ) from None
    except OSError as exc:
        raise CmelogError(f"Cannot read {path}: {exc.strerror}.") from None
    with fh:
        yield _read_stream(fh, path.name, REQUIRED)


def _opt(row: dict[str, str], key: str) -> str | None:
    value = row.get(key)
    return value if value and not value.isspace() else None


def _sha(row: dict[str, str]) -> str | None:
    sha = _opt(row, "certificate_sha256")
    if sha is None:
        return None
    sha = sha.strip().lower()
    if len(sha) != 64 or any(c not in _HEX for c in sha):
        raise UsageError(f"certificate_sha256 {sha!r} is not a SHA-256 hex digest")
    return sha


def _cert_name(row: dict[str, str]) -> str | None:
    name = _opt(row, "certificate_name")
    if name is not None and has_control(name):
        raise UsageError(control_message("certificate_name", name).rstrip("."))
    return name


def _build_entries(
    ctx: Context,
    rows: Iterable[tuple[int, dict[str, str]]],
    rules: Any,
    file_name: str,
    known: Iterable[str],
    certs_folder: Path,
) -> tuple[list[Entry], list[int], list[str]]:
    errors: list[str] = []
    rounded: list[int] = []
    entries = list(_entries(ctx, rows, rules, file_name, known, certs_folder, errors, rounded))
    return entries, rounded, errors


def _entries(
    ctx: Context,
    rows: Iterable[tuple[int, dict[str, str]]],
    rules: Any,
    file_name: str,
    known: Iterable[str],
    certs_folder: Path,
    errors: list[str],
    rounded: list[int],
) -> Iterator[Entry]:
    """The entry of each good row, as the rows come; each bad row is named in `errors`."""
    available = set(known)
    today = ctx.today
    source = f"import:{file_name}:"
    for line, row in rows:
        if BAD in row:
            errors.append(f"line {line}: {row[BAD]}")
            continue
        try:
            get = row.get
            missing = [c for c in REQUIRED if not (get(c) or "").strip()]
            if missing:
                raise UsageError(f"{', '.join(missing)} empty")
            for key in _TEXT_COLUMNS:
                if has_control(get(key)):
                    raise UsageError(control_message(key, row[key]).rstrip("."))
            topics = [t for t in (get("topics") or "").replace(",", ";").split(";") if t.strip()]
            built = build_entry(
                EntryInput(
                    title=row["title"],
                    date=row["date"],
                    end_date=_opt(row, "end_date"),
                    category=row["category"],
                    credits=row["credits"],
                    provider=_opt(row, "provider"),
                    topics=topics,
                    kind=_opt(row, "kind"),
                    format=_opt(row, "format"),
                    url=_opt(row, "url"),
                    notes=_opt(row, "notes"),
                ),
                rules,
                today,
            )
            minutes = _opt(row, "minutes")
            minutes_value = (
                minutes_text(_fraction(parse_decimal(minutes, "minutes"))) if minutes else None
            )
            sha = _sha(row)
            name = _cert_name(row)
            if sha is not None and sha not in available:
                from cmelog.services.certificates import certificate_file

                if certificate_file(certs_folder, sha, name).exists():
                    available.add(sha)
                else:
                    raise UsageError(
                        f"certificate_sha256 {sha[:12]}... names no stored certificate "
                        "(nor one in the file imported); import the bundle that holds it, or "
                        "leave the cell empty"
                    )
            if built.messages:
                rounded.append(line)
            yield replace(
                built.entry,
                minutes=minutes_value,
                certificate_sha256=sha,
                certificate_name=name if sha else None,
                source=f"{source}{line}",
            )
        except UsageError as exc:
            errors.append(f"line {line}: {exc.message.rstrip('.')}")


def _refuse(name: str, errors: list[str]) -> UsageError:
    # every bad row is named (cli.md), so that one pass fixes the file
    return UsageError(
        f"{name} was not imported ({len(errors)} bad "
        f"row{'s' if len(errors) != 1 else ''}; nothing was stored):\n  " + "\n  ".join(errors)
    )


def import_csv(ctx: Context, file: str, *, dry_run: bool) -> ImportResult:
    from cmelog.storage import bulk, reads

    if not file.strip():
        raise UsageError("FILE is empty; give the path of a CSV file or bundle .zip.")
    path = user_path(file)
    if path.suffix.lower() == ".zip" or (path.is_file() and zipfile.is_zipfile(path)):
        return import_bundle(ctx, path, dry_run=dry_run)
    errors: list[str] = []
    rounded: list[int] = []
    added = skipped = 0
    with _open_rows(path) as (rows, _columns):  # the file's header is checked first
        logbook = ctx.logbook()
        # plain sqlite3 (no SQLAlchemy): one BEGIN IMMEDIATE transaction, or a read for --dry-run
        with logbook.reader() if dry_run else logbook.writer() as s:
            profile = require_profile(s)
            rules = entry_rules(profile, ctx)
            stored = reads.duplicate_keys(s)
            entries = _entries(
                ctx, rows, rules, path.name, (), logbook.certificates, errors, rounded
            )
            with _progress(path) as progress:
                for chunk in _chunks(entries, 2000):
                    fresh, skip = _fresh(stored, chunk)
                    added += len(fresh)
                    skipped += skip
                    if not dry_run and not errors:  # a bad row anywhere: nothing is stored
                        bulk.add_entries(s, fresh, command="import")
                    if progress:
                        progress(added + skipped)
            if errors:
                raise _refuse(path.name, errors)  # rolls the whole transaction back
            return ImportResult(path.name, added, skipped, dry_run, tuple(rounded))


def _chunks(items: Iterable[Entry], size: int) -> Iterator[list[Entry]]:
    chunk: list[Entry] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def _progress(path: Path) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal, its total the file's line count (a cheap estimate)."""
    if not sys.stderr.isatty():  # progress_bar draws only on a terminal: skip the count
        yield None
        return
    from cmelog.services.export import progress_bar

    try:
        with path.open("rb") as fh:
            lines = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        lines = 0
    with progress_bar(max(0, lines - 1), "Importing") as progress:
        yield progress


def _fresh(stored: set[Any], entries: list[Entry]) -> tuple[list[Entry], int]:
    fresh: list[Entry] = []
    skipped = 0
    for e in entries:
        key = (e.date.isoformat(), e.title, e.provider, e.category, e.credits)
        if key in stored:
            skipped += 1
        else:
            fresh.append(e)
    return fresh, skipped


def _insert(s: object, entries: list[Entry], command: str = "import") -> None:
    from cmelog.services.export import progress_bar
    from cmelog.storage import repo

    chunk = 2000
    with progress_bar(len(entries), "Importing") as progress:
        for i in range(0, len(entries), chunk):
            repo.add_entries(s, entries[i : i + chunk], command=command)  # type: ignore[arg-type]
            if progress:
                progress(min(len(entries), i + chunk))


def _fraction(d: Decimal) -> Fraction:
    return Fraction(d)


# ------------------------------------------------------------------ bundles
def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise UsageError(
            f"The file {str(path)!r} does not exist; give the path of a CSV file or bundle .zip."
        ) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise UsageError(
            f"{path.name} is not a readable zip bundle ({exc}); give a bundle written by "
            "`cmelog audit-export --bundle`."
        ) from None


def _csv_member(zf: zipfile.ZipFile, member: str, required: tuple[str, ...]) -> tuple[Rows, str]:
    label = f"{member} in the bundle"
    with zf.open(member) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        rows, _ = _read_stream(text, label, required)
        return list(rows), label


def _certificate_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """sha256 -> member, for every file in the bundle's certificates/ folder (streamed)."""
    from hashlib import sha256

    found: dict[str, str] = {}
    for info in zf.infolist():
        if info.is_dir():
            continue
        parts = info.filename.replace("\\", "/").split("/")
        if "certificates" not in parts[:-1]:
            continue
        digest = sha256()
        with zf.open(info) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        found.setdefault(digest.hexdigest(), info.filename)
    return found


def bundle_contents(ctx: Context, path: Path) -> BundleContents:
    """Read and validate a bundle (all rows or none): exit 2 naming every bad row."""
    zf = _open_zip(path)
    with zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        base = {n: n.replace("\\", "/").rsplit("/", 1)[-1].lower() for n in names}
        csvs = [
            n
            for n in names
            if base[n].endswith(".csv")
            and base[n] not in ("attestations.csv", "summary.csv")
            and "certificates/" not in n
        ]
        if len(csvs) != 1:
            raise UsageError(
                f"{path.name} holds {len(csvs)} entry CSV files; a bundle written by "
                "`cmelog audit-export --bundle` holds one."
            )
        att_member = next((n for n in names if base[n] == "attestations.csv"), None)
        try:
            certs = _certificate_members(zf)
            entry_rows, label = _csv_member(zf, csvs[0], REQUIRED)
            att_rows: Rows = []
            att_label = ""
            if att_member is not None:
                att_rows, att_label = _csv_member(zf, att_member, ATTESTATION_REQUIRED)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise UsageError(f"{path.name} is damaged ({exc}); nothing was imported.") from None
    contents = BundleContents(path.name, path, certificates=certs)
    with ctx.logbook().reader() as c:
        profile = require_profile(c)
        rules = entry_rules(profile, ctx)
        certs_folder = ctx.logbook().certificates
        entries, rounded, errors = _build_entries(
            ctx, entry_rows, rules, path.name, certs, certs_folder
        )
        errors = [f"{label}, {e}" for e in errors]
        attestations, att_errors = _build_attestations(ctx, att_rows, rules, certs, certs_folder)
        errors += [f"{att_label}, {e}" for e in att_errors]
    if errors:
        raise _refuse(path.name, errors)
    contents.entries = entries
    contents.attestations = attestations
    contents.rounded = rounded
    return contents


def _build_attestations(
    ctx: Context, rows: Rows, rules: Any, certs: dict[str, str], folder: Path
) -> tuple[list[Attestation], list[str]]:
    from cmelog.domain.dates import parse_date
    from cmelog.domain.entries import clean_text
    from cmelog.services.certificates import certificate_file

    out: list[Attestation] = []
    errors: list[str] = []
    for line, row in rows:
        if BAD in row:
            errors.append(f"line {line}: {row[BAD]}")
            continue
        try:
            req = rules.requirement((row.get("requirement") or "").strip())
            if req is None or not req.attestation:
                raise UsageError(f"requirement {row.get('requirement')!r} cannot be attested")
            when = parse_date(row.get("date") or "", ctx.today, "date")
            how = clean_text(row.get("how") or "", "how")
            if not how:
                raise UsageError("how empty")
            sha = _sha(row)
            name = _cert_name(row)
            if (
                sha is not None
                and sha not in certs
                and not (certificate_file(folder, sha, name).exists())
            ):
                raise UsageError(
                    f"certificate_sha256 {sha[:12]}... names no stored certificate (nor one in "
                    "the bundle)"
                )
            out.append(Attestation(0, req.id, when, how, sha, name if sha else None))
        except UsageError as exc:
            errors.append(f"line {line}: {exc.message.rstrip('.')}")
    return out, errors


def import_bundle(ctx: Context, path: Path, *, dry_run: bool) -> ImportResult:
    contents = bundle_contents(ctx, path)
    if dry_run:
        from cmelog.storage import reads

        with ctx.logbook().reader() as c:
            fresh, skipped = _fresh(reads.duplicate_keys(c), contents.entries)
        return ImportResult(path.name, len(fresh), skipped, True, tuple(contents.rounded))
    added, skipped, atts, certs = store_bundle(ctx, contents)
    return ImportResult(path.name, added, skipped, False, tuple(contents.rounded), atts, certs)


def _extract_certificates(contents: BundleContents, folder: Path, wanted: set[str]) -> list[Path]:
    """Copy the bundle's certificates that the logbook lacks into `folder` (temporary file,
    hash checked, renamed); the files created, for undoing a failure."""
    from hashlib import sha256

    from cmelog.services.certificates import certificate_file, stored_suffix
    from cmelog.services.files import FILE_MODE, private_dir, tmp_name

    created: list[Path] = []
    if not wanted or contents.zip_path is None:
        return created
    private_dir(folder)
    with zipfile.ZipFile(contents.zip_path) as zf:
        for sha in sorted(wanted):
            member = contents.certificates.get(sha)
            if member is None or certificate_file(folder, sha, None).exists():
                continue
            target = folder / (sha + stored_suffix(member))
            tmp = folder / tmp_name()
            digest = sha256()
            try:
                fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
                with zf.open(member) as src, os.fdopen(fd, "wb") as out:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
                if digest.hexdigest() != sha:
                    raise CmelogError(
                        f"The certificate {member} in {contents.name} changed while it was "
                        "read; nothing was imported."
                    )
                os.replace(tmp, target)
                created.append(target)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
    return created


def store_bundle(
    ctx: Context, contents: BundleContents, *, replace: bool = False, command: str = "import"
) -> tuple[int, int, int, int]:
    """Store a validated bundle in one transaction: (entries added, skipped, attestations
    added, certificates added). With `replace`, the logbook's entries and attestations are
    deleted first (restore), each deletion in the history."""
    from cmelog.storage import reads, repo

    logbook = ctx.logbook()
    wanted = {e.certificate_sha256 for e in contents.entries if e.certificate_sha256}
    wanted |= {a.certificate_sha256 for a in contents.attestations if a.certificate_sha256}
    created: list[Path] = []
    try:
        with logbook.session(write=True) as s:
            require_profile(s)
            created = _extract_certificates(contents, logbook.certificates, wanted)
            if replace:
                for e in reads.list_entries(s):
                    repo.delete_entry(s, e.id, command=command)
                for a in reads.list_attestations(s):
                    repo.delete_attestation(s, a.id, command=command)
            fresh, skipped = _fresh(reads.duplicate_keys(s), contents.entries)
            _insert(s, fresh, command)
            have = {(a.requirement, a.date, a.how) for a in reads.list_attestations(s)}
            atts = 0
            for a in contents.attestations:
                if (a.requirement, a.date, a.how) not in have:
                    have.add((a.requirement, a.date, a.how))
                    repo.add_attestation(s, a, command=command)
                    atts += 1
    except BaseException:
        for p in created:
            p.unlink(missing_ok=True)
        raise
    return len(fresh), skipped, atts, len(created)
