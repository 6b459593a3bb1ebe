"""import: the CSV of `list --csv` / `audit-export --format csv`, all rows or none."""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from cmelog.domain.credits import minutes_text, parse_decimal
from cmelog.domain.entries import EntryInput, build_entry
from cmelog.domain.model import Entry
from cmelog.errors import CmelogError, UsageError
from cmelog.services.context import Context, require_profile, rules_for

REQUIRED = ("date", "title", "category", "credits")
BAD = "\x00error"  # key of a record that could not be split into the columns


@dataclass(frozen=True)
class ImportResult:
    name: str
    added: int
    skipped: int
    dry_run: bool
    rounded: tuple[int, ...] = ()  # line numbers whose Category 2 credits were rounded


def _read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(first line number, row) for every record, and the header's columns."""
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise UsageError(
            f"The file {str(path)!r} does not exist; give the path of a CSV file."
        ) from None
    except OSError as exc:
        raise CmelogError(f"Cannot read {path}: {exc.strerror}.") from None
    rows: list[tuple[int, dict[str, str]]] = []
    with fh:
        try:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            if header is None:
                raise UsageError(
                    f"{path.name} is empty; it needs a header line with the columns "
                    f"{', '.join(REQUIRED)}."
                )
            columns = [h.strip().lower() for h in header]
            line = reader.line_num
            for record in reader:
                first = line + 1
                line = reader.line_num
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) > len(columns):
                    rows.append(
                        (
                            first,
                            {BAD: f"{len(record)} fields, the header has {len(columns)}"},
                        )
                    )
                    continue
                rows.append((first, dict(zip(columns, record, strict=False))))
        except UnicodeDecodeError:
            raise UsageError(
                f"{path.name} is not UTF-8 text; save the CSV as UTF-8 and retry."
            ) from None
        except csv.Error as exc:
            raise UsageError(
                f"{path.name} is not a well-formed CSV near line {reader.line_num} ({exc})."
            ) from None
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise UsageError(
            f"{path.name} lacks the required column(s) {', '.join(missing)}; the header needs "
            f"{', '.join(REQUIRED)} (see `cmelog list --csv`)."
        )
    return rows, columns


def _opt(row: dict[str, str], key: str) -> str | None:
    value = row.get(key)
    return value if value is not None and value.strip() != "" else None


def import_csv(ctx: Context, file: str, *, dry_run: bool) -> ImportResult:
    from cmelog.storage import reads

    path = Path(file).expanduser()
    rows, _columns = _read_rows(path)
    logbook = ctx.logbook()
    with logbook.session(write=not dry_run) as s:
        profile = require_profile(s)
        rules = rules_for(profile)
        errors: list[str] = []
        entries: list[Entry] = []
        rounded: list[int] = []
        for line, row in rows:
            if BAD in row:
                errors.append(f"line {line}: {row[BAD]}")
                continue
            try:
                missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
                if missing:
                    raise UsageError(f"{', '.join(missing)} empty")
                topics = [
                    t for t in (row.get("topics") or "").replace(",", ";").split(";") if t.strip()
                ]
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
                    ctx.today,
                )
                minutes = _opt(row, "minutes")
                minutes_value = (
                    minutes_text(_fraction(parse_decimal(minutes, "minutes"))) if minutes else None
                )
                sha = _opt(row, "certificate_sha256")
                if sha is not None and (
                    len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha.lower())
                ):
                    raise UsageError(f"certificate_sha256 {sha!r} is not a SHA-256 hex digest")
                entries.append(
                    dataclasses.replace(
                        built.entry,
                        minutes=minutes_value,
                        certificate_sha256=sha.lower() if sha else None,
                        certificate_name=_opt(row, "certificate_name"),
                        source=f"import:{path.name}:{line}",
                    )
                )
                if built.messages:
                    rounded.append(line)
            except UsageError as exc:
                errors.append(f"line {line}: {exc.message.rstrip('.')}")
        if errors:
            # every bad row is named (cli.md), so that one pass fixes the file
            raise UsageError(
                f"{path.name} was not imported ({len(errors)} bad "
                f"row{'s' if len(errors) != 1 else ''}; nothing was stored):\n  "
                + "\n  ".join(errors)
            )
        stored = reads.duplicate_keys(s)
        fresh: list[Entry] = []
        skipped = 0
        for e in entries:
            key = (e.date.isoformat(), e.title, e.provider, e.category, e.credits)
            if key in stored:
                skipped += 1
            else:
                fresh.append(e)
        if not dry_run:
            _insert(s, fresh)
        return ImportResult(path.name, len(fresh), skipped, dry_run, tuple(rounded))


def _insert(s: object, entries: list[Entry]) -> None:
    from cmelog.services.export import progress_bar
    from cmelog.storage import repo

    chunk = 2000
    with progress_bar(len(entries), "Importing") as progress:
        for i in range(0, len(entries), chunk):
            repo.add_entries(s, entries[i : i + chunk])  # type: ignore[arg-type]
            if progress:
                progress(min(len(entries), i + chunk))


def _fraction(d: Decimal) -> Fraction:
    return Fraction(d)
