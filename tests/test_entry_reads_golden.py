"""`list` and `show` print exactly what they printed before the light read path (issue 13).

The golden files in tests/golden/entry_reads/ were written by the code before any change to the
read path of `list` and `show`; every case runs the installed `cmelog` in a subprocess (piped, or
on a pseudo-terminal) over one varied logbook: non-Latin, wide and long titles, tabs, line
breaks and control characters in stored text, both categories, several cycles, deleted ids,
certificates, two licenses. `CMELOG_UPDATE_GOLDEN=1 pytest tests/test_entry_reads_golden.py`
writes them again (only ever from code whose output is known to be right).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

EXE = str(Path(sys.executable).parent / "cmelog")
GOLDEN = Path(__file__).parent / "golden" / "entry_reads"
UPDATE = os.environ.get("CMELOG_UPDATE_GOLDEN") == "1"
AS_OF = "2025-01-10"


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp / "home"),
        "XDG_DATA_HOME": str(tmp / "home" / "share"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update(extra)
    return env


ADDS: list[list[str]] = [
    # 1: a certificate, MOC points, a URL, a format, a multi-word provider
    ["Opioid prescribing update", "--date", "2025-03-14", "--category", "1", "--credits", "3",
     "--provider", "Massachusetts Medical Society", "--topic", "opioids-pain-management",
     "--format", "live", "--url", "https://example.org/opioids", "--moc-points", "2.5",
     "--certificate", "{cert}"],
    # 2: Cyrillic
    ["Кардиология: обзор современных рекомендаций 2024", "--date", "2024-09-02", "--category",
     "1", "--credits", "2", "--provider", "Больница №1", "--topic", "risk-management"],
    # 3: deleted below
    ["To be deleted", "--date", "2024-01-05", "--category", "2", "--credits", "1"],
    # 4: wide CJK, Category 2 by minutes
    ["心血管疾病进展：年度回顾与病例讨论", "--date", "2023-11-20", "--category", "2",
     "--minutes", "95", "--notes", "读书笔记"],
    # 5: long title and provider, several days, several topics
    ["Internal Medicine Comprehensive Review and Update: Cardiology, Nephrology, Endocrinology,"
     " Infectious Disease and Pulmonary Medicine for the Practicing Internist",
     "--date", "2025-05-05", "--end-date", "2025-05-09", "--category", "1", "--credits",
     "38.25", "--provider", "Harvard Medical School Department of Continuing Education and"
     " Postgraduate Training Programs", "--topic", "risk-management", "--topic", "end-of-life",
     "--topic", "implicit-bias", "--notes", "two\tcolumns of notes", "--format", "online"],
    # 6: hours, no provider
    ["Reading journals", "--date", "2022-08-01", "--category", "2", "--hours", "1.5"],
    # 7: an earlier cycle, quarter minutes
    ["Old course from an earlier cycle", "--date", "2019-03-01", "--category", "1",
     "--minutes", "7.5", "--provider", "MMS"],
    # 8: deleted below
    ["Deleted too", "--date", "2026-02-02", "--category", "1", "--credits", "0.25",
     "--provider", "P"],
    # 9: after the current cycle (as of 2025-01-10), emoji
    ["Wellness 🧘 retreat", "--date", "2026-07-01", "--category", "1", "--credits", "4",
     "--topic", "physician-wellness", "--provider", "Spa & Co."],
    # 10: Arabic, right to left
    ["مراجعة طب الطوارئ", "--date", "2024-06-15", "--category", "1", "--credits", "1.75",
     "--provider", "مستشفى"],
    # 11: rich markup in the text is shown as typed
    ["[bold]Not bold[/bold] and [red]not red[/]", "--date", "2024-06-16", "--category", "1",
     "--credits", "1", "--provider", "[link=x]provider[/link]", "--topic", "ehr"],
    # 12: one long word (folded, never broken between words)
    ["Pneumonoultramicroscopicsilicovolcanoconiosis" * 3, "--date", "2024-12-31",
     "--category", "2", "--credits", "0.5", "--notes", "x" * 150],
    # 13: a kind other than activity, accents
    ["Réunion du conseil — évaluation", "--date", "2025-01-10", "--category", "1",
     "--credits", "12", "--kind", "board-volunteer", "--provider", "BORIM", "--topic",
     "board-regulations"],
    # 14: a NY topic (second license), same date as 13
    ["Infection control and sepsis", "--date", "2025-01-10", "--category", "1", "--credits",
     "2", "--topic", "infection-control", "--provider", "NYSDOH", "--format", "enduring"],
    # 15: spaces and wrapping at many widths
    ["A title with many short words to wrap at every width we try here in the test so",
     "--date", "2023-06-01", "--category", "1", "--credits", "100", "--provider", "a b c d e",
     "--url", "https://example.org/" + "a/" * 40, "--notes", "Several   spaces   inside"],
]  # fmt: skip

CSV = (
    "date,title,provider,category,credits,topics,notes\n"
    "2021-05-05,Imported one,UpToDate (Wolters Kluwer),1,0.5,risk-management,\n"
    "2021-05-05,Imported two,,2,1.25,end-of-life;implicit-bias,a note\n"
    '2024-06-15,"Imported, with comma",Prov,1,3,,"quoted ""note"""\n'
)

# stored text older versions may hold (or a hand-edited file): shown neutralised
RAW_UPDATES: list[tuple[str, tuple[object, ...]]] = [
    ("UPDATE entry SET notes = ? WHERE id = 5", ("line one\nline two\ttabbed\r\nthird",)),
    (
        "UPDATE entry SET title = ?, provider = ? WHERE id = 6",
        ("Esc \x1b[31mred\x1b[0m and\u2028sep\u00a0nbsp\x85 end ", "  padded\tprovider  "),
    ),
    ("UPDATE entry SET topics = ? WHERE id = 2", (";risk-management;end-of-life;",)),
    ("UPDATE entry SET notes = ? WHERE id = 7", ("\u200bzero width\u00adsoft",)),
]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [EXE, *args], capture_output=True, env=env, stdin=subprocess.DEVNULL, timeout=120
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("golden")
    db = tmp / "logbook" / "cmelog.db"
    env = _env(tmp)
    cert = tmp / "Course certificate.pdf"
    cert.write_bytes(b"%PDF-1.4 golden certificate")

    from typer.testing import CliRunner

    from cmelog.cli import app

    runner = CliRunner()

    def ok(*args: str) -> None:
        # the logbook is built in-process (quick); every case below runs the installed command
        r = runner.invoke(app, ["--db", str(db), *args], env=env, catch_exceptions=False)
        assert r.exit_code == 0, r.stderr

    ok("init", "--name", "Jane Roe, MD", "--birthday", "1975-06-15", "--license", "123456",
       "--license-expires", "2026-06-15")  # fmt: skip
    ok("license", "add", "--board", "NY", "--number", "NY-1", "--expires", "2027-03-31")
    for add in ADDS:
        ok("add", *[a.replace("{cert}", str(cert)) for a in add])
    ok("delete", "3", "--yes")
    ok("delete", "8", "--yes")
    src = tmp / "golden-import.csv"
    src.write_text(CSV, encoding="utf-8")
    ok("import", str(src))
    con = sqlite3.connect(db)
    with con:
        for sql, params in RAW_UPDATES:
            con.execute(sql, params)
    con.close()
    return db


LIST_PIPED: dict[str, list[str]] = {
    "list": [],
    "list-all": ["--cycle", "all"],
    "list-as-of": ["--as-of", AS_OF],
    "list-current": ["--cycle", "current", "--as-of", AS_OF],
    "list-previous": ["--cycle", "previous", "--as-of", AS_OF],
    "list-previous-first-cycle": ["--cycle", "previous", "--as-of", "2016-01-01"],
    "list-from": ["--from", "2024-01-01"],
    "list-to": ["--to", "2024-06-15"],
    "list-from-to": ["--from", "2023-01-01", "--to", "2025-06-30"],
    "list-from-after-to": ["--from", "2025-01-01", "--to", "2024-01-01"],
    "list-current-from": ["--cycle", "current", "--as-of", AS_OF, "--from", "2025-01-10"],
    "list-cat1": ["--category", "1"],
    "list-cat2": ["--category", " 2 "],
    "list-topic": ["--topic", "risk-management"],
    "list-topic-ny": ["--topic", "infection-control"],
    "list-topic-cat": ["--topic", "opioids-pain-management", "--category", "1"],
    "list-topic-none": ["--topic", "hiv-aids"],
    "list-all-filters": ["--from", "2021-01-01", "--to", "2025-12-31", "--category", "2"],
    "list-json": ["--json"],
    "list-json-current": ["--json", "--cycle", "current", "--as-of", AS_OF],
    "list-json-topic": ["--json", "--topic", "risk-management"],
    "list-json-empty": ["--json", "--category", "2", "--from", "2030-01-01"],
    "list-csv": ["--csv", "--as-of", AS_OF],
    "list-csv-previous": ["--csv", "--cycle", "previous", "--as-of", AS_OF],
    "list-csv-cat2": ["--csv", "--category", "2", "--as-of", AS_OF],
    "list-empty": ["--from", "2030-01-01"],
    "err-json-csv": ["--json", "--csv"],
    "err-cycle": ["--cycle", "bogus"],
    "err-category": ["--category", "3"],
    "err-topic": ["--topic", "nope"],
    "err-from": ["--from", "not-a-date"],
    "err-to": ["--to", "2024-02-30"],
    "err-as-of": ["--as-of", "soon"],
}
SHOW_IDS = [str(i) for i in range(1, 19)] + ["0", "-1", "99999999999999999999999", "abc"]
SHOW_WIDTHS = ["20", "40", "100", "132"]
SHOW_AT_WIDTHS = ["1", "3", "5", "6", "12", "15"]


def _cases() -> dict[str, dict[str, object]]:
    cases: dict[str, dict[str, object]] = {}
    for name, args in LIST_PIPED.items():
        cases[f"pipe-{name}"] = {"args": ["list", *args], "columns": ""}
    cases["pipe-list-cols40"] = {"args": ["list"], "columns": "40"}
    for i in SHOW_IDS:
        cases[f"pipe-show-{i}-json"] = {"args": ["show", i, "--json"], "columns": ""}
        cases[f"pipe-show-{i}-wdefault"] = {"args": ["show", i], "columns": ""}
    for i in SHOW_AT_WIDTHS:
        for w in SHOW_WIDTHS:
            cases[f"pipe-show-{i}-w{w}"] = {"args": ["show", i], "columns": w}
    for w in (80, 100, 140):
        cases[f"tty-list-{w}"] = {"args": ["list", "--as-of", AS_OF], "tty": w}
    cases["tty-list-current-100"] = {
        "args": ["list", "--cycle", "current", "--as-of", AS_OF],
        "tty": 100,
    }
    cases["tty-list-topic-100"] = {"args": ["list", "--topic", "risk-management"], "tty": 100}
    cases["tty-list-nocolor-100"] = {"args": ["list", "--as-of", AS_OF], "tty": 100, "nc": True}
    cases["tty-list-empty-100"] = {"args": ["list", "--from", "2030-01-01"], "tty": 100}
    for i in ("1", "2", "5", "6", "12", "15", "16"):
        for w in (60, 100):
            cases[f"tty-show-{i}-{w}"] = {"args": ["show", i], "tty": w}
    cases["tty-show-3-100"] = {"args": ["show", "3"], "tty": 100}
    cases["tty-show-1-nocolor-100"] = {"args": ["show", "1"], "tty": 100, "nc": True}
    return cases


CASES = _cases()


def _capture(book: Path, case: dict[str, object]) -> dict[str, object]:
    folder = book.parent
    args = ["--db", str(book), *case["args"]]  # type: ignore[misc]
    extra = {"NO_COLOR": "1"} if case.get("nc") else {}
    tty = case.get("tty")
    if tty:
        env = _env(folder.parent, **extra)
        child = pexpect.spawn(EXE, args, env=env, dimensions=(200, int(tty)), timeout=60)  # type: ignore[arg-type]
        child.expect(pexpect.EOF)
        child.close()
        out: bytes = child.before or b""
        code = child.exitstatus
        err = ""
    else:
        columns = str(case.get("columns") or "")
        env = _env(folder.parent, **extra, **({"COLUMNS": columns} if columns else {}))
        r = _run(args, env)
        out, code, err = r.stdout, r.returncode, r.stderr.decode("utf-8", "replace")
    here = str(folder).encode()
    return {
        "exit": code,
        "stdout": out.replace(here, b"<DATA>").decode("utf-8", "surrogateescape"),
        "stderr": err.replace(str(folder), "<DATA>"),
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_unchanged(book: Path, name: str) -> None:
    got = _capture(book, CASES[name])
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return
    want = json.loads(path.read_text(encoding="utf-8"))
    assert got == want
