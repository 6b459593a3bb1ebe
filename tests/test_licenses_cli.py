"""Several licenses and ledgers (issue 14): license add/list/set/remove, ledger add/list/remove,
init and profile set on the first license, the schema 3 migration of 0.1 and 0.2 logbooks."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmelog.storage import db as dbmod
from tests.conftest import JANE

Cli = Callable[..., Any]
FIXTURE = Path(__file__).parent / "fixtures" / "cmelog-0.1.0.db"
MA = {"board": "MA", "number": "123456", "type": "full", "expires": "2026-06-15", "issued": None}
NH_ADD = ["license", "add", "--board", "nh", "--number", "98765", "--expires", "2027-06-30"]
NH = {"board": "NH", "number": "98765", "type": "full", "expires": "2027-06-30", "issued": None}


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def fails(result: Any, code: int, *needles: str) -> None:
    """One sentence on stderr, nothing on stdout, the exit code of the contract."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("cmelog: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "Unexpected" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


def licenses(cli: Cli, *db: str) -> list[dict[str, Any]]:
    return list(json.loads(ok(cli(*db, "license", "list", "--json")).stdout))


def ledgers(cli: Cli, *db: str) -> list[dict[str, Any]]:
    return list(json.loads(ok(cli(*db, "ledger", "list", "--json")).stdout))


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return list(con.execute(sql).fetchall())
    finally:
        con.close()


def history(db: Path) -> list[tuple[Any, ...]]:
    return rows(db, "SELECT command, action, entity, old IS NULL, new IS NULL FROM history")


def state(db: Path) -> tuple[Any, ...]:
    """Everything a refused command must leave as it was."""
    return (
        rows(db, "SELECT * FROM license ORDER BY id"),
        rows(db, "SELECT * FROM ledger ORDER BY id"),
        rows(db, "SELECT * FROM profile"),
        rows(db, "SELECT * FROM history"),
    )


# ------------------------------------------------------------------ init and profile
def test_init_creates_the_first_license_without_history(jane: Cli, db_path: Path) -> None:
    assert licenses(jane) == [MA]
    assert ledgers(jane) == []
    assert rows(db_path, "SELECT position, board, number, type FROM license") == [
        (0, "MA", "123456", "full")
    ]
    assert history(db_path) == []


def test_profile_set_changes_the_first_license(jane: Cli, db_path: Path) -> None:
    ok(jane("profile", "set", "--license", "777", "--license-issued", "2001-07-01"))
    assert licenses(jane) == [{**MA, "number": "777", "issued": "2001-07-01"}]
    assert rows(db_path, "SELECT license, license_issued FROM profile") == [("777", "2001-07-01")]
    assert history(db_path) == [("profile set", "edit", "license", 0, 0)]


def test_profile_set_board_held_by_another_license_is_refused(jane: Cli, db_path: Path) -> None:
    ok(jane(*NH_ADD))
    before = state(db_path)
    fails(jane("profile", "set", "--board", "NH"), 1, "already hold a license from NH")
    assert state(db_path) == before
    ok(jane("profile", "set", "--board", "VT"))
    assert [x["board"] for x in licenses(jane)] == ["VT", "NH"]
    assert json.loads(ok(jane("profile", "--json")).stdout)["board"] == "VT"


# ------------------------------------------------------------------ license add
def test_license_add_and_list(jane: Cli, db_path: Path) -> None:
    result = ok(jane(*NH_ADD))
    assert "NH" in result.stdout and "98765" in result.stdout
    ok(jane("license", "add", "--board", "VT", "--number", "V-1", "--issued", "2010-01-05"))
    assert licenses(jane) == [
        MA,
        NH,
        {"board": "VT", "number": "V-1", "type": "full", "expires": None, "issued": "2010-01-05"},
    ]
    # the profile still mirrors the first license
    profile = json.loads(ok(jane("profile", "--json")).stdout)
    assert (profile["board"], profile["license"]) == ("MA", "123456")
    assert history(db_path) == [
        ("license add", "add", "license", 1, 0),
        ("license add", "add", "license", 1, 0),
    ]
    new = json.loads(rows(db_path, "SELECT new FROM history ORDER BY id")[0][0])
    assert new["board"] == "NH" and new["number"] == "98765" and new["expires"] == "2027-06-30"


def test_license_list_text_off_a_terminal(jane: Cli) -> None:
    ok(jane(*NH_ADD))
    out = ok(jane("license", "list")).stdout
    assert out.splitlines() == ["MA\t123456\tfull\t2026-06-15\t", "NH\t98765\tfull\t2027-06-30\t"]


@pytest.mark.parametrize(
    ("args", "code", "needles"),
    [
        (["--board", "ZZ", "--number", "1", "--expires", "2027-01-01"], 2, ["'ZZ'", "MA", "NH"]),
        (["--board", "MA", "--number", "1", "--expires", "2027-01-01"], 1, ["license set MA"]),
        (["--board", "NH", "--number", "1", "--type", "temp", "--expires", "2027-01-01"], 2,
         ["'temp'", "accepted: full"]),
        (["--board", "NH", "--number", "1", "--expires", "06/15/2025"], 2, ["2025-06-15"]),
        (["--board", "NH", "--number", "1", "--expires", "2020-01-01", "--issued", "2021-01-01"],
         2, ["--expires 2020-01-01 is not after --issued 2021-01-01"]),
        (["--board", "NH", "--number", "1"], 2, ["--expires", "--issued"]),
        (["--number", "1", "--expires", "2027-01-01"], 2, ["--board is missing"]),
        (["--board", "NH", "--expires", "2027-01-01"], 2, ["--number is missing"]),
        (["--board", "NH", "--number", " ", "--expires", "2027-01-01"], 2, ["--number"]),
        (["--board", "NH", "--number", "1\x1b[2J", "--expires", "2027-01-01"], 2, ["--number"]),
    ],
)  # fmt: skip
def test_license_add_refusals_change_nothing(
    jane: Cli, db_path: Path, args: list[str], code: int, needles: list[str]
) -> None:
    before = state(db_path)
    fails(jane("license", "add", *args), code, *needles)
    assert state(db_path) == before


def test_license_types_come_from_the_rules(jane: Cli) -> None:
    """MA's file names six types (rules.md 0.2 "License types"); NH's only the full license."""
    ok(jane("license", "set", "MA", "--type", "Administrative"))
    assert licenses(jane)[0]["type"] == "administrative"
    fails(
        jane("license", "set", "MA", "--type", "retired"),
        2,
        "full, administrative, temporary-faculty, inactive, limited, temporary-substitute",
    )
    fails(jane(*NH_ADD, "--type", "administrative"), 2, "accepted: full")


def test_no_profile_is_exit_1_saying_init(cli: Cli, db_path: Path) -> None:
    dea = ["ledger", "add", "dea-mate", "--registered", "2024-03-01"]
    for args in (NH_ADD, ["license", "list"], dea, ["ledger", "list", "--json"]):
        fails(cli(*args), 1, "cmelog init")
    assert not db_path.exists()


# ------------------------------------------------------------------ license set
def test_license_set(jane: Cli, db_path: Path) -> None:
    ok(jane(*NH_ADD))
    ok(jane("license", "set", "nh", "--number", "11", "--issued", "2015-02-03"))
    assert licenses(jane)[1] == {**NH, "number": "11", "issued": "2015-02-03"}
    assert history(db_path)[-1] == ("license set", "edit", "license", 0, 0)
    old, new = rows(db_path, "SELECT old, new FROM history ORDER BY id DESC LIMIT 1")[0]
    assert json.loads(old)["number"] == "98765" and json.loads(new)["number"] == "11"
    # the first license: the profile follows it
    ok(jane("license", "set", "MA", "--expires", "2028-06-15"))
    profile = json.loads(ok(jane("profile", "--json")).stdout)
    assert profile["license_expires"] == "2028-06-15"
    assert rows(db_path, "SELECT license_expires FROM profile") == [("2028-06-15",)]


@pytest.mark.parametrize(
    ("args", "code", "needles"),
    [
        (["NH", "--number", "1"], 1, ["no license from NH", "held: MA"]),
        (["MA"], 2, ["Nothing to change"]),
        (["MA", "--issued", "2027-01-01"], 2, ["--expires 2026-06-15 is not after --issued"]),
        (["MA", "--expires", "tomorrowish"], 2, ["--expires"]),
        (["MA", "--type", "temp"], 2, ["accepted: full"]),
    ],
)
def test_license_set_refusals_change_nothing(
    jane: Cli, db_path: Path, args: list[str], code: int, needles: list[str]
) -> None:
    before = state(db_path)
    fails(jane("license", "set", *args), code, *needles)
    assert state(db_path) == before


# ------------------------------------------------------------------ license remove
def test_license_remove_off_a_terminal_needs_yes(jane: Cli, db_path: Path) -> None:
    ok(jane(*NH_ADD))
    before = state(db_path)
    fails(jane("license", "remove", "NH"), 2, "--yes")
    assert state(db_path) == before
    ok(jane("license", "remove", "NH", "--yes"))
    assert licenses(jane) == [MA]
    assert history(db_path)[-1] == ("license remove", "delete", "license", 0, 1)


def test_removing_the_first_license_makes_the_next_one_first(jane: Cli, db_path: Path) -> None:
    ok(jane(*NH_ADD))
    ok(jane("license", "add", "--board", "VT", "--number", "V-1", "--expires", "2026-11-30"))
    result = ok(jane("license", "remove", "ma", "--yes"))
    assert "NH" in result.stdout
    assert [x["board"] for x in licenses(jane)] == ["NH", "VT"]
    profile = json.loads(ok(jane("profile", "--json")).stdout)
    assert (profile["board"], profile["license"], profile["license_expires"]) == (
        "NH",
        "98765",
        "2027-06-30",
    )
    assert rows(db_path, "SELECT board, license FROM profile") == [("NH", "98765")]
    # adding MA again puts it last
    ok(jane("license", "add", "--board", "MA", "--number", "123456", "--expires", "2026-06-15"))
    assert [x["board"] for x in licenses(jane)] == ["NH", "VT", "MA"]


def test_the_only_license_cannot_be_removed(jane: Cli, db_path: Path) -> None:
    before = state(db_path)
    fails(jane("license", "remove", "MA", "--yes"), 1, "only one", "license set MA")
    fails(jane("license", "remove", "NH", "--yes"), 1, "no license from NH", "held: MA")
    assert state(db_path) == before


def test_license_remove_asks_on_a_terminal(
    jane: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cmelog.commands.ask as ask
    import cmelog.commands.licenses as commands

    ok(jane(*NH_ADD))
    questions: list[str] = []
    answers = iter(["n", "y"])

    def read(prompt: str) -> str:
        questions.append(prompt)
        return next(answers)

    monkeypatch.setattr(commands, "_interactive", lambda: True)
    monkeypatch.setattr(ask, "_read", read)
    before = state(db_path)
    fails(jane("license", "remove", "NH"), 1, "Nothing was removed")
    assert state(db_path) == before
    ok(jane("license", "remove", "NH"))
    assert "NH" in questions[0] and "98765" in questions[0]
    assert licenses(jane) == [MA]


# ------------------------------------------------------------------ ledgers
def test_ledger_add_list_remove(jane: Cli, db_path: Path) -> None:
    ok(jane("ledger", "add", "dea-mate", "--registered", "2024-03-01"))
    ok(jane("ledger", "add", "MOC", "--board-name", "ABIM", "--cycle-start", "2024-01-01"))
    assert ledgers(jane) == [
        {"kind": "dea-mate", "name": "dea-mate", "start": "2024-03-01"},
        {"kind": "moc", "name": "ABIM", "start": "2024-01-01"},
    ]
    assert ok(jane("ledger", "list")).stdout.splitlines() == [
        "dea-mate\tdea-mate\t2024-03-01",
        "moc\tABIM\t2024-01-01",
    ]
    profile_ledgers = rows(db_path, "SELECT kind, name, start FROM ledger ORDER BY position")
    assert profile_ledgers == [
        ("dea-mate", "dea-mate", "2024-03-01"),
        ("moc", "ABIM", "2024-01-01"),
    ]
    before = state(db_path)
    fails(jane("ledger", "remove", "ABIM"), 2, "--yes")
    assert state(db_path) == before
    ok(jane("ledger", "remove", "abim", "--yes"))
    assert [x["name"] for x in ledgers(jane)] == ["dea-mate"]
    assert history(db_path) == [
        ("ledger add", "add", "ledger", 1, 0),
        ("ledger add", "add", "ledger", 1, 0),
        ("ledger remove", "delete", "ledger", 0, 1),
    ]
    assert "ABIM" in ok(jane("history")).stdout


@pytest.mark.parametrize(
    ("args", "code", "needles"),
    [
        (["dea", "--registered", "2024-03-01"], 2, ["'dea'", "dea-mate, moc"]),
        (["cme", "--registered", "2024-03-01"], 2, ["accepted: dea-mate, moc"]),
        (["dea-mate"], 2, ["--registered is missing"]),
        (["dea-mate", "--registered", "2024-03-01", "--board-name", "ABIM"], 2,
         ["--board-name is for a moc ledger"]),
        (["moc", "--registered", "2024-03-01"], 2, ["--registered is for the dea-mate ledger"]),
        (["moc", "--cycle-start", "2024-01-01"], 2, ["--board-name is missing"]),
        (["moc", "--board-name", "ABIM"], 2, ["--cycle-start is missing"]),
        (["moc", "--board-name", "ABIM", "--cycle-start", "01/15/2024"], 2, ["2024-01-15"]),
        (["moc", "--board-name", "ma", "--cycle-start", "2024-01-01"], 2, ["license board"]),
        (["dea-mate", "--registered", "2024-03-01"], 1, ["already exists"]),
        (["moc", "--board-name", "abim", "--cycle-start", "2024-01-01"], 1, ["already exists"]),
    ],
)  # fmt: skip
def test_ledger_add_refusals_change_nothing(
    jane: Cli, db_path: Path, args: list[str], code: int, needles: list[str]
) -> None:
    ok(jane("ledger", "add", "dea-mate", "--registered", "2024-03-01"))
    ok(jane("ledger", "add", "moc", "--board-name", "ABIM", "--cycle-start", "2024-01-01"))
    before = state(db_path)
    fails(jane("ledger", "add", *args), code, *needles)
    assert state(db_path) == before


def test_ledger_remove_unknown_names_the_ledgers(jane: Cli, db_path: Path) -> None:
    ok(jane("ledger", "add", "dea-mate", "--registered", "2024-03-01"))
    before = state(db_path)
    fails(jane("ledger", "remove", "ABIM", "--yes"), 1, "'ABIM'", "dea-mate")
    assert state(db_path) == before


# ------------------------------------------------------------------ help
@pytest.mark.parametrize(
    "path",
    [
        ["license"],
        ["license", "add"],
        ["license", "list"],
        ["license", "set"],
        ["license", "remove"],
        ["ledger"],
        ["ledger", "add"],
        ["ledger", "list"],
        ["ledger", "remove"],
    ],
)
def test_every_command_help_shows_an_example(cli: Cli, path: list[str]) -> None:
    out = ok(cli(*path, "--help")).stdout
    assert f"cmelog {path[0]}" in out.split("Examples")[-1]
    assert "<" not in out


# ------------------------------------------------------------------ migration (schema 3)
def test_a_0_1_logbook_migrates_to_one_ma_license(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "old" / "cmelog.db"
    book.parent.mkdir()
    shutil.copy(FIXTURE, book)
    (profile,) = rows(FIXTURE, "SELECT license, license_expires, license_issued FROM profile")
    db = ("--db", str(book))
    assert licenses(cli, *db) == [
        {"board": "MA", "number": profile[0], "type": "full", "expires": profile[1],
         "issued": profile[2]}
    ]  # fmt: skip
    assert ledgers(cli, *db) == []
    assert rows(book, "PRAGMA user_version") == [(dbmod.SCHEMA_VERSION,)] == [(3,)]
    assert rows(book.parent / "cmelog.db.v1.bak", "PRAGMA user_version") == [(1,)]
    # the migrated logbook takes the new commands
    ok(cli(*db, *NH_ADD))
    assert [x["board"] for x in licenses(cli, *db)] == ["MA", "NH"]


def test_a_0_2_schema_2_logbook_migrates_and_is_backed_up(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "v2" / "cmelog.db"
    book.parent.mkdir()
    shutil.copy(FIXTURE, book)
    con = sqlite3.connect(book)  # cmelog 0.2 before issue 14: migrations 1 and 2 only
    try:
        con.execute("BEGIN")
        for sql in dbmod._V2:
            con.execute(sql)
        con.execute(
            "UPDATE profile SET license = 'B-42', license_expires = '2027-03-01', "
            "license_issued = '2005-09-01'"
        )
        con.execute("PRAGMA user_version = 2")
        con.execute("COMMIT")
    finally:
        con.close()
    db = ("--db", str(book))
    assert licenses(cli, *db) == [
        {"board": "MA", "number": "B-42", "type": "full", "expires": "2027-03-01",
         "issued": "2005-09-01"}
    ]  # fmt: skip
    bak = book.parent / "cmelog.db.v2.bak"
    assert rows(bak, "PRAGMA user_version") == [(2,)]
    assert rows(bak, "SELECT name FROM sqlite_master WHERE name IN ('license', 'ledger')") == []
    assert rows(book, "PRAGMA user_version") == [(3,)]
    profile = json.loads(ok(cli(*db, "profile", "--json")).stdout)
    assert (profile["license"], profile["license_issued"]) == ("B-42", "2005-09-01")


def test_a_logbook_from_schema_4_is_refused(jane: Cli, db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA user_version = 4")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    fails(jane("license", "list"), 1, "newer cmelog", "schema 4")
    fails(jane(*NH_ADD), 1, "newer cmelog")
    assert db_path.read_bytes() == before


def test_a_fresh_logbook_has_both_tables_empty_before_init(cli: Cli, db_path: Path) -> None:
    ok(cli(*JANE))
    assert rows(db_path, "SELECT count(*) FROM license") == [(1,)]
    assert rows(db_path, "SELECT count(*) FROM ledger") == [(0,)]


# ------------------------------------------------------------------ the installed entry point
def test_the_entry_point(run_exe: Callable[..., Any], tmp_path: Path) -> None:
    env = {"CMELOG_DB": str(tmp_path / "exe" / "cmelog.db")}
    assert run_exe(*JANE, env=env).returncode == 0
    done = run_exe("license", "list", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [MA]
    done = run_exe("license", "add", "--board", "MA", "--number", "1", "--expires", "2027-01-01",
                   env=env)  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("cmelog: ") and "license set MA" in done.stderr
    done = run_exe("ledger", "add", "dea-mate", "--registered", "2024-03-01", env=env)
    assert done.returncode == 0, done.stderr
    done = run_exe("ledger", "list", "--json", env=env)
    assert json.loads(done.stdout) == [
        {"kind": "dea-mate", "name": "dea-mate", "start": "2024-03-01"}
    ]
    done = run_exe("ledger", "remove", "dea-mate", env=env, input="")
    assert done.returncode == 2 and "--yes" in done.stderr and "Traceback" not in done.stderr
    done = run_exe("license", "remove", "MA", env=env, input="")
    assert done.returncode == 2 and "--yes" in done.stderr
    assert json.loads(run_exe("license", "list", "--json", env=env).stdout) == [MA]
