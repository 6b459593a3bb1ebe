"""The command-line contract of issue 2 (spec/cli.md), in-process: stdout, stderr, exit codes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import JANE

Cli = Callable[..., Any]

ENTRY_KEYS = [
    "id",
    "title",
    "date",
    "end_date",
    "provider",
    "category",
    "credits",
    "minutes",
    "kind",
    "topics",
    "format",
    "url",
    "certificate_sha256",
    "certificate_name",
    "notes",
    "source",
    "moc_points",
]
PROFILE_KEYS = [
    "name",
    "birthday",
    "license",
    "board",
    "license_expires",
    "license_issued",
    "prescriber",
    "adult_patients",
]
CSV_HEADER = (
    "cycle,id,date,end_date,title,provider,category,credits,minutes,kind,topics,format,url,"
    "certificate_sha256,certificate_name,notes"
)

CAT2 = ["--date", "2026-01-10", "--category", "2"]
CAT1 = ["--date", "2026-01-10", "--category", "1", "--provider", "MMS"]


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    return result


def failed(result: Any, code: int, *needles: str) -> str:
    """A failure: the exit code, nothing on stdout, one sentence on stderr naming `needles`."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith("cmelog: "), err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def entries(cli: Cli) -> list[dict[str, Any]]:
    result = ok(cli("list", "--json"))
    doc = json.loads(result.stdout)
    assert isinstance(doc, list)
    return doc


def add_json(cli: Cli, *args: str) -> dict[str, Any]:
    result = ok(cli("add", *args, "--json"))
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


# ---------------------------------------------------------------------------- global


def test_version(cli: Cli) -> None:
    result = ok(cli("--version"))
    assert re.fullmatch(r"cmelog \d+\.\d+\.\d+\n", result.stdout)


def test_db_option_beats_environment(jane: Cli, tmp_path: Path, db_path: Path) -> None:
    other = tmp_path / "elsewhere" / "deep" / "other.db"
    failed(jane("--db", str(other), "list"), 1, "cmelog init")
    assert not other.exists()
    ok(jane("--db", str(other), *JANE))
    assert other.is_file()  # parent folders created
    ok(jane("--db", str(other), "add", "Only here", *CAT2, "--credits", "1"))
    assert [e["title"] for e in json.loads(jane("--db", str(other), "list", "--json").stdout)] == [
        "Only here"
    ]
    assert entries(jane) == []  # CMELOG_DB's logbook untouched
    assert db_path.is_file()


def test_default_location_is_the_user_data_folder(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CMELOG_DB")
    result = ok(cli(*JANE))
    expected = tmp_path / "home" / ".local" / "share" / "cmelog" / "cmelog.db"
    assert expected.is_file()
    assert str(expected) in result.stdout


def test_debug_shows_traceback_only_when_asked(cli: Cli) -> None:
    failed(cli("list"), 1)
    result = cli("list", env={"CMELOG_DEBUG": "1"})
    assert result.exit_code == 1
    assert "Traceback" in result.stderr


def test_unknown_command_and_missing_argument_are_usage_errors(jane: Cli) -> None:
    failed(jane("frobnicate"), 2, "frobnicate")
    failed(jane("add"), 2, "title")
    failed(jane("add", "T", "--date"), 2, "--date")
    failed(jane("add", "T", *CAT2, "--credits", "1", "--bogus"), 2, "--bogus")
    assert entries(jane) == []


# ---------------------------------------------------------------------------- no profile


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["profile"],
        ["profile", "--json"],
        ["profile", "set", "--name", "X"],
        ["show", "1"],
        ["edit", "1", "--title", "X"],
        ["delete", "1", "--yes"],
        ["add", "T", *CAT2, "--credits", "1"],
    ],
)
def test_no_profile_yet(cli: Cli, db_path: Path, args: list[str]) -> None:
    failed(cli(*args), 1, "cmelog init")
    assert not db_path.exists()
    assert not db_path.parent.exists()


# ---------------------------------------------------------------------------- init / profile


def test_init_human(cli: Cli, db_path: Path) -> None:
    result = ok(cli(*JANE))
    assert f"Created the logbook {db_path}" in result.stdout
    assert "Jane Roe, MD" in result.stdout and "2026-06-15" in result.stdout


def test_init_json_is_the_profile_object(cli: Cli) -> None:
    result = ok(cli(*JANE, "--no-prescriber", "--json"))
    doc = json.loads(result.stdout)
    assert list(doc) == PROFILE_KEYS
    assert doc == {
        "name": "Jane Roe, MD",
        "birthday": "1975-06-15",
        "license": "123456",
        "board": "MA",
        "license_expires": "2026-06-15",
        "license_issued": None,
        "prescriber": False,
        "adult_patients": True,
    }


def test_init_twice_refused(jane: Cli) -> None:
    failed(jane(*JANE), 1, "profile set")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            [
                "init",
                "--birthday",
                "1975-06-15",
                "--license",
                "1",
                "--license-expires",
                "2026-06-15",
            ],
            "--name",
        ),
        (["init", "--name", "J", "--birthday", "1975-06-15", "--license", "1"], "--license-"),
        (
            [
                "init",
                "--name",
                "J",
                "--birthday",
                "1975-02-30",
                "--license",
                "1",
                "--license-expires",
                "2026-06-15",
            ],
            "1975-02-30",
        ),
        (
            [
                "init",
                "--name",
                "J",
                "--birthday",
                "1975-06-15",
                "--license",
                "1",
                "--license-expires",
                "2026-06-15",
                "--board",
                "ZZ",
            ],
            "ZZ",
        ),
    ],
)
def test_init_bad_input_creates_nothing(
    cli: Cli, db_path: Path, args: list[str], needle: str
) -> None:
    failed(cli(*args), 2, needle)
    assert not db_path.exists()


def test_profile_show_and_set(jane: Cli) -> None:
    result = ok(jane("profile"))
    assert "Jane Roe, MD" in result.stdout and "123456" in result.stdout
    doc = json.loads(ok(jane("profile", "--json")).stdout)
    assert list(doc) == PROFILE_KEYS
    doc = json.loads(
        ok(jane("profile", "set", "--name", "Jane Q. Roe", "--no-adult-patients", "--json")).stdout
    )
    assert list(doc) == PROFILE_KEYS
    assert (doc["name"], doc["adult_patients"], doc["license"]) == ("Jane Q. Roe", False, "123456")
    assert json.loads(ok(jane("profile", "--json")).stdout) == doc


def test_profile_set_bad_input_changes_nothing(jane: Cli) -> None:
    before = ok(jane("profile", "--json")).stdout
    failed(jane("profile", "set", "--birthday", "1975-13-01", "--name", "New"), 2, "1975-13-01")
    failed(jane("profile", "set", "--name", "a\x07b"), 2, "U+0007")
    assert ok(jane("profile", "--json")).stdout == before


# ---------------------------------------------------------------------------- add


def test_add_human_output_shows_rounding(jane: Cli) -> None:
    result = ok(jane("add", "Grand rounds", *CAT2, "--minutes", "95"))
    assert result.stdout.startswith("Added entry 1.\n")
    assert "95 min -> 1.50 credits" in result.stdout
    assert "Grand rounds" in result.stdout


def test_add_json_is_exactly_the_entry_object(jane: Cli) -> None:
    doc = add_json(
        jane,
        "Opioid prescribing",
        "--date",
        "2026-01-10",
        "--end-date",
        "2026-01-11",
        "--category",
        "1",
        "--credits",
        "3",
        "--provider",
        "MMS",
        "--topic",
        "risk-management",
        "--topic",
        "opioids-pain-management",
        "--format",
        "online",
        "--url",
        "https://example.org/c",
        "--notes",
        "two sessions",
    )
    assert list(doc) == ENTRY_KEYS
    assert doc == {
        "id": 1,
        "title": "Opioid prescribing",
        "date": "2026-01-10",
        "end_date": "2026-01-11",
        "provider": "MMS",
        "category": 1,
        "credits": 3,
        "minutes": None,
        "kind": "activity",
        "topics": ["opioids-pain-management", "risk-management"],
        "format": "online",
        "url": "https://example.org/c",
        "certificate_sha256": None,
        "certificate_name": None,
        "notes": "two sessions",
        "source": "typed",
        "moc_points": None,
    }
    assert isinstance(doc["credits"], int) and isinstance(doc["id"], int)


@pytest.mark.parametrize(
    ("amount", "credits", "minutes"),
    [
        (["--minutes", "95"], 1.5, 95),
        (["--minutes", "7.5"], 0.25, 7.5),
        (["--minutes", "22.5"], 0.5, 22.5),
        (["--minutes", "52.5"], 1, 52.5),
        (["--minutes", "22.4999999"], 0.25, 22.4999999),
        (["--hours", "0.125"], 0.25, 7.5),
        (["--hours", "1.5"], 1.5, 90),
        (["--credits", "1.1"], 1, None),
        (["--credits", "1.13"], 1.25, None),
        (["--credits", "2.5"], 2.5, None),
    ],
)
def test_add_amounts(jane: Cli, amount: list[str], credits: float, minutes: float | None) -> None:
    result = jane("add", "Activity", *CAT2, *amount, "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    typed_credits_changed = amount[0] == "--credits" and float(amount[1]) != credits
    # stderr speaks only when the JSON cannot show what was typed (a rounded --credits)
    assert ("->" in result.stderr) == typed_credits_changed, result.stderr
    assert doc["credits"] == credits
    assert doc["minutes"] == minutes
    if isinstance(minutes, int):
        assert isinstance(doc["minutes"], int)
    assert entries(jane) == [doc]


def test_add_category2_rounding_is_announced(jane: Cli) -> None:
    result = ok(jane("add", "Reading", *CAT2, "--credits", "1.1"))
    assert "1.10 -> 1.00 credit" in result.stdout


def test_add_category1_keeps_designated_value(jane: Cli) -> None:
    doc = add_json(jane, "Course", *CAT1, "--credits", "1.33")
    assert doc["credits"] == 1.33
    result = ok(jane("add", "Course 2", *CAT1, "--credits", "0.01"))
    assert "->" not in result.stdout


def test_add_teaching_earns_two_per_hour(jane: Cli) -> None:
    doc = add_json(
        jane,
        "Lecture",
        "--date",
        "2026-01-10",
        "--kind",
        "teaching",
        "--hours",
        "1.5",
        "--provider",
        "BIDMC",
    )
    assert (doc["credits"], doc["category"], doc["minutes"], doc["kind"]) == (3, 1, 90, "teaching")


def test_add_today_and_yesterday(jane: Cli) -> None:
    from datetime import date, timedelta

    today = date.today()
    a = add_json(jane, "A", "--date", "today", "--category", "2", "--credits", "1")
    b = add_json(jane, "B", "--date", "yesterday", "--category", "2", "--credits", "1")
    assert a["date"] == today.isoformat()
    assert b["date"] == (today - timedelta(days=1)).isoformat()


def test_duplicate_refused_unless_allowed(jane: Cli) -> None:
    first = add_json(jane, "Grand rounds", *CAT1, "--credits", "1")
    failed(
        jane("add", "Grand rounds", *CAT1, "--credits", "1"), 2, "double count", "--allow-duplicate"
    )
    failed(jane("add", "Grand rounds", *CAT1, "--minutes", "60"), 2, "double count")
    assert entries(jane) == [first]
    # a different provider, category or amount is not a double count: stored, but the same
    # title on the same day is a likely duplicate, named on stderr
    for args in (
        [*CAT2, "--credits", "1", "--provider", "Other"],
        [*CAT1, "--credits", "1.5"],
    ):
        result = jane("add", "Grand rounds", *args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("cmelog: warning: this may be the same activity as entry 1")
    ok(jane("add", "Grand rounds", *CAT1, "--credits", "1", "--allow-duplicate"))
    assert len(entries(jane)) == 4


def test_certificate_copied_by_sha256(jane: Cli, tmp_path: Path, db_path: Path) -> None:
    original = tmp_path / "My Certificate.pdf"
    content = b"%PDF-1.4 certificate of completion\n"
    original.write_bytes(content)
    sha = hashlib.sha256(content).hexdigest()
    doc = add_json(jane, "Course", *CAT1, "--credits", "2", "--certificate", str(original))
    assert doc["certificate_sha256"] == sha
    assert doc["certificate_name"] == "My Certificate.pdf"
    stored = db_path.parent / "certificates" / f"{sha}.pdf"  # keeps its extension (0.2)
    assert stored.read_bytes() == content
    assert [p.name for p in stored.parent.iterdir()] == [f"{sha}.pdf"]
    original.unlink()
    shown = json.loads(ok(jane("show", "1", "--json")).stdout)
    assert shown["certificate_sha256"] == sha
    assert stored.read_bytes() == content
    human = ok(jane("show", "1")).stdout
    assert "My Certificate.pdf" in human and sha[:12] in human


def test_failed_add_keeps_no_certificate_copy(jane: Cli, tmp_path: Path, db_path: Path) -> None:
    cert = tmp_path / "c.pdf"
    cert.write_bytes(b"cert")
    failed(
        jane(
            "add",
            "X",
            "--date",
            "2026-02-30",
            "--category",
            "2",
            "--credits",
            "1",
            "--certificate",
            str(cert),
        ),
        2,
        "2026-02-30",
    )
    ok(jane("add", "X", *CAT2, "--credits", "1"))
    failed(jane("add", "X", *CAT2, "--credits", "1", "--certificate", str(cert)), 2, "double")
    folder = db_path.parent / "certificates"
    assert not folder.exists() or list(folder.iterdir()) == []
    assert len(entries(jane)) == 1


# ---------------------------------------------------------------------------- bad input table

BAD_ADD = [
    (["--date", "2026-02-30", "--category", "2", "--credits", "1"], "2026-02-30"),
    (["--date", "2025-02-29", "--category", "2", "--credits", "1"], "2025-02-29"),
    (["--date", "2026-13-01", "--category", "2", "--credits", "1"], "2026-13-01"),
    (["--date", "01/10/2026", "--category", "2", "--credits", "1"], "01/10/2026"),
    (["--date", "tomorrow", "--category", "2", "--credits", "1"], "tomorrow"),
    ([*CAT2, "--credits", "1", "--end-date", "2026-01-09"], "2026-01-09"),
    ([*CAT2, "--credits", "1", "--end-date", "2026-04-31"], "2026-04-31"),
    ([*CAT2, "--credits", "-1"], "-1"),
    ([*CAT2, "--credits", "0"], "0"),
    ([*CAT2, "--minutes", "0"], "0"),
    ([*CAT2, "--hours", "-0.5"], "-0.5"),
    ([*CAT2, "--credits", "nan"], "nan"),
    ([*CAT2, "--credits", "NaN"], "NaN"),
    ([*CAT2, "--minutes", "inf"], "inf"),
    ([*CAT2, "--hours", "Infinity"], "Infinity"),
    ([*CAT2, "--credits", "one"], "one"),
    ([*CAT2, "--minutes", "1,5"], "1,5"),
    ([*CAT2, "--credits", "1e30"], "1e30"),
    ([*CAT2, "--minutes", "1e-99999999999"], "1e-99999999999"),
    ([*CAT2, "--credits", "99999999999999999999999"], "99999999999999999999999"),
    ([*CAT2, "--minutes", "1000000000"], "1000000000"),
    ([*CAT2, "--credits", "1", "--minutes", "60"], "--minutes"),
    ([*CAT2, "--credits", "1", "--hours", "1"], "--hours"),
    ([*CAT2, "--minutes", "60", "--hours", "1"], "--hours"),
    ([*CAT2, "--minutes", "7"], "7"),
    ([*CAT2, "--hours", "0.12"], "7.2"),
    ([*CAT2, "--credits", "0.12"], "0.12"),
    ([*CAT2, "--credits", "1.333"], "1.333"),
    ([*CAT1, "--credits", "1.333"], "1.333"),
    (
        [*CAT1, "--credits", "1.0000000000000000000000000000001"],
        "1.0000000000000000000000000000001",
    ),
    (["--date", "2026-01-10", "--category", "3", "--credits", "1"], "'3'"),
    (["--date", "2026-01-10", "--category", "x", "--credits", "1"], "'x'"),
    (["--date", "2026-01-10", "--credits", "1"], "--category"),
    (["--date", "2026-01-10", "--category", "1", "--credits", "1"], "--provider"),
    ([*CAT2, "--credits", "1", "--topic", "opioids"], "'opioids'"),
    ([*CAT2, "--credits", "1", "--topic", "ehr", "--topic", "bogus"], "'bogus'"),
    ([*CAT2, "--credits", "1", "--kind", "lecture"], "'lecture'"),
    ([*CAT2, "--credits", "1", "--format", "webinar"], "'webinar'"),
    ([*CAT2, "--credits", "1", "--certificate", "/nonexistent/cert.pdf"], "/nonexistent/cert.pdf"),
    ([*CAT2, "--credits", "1", "--notes", "bell\x07"], "U+0007"),
    ([*CAT2, "--credits", "1", "--provider", "a\x00b"], "U+0000"),
    ([*CAT2], "--credits"),
    (["--category", "2", "--credits", "1"], "--date"),
]


@pytest.mark.parametrize(("args", "needle"), BAD_ADD)
def test_add_bad_input_exit_2_nothing_stored(
    jane: Cli, db_path: Path, args: list[str], needle: str
) -> None:
    before = db_path.read_bytes()
    failed(jane("add", "Activity", *args), 2, needle)
    assert entries(jane) == []
    assert db_path.read_bytes() == before
    assert not (db_path.parent / "certificates").exists()


def test_add_certificate_that_is_a_folder(jane: Cli, tmp_path: Path) -> None:
    failed(
        jane("add", "A", *CAT2, "--credits", "1", "--certificate", str(tmp_path)), 2, str(tmp_path)
    )
    assert entries(jane) == []


def test_add_empty_title_refused(jane: Cli) -> None:
    failed(jane("add", "  ", *CAT2, "--credits", "1"), 2, "title")
    assert entries(jane) == []


# ---------------------------------------------------------------------------- list


@pytest.fixture
def logbook(jane: Cli) -> Cli:
    """Entries out of date order: ids 1..5."""
    ok(jane("add", "March B", "--date", "2026-03-01", "--category", "2", "--credits", "1"))
    ok(
        jane(
            "add",
            "Older",
            "--date",
            "2023-05-01",
            "--category",
            "1",
            "--credits",
            "3",
            "--provider",
            "MMS",
            "--topic",
            "opioids-pain-management",
        )
    )
    ok(
        jane(
            "add",
            "March A",
            "--date",
            "2026-03-01",
            "--category",
            "2",
            "--minutes",
            "95",
            "--topic",
            "ehr",
        )
    )
    ok(jane("add", "Ancient", "--date", "2019-01-01", "--category", "2", "--credits", "2"))
    ok(
        jane(
            "add",
            "Future",
            "--date",
            "2026-01-01",
            "--end-date",
            "2026-07-01",
            "--category",
            "1",
            "--provider",
            "P",
            "--credits",
            "1.25",
            "--topic",
            "ehr",
        )
    )
    return jane


def ids(cli: Cli, *args: str) -> list[int]:
    result = ok(cli("list", "--json", *args))
    return [e["id"] for e in json.loads(result.stdout)]


def test_list_ordered_by_date_then_id(logbook: Cli) -> None:
    docs = entries(logbook)
    assert [e["id"] for e in docs] == [4, 2, 5, 1, 3]
    assert all(list(d) == ENTRY_KEYS for d in docs)


def test_list_off_a_terminal_is_tab_separated_lines(logbook: Cli) -> None:
    """Off a terminal: one line per entry, no header: id, date, end_date, category, credits,
    kind, topics, title, provider (empty fields for missing values)."""
    out = ok(logbook("list")).stdout
    rows = [line.split("\t") for line in out.splitlines()]
    assert [r[0] for r in rows] == ["4", "2", "5", "1", "3"]
    assert all(len(r) == 9 for r in rows)
    assert rows[2] == [
        "5", "2026-01-01", "2026-07-01", "1", "1.25", "activity", "ehr", "Future", "P"
    ]  # fmt: skip
    assert rows[3] == ["1", "2026-03-01", "", "2", "1", "activity", "", "March B", ""]
    assert rows[1][6] == "opioids-pain-management"
    assert "\x1b[" not in out


def test_list_empty(jane: Cli) -> None:
    assert ok(jane("list")).stdout == ""  # no header off a terminal
    assert json.loads(ok(jane("list", "--json")).stdout) == []
    assert ok(jane("list", "--csv")).stdout.splitlines() == [CSV_HEADER]


def test_list_filters(logbook: Cli) -> None:
    assert ids(logbook, "--from", "2026-01-01") == [5, 1, 3]
    assert ids(logbook, "--to", "2023-05-01") == [4, 2]
    assert ids(logbook, "--from", "2023-05-01", "--to", "2026-03-01") == [2, 1, 3]
    # an activity is placed by its end date
    assert ids(logbook, "--from", "2026-06-01") == [5]
    assert ids(logbook, "--category", "1") == [2, 5]
    assert ids(logbook, "--category", "2") == [4, 1, 3]
    assert ids(logbook, "--topic", "ehr") == [5, 3]
    assert ids(logbook, "--topic", "ehr", "--category", "2") == [3]
    assert ids(logbook, "--topic", "implicit-bias") == []


def test_list_cycles(logbook: Cli) -> None:
    # Jane renews 2026-06-15: on 2026-01-10 the current cycle is 2024-06-16..2026-06-15
    assert ids(logbook, "--cycle", "current", "--as-of", "2026-01-10") == [1, 3]
    assert ids(logbook, "--cycle", "previous", "--as-of", "2026-01-10") == [2]
    assert ids(logbook, "--cycle", "all", "--as-of", "2026-01-10") == [4, 2, 5, 1, 3]
    assert ids(logbook, "--cycle", "current", "--as-of", "2026-07-01") == [5]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--from", "2026-02-30"], "2026-02-30"),
        (["--to", "soon"], "soon"),
        (["--category", "3"], "'3'"),
        (["--topic", "cardiology"], "'cardiology'"),
        (["--cycle", "next"], "'next'"),
        (["--as-of", "2026-00-01"], "2026-00-01"),
        (["--json", "--csv"], "--csv"),
    ],
)
def test_list_bad_input(logbook: Cli, args: list[str], needle: str) -> None:
    failed(logbook("list", *args), 2, needle)


def test_list_csv(logbook: Cli) -> None:
    out = ok(logbook("list", "--csv", "--as-of", "2026-01-10")).stdout
    lines = out.splitlines()
    assert lines[0] == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in rows] == ["4", "2", "5", "1", "3"]
    assert [r["cycle"] for r in rows] == ["earlier", "previous", "later", "current", "current"]
    march_a = rows[4]
    assert march_a == {
        "cycle": "current",
        "id": "3",
        "date": "2026-03-01",
        "end_date": "",
        "title": "March A",
        "provider": "",
        "category": "2",
        "credits": "1.5",
        "minutes": "95",
        "kind": "activity",
        "topics": "ehr",
        "format": "",
        "url": "",
        "certificate_sha256": "",
        "certificate_name": "",
        "notes": "",
    }
    assert rows[2]["end_date"] == "2026-07-01" and rows[2]["credits"] == "1.25"


def test_list_csv_quotes_awkward_text(jane: Cli) -> None:
    ok(jane("add", 'Ethics, "hard" cases', *CAT2, "--credits", "1", "--notes", "line 1\tline 2"))
    out = ok(jane("list", "--csv")).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["title"] == 'Ethics, "hard" cases'
    assert rows[0]["notes"] == "line 1\tline 2"


# ---------------------------------------------------------------------------- show


def test_show(logbook: Cli) -> None:
    out = ok(logbook("show", "3")).stdout
    assert "March A" in out and "2026-03-01" in out and "1.50" in out and "ehr" in out
    doc = json.loads(ok(logbook("show", "3", "--json")).stdout)
    assert list(doc) == ENTRY_KEYS
    assert (doc["id"], doc["credits"], doc["minutes"], doc["topics"]) == (3, 1.5, 95, ["ehr"])


@pytest.mark.parametrize("entry_id", ["99", "0", "99999999999999999999"])
def test_show_unknown_entry(logbook: Cli, entry_id: str) -> None:
    failed(logbook("show", entry_id), 1, entry_id, "cmelog list")


def test_show_id_not_a_number(logbook: Cli) -> None:
    failed(logbook("show", "abc"), 2, "abc")


# ---------------------------------------------------------------------------- edit


def test_edit_title_and_amount(logbook: Cli) -> None:
    result = ok(logbook("edit", "1", "--title", "March B (revised)", "--minutes", "52.5"))
    assert result.stdout.startswith("Updated entry 1.\n")
    assert "52.5 min -> 1.00 credit" in result.stdout
    doc = json.loads(ok(logbook("show", "1", "--json")).stdout)
    assert (doc["title"], doc["credits"], doc["minutes"]) == ("March B (revised)", 1, 52.5)


def test_edit_json(logbook: Cli) -> None:
    doc = json.loads(ok(logbook("edit", "2", "--notes", "kept", "--json")).stdout)
    assert list(doc) == ENTRY_KEYS
    assert (doc["id"], doc["notes"], doc["credits"], doc["provider"]) == (2, "kept", 3, "MMS")


def test_edit_topics(logbook: Cli) -> None:
    edit = lambda *a: json.loads(ok(logbook("edit", "3", *a, "--json")).stdout)["topics"]  # noqa: E731
    assert edit("--add-topic", "risk-management", "--add-topic", "end-of-life") == [
        "ehr",
        "end-of-life",
        "risk-management",
    ]
    assert edit("--remove-topic", "ehr") == ["end-of-life", "risk-management"]
    assert edit("--remove-topic", "implicit-bias") == ["end-of-life", "risk-management"]
    assert edit("--topic", "implicit-bias") == ["implicit-bias"]
    assert ids(logbook, "--topic", "implicit-bias") == [3]
    assert ids(logbook, "--topic", "ehr") == [5]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--add-topic", "cardio"], "'cardio'"),
        (["--remove-topic", "cardio"], "'cardio'"),
        (["--topic", "cardio"], "'cardio'"),
        (["--date", "2026-02-30"], "2026-02-30"),
        (["--end-date", "2020-01-01"], "2020-01-01"),
        (["--credits", "-2"], "-2"),
        (["--minutes", "5"], "5"),
        (["--credits", "1", "--hours", "1"], "--hours"),
        (["--category", "1"], "--provider"),
        (["--category", "7"], "'7'"),
        (["--kind", "lecture"], "'lecture'"),
        (["--format", "webinar"], "'webinar'"),
        (["--title", ""], "title"),
        (["--certificate", "/nonexistent/c.pdf"], "/nonexistent/c.pdf"),
    ],
)
def test_edit_bad_input_changes_nothing(logbook: Cli, args: list[str], needle: str) -> None:
    before = entries(logbook)
    failed(logbook("edit", "3", *args), 2, needle)
    assert entries(logbook) == before


def test_edit_into_a_duplicate_refused(logbook: Cli) -> None:
    before = entries(logbook)
    failed(logbook("edit", "3", "--title", "March B", "--credits", "1"), 2, "double count")
    assert entries(logbook) == before
    ok(logbook("edit", "3", "--title", "March B", "--credits", "1", "--allow-duplicate"))


def test_edit_unknown_entry(logbook: Cli) -> None:
    failed(logbook("edit", "42", "--title", "X"), 1, "42")


# ---------------------------------------------------------------------------- delete


def test_delete_without_yes_refused_off_a_terminal(logbook: Cli) -> None:
    failed(logbook("delete", "3"), 2, "--yes")
    failed(logbook("delete", "3", input="y\n"), 2, "--yes")
    assert 3 in ids(logbook)


def test_delete_with_yes(logbook: Cli) -> None:
    result = ok(logbook("delete", "3", "--yes"))
    assert result.stdout == "Deleted entry 3 (2026-03-01, March A).\n"
    assert ids(logbook) == [4, 2, 5, 1]
    failed(logbook("delete", "3", "--yes"), 1, "3")
    failed(logbook("show", "3"), 1, "3")


def test_delete_unknown_entry(logbook: Cli) -> None:
    failed(logbook("delete", "99999999999999999999", "--yes"), 1, "99999999999999999999")
    assert len(ids(logbook)) == 5


def test_edit_category_to_2_rounds_and_says_so(jane: Cli) -> None:
    ok(jane("add", "Course", *CAT1, "--credits", "1.33"))
    result = ok(jane("edit", "1", "--category", "2"))
    assert "1.33 -> 1.25 credits" in result.stdout
    assert entries(jane)[0]["credits"] == 1.25
    ok(jane("add", "Tiny", *CAT1, "--credits", "0.1"))
    failed(jane("edit", "2", "--category", "2"), 2, "0")
    assert entries(jane)[1]["credits"] == 0.1 and entries(jane)[1]["category"] == 1


def test_json_keeps_stdout_pure_and_says_the_rounding_on_stderr(jane: Cli) -> None:
    """cli.md: the output says when Category 2 credits were rounded, --json included."""
    args = ("--date", "2025-03-01", "--category", "2", "--json")
    result = jane("add", "R", *args, "--credits", "1.1")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["credits"] == 1
    assert "1.10 -> 1.00" in result.stderr
    # a time conversion loses nothing (the JSON has minutes and credits): stderr stays quiet
    timed = jane("add", "T", *args, "--minutes", "95")
    assert timed.exit_code == 0, timed.stderr
    assert json.loads(timed.stdout)["credits"] == 1.5
    assert timed.stderr == ""


def test_ids_are_never_reused_after_a_delete(jane: Cli) -> None:
    """An id once given (in an export, an email, met_by) never comes to mean another entry."""
    for title in ("A", "B"):
        ok(jane("add", title, "--date", "2025-01-01", "--category", "2", "--credits", "1"))
    ok(jane("delete", "2", "--yes"))
    again = json.loads(
        ok(
            jane("add", "C", "--date", "2025-01-02", "--category", "2", "--credits", "1", "--json")
        ).stdout
    )
    assert again["id"] == 3
