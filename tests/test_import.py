"""import: the CSV of `list --csv` and `audit-export --format csv`, all rows or none."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

Cli = Callable[..., Any]
AS_OF = "2026-01-10"  # current cycle 2024-06-16..2026-06-15, previous 2022-06-16..2024-06-15
HEADER = (
    "cycle,id,date,end_date,title,provider,category,credits,minutes,kind,topics,format,url,"
    "certificate_sha256,certificate_name,notes"
)
SHA = "ab" * 32
JANE = [
    "init", "--name", "Jane Roe, MD", "--birthday", "1975-06-15", "--license", "123456",
    "--license-expires", "2026-06-15",
]  # fmt: skip


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def entries(cli: Cli, *db: str) -> list[dict[str, Any]]:
    return list(json.loads(ok(cli(*db, "list", "--json")).stdout))


def without(items: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k not in keys} for e in items]


def table_rows(db: Path) -> list[tuple[Any, ...]]:
    """Every stored column of every entry except id and source, ordered by date then id."""
    con = sqlite3.connect(db)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(entry)")]
        keep = [c for c in cols if c not in ("id", "source")]
        sql = f"SELECT {', '.join(keep)} FROM entry ORDER BY date, id"
        return [tuple(r) for r in con.execute(sql)]
    finally:
        con.close()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def first_lines(path: Path) -> list[int]:
    """The line on which each non-blank record of a CSV file starts (header is line 1)."""
    starts: list[int] = []
    line = 1
    in_quotes = False
    record_start = 1
    has_content = False
    text = path.read_text(encoding="utf-8-sig")
    text = text.replace("\r\n", "\n")
    for ch in text:
        if ch == '"':
            in_quotes = not in_quotes
        if ch == "\n":
            line += 1
            if not in_quotes:
                if has_content:
                    starts.append(record_start)
                record_start = line
                has_content = False
            continue
        has_content = True
    if has_content:
        starts.append(record_start)
    return starts[1:]  # the header is not a record


def csv_stdout(*args: str) -> bytes:
    """The exact bytes the installed program prints (no newline translation)."""
    proc = subprocess.run([_exe(), *args], capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    return proc.stdout


@pytest.fixture
def fresh(tmp_path: Path, cli: Cli) -> tuple[str, Path]:
    """A second, empty logbook with Jane's profile: the `--db` option that selects it."""
    db = tmp_path / "fresh" / "cmelog.db"
    ok(cli("--db", str(db), *JANE))
    return "--db", db


def _share_certificates(tmp_path: Path, fresh: tuple[str, Path]) -> None:
    """An imported certificate hash must name a stored certificate (0.2): the second logbook
    gets the first one's certificates, as a bundle import would bring them."""
    import shutil

    src = tmp_path / "logbook" / "certificates"
    if src.is_dir():
        shutil.copytree(src, fresh[1].parent / "certificates", dirs_exist_ok=True)


@pytest.fixture
def tricky(jane: Cli, tmp_path: Path) -> Cli:
    """Entries that stress every column: quotes, commas, newlines, non-ASCII, minutes, topics,
    certificates, kinds, formats, spans, duplicates, and dates in every cycle."""
    cert = tmp_path / 'Zertifikat, "Mai" 2025 – ü.pdf'
    cert.write_bytes(b"%PDF-1.4 certificate bytes")

    def add(*args: str) -> None:
        ok(jane("add", *args))

    add(
        'Opioids, "safe" prescribing\tPart 2', "--date", "2025-01-10", "--category", "1",
        "--credits", "3", "--provider", 'Smith, "Jones" & Co.', "--topic",
        "opioids-pain-management", "--topic", "risk-management", "--format", "live",
        "--url", "https://example.org/a?b=1,2&c=\"3\"", "--certificate", str(cert),
        "--notes", "line one\tline two, with a comma; and a \"quote\"",
    )  # fmt: skip
    add(
        "Ärztliche Fortbildung – Schmerz 痛み 🩺", "--date", "2024-06-10", "--end-date",
        "2024-06-20", "--category", "2", "--minutes", "95", "--provider", "Ünïcødé GmbH",
        "--notes", "naïve café — 東京",
    )  # fmt: skip
    add("Quarter hour", "--date", "2025-02-01", "--category", "2", "--hours", "0.125")
    add(
        "Teaching rounds", "--date", "2025-03-01", "--kind", "teaching", "--hours", "1.5",
        "--provider", "Teaching Hospital",
    )  # fmt: skip
    add(
        "Board certification", "--date", "2023-05-05", "--kind", "board-certification",
        "--provider", "ABIM",
    )  # fmt: skip
    add(
        "Hundredths", "--date", "2023-01-01", "--category", "1", "--credits", "1.33",
        "--provider", "P", "--topic", "board-regulations", "--format", "online",
    )  # fmt: skip
    add("Twin", "--date", "2025-04-04", "--category", "2", "--credits", "1")
    add("Twin", "--date", "2025-04-04", "--category", "2", "--credits", "1", "--allow-duplicate")
    add(
        "=SUM(1,2) ; leading spaces kept inside", "--date", "2019-03-01", "--category", "1",
        "--credits", "2", "--provider", "Old\tProvider", "--topic", "end-of-life",
    )  # fmt: skip
    add("Future, later", "--date", "2027-02-02", "--category", "2", "--credits", "0.5")
    return jane


# ------------------------------------------------------------------------------ round trip


def test_list_csv_round_trip_is_lossless(
    tricky: Cli, fresh: tuple[str, Path], tmp_path: Path, db_path: Path
) -> None:
    before = entries(tricky)
    assert len(before) == 10
    listing = csv_stdout("list", "--csv", "--as-of", AS_OF)
    assert listing.split(b"\r\n")[0] == HEADER.encode()
    path = tmp_path / "export.csv"
    path.write_bytes(listing)

    _share_certificates(tmp_path, fresh)

    result = ok(tricky(*fresh, "import", str(path)))
    assert "10" in result.stdout
    after = entries(tricky, *fresh)
    assert without(after, "id", "source") == without(before, "id", "source")
    assert table_rows(fresh[1]) == table_rows(db_path)
    # where each entry came from: the file name and the first line of its record
    assert [e["source"] for e in after] == [f"import:export.csv:{n}" for n in first_lines(path)]
    assert any(":" in e["source"] and e["source"] != "import:export.csv:2" for e in after)


def test_audit_csv_round_trip_is_lossless_for_the_two_cycles(
    tricky: Cli, fresh: tuple[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "audit.csv"
    ok(tricky("audit-export", "--format", "csv", "--as-of", AS_OF, "--output", str(out)))
    _share_certificates(tmp_path, fresh)
    ok(tricky(*fresh, "import", str(out)))
    in_cycles = [
        e for e in entries(tricky) if "2022-06-16" <= (e["end_date"] or e["date"]) <= "2026-06-15"
    ]
    assert len(in_cycles) == 8
    after = entries(tricky, *fresh)
    assert without(after, "id", "source") == without(in_cycles, "id", "source")
    assert all(e["source"].startswith("import:audit.csv:") for e in after)


def test_round_trip_twice_adds_nothing(
    tricky: Cli, fresh: tuple[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(csv_stdout("list", "--csv"))
    _share_certificates(tmp_path, fresh)
    first = ok(tricky(*fresh, "import", str(path))).stdout
    assert re.search(r"\b10\b.*\bskipped 0\b", first), first
    second = ok(tricky(*fresh, "import", str(path))).stdout
    assert re.search(r"\b0 entries\b.*\bskipped 10\b", second), second
    assert len(entries(tricky, *fresh)) == 10
    # and into the logbook it came from: every row is already there
    third = ok(tricky("import", str(path))).stdout
    assert "skipped 10" in third
    assert len(entries(tricky)) == 10


def test_duplicates_of_stored_entries_are_skipped_and_counted(jane: Cli, tmp_path: Path) -> None:
    ok(jane("add", "Stored", "--date", "2025-01-01", "--category", "1", "--credits", "2",
            "--provider", "P"))  # fmt: skip
    path = write(
        tmp_path / "d.csv",
        "date,title,provider,category,credits\n"
        "2025-01-01,Stored,P,1,2.00\n"  # same credits written differently: a duplicate
        "2025-01-01,Stored,Other provider,1,2\n"  # another provider: new
        "2025-01-01,Stored,P,1,2.5\n"  # other credits: new
        "2025-01-02,Stored,P,1,2\n",  # other date: new
    )
    result = ok(jane("import", str(path)))
    assert "Imported 3 entries" in result.stdout and "skipped 1" in result.stdout
    assert len(entries(jane)) == 4


# ----------------------------------------------------------------------- columns and source


def test_required_columns_only_and_sources_name_the_first_line(jane: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "min.csv",
        "date,title,category,credits\r\n"
        "2025-01-01,One,2,1\r\n"
        '2025-01-02,"Two\r\nspans\r\nthree lines",2,1.5\r\n'
        "\r\n"
        "2025-01-03,Three,2,0.25\r\n",
    )
    # a record spanning lines is named by its first line; line breaks in a title are
    # control characters, refused (cli.md 0.2, "Text fields")
    result = jane("import", str(path))
    assert result.exit_code == 2
    assert "line 3:" in result.stderr and "title" in result.stderr.lower()
    path.write_bytes(path.read_bytes().replace(b"Two\r\nspans\r\nthree lines", b"Two\tspans"))
    path.write_bytes(
        path.read_bytes().replace(b"\r\n\r\n2025-01-03", b"\r\n\r\n\r\n\r\n\r\n2025-01-03")
    )
    result = ok(jane("import", str(path)))
    assert "Imported 3 entries" in result.stdout
    got = entries(jane)
    assert [e["title"] for e in got] == ["One", "Two\tspans", "Three"]
    assert [e["source"] for e in got] == [
        "import:min.csv:2",
        "import:min.csv:3",
        "import:min.csv:8",
    ]
    assert [e["credits"] for e in got] == [1, 1.5, 0.25]
    assert all(e["provider"] is None and e["topics"] == [] for e in got)
    assert all(e["kind"] == "activity" for e in got)


def test_extra_columns_id_and_cycle_are_ignored_and_order_and_case_do_not_matter(
    jane: Cli, tmp_path: Path
) -> None:
    ok(jane("add", "Existing", "--date", "2024-01-01", "--category", "2", "--credits", "1"))
    path = write(
        tmp_path / "x.csv",
        "\ufeffCredits,Rating,TITLE,id,Cycle,Date,Category, topics \n"
        "2,5 stars,Imported one,1,nonsense,2025-05-05,2,risk-management;ehr\n"
        "1.25,,Imported two,999,later,2025-05-06,2,\n",
    )
    ok(jane("import", str(path)))
    got = entries(jane)
    assert [e["title"] for e in got] == ["Existing", "Imported one", "Imported two"]
    assert got[0]["source"] == "typed"  # id 1 in the file did not touch entry 1
    assert [e["id"] for e in got] == [1, 2, 3]
    assert got[1]["topics"] == ["ehr", "risk-management"]
    assert got[2]["credits"] == 1.25
    assert "rating" not in got[1] and "Rating" not in got[1]


def test_dry_run_stores_nothing(jane: Cli, tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path / "d.csv", "date,title,category,credits\n2025-01-01,A,2,1\n")
    before = db_path.read_bytes()
    result = ok(jane("import", str(path), "--dry-run"))
    assert "1" in result.stdout
    assert entries(jane) == []
    assert db_path.read_bytes() == before
    ok(jane("import", str(path)))
    assert len(entries(jane)) == 1
    result = ok(jane("import", str(path), "--dry-run"))
    assert "skipped 1" in result.stdout


# ---------------------------------------------------------------------------- all or none


BAD_FILE = (
    "date,title,category,credits,provider,topics,minutes,certificate_sha256\n"  # 1
    "2025-01-01,Good one,2,1,,,,\n"  # 2 good
    "2025-13-01,Bad date,2,1,,,,\n"  # 3 bad date
    '2025-01-02,"Bad category\nspanning two lines",3,1,,,,\n'  # 4-5 bad category
    "2025-01-03,Good two,1,2,Provider,risk-management,,\n"  # 6 good
    "2025-01-04,,2,1,,,,\n"  # 7 empty title
    "2025-01-05,Too,many,fields,2,1,,,,,\n"  # 8 too many fields
    "2025-01-06,Bad credits,2,abc,,,,\n"  # 9 credits not a number
    "2025-01-07,Bad topic,2,1,,astrology,,\n"  # 10 unknown topic
    "2025-01-08,No provider for category 1,1,1,,,,\n"  # 11 category 1 without provider
    "\n"  # 12 blank: ignored
    "2025-01-09,Bad minutes,2,1,,,-5,\n"  # 13 negative minutes
    f"2025-01-10,Bad hash,2,1,,,,{SHA[:-2]}\n"  # 14 short certificate hash
    "2025-01-11,Zero,2,0.1,,,,\n"  # 15 rounds to 0 quarter credits
    "2025-01-12,Good three,2,1,,,,\n"  # 16 good
)
BAD_LINES = {
    3: "2025-13-01",
    4: "control characters",
    7: "title",
    8: "fields",
    9: "abc",
    10: "astrology",
    11: "provider",
    13: "-5",
    14: "certificate_sha256",
    15: "0",
}


def test_bad_rows_refuse_the_file_naming_every_bad_line(
    jane: Cli, tmp_path: Path, db_path: Path
) -> None:
    ok(jane("add", "Already here", "--date", "2024-01-01", "--category", "2", "--credits", "1"))
    before = db_path.read_bytes()
    path = write(tmp_path / "bad.csv", BAD_FILE)
    for extra in ([], ["--dry-run"]):
        result = jane("import", str(path), *extra)
        assert result.exit_code == 2, result.stdout
        assert result.stdout == ""
        assert "bad.csv" in result.stderr
        named = {int(n) for n in re.findall(r"\bline (\d+)", result.stderr)}
        assert named == set(BAD_LINES), result.stderr
        for line, why in BAD_LINES.items():
            (text,) = [ln for ln in result.stderr.splitlines() if f"line {line}:" in ln]
            assert why.lower() in text.lower(), text
        assert "Traceback" not in result.stderr
    assert [e["title"] for e in entries(jane)] == ["Already here"]
    assert db_path.read_bytes() == before


def test_every_bad_row_is_named_even_when_there_are_many(jane: Cli, tmp_path: Path) -> None:
    lines = ["date,title,category,credits"]
    lines += [f"2025-01-01,Row {i},2,{'x' if i % 2 else '1'}" for i in range(150)]
    path = write(tmp_path / "many.csv", "\n".join(lines) + "\n")
    result = jane("import", str(path))
    assert result.exit_code == 2
    named = {int(n) for n in re.findall(r"\bline (\d+)", result.stderr)}
    assert named == {i + 2 for i in range(150) if i % 2}
    assert entries(jane) == []


def test_a_bad_row_after_the_first_stored_chunk_still_stores_nothing(
    jane: Cli, tmp_path: Path, db_path: Path
) -> None:
    """import streams its rows and inserts them in chunks of 2,000 inside one transaction: a
    bad row (or a broken record) after the first chunk rolls every chunk back."""
    good = [f"2025-01-{1 + i % 28:02d},Streamed {i},2,1" for i in range(2_500)]
    bad_value = write(
        tmp_path / "late-bad.csv",
        "\n".join(["date,title,category,credits", *good, "2025-02-01,Late,2,x"]) + "\n",
    )
    result = jane("import", str(bad_value))
    assert result.exit_code == 2 and "line 2502" in result.stderr
    broken = write(
        tmp_path / "late-broken.csv",
        "\n".join(["date,title,category,credits", *good, '2025-02-01,"unterminated,2,1']) + "\n",
    )
    assert jane("import", str(broken)).exit_code == 2
    assert entries(jane) == []
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT count(*) FROM history").fetchone()[0] == 0
    finally:
        con.close()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("title,category,credits\nA,2,1\n", "date"),
        ("date,title,category\n2025-01-01,A,2\n", "credits"),
        ("", "empty"),
        ('date,title,category,credits\n2025-01-01,"unterminated,2,1\n', "csv"),
    ],
)
def test_unusable_files_are_usage_errors(jane: Cli, tmp_path: Path, content: str, why: str) -> None:
    path = write(tmp_path / "u.csv", content)
    result = jane("import", str(path))
    assert result.exit_code == 2
    assert why in result.stderr.lower()
    assert entries(jane) == []


def test_not_utf8_and_missing_files(jane: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "latin.csv", "date,title,category,credits\n2025-01-01,Caf\u00e9,2,1\n",
                 encoding="latin-1")  # fmt: skip
    result = jane("import", str(path))
    assert result.exit_code == 2
    assert "UTF-8" in result.stderr
    result = jane("import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr
    assert entries(jane) == []


def test_import_without_a_profile_is_exit_1(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "date,title,category,credits\n2025-01-01,A,2,1\n")
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert "cmelog init" in result.stderr


# ---------------------------------------------------------------------- killed midway


def _exe() -> str:
    exe = Path(sys.executable).parent / "cmelog"
    found = str(exe) if exe.exists() else shutil.which("cmelog")
    assert found, "the cmelog entry point is not installed"
    return found


def _big_csv(path: Path, rows: int) -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["date", "title", "category", "credits", "provider", "topics", "notes"])
    for i in range(rows):
        w.writerow(
            [
                f"{2010 + i % 16}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                f'Bulk course {i}, "part" {i % 7} ' + "x" * 60,
                1 + i % 2,
                "1.25",
                f"Provider {i % 13}",
                "risk-management;end-of-life" if i % 3 else "",
                "note " * 10,
            ]
        )
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    return path


def _snapshot(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def _hot(journal: Path) -> bool:
    """SQLite writes the journal's magic number once the journal is synced, before it
    overwrites pages of the database: from then on a crash needs a rollback."""
    try:
        with journal.open("rb") as fh:
            return fh.read(8) == JOURNAL_MAGIC
    except OSError:
        return False


def _kill_import_midway(jane: Cli, db_path: Path, tmp_path: Path, rows: int = 20_000) -> None:
    """SIGKILL a large import while its write transaction is open and its rollback journal
    is hot. If the import finishes before it can be caught, retry with a bigger file."""
    journal = db_path.with_name(db_path.name + "-journal")
    original = db_path.read_bytes()
    for _attempt in range(5):
        assert not journal.exists()
        path = _big_csv(tmp_path / f"big-{rows}.csv", rows)
        proc = subprocess.Popen(
            [_exe(), "import", str(path)],
            env={**os.environ, "CMELOG_DB": str(db_path)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        killed = False
        while proc.poll() is None and time.monotonic() < deadline:
            if _hot(journal):
                time.sleep(0.05)  # let it write a little more, then kill it
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    killed = True
                break
            time.sleep(0.001)
        if not killed and proc.poll() is None:
            proc.kill()
            proc.wait()
            pytest.fail("the import ran for 300 s without opening its write transaction")
        code = proc.wait()
        if killed and code == -signal.SIGKILL and _hot(journal):
            return  # killed inside the transaction: a hot journal remains
        # It finished first (or committed just before the kill landed): put the logbook
        # back as it was and retry with a bigger file.
        assert code in (0, -signal.SIGKILL), f"the import failed (exit {code})"
        journal.unlink(missing_ok=True)
        db_path.write_bytes(original)
        rows *= 2
    pytest.fail("could not kill the import before it finished, even with a large file")


@pytest.fixture
def before_kill(jane: Cli) -> Cli:
    ok(jane("add", "Kept one", "--date", "2025-01-10", "--category", "2", "--credits", "1"))
    ok(jane("add", "Kept two", "--date", "2023-03-03", "--category", "1", "--credits", "2.5",
            "--provider", "P", "--topic", "risk-management"))  # fmt: skip
    return jane


def test_sigkill_midway_leaves_the_logbook_as_it_was(
    before_kill: Cli, db_path: Path, tmp_path: Path
) -> None:
    listed = entries(before_kill)
    dump = _snapshot(db_path)
    _kill_import_midway(before_kill, db_path, tmp_path)
    # a read-write connection rolls the hot journal back
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("SELECT count(*) FROM entry").fetchone()[0] == 2
    finally:
        con.close()
    assert _snapshot(db_path) == dump
    assert entries(before_kill) == listed


def test_cmelog_opens_the_logbook_after_a_sigkill(
    before_kill: Cli, db_path: Path, tmp_path: Path
) -> None:
    """The first cmelog command after the crash (nothing else has touched the hot journal)
    must roll it back and work, not call the logbook 'not a cmelog logbook'."""
    listed = entries(before_kill)
    _kill_import_midway(before_kill, db_path, tmp_path)
    result = before_kill("list", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == listed
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


# ------------------------------------------------------------------ property: any text


def _printable(ch: str) -> bool:
    import unicodedata

    if ch == "\t":
        return True
    return unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn") and ch not in "\u2028\u2029"


TEXT = st.text(
    alphabet=st.characters(codec="utf-8").filter(_printable) | st.sampled_from(list(",\";\t '=")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=TEXT, provider=TEXT, notes=TEXT, minutes=st.integers(8, 600))
def test_any_text_survives_the_round_trip(
    cli: Cli, tmp_path: Path, title: str, provider: str, notes: str, minutes: int
) -> None:
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    src, dst = ("--db", str(root / "a.db")), ("--db", str(root / "b.db"))
    ok(cli(*src, *JANE))
    ok(cli(*dst, *JANE))
    ok(cli(*src, "add", "--date", "2025-01-01", "--category", "1", "--minutes",
           str(minutes), "--provider", provider, "--notes", notes,
           "--topic", "ehr", "--topic", "end-of-life", "--", title))  # fmt: skip
    raw = ok(cli(*src, "list", "--csv")).stdout_bytes
    path = root / "one.csv"
    path.write_bytes(raw)
    ok(cli(*dst, "import", str(path)))
    before, after = entries(cli, *src), entries(cli, *dst)
    assert without(after, "id", "source") == without(before, "id", "source")
    assert after[0]["source"] == "import:one.csv:2"


def test_import_says_which_rows_it_rounded(jane: Cli, tmp_path: Path) -> None:
    src = tmp_path / "c2.csv"
    src.write_text(
        "date,title,category,credits\n2025-01-01,A,2,1.1\n2025-01-02,B,2,0.3\n2025-01-03,C,2,1\n",
        encoding="utf-8",
    )
    result = jane("import", str(src))
    assert result.exit_code == 0, result.stderr
    assert "Imported 3 entries" in result.stdout
    assert "Rounded the credits of 2 row(s)" in result.stdout
    assert "line(s) 2, 3." in result.stdout
    stored = json.loads(jane("list", "--json").stdout)
    assert [e["credits"] for e in stored] == [1, 0.25, 1]
