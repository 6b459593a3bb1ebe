"""Guided entry through a real pseudo-terminal driving the installed `cmelog`: wrong answers
are explained and asked again at once, earlier answers are kept; off a terminal nothing is asked
and one exit 2 names every missing value."""

from __future__ import annotations

import json
import os
import sys
import termios
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import ptyprocess.ptyprocess
import pytest

EXE = str(Path(sys.executable).parent / "cmelog")
Cli = Callable[..., Any]


def spawn(db: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "CMELOG_DB": str(db), "TERM": "xterm", "NO_COLOR": "1"}
    env.pop("PAGER", None)
    child = pexpect.spawn(
        EXE, list(args), env=env, encoding="utf-8", timeout=30, dimensions=(30, 80)
    )
    return child


def finish(child: pexpect.spawn) -> tuple[int, str]:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before or ""


def child_state(child: pexpect.spawn) -> str:
    """How a waiting child stands: its signal masks and threads (where /proc tells them) and
    its terminal modes."""
    try:
        status = Path(f"/proc/{child.pid}/status").read_text().splitlines()
    except OSError:
        status = ["State: (no /proc here)"]
    sig = [
        line
        for line in status
        if line.startswith(("State", "Threads", "SigBlk", "SigIgn", "SigCgt"))
    ]
    attrs = termios.tcgetattr(child.child_fd)
    isig = bool(attrs[3] & termios.ISIG)
    intr = attrs[6][termios.VINTR]
    sent = ptyprocess.ptyprocess._INTR
    return f"{'; '.join(sig)}; ISIG {isig}; VINTR {intr!r}; pexpect sends {sent!r}"


def answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    child.expect(prompt)
    child.sendline(text)


def test_init_asks_checks_each_answer_and_keeps_the_others(db_path: Path, cli: Cli) -> None:
    child = spawn(db_path, "init")
    answer(child, "name", "Jane Roe, MD")
    answer(child, "birth", "03/14/1971")
    child.expect("did you mean 1971-03-14\\?")  # said at once, before any other question
    answer(child, "birth", "2100-01-01")
    child.expect("not in the past")
    answer(child, "birth", "1971-03-14")
    answer(child, "icense number", "123456")
    answer(child, "xpiration date", "15.6.2027")
    child.expect("did you mean 2027-06-15\\?")
    answer(child, "xpiration date", "2027-03-14")
    answer(child, "controlled substances", "perhaps")
    child.expect("yes or no")
    answer(child, "controlled substances", "no")
    answer(child, "adult patients", "")  # the default shown: yes
    code, _ = finish(child)
    assert code == 0
    profile = json.loads(cli("profile", "--json").stdout)
    assert profile == {
        "name": "Jane Roe, MD",
        "birthday": "1971-03-14",
        "license": "123456",
        "board": "MA",
        "license_expires": "2027-03-14",
        "license_issued": None,
        "prescriber": False,
        "adult_patients": True,
    }


def test_init_off_a_terminal_names_every_missing_value(cli: Cli) -> None:
    result = cli("init", "--name", "Jane")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    for name in ("--birthday", "--license", "--license-expires"):
        assert name in result.stderr


def test_add_guided_with_wrong_answers(db_path: Path, jane: Cli) -> None:
    child = spawn(db_path, "add", "--json")
    answer(child, "Title", "Opioid safety update")
    answer(child, "Date", "06/15/2025")
    child.expect("did you mean 2025-06-15\\?")
    answer(child, "Date", "2025-06-15")
    answer(child, "Last day", "2025-06-14")
    child.expect("before 2025-06-15")
    answer(child, "Last day", "")
    answer(child, "Kind", "lectur")
    child.expect("not a known kind")
    answer(child, "Kind", "")  # default: activity
    answer(child, "Category", "3")
    child.expect("accepted: 1, 2")
    answer(child, "Category", "1")
    answer(child, "Credits", "lots")
    child.expect("not a number")
    answer(child, "Credits", "90 min")
    answer(child, "provider", "")
    child.expect("answer is needed")
    answer(child, "provider", "Massachusetts Medical Society")
    answer(child, "Topics", "opioid")
    child.expect("did you mean opioids-pain-management\\?")
    answer(child, "Topics", "opioids-pain-management, risk-management")
    answer(child, "Format", "")
    code, _ = finish(child)
    assert code == 0
    docs = json.loads(jane("list", "--json").stdout)
    assert len(docs) == 1
    doc = docs[0]
    assert (doc["title"], doc["date"], doc["end_date"]) == (
        "Opioid safety update",
        "2025-06-15",
        None,
    )
    assert (doc["category"], doc["credits"], doc["minutes"]) == (1, 1.5, 90)
    assert doc["provider"] == "Massachusetts Medical Society"
    assert doc["topics"] == ["opioids-pain-management", "risk-management"]


def test_add_asks_only_what_is_missing_for_a_fixed_kind(db_path: Path, jane: Cli) -> None:
    child = spawn(db_path, "add", "Board certification", "--kind", "board-certification")
    answer(child, "Date", "2025-01-10")
    answer(child, "Last day", "")
    # Category and credits are fixed by the kind: the next question is the provider
    answer(child, "provider", "ABIM")
    answer(child, "Topics", "")
    answer(child, "Format", "")
    code, out = finish(child)
    assert code == 0, out
    doc = json.loads(jane("show", "1", "--json").stdout)
    assert (doc["credits"], doc["category"], doc["kind"]) == (60, 1, "board-certification")


def test_likely_duplicate_is_asked_about_on_a_terminal(db_path: Path, jane: Cli) -> None:
    first = jane("add", "Heart Failure Update 2025", "--date", "2025-03-01", "--category", "1",
                 "--credits", "2", "--provider", "MMS")  # fmt: skip
    assert first.exit_code == 0
    child = spawn(db_path, "add", "Heart Failure Update", "--date", "2025-03-01", "--category",
                  "1", "--credits", "2", "--provider", "Mass Med")  # fmt: skip
    child.expect("same activity as entry 1")
    answer(child, "as well", "n")
    code, _ = finish(child)
    assert code == 1
    assert len(json.loads(jane("list", "--json").stdout)) == 1
    child = spawn(db_path, "add", "Heart Failure Update", "--date", "2025-03-01", "--category",
                  "1", "--credits", "2", "--provider", "Mass Med")  # fmt: skip
    answer(child, "as well", "y")
    code, _ = finish(child)
    assert code == 0
    assert len(json.loads(jane("list", "--json").stdout)) == 2


def test_attest_guided(db_path: Path, jane: Cli) -> None:
    child = spawn(db_path, "attest")
    answer(child, "Requirement", "child-abuse")
    child.expect("did you mean child-abuse-reporting\\?")
    answer(child, "Requirement", "child-abuse-reporting")
    answer(child, "Date", "6/30/2009")
    child.expect("did you mean 2009-06-30\\?")
    answer(child, "Date", "2009-06-30")
    answer(child, "How", "Training in residency")
    code, out = finish(child)
    assert code == 0, out
    items = json.loads(jane("attest", "--list", "--json").stdout)
    assert [(a["requirement"], a["date"], a["how"]) for a in items] == [
        ("child-abuse-reporting", "2009-06-30", "Training in residency")
    ]


def test_attest_off_a_terminal_names_every_missing_value(jane: Cli) -> None:
    result = jane("attest")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert all(n in result.stderr for n in ("REQUIREMENT_ID", "--date", "--how"))


def test_add_off_a_terminal_names_every_missing_value_at_once(jane: Cli) -> None:
    result = jane("add", "Course")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    for name in ("--date", "--category", "--credits"):
        assert name in result.stderr
    result = jane("add", "Course", "--date", "2025-01-01", "--category", "1", "--credits", "1")
    assert result.exit_code == 2 and "--provider" in result.stderr


def test_edit_on_a_terminal_walks_every_field(db_path: Path, jane: Cli) -> None:
    jane("add", "Course", "--date", "2025-01-01", "--category", "2", "--credits", "1")
    child = spawn(db_path, "edit", "1")
    answer(child, "Title", "")  # keep
    answer(child, "Date", "")
    answer(child, "Last day", "")
    answer(child, "Kind", "")
    answer(child, "Category", "")
    answer(child, "Credits", "2.5")
    answer(child, "provider", "")
    answer(child, "Topics", "ehr")
    answer(child, "Format", "enduring")
    code, out = finish(child)
    assert code == 0, out
    doc = json.loads(jane("show", "1", "--json").stdout)
    assert (doc["title"], doc["credits"], doc["topics"], doc["format"]) == (
        "Course", 2.5, ["ehr"], "enduring")  # fmt: skip


@pytest.mark.parametrize("args", [["edit", "1"], ["profile", "set"]])
def test_nothing_to_change_off_a_terminal(jane: Cli, args: list[str]) -> None:
    jane("add", "Course", "--date", "2025-01-01", "--category", "2", "--credits", "1")
    result = jane(*args)
    assert result.exit_code == 2 and "Nothing to change" in result.stderr


def test_profile_set_on_a_terminal_keeps_what_enter_keeps(db_path: Path, jane: Cli) -> None:
    child = spawn(db_path, "profile", "set")
    answer(child, "name", "")
    answer(child, "birth", "")
    answer(child, "icense number", "654321")
    answer(child, "xpiration date", "2026-13-01")
    child.expect("not a valid date")
    answer(child, "xpiration date", "")
    answer(child, "controlled substances", "no")
    answer(child, "adult patients", "")
    code, out = finish(child)
    assert code == 0, out
    profile = json.loads(jane("profile", "--json").stdout)
    assert (profile["name"], profile["license"], profile["prescriber"]) == (
        "Jane Roe, MD", "654321", False)  # fmt: skip
    assert (profile["license_expires"], profile["adult_patients"]) == ("2026-06-15", True)


def test_ctrl_c_at_a_question_changes_nothing_and_says_so(db_path: Path, jane: Cli) -> None:
    child = spawn(db_path, "add")
    answer(child, "Title", "Half typed")
    # the whole question, so that Ctrl-C comes while the answer is awaited (sent as soon as
    # "Date" appeared, under load it could come before input() began waiting, and hang)
    child.expect(r"Date.*\]: ")
    seen = child_state(child)
    child.sendintr()
    try:
        code, out = finish(child)
    except pexpect.TIMEOUT:  # say what the process was doing, for the next person
        pytest.fail(f"no answer to Ctrl-C; before it: {seen}; after it: {child_state(child)}")
    assert code == 1
    assert "Interrupted; nothing was changed." in out
    assert json.loads(jane("list", "--json").stdout) == []


def test_edit_on_a_terminal_enter_keeps_time_as_time(db_path: Path, jane: Cli) -> None:
    jane("add", "Reading", "--date", "2025-01-01", "--category", "2", "--minutes", "95")
    child = spawn(db_path, "edit", "1")
    for prompt in ("Title", "Date", "Last day", "Kind", "Category"):
        answer(child, prompt, "")
    answer(child, "Credits .*\\[95 min\\]", "")
    for prompt in ("provider", "Topics", "Format"):
        answer(child, prompt, "")
    code, out = finish(child)
    assert code == 0, out
    doc = json.loads(jane("show", "1", "--json").stdout)
    assert (doc["credits"], doc["minutes"]) == (1.5, 95)


def test_init_on_a_terminal_refuses_before_asking_when_a_profile_exists(
    db_path: Path, jane: Cli
) -> None:
    child = spawn(db_path, "init")
    code, out = finish(child)
    assert code == 1
    assert "already has a profile" in out and "Your name" not in out  # nothing was asked
