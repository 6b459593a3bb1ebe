"""import stores through plain sqlite3 (storage/bulk.py, Logbook.writer()), not SQLAlchemy: the
rows stored, the history written, the messages and the exit codes are those of the SQLModel
path it replaced (issue 13).

Each case imports a file into a fresh logbook holding one entry already (the duplicate guard),
then dumps the entry table and the history (its timestamps aside). The digests were taken with
the SQLModel importer (commit 37239e5); the same entries stored through the SQLModel session
(`repo.add_entries`, `models.EntryRow`) give the same rows.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

Cli = Callable[..., Any]
ROOT = Path(__file__).resolve().parent.parent
JANE = [
    "init", "--name", "Jane Roe, MD", "--birthday", "1975-06-15", "--license", "123456",
    "--license-expires", "2026-06-15",
]  # fmt: skip
STORED = ["add", "Already here", "--date", "2024-01-01", "--category", "2", "--credits", "1"]
HEADER = [
    "date",
    "end_date",
    "title",
    "provider",
    "category",
    "credits",
    "minutes",
    "kind",
    "topics",
    "format",
    "url",
    "notes",
]
TEXTS = [
    "Grand rounds",
    "Caf\u00e9 cardiology \u2014 \u00e9t\u00e9",
    "\u5fc3\u81d3\u75c5\u5b66 update",
    "Emoji \U0001f9e0 session",
    "'=SUM(A1) looks like a formula",
    "=HYPERLINK(x)",
    "-5 degrees",
    "Tab\there",
    "  padded title  ",
    'Quote "inside", comma',
]
TOPICS = ["", "ehr", "risk-management;ehr", "Implicit-Bias, end-of-life", " ehr ; ehr "]
FORMATS = ["", "live", "online", "ENDURING", "journal"]


def _varied(path: Path, n: int = 600, seed: int = 13) -> None:
    """Every column, odd text, end dates, minutes, kinds with fixed credits, Category 2 credits
    that round, duplicates within the file and of the stored entry, blank lines, CRLF, a BOM."""
    import csv

    rnd = random.Random(seed)
    start = date(2022, 6, 16)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow([h.upper() if h == "title" else h for h in HEADER])
        w.writerow(["2024-01-01", "", "Already here", "", "2", "1", "", "", "", "", "", ""])
        for i in range(n):
            d = start + timedelta(days=rnd.randrange(1400))
            end = (d + timedelta(days=rnd.randrange(4))).isoformat() if i % 5 == 0 else ""
            kind = rnd.choice(["", "", "", "activity", "board-certification", "Medical-Examiner"])
            cat = "1" if kind and kind.lower() != "activity" else rnd.choice(["1", "2"])
            minutes = "" if i % 4 else rnd.choice(["60", "90", "7.5", "100", "45.25"])
            credits = "" if minutes else rnd.choice(["0.5", "1", "1.25", "0.3", "2.70", "10"])
            if kind and kind.lower() not in ("activity",):
                credits, minutes = "", ""
            if not credits and not minutes:
                credits = rnd.choice(["1", "4", "60"])
            if minutes:
                credits = "1"  # the column is required; minutes then decides (see below)
            w.writerow(
                [
                    d.isoformat(),
                    end,
                    f"{rnd.choice(TEXTS)} {i}",
                    rnd.choice(["Provider \u00c9", "UpToDate", "  spaced  "]) if cat == "1" else "",
                    cat,
                    credits,
                    minutes,
                    kind,
                    rnd.choice(TOPICS),
                    rnd.choice(FORMATS),
                    "https://example.org/\u00e9?a=1" if i % 9 == 0 else "",
                    rnd.choice(["", "note \u00fc", "'+1 formula-ish", ""]),
                ]
            )
            if i % 50 == 0:
                w.writerow([""] * len(HEADER))  # a blank record is skipped
            if i % 97 == 0:
                w.writerow(["2024-03-03", "", "Twice in the file", "", "2", "0.5"] + [""] * 6)


def _bad(path: Path) -> None:
    """Good rows and every kind of bad row: the refusal names each, nothing is stored."""
    rows = [
        "date,title,provider,category,credits,topics,notes,certificate_sha256,kind,minutes",
        "2025-01-01,Good,P,1,1,,,,,",
        "2025-13-01,Bad month,P,1,1,,,,,",
        "01/02/2025,US date,P,1,1,,,,,",
        "2025-01-02,,P,1,1,,,,,",
        "2025-01-03,No provider,,1,1,,,,,",
        "2025-01-04,Bad category,P,3,1,,,,,",
        "2025-01-05,Bad credits,P,1,abc,,,,,",
        "2025-01-06,Three places,P,1,1.234,,,,,",
        "2025-01-07,Zero,P,2,0.1,,,,,",
        "2025-01-08,Topic,P,1,1,astrology,,,,",
        "2025-01-09,Kind,P,1,1,,,,poetry,",
        "2025-01-10,Sha,P,1,1,,,xyz,,",
        "2025-01-11,Stored sha,P,1,1,,," + "ab" * 32 + ",,",
        "2025-01-12,Ctl \x1b[31m,P,1,1,,,,,",
        "2025-01-13,Notes,P,1,1,,bell \x07,,,",
        "2025-01-14,Minutes,P,1,,,,,,x",
        "2025-01-15,Too,many,fields,1,1,1,1,1,1,1,1",
        "2025-01-16,Kind category,P,2,1,,,,board-certification,",
        "1899-12-31,Old,P,1,1,,,,,",
        "2025-01-17,Negative,P,1,-1,,,,,",
        "2025-01-18,Both,P,1,1,,,,,30",
        "2025-01-19,Good too,P,1,1,,,,,",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8", newline="")


def _bench(path: Path) -> None:
    spec = importlib.util.spec_from_file_location("cmelog_bench", ROOT / "benchmarks" / "bench.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.write_csv(path, 10_000)


CORPUS: dict[str, Callable[[Path], None]] = {
    "varied.csv": _varied,
    "bad.csv": _bad,
    "bench-10000.csv": _bench,
}


def dump(db: Path) -> dict[str, Any]:
    """The entry table (every column) and the history (every column but its timestamp)."""
    con = sqlite3.connect(db)
    try:
        entry = [list(r) for r in con.execute("SELECT * FROM entry ORDER BY id")]
        history = [
            list(r)
            for r in con.execute(
                "SELECT id, command, action, entity, entity_id, old, new FROM history ORDER BY id"
            )
        ]
        return {"entry": entry, "history": history}
    finally:
        con.close()


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _outcome(cli: Cli, db: Path, src: Path, mode: str) -> dict[str, Any]:
    """Import `src` into a fresh logbook holding one entry: what was said and what is stored."""
    assert cli(*JANE).exit_code == 0
    assert cli(*STORED).exit_code == 0
    before = db.read_bytes()
    said = []
    for extra in (["--dry-run"] if mode == "dry-run" else [], [])[: 2 if mode == "twice" else 1]:
        result = cli("import", str(src), *extra)
        said.append([result.exit_code, result.stdout, result.stderr])
    stored = dump(db)
    return {
        "said": said,
        "entries": len(stored["entry"]),
        "stored": digest(stored),
        "unchanged": db.read_bytes() == before,
    }


# (exit code of each run, entries in the logbook after, digest of (said, stored)) taken with
# the SQLModel importer of commit 37239e5
PINNED: dict[tuple[str, str], tuple[list[int], int, str]] = {
    ("varied.csv", "dry-run"): (
        [0],
        1,
        "e137e3a3e4b18a3c6ea545e0da12f932a984a99f38805b8629a7cb1330c4983d",
    ),
    ("varied.csv", "once"): (
        [0],
        608,
        "fa632090786d54abcc79c2beb38325f9b7863fed7ae9962611ebb53f2f462337",
    ),
    ("varied.csv", "twice"): (
        [0, 0],
        608,
        "8d840595adfbd0c01de6c40781e5c558972b9be465558ba290deea71c51673e0",
    ),
    ("bad.csv", "dry-run"): (
        [2],
        1,
        "942772e4ec7166cc9f4599a50eefe437c2459cff5080358c2430e05db8ca8d9a",
    ),
    ("bad.csv", "once"): (
        [2],
        1,
        "942772e4ec7166cc9f4599a50eefe437c2459cff5080358c2430e05db8ca8d9a",
    ),
    ("bad.csv", "twice"): (
        [2, 2],
        1,
        "eb54d60e4cd858fa80d99a5b74b20d15b7dad5c669d9d06f6f4278a10647a038",
    ),
    ("bench-10000.csv", "dry-run"): (
        [0],
        1,
        "35c0a5f64eccd554e686f2c555af0d02541b3febba0bb8215671b2c70ed000fe",
    ),
    ("bench-10000.csv", "once"): (
        [0],
        10001,
        "2d6200490b8cd4f3ff0dd2be6491f85625de0c762aa5d3abae3af5577adc8174",
    ),
    ("bench-10000.csv", "twice"): (
        [0, 0],
        10001,
        "00112c2b0dcfbf329656b18c006234bee575ef9790f34b00174911a04507ae92",
    ),
}


@pytest.mark.parametrize("mode", ["dry-run", "once", "twice"])
@pytest.mark.parametrize("name", list(CORPUS))
def test_import_stores_what_the_sqlmodel_importer_stored(
    cli: Cli, db_path: Path, tmp_path: Path, name: str, mode: str
) -> None:
    src = tmp_path / name
    CORPUS[name](src)
    got = _outcome(cli, db_path, src, mode)
    codes = [s[0] for s in got["said"]]
    if mode == "dry-run" or codes[0] != 0:
        assert got["unchanged"], "a dry run or a refused file changed the logbook"
    pinned = PINNED[(name, mode)]
    assert (codes, got["entries"], digest([got["said"], got["stored"]])) == pinned, got["said"]


def test_bulk_rows_are_the_rows_the_sqlmodel_tables_store(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    """The same validated entries, inserted one by one through SQLModel (models.EntryRow),
    give the very rows (every column, the same SQLite types) `import` stores in bulk."""
    from cmelog.services.context import Context, entry_rules, require_profile
    from cmelog.services.importer import _build_entries, _open_rows
    from cmelog.storage import repo
    from cmelog.storage.models import EntryRow

    src = tmp_path / "varied.csv"
    _varied(src)
    assert cli(*JANE).exit_code == 0
    assert cli("import", str(src)).exit_code == 0
    other = tmp_path / "orm" / "cmelog.db"
    assert cli("--db", str(other), *JANE).exit_code == 0
    ctx = Context(db_option=str(other))
    logbook = ctx.logbook()
    with _open_rows(src) as (rows, _), logbook.session(write=True) as s:
        rules = entry_rules(require_profile(s), ctx)
        built, _rounded, errors = _build_entries(ctx, rows, rules, src.name, (), tmp_path)
        assert errors == []
        for e in built:
            s.add(EntryRow(**repo.row_values(e)))

    def typed(db: Path) -> list[list[Any]]:
        con = sqlite3.connect(db)
        try:
            cols = [r[1] for r in con.execute("PRAGMA table_info(entry)")]
            sql = "SELECT " + ", ".join(f"{c}, typeof({c})" for c in cols) + " FROM entry"
            return [list(r) for r in con.execute(sql + " ORDER BY id")]
        finally:
            con.close()

    assert len(typed(db_path)) == 608  # the "Already here" row too: the logbook had none
    assert typed(db_path) == typed(other)


def test_import_into_an_older_logbook_migrates_it_first(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    """A schema-1 logbook is backed up and upgraded (as every command does) before the rows
    are stored; the failed import of a bad file leaves the upgraded logbook as it was."""
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes((ROOT / "tests" / "fixtures" / "cmelog-0.1.0.db").read_bytes())
    db_path.chmod(0o600)
    con = sqlite3.connect(db_path)
    try:
        count = con.execute("SELECT count(*) FROM entry").fetchone()[0]
    finally:
        con.close()
    bad = tmp_path / "bad.csv"
    _bad(bad)
    assert cli("import", str(bad)).exit_code == 2
    assert db_path.with_name("cmelog.db.v1.bak").is_file()
    migrated = db_path.read_bytes()
    assert cli("import", str(bad)).exit_code == 2
    assert db_path.read_bytes() == migrated
    good = tmp_path / "good.csv"
    good.write_text("date,title,category,credits\n2025-01-01,After the upgrade,2,1\n")
    result = cli("import", str(good))
    assert result.exit_code == 0, result.stderr
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM entry").fetchone()[0] == count + 1
        (source,) = con.execute("SELECT source FROM entry ORDER BY id DESC LIMIT 1").fetchone()
        assert source == "import:good.csv:2"
    finally:
        con.close()


def _old_unprintable(text: str) -> str | None:
    """The check clean_text made before its ASCII fast path (one character at a time)."""
    import unicodedata

    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Co", "Cn") and ch != "\t" or ch in "\u2028\u2029":
            return ch
    return None


@settings(max_examples=400, deadline=None)
@given(st.text() | st.text(alphabet=st.characters(max_codepoint=0xA0)))
def test_first_unprintable_is_the_character_by_character_check(text: str) -> None:
    from cmelog.domain.textsafe import first_unprintable

    assert first_unprintable(text) == _old_unprintable(text)


NUMBERS = st.one_of(
    st.from_regex(r"\s*[+-]?[0-9]{0,9}(\.[0-9]{0,4})?\s*", fullmatch=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["1000000", "1000000.01", "0.00", "00.5", "1.", ".5", "1e2", "\u0661", ""]),
)


@settings(max_examples=400, deadline=None)
@given(NUMBERS)
def test_credits_from_text_is_the_decimal_reading(text: str) -> None:
    from cmelog.domain.credits import credits_from_decimal, credits_from_text, parse_decimal
    from cmelog.errors import UsageError

    def outcome(read: Callable[[], int]) -> object:
        try:
            return read()
        except UsageError as exc:
            return exc.message

    assert outcome(lambda: credits_from_text(text, "--credits")) == outcome(
        lambda: credits_from_decimal(parse_decimal(text, "--credits"), "--credits")
    )


def test_import_into_a_logbook_another_writer_holds_is_exit_1_naming_the_lock(
    cli: Cli, db_path: Path, tmp_path: Path
) -> None:
    """Logbook.writer() waits CMELOG_BUSY_TIMEOUT for the write lock (BEGIN IMMEDIATE), then
    says the logbook is locked, as the SQLModel session did; nothing is stored."""
    assert cli(*JANE).exit_code == 0
    src = tmp_path / "a.csv"
    src.write_text("date,title,category,credits\n2025-01-01,Blocked,2,1\n")
    con = sqlite3.connect(db_path, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        result = cli("import", str(src), env={"CMELOG_BUSY_TIMEOUT": "0.2"})
        assert result.exit_code == 1, result.stderr
        assert result.stderr == (
            f"cmelog: The logbook {db_path} is locked by another program; try again in a moment.\n"
        )
        dry = cli("import", str(src), "--dry-run", env={"CMELOG_BUSY_TIMEOUT": "0.2"})
        assert dry.exit_code == 0, dry.stderr  # a dry run only reads
    finally:
        con.execute("ROLLBACK")
        con.close()
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT count(*) FROM entry").fetchone()[0] == 0
    finally:
        con.close()
