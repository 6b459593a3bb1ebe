"""audit-export: the PDF read back with pypdf, the CSV, the zip bundle and atomic writes."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from cmelog import __version__

AS_OF = "2026-01-10"
CURRENT_WINDOW = "2024-06-16 \u2013 2026-06-15"
PREVIOUS_WINDOW = "2022-06-16 \u2013 2024-06-15"
BOARD = "Massachusetts Board of Registration in Medicine"
CSV_HEADER = (
    "cycle,id,date,end_date,title,provider,category,credits,minutes,kind,topics,format,url,"
    "certificate_sha256,certificate_name,notes"
)
CSV_COLUMNS = CSV_HEADER.split(",")  # noqa: SIM905 - the header exactly as cli.md writes it

# titles by role in the logbook built by `audit_logbook`
T_OPIOID = 'Opioid safety, "MA" edition'
T_SPAN = "Schmerztherapie f\u00fcr \u00c4rzte"
T_REGS = "Board regulations review"
T_ANCIENT_EOL = "Ancient end-of-life seminar"
T_OLD = "Old grand rounds"
T_FUTURE = "Future conference"

Cli = Callable[..., Any]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


class Logbook:
    """What `audit_logbook` stored: certificate bytes by role."""

    def __init__(self, certs: dict[str, bytes]) -> None:
        self.certs = certs

    def hash(self, role: str) -> str:
        return sha(self.certs[role])


@pytest.fixture
def audit_logbook(jane: Cli, tmp_path: Path) -> Logbook:
    """Jane's logbook with entries in the current and previous cycle, one before both, one
    after the current cycle, and one-time evidence (an old entry, an attestation)."""
    src = tmp_path / "certs-in"
    src.mkdir()
    certs = {
        "opioid": b"%PDF-1.4 opioid certificate\n",
        "regs": b"\x89PNG board regulations certificate",
        "eol": b"%PDF-1.4 end-of-life certificate 2019\n",
        "old": b"old grand rounds certificate",
        "future": b"future certificate",
        "ehr": b"%PDF-1.4 EHR meaningful use attestation evidence\n",
    }
    names = {
        "opioid": "opioid cert.pdf",
        "regs": "regs.png",
        "eol": "eol.pdf",
        "old": "old.txt",
        "future": "future.pdf",
        "ehr": "ehr-evidence.pdf",
    }
    for role, data in certs.items():
        (src / names[role]).write_bytes(data)

    def cert(role: str) -> list[str]:
        return ["--certificate", str(src / names[role])]

    ok(
        jane(
            "add", T_OPIOID, "--date", "2025-01-10", "--category", "1", "--credits", "3",
            "--provider", "Massachusetts Medical Society", "--topic", "opioids-pain-management",
            "--topic", "risk-management", *cert("opioid"),
        )
    )  # fmt: skip
    ok(
        jane(
            "add", T_SPAN, "--date", "2024-06-10", "--end-date", "2024-06-20",
            "--category", "2", "--minutes", "95", "--notes", "self study, \"two\" evenings",
        )
    )  # fmt: skip
    ok(
        jane(
            "add", T_REGS, "--date", "2023-03-01", "--category", "1", "--credits", "2",
            "--provider", "BORIM", "--topic", "board-regulations", *cert("regs"),
        )
    )  # fmt: skip
    ok(
        jane(
            "add", T_ANCIENT_EOL, "--date", "2019-03-01", "--category", "1", "--credits", "2",
            "--provider", "Hospice Society", "--topic", "end-of-life", *cert("eol"),
        )
    )  # fmt: skip
    ok(
        jane(
            "add", T_OLD, "--date", "2020-01-01", "--category", "2", "--credits", "1",
            *cert("old"),
        )
    )  # fmt: skip
    ok(
        jane(
            "add", T_FUTURE, "--date", "2026-09-01", "--category", "1", "--credits", "5",
            "--provider", "Future Inc", *cert("future"),
        )
    )  # fmt: skip
    ok(
        jane(
            "attest", "ehr", "--date", "2015-01-01", "--how", "meaningful use participation",
            *cert("ehr"),
        )
    )  # fmt: skip
    return Logbook(certs)


def export(cli: Cli, *args: str) -> Path:
    result = ok(cli("audit-export", "--as-of", AS_OF, *args))
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    path = Path(lines[0])
    assert path.is_file()
    return path


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # an audit CSV file starts with a UTF-8 BOM
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header = next(reader)
    assert header == CSV_COLUMNS
    return [dict(zip(header, row, strict=True)) for row in reader]


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# --------------------------------------------------------------------------------- the PDF


def test_pdf_holds_profile_cycles_entries_one_time_and_page_numbers(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path
) -> None:
    path = export(jane, "--output", str(tmp_path / "audit.pdf"))
    assert path == tmp_path / "audit.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    pages = pdf_pages(path)
    text = "\n".join(pages)
    flat = " ".join(text.split())

    # who, which board, which dates
    assert "Jane Roe, MD" in text
    assert "123456" in text
    assert BOARD in text
    assert "2026-06-15" in text
    assert CURRENT_WINDOW in text
    assert PREVIOUS_WINDOW in text
    # version and as-of date
    assert f"cmelog {__version__}" in text
    assert AS_OF in text

    # page numbers: every page says "Page X of Y", X counting up, Y the page count
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert f"cmelog {__version__}" in page and f"as of {AS_OF}" in page

    # entries of both cycles: dates, title, provider, category, credits, topics, certificate
    # (its original file name, which may wrap in its column)
    for title in (T_OPIOID, T_SPAN, T_REGS):
        assert title in text
    assert "2025-01-10" in text
    assert "2024-06-10" in text and "to 2024-06-20" in text  # a span shows both dates
    assert "2023-03-01" in text
    assert "Massachusetts Medical Society" in flat  # wrapped in its narrow column
    assert "BORIM" in text
    assert "opioid cert.pdf" in flat and "regs.png" in flat
    assert audit_logbook.hash("opioid")[:12] not in text
    assert "Opioids / pain mgmt" in text or "opioids-pain-management" in text
    # totals: current cycle 3 + 1.5 credits in 2 entries; previous cycle 2 in 1 entry
    assert "Totals (2 entries)" in text
    assert "Totals (1 entry)" in text
    assert "claimed 4.50" in flat and "claimed 2.00" in flat
    # requirement summaries: the opioid requirement is met in the current cycle (3 of 3)
    assert "Total credits" in text
    assert "Opioid education and pain management" in text
    assert "3.00 of 3.00" in flat
    assert "4.50 of 50.00" in flat  # current cycle total
    assert "2.00 of 50.00" in flat  # previous cycle total

    # entries outside both cycles are left out, one-time evidence appears in its section
    assert T_OLD not in text
    assert T_FUTURE not in text
    assert "old.txt" not in text
    assert "future.pdf" not in text
    one_time_at = text.index("One-time requirements")
    assert T_ANCIENT_EOL in text[one_time_at:]
    assert T_ANCIENT_EOL not in text[:one_time_at]
    assert "2019-03-01" in text[one_time_at:]
    assert "Hospice Society" in text[one_time_at:]
    assert "eol.pdf" in text[one_time_at:]
    # the attestation with its date and how
    assert "2015-01-01" in text[one_time_at:]
    assert "meaningful use participation" in text[one_time_at:]


def test_pdf_cycle_sections_hold_their_own_entries(audit_logbook: Logbook, jane: Cli) -> None:
    pages = pdf_pages(export(jane, "--output", "audit.pdf"))
    text = "\n".join(pages)
    current_at = text.index(f"Current cycle {CURRENT_WINDOW}\nCategory 1")
    previous_at = text.index(f"Previous cycle {PREVIOUS_WINDOW}\nJudged")
    one_time_at = text.index("One-time requirements")
    assert current_at < previous_at < one_time_at
    current = text[current_at:previous_at]
    previous = text[previous_at:one_time_at]
    assert T_OPIOID in current and T_SPAN in current and T_REGS not in current
    assert T_REGS in previous and T_OPIOID not in previous and T_SPAN not in previous


def test_pdf_bytes_are_deterministic_with_source_date_epoch(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first = export(jane, "--output", str(tmp_path / "a.pdf")).read_bytes()
    second = export(jane, "--output", str(tmp_path / "b.pdf")).read_bytes()
    assert first == second
    assert len(first) > 1000
    bundle_a = export(jane, "--bundle", "--output", str(tmp_path / "a.zip")).read_bytes()
    bundle_b = export(jane, "--bundle", "--output", str(tmp_path / "b.zip")).read_bytes()
    assert bundle_a == bundle_b


def test_pdf_default_name_in_the_current_folder(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "here"
    out.mkdir()
    monkeypatch.chdir(out)
    path = export(jane)
    assert path == out / f"cmelog-audit-123456-{AS_OF}.pdf"
    assert listing(out) == [f"cmelog-audit-123456-{AS_OF}.pdf"]


def test_pdf_of_the_installed_program(
    audit_logbook: Logbook, run_exe: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
) -> None:  # fmt: skip
    out = tmp_path / "exe"
    out.mkdir()
    result = run_exe("audit-export", "--as-of", AS_OF, "--output", str(out / "x.pdf"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out / "x.pdf")
    assert result.stderr == ""
    assert T_OPIOID in "\n".join(pdf_pages(out / "x.pdf"))


# --------------------------------------------------------------------------------- the CSV


def test_csv_has_the_contract_columns_and_only_the_two_cycles(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = export(jane, "--format", "csv")
    assert path == tmp_path / f"cmelog-audit-123456-{AS_OF}.csv"
    rows = csv_rows(path.read_bytes())
    by_title = {r["title"]: r for r in rows}
    assert set(by_title) == {T_OPIOID, T_SPAN, T_REGS}
    assert {r["cycle"] for r in rows} <= {"current", "previous"}
    assert by_title[T_OPIOID]["cycle"] == "current"
    assert by_title[T_SPAN]["cycle"] == "current"  # counts in the cycle of its end date
    assert by_title[T_REGS]["cycle"] == "previous"

    listed = {e["title"]: e for e in json.loads(ok(jane("list", "--json")).stdout)}
    opioid = by_title[T_OPIOID]
    assert opioid == {
        "cycle": "current",
        "id": str(listed[T_OPIOID]["id"]),
        "date": "2025-01-10",
        "end_date": "",
        "title": T_OPIOID,
        "provider": "Massachusetts Medical Society",
        "category": "1",
        "credits": "3",
        "minutes": "",
        "kind": "activity",
        "topics": "opioids-pain-management;risk-management",
        "format": "",
        "url": "",
        "certificate_sha256": audit_logbook.hash("opioid"),
        "certificate_name": "opioid cert.pdf",
        "notes": "",
    }
    span = by_title[T_SPAN]
    assert (span["date"], span["end_date"]) == ("2024-06-10", "2024-06-20")
    assert (span["category"], span["credits"], span["minutes"]) == ("2", "1.5", "95")
    assert span["provider"] == ""
    assert span["notes"] == 'self study, "two" evenings'
    assert by_title[T_REGS]["topics"] == "board-regulations"


def test_csv_path_is_printed_and_written_where_asked(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = ok(jane("audit-export", "--format", "CSV", "--as-of", AS_OF, "-o", "sub/out.csv"))
    assert result.stdout == f"{tmp_path / 'sub' / 'out.csv'}\n"
    assert (tmp_path / "sub" / "out.csv").is_file()
    assert len(csv_rows((tmp_path / "sub" / "out.csv").read_bytes())) == 3


def test_csv_cycles_move_with_as_of(audit_logbook: Logbook, jane: Cli, tmp_path: Path) -> None:
    # As of 2024-01-10 the current cycle is 2022-06-16..2024-06-15, the previous one
    # 2020-06-16..2022-06-15: the 2025 entries are "later", 2019/2020 entries "earlier".
    path = export(jane, "--format", "csv", "--as-of", "2024-01-10", "-o", str(tmp_path / "x.csv"))
    rows = csv_rows(path.read_bytes())
    assert [(r["cycle"], r["title"]) for r in rows] == [("current", T_REGS)]
    assert path.name == "x.csv"


def test_unknown_format_is_a_usage_error(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = listing(tmp_path)
    result = jane("audit-export", "--format", "docx", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "docx" in result.stderr and "pdf" in result.stderr
    assert result.stdout == ""
    assert listing(tmp_path) == before
    result = jane("audit-export", "--as-of", "2026-02-30")
    assert result.exit_code == 2
    assert "2026-02-30" in result.stderr
    assert listing(tmp_path) == before


def test_export_without_a_profile_writes_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("audit-export", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "cmelog init" in result.stderr
    assert not list(tmp_path.glob("cmelog-audit-*"))


# ------------------------------------------------------------------------------ the bundle


def test_bundle_holds_pdf_csv_certificates_and_checksums(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    path = export(jane, "--bundle")
    base = f"cmelog-audit-123456-{AS_OF}"
    assert path == tmp_path / f"{base}.zip"
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        members = {n: zf.read(n) for n in names}
    assert f"{base}.pdf" in names and f"{base}.csv" in names and "SHA256SUMS" in names

    # the certificates of the entries shown and of the one-time evidence, nothing else
    cert_contents = {sha(d) for n, d in members.items() if n.startswith("certificates/")}
    expected = {audit_logbook.hash(r) for r in ("opioid", "regs", "eol", "ehr")}
    assert cert_contents == expected
    assert len([n for n in names if n.startswith("certificates/")]) == 4
    # each certificate under its original file name
    certificate_names = {n for n in names if n.startswith("certificates/")}
    assert certificate_names == {
        "certificates/opioid cert.pdf",
        "certificates/regs.png",
        "certificates/eol.pdf",
        "certificates/ehr-evidence.pdf",
    }

    # the PDF and CSV in the bundle are those of a plain export
    assert members[f"{base}.pdf"] == export(jane, "-o", str(tmp_path / "p.pdf")).read_bytes()
    assert (
        members[f"{base}.csv"]
        == export(jane, "--format", "csv", "-o", str(tmp_path / "p.csv")).read_bytes()
    )

    # SHA256SUMS lists every other member, and the real sha256sum accepts it
    sums = members["SHA256SUMS"].decode("utf-8").splitlines()
    listed = {line.split("  ", 1)[1] for line in sums}
    assert listed == set(names) - {"SHA256SUMS"}
    extracted = tmp_path / "extracted"
    with zipfile.ZipFile(path) as zf:
        zf.extractall(extracted)
    check = subprocess.run(
        ["sha256sum", "-c", "--strict", "SHA256SUMS"],
        cwd=extracted,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(": OK") == len(names) - 1

    # a tampered file is caught by the same check
    victim = next(extracted.glob("certificates/*"))
    victim.write_bytes(b"tampered")
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=extracted, capture_output=True, text=True
    )
    assert check.returncode != 0


def test_bundle_with_format_csv_is_still_a_zip(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = export(jane, "--bundle", "--format", "csv")
    assert path.suffix == ".zip"
    assert zipfile.is_zipfile(path)


def test_bundle_refuses_when_a_certificate_is_missing(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    missing = audit_logbook.hash("regs")
    (db_path.parent / "certificates" / f"{missing}.png").unlink()
    before = listing(tmp_path)
    result = jane("audit-export", "--bundle", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert missing in result.stderr
    assert result.stdout == ""
    assert listing(tmp_path) == before


# --------------------------------------------------------------------------- atomic writes


def test_success_leaves_no_temporary_file(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    export(jane, "-o", str(out / "a.pdf"))
    export(jane, "--format", "csv", "-o", str(out / "a.csv"))
    export(jane, "--bundle", "-o", str(out / "a.zip"))
    assert listing(out) == ["a.csv", "a.pdf", "a.zip"]


def test_output_that_is_a_folder_receives_the_default_name(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "keep.txt").write_text("x")
    base = f"cmelog-audit-123456-{AS_OF}"
    for extra, ext in (([], "pdf"), (["--format", "csv"], "csv"), (["--bundle"], "zip")):
        result = jane("audit-export", "--as-of", AS_OF, "-o", str(folder), *extra)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip() == str(folder / f"{base}.{ext}")
    assert listing(folder) == sorted(["keep.txt", f"{base}.pdf", f"{base}.csv", f"{base}.zip"])
    assert (folder / f"{base}.pdf").read_bytes().startswith(b"%PDF")


def test_output_ending_in_csv_means_csv_unless_a_format_is_given(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path
) -> None:
    implied = jane("audit-export", "--as-of", AS_OF, "-o", str(tmp_path / "x.csv"))
    assert implied.exit_code == 0, implied.stderr
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").startswith("\ufeffcycle,id,date,")
    explicit = jane(
        "audit-export", "--as-of", AS_OF, "--format", "pdf", "-o", str(tmp_path / "y.csv")
    )
    assert explicit.exit_code == 0, explicit.stderr
    assert (tmp_path / "y.csv").read_bytes().startswith(b"%PDF")


def test_output_under_a_file_is_refused(audit_logbook: Logbook, jane: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    result = jane("audit-export", "--as-of", AS_OF, "-o", str(blocker / "audit.pdf"))
    assert result.exit_code == 1
    assert "audit.pdf" in result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_text() == "not a folder"


def test_read_only_folder_exit_1_and_nothing_written(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ro = tmp_path / "read-only"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        if os.access(ro, os.W_OK):
            # Running as root: permissions are not enforced, so have mkstemp fail the way the
            # kernel fails it for everyone else in a read-only folder.
            real_mkstemp = tempfile.mkstemp

            def denied(*args: Any, **kwargs: Any) -> tuple[int, str]:
                if Path(kwargs.get("dir") or "") == ro:
                    raise PermissionError(errno.EACCES, "Permission denied")
                return real_mkstemp(*args, **kwargs)

            monkeypatch.setattr(tempfile, "mkstemp", denied)
        for extra in ([], ["--format", "csv"], ["--bundle"]):
            result = jane("audit-export", "--as-of", AS_OF, "-o", str(ro / "audit.out"), *extra)
            assert result.exit_code == 1, result.stderr
            assert "audit.out" in result.stderr
            assert result.stdout == ""
            assert listing(ro) == []
    finally:
        ro.chmod(0o755)


def test_failure_while_writing_keeps_the_old_file_and_leaves_no_temporary(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "audit.pdf"
    target.write_bytes(b"the previous export")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    result = jane("audit-export", "--as-of", AS_OF, "-o", str(target), "--force")
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert result.stdout == ""
    assert target.read_bytes() == b"the previous export"
    assert listing(out) == ["audit.pdf"]


def test_failure_at_rename_leaves_no_temporary(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()

    def cross_device(src: Any, dst: Any) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "replace", cross_device)
    result = jane("audit-export", "--bundle", "--as-of", AS_OF, "-o", str(out / "a.zip"))
    assert result.exit_code == 1
    assert listing(out) == []


def test_interrupted_write_leaves_no_temporary(
    audit_logbook: Logbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cmelog.services.files import atomic_write

    out = tmp_path / "out"
    out.mkdir()

    def half_then_interrupt(fh: Any) -> None:
        fh.write(b"half of it")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(out / "x.pdf", half_then_interrupt)
    assert listing(out) == []


def test_exported_file_is_not_world_writable(
    audit_logbook: Logbook, jane: Cli, tmp_path: Path
) -> None:
    path = export(jane, "-o", str(tmp_path / "a.pdf"))
    mode = path.stat().st_mode & 0o777
    assert not mode & 0o022
    assert mode & 0o400


def test_page_numbers_on_a_long_report(jane: Cli, tmp_path: Path, db_path: Path) -> None:
    """Enough entries for several pages: every page is numbered X of Y, all rows are there."""
    import sqlite3

    rows = [
        (f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", f"Long report course {i:03d}")
        for i in range(220)
    ]
    csv_path = tmp_path / "many.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "title", "category", "credits"])
        for d, t in rows:
            w.writerow([d, t, "2", "0.5"])
    ok(jane("import", str(csv_path)))
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM entry").fetchone()[0] == 220
    pages = pdf_pages(export(jane, "-o", str(tmp_path / "long.pdf")))
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"Page {number} of {len(pages)}\b", page)
    text = "\n".join(pages)
    for _, title in rows:
        assert title in text
    assert "Totals (220 entries)" in text
    assert "claimed 110.00" in " ".join(text.split())


def test_pdf_shows_claimed_against_counted_and_one_time_evidence_of_any_date(
    jane: Cli, tmp_path: Path
) -> None:
    cert = tmp_path / "bias.pdf"
    cert.write_bytes(b"%PDF-1.4 implicit bias certificate")
    # two articles in one calendar year: the second is capped to 0 (10 per calendar year)
    ok(
        jane(
            "add", "Article one", "--date", "2025-02-01", "--kind", "article", "--provider", "NEJM"
        )
    )
    ok(
        jane(
            "add", "Article two", "--date", "2025-03-01", "--kind", "article", "--provider", "JAMA"
        )
    )
    # implicit bias met by an entry dated before both cycles
    ok(jane("add", "Bias training", "--date", "2019-01-05", "--category", "1", "--credits", "2",
            "--provider", "P", "--topic", "implicit-bias", "--certificate", str(cert)))  # fmt: skip
    text = "\n".join(pdf_pages(export(jane, "-o", str(tmp_path / "caps.pdf"))))
    flat = " ".join(text.split())
    assert "claimed 20.00, counted 10.00" in flat
    assert "Totals (2 entries) 20.00 10.00" in flat
    assert "10.00 0.00" in flat  # the capped article: claimed 10, counted 0
    assert "calendar year" in flat  # the cap is named
    one_time = text[text.index("One-time requirements") :]
    assert "Bias training" in one_time and "2019-01-05" in one_time
    assert "Bias training" not in text[: text.index("One-time requirements")]
    # its certificate goes into the bundle even though the entry is outside both cycles
    bundle = export(jane, "--bundle", "-o", str(tmp_path / "caps.zip"))
    with zipfile.ZipFile(bundle) as zf:
        certs = [zf.read(n) for n in zf.namelist() if n.startswith("certificates/")]
        csv_data = zf.read(next(n for n in zf.namelist() if n.endswith(".csv")))
    assert certs == [cert.read_bytes()]
    assert "Bias training" not in csv_data.decode("utf-8")


def test_first_cycle_license_and_unsafe_license_number_in_file_name(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(cli("init", "--name", "New Doc", "--birthday", "1975-06-15", "--license", "MA-99/1",
           "--license-issued", "2025-03-01"))  # fmt: skip
    ok(cli("add", "Before the license", "--date", "2024-01-01", "--category", "2",
           "--credits", "1"))  # fmt: skip
    ok(cli("add", "In the first cycle", "--date", "2025-04-01", "--category", "2",
           "--credits", "1"))  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    pdf = export(cli)
    csv_path = export(cli, "--format", "csv")
    assert pdf.parent == out and csv_path.parent == out
    assert pdf.name == f"cmelog-audit-MA-99-1-{AS_OF}.pdf"
    assert csv_path.name == f"cmelog-audit-MA-99-1-{AS_OF}.csv"
    rows = csv_rows(csv_path.read_bytes())
    assert [(r["cycle"], r["title"]) for r in rows] == [("current", "In the first cycle")]
    text = "\n".join(pdf_pages(pdf))
    assert "MA-99/1" in text
    assert "2025-03-01 \u2013 2026-06-15" in text
    assert "estimated" in text
    assert "In the first cycle" in text and "Before the license" not in text
