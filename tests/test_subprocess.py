"""End to end through the installed `cmelog` entry point: real processes, pipes and terminals."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CMELOG_EXE, JANE

Run = Callable[..., subprocess.CompletedProcess[str]]
ADD = ["--date", "2026-01-10", "--category", "2"]
ANSI = re.compile(r"\x1b\[")
COLOUR = re.compile(rb"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


def test_end_to_end(run_exe: Run, db_path: Path) -> None:
    r = run_exe(*JANE)
    assert (r.returncode, r.stderr) == (0, "")
    assert f"Created the logbook {db_path}" in r.stdout

    r = run_exe("add", "Grand rounds", *ADD, "--minutes", "95")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout.startswith("Added entry 1.\n") and "95 min -> 1.50 credits" in r.stdout

    r = run_exe("add", "Opioids", "--date", "2025-11-02", "--category", "1", "--credits", "3",
                "--provider", "MMS", "--topic", "opioids-pain-management", "--json")  # fmt: skip
    assert (r.returncode, r.stderr) == (0, "")
    added = json.loads(r.stdout)
    assert (added["id"], added["credits"], added["source"]) == (2, 3, "typed")

    r = run_exe("list", "--json")
    assert (r.returncode, r.stderr) == (0, "")
    listed = json.loads(r.stdout)
    assert [e["id"] for e in listed] == [2, 1]
    assert listed[0] == added
    assert (listed[1]["credits"], listed[1]["minutes"]) == (1.5, 95)

    r = run_exe("list", "--csv")
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].startswith("cycle,id,date,end_date,title,")
    assert len(r.stdout.splitlines()) == 3

    r = run_exe("add", "Grand rounds", *ADD, "--minutes", "95")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("cmelog: ") and "double count" in r.stderr

    r = run_exe("delete", "1", input="y\n")  # stdin is a pipe, not a terminal
    assert r.returncode == 2 and "--yes" in r.stderr

    r = run_exe("delete", "1", "--yes")
    assert (r.returncode, r.stderr) == (0, "")
    assert [e["id"] for e in json.loads(run_exe("list", "--json").stdout)] == [2]


def test_db_option_and_environment(run_exe: Run, tmp_path: Path, db_path: Path) -> None:
    other = tmp_path / "x" / "y" / "other.db"
    assert run_exe("--db", str(other), *JANE).returncode == 0
    assert other.exists() and not db_path.exists()
    r = run_exe("list", env={"CMELOG_DB": str(other)})
    assert r.returncode == 0
    r = run_exe("list")  # CMELOG_DB of the test: no logbook there
    assert r.returncode == 1 and "cmelog init" in r.stderr
    assert not db_path.exists()


def test_version(run_exe: Run) -> None:
    r = run_exe("--version")
    assert r.returncode == 0 and r.stderr == ""
    assert re.fullmatch(r"cmelog \d+\.\d+\.\d+\n", r.stdout)


def test_failures_are_one_sentence_without_traceback(run_exe: Run, db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text("not a database")
    r = run_exe("list")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("cmelog: ") and r.stderr.count("\n") == 1
    assert "Traceback" not in r.stderr
    r = run_exe("list", env={"CMELOG_DEBUG": "1"})
    assert r.returncode == 1
    assert "Traceback" in r.stderr
    r = run_exe("frobnicate")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_undecodable_bytes_in_arguments(jane: Callable[..., object], db_path: Path) -> None:
    """Bytes that are not UTF-8 arrive as lone surrogates: refused with exit 2, never a crash."""
    exe = os.fsencode(str(CMELOG_EXE))
    for args in (
        [b"add", b"Bad \xff title", *(a.encode() for a in ADD), b"--credits", b"1"],
        [b"add", b"Title", b"--date", b"2026-01-\xff", b"--category", b"2", b"--credits", b"1"],
        [b"add", b"Title", *(a.encode() for a in ADD), b"--credits", b"1", b"--notes", b"\xc3("],
        [b"add", b"Title", *(a.encode() for a in ADD), b"--credits", b"\xff1"],
        [b"add", b"Title", *(a.encode() for a in ADD), b"--credits", b"1", b"--topic", b"\xfe"],
    ):
        r = subprocess.run([exe, *args], capture_output=True, timeout=120)
        assert r.returncode == 2, r.stderr
        assert r.stdout == b""
        assert r.stderr.startswith(b"cmelog: ") and r.stderr.count(b"\n") == 1
        assert b"Traceback" not in r.stderr
    listed = subprocess.run([exe, b"list", b"--json"], capture_output=True, timeout=120)
    assert json.loads(listed.stdout) == []


# ---------------------------------------------------------------------------- colour


@pytest.fixture
def stocked(run_exe: Run) -> Run:
    assert run_exe(*JANE).returncode == 0
    r = run_exe("add", "Grand rounds", *ADD, "--minutes", "95", "--topic", "ehr")
    assert r.returncode == 0
    return run_exe


HUMAN_COMMANDS = [["list"], ["show", "1"], ["profile"], ["--help"], ["add", "--help"]]


@pytest.fixture
def colour_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither NO_COLOR nor FORCE_COLOR inherited; a colour-capable TERM."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.mark.parametrize("args", HUMAN_COMMANDS, ids=" ".join)
def test_no_escapes_when_stdout_is_not_a_terminal(
    stocked: Run, colour_env: None, args: list[str]
) -> None:
    r = stocked(*args)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip()
    assert not ANSI.search(r.stdout), r.stdout
    assert not ANSI.search(r.stderr)


def run_on_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run the entry point with stdout on a pseudo-terminal; returns what it wrote there."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [str(CMELOG_EXE), *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "100", **env},
    )
    os.close(follower)
    out = b""
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process has ended
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(leader)
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else b""
    if proc.stderr:
        proc.stderr.close()
    return out


@pytest.mark.parametrize("args", [["list"], ["show", "1"], ["profile"]], ids=" ".join)
def test_no_colour_with_no_color_on_a_terminal(
    stocked: Run, colour_env: None, args: list[str]
) -> None:
    plain = run_on_terminal(args, {"NO_COLOR": "1"})
    assert b"Grand rounds" in plain or b"Jane Roe" in plain
    assert b"\x1b[" not in plain
    # control: the same command on a terminal without NO_COLOR does style its output
    styled = run_on_terminal(args, {})
    assert b"\x1b[" in styled


def test_help_has_no_colour_with_no_color_on_a_terminal(stocked: Run, colour_env: None) -> None:
    plain = run_on_terminal(["--help"], {"NO_COLOR": "1"})
    assert b"Usage" in plain
    assert not COLOUR.search(plain), plain[:400]


def converse(args: list[str], answer: bytes) -> tuple[int, bytes]:
    """Run with stdin and stdout on a pseudo-terminal, answer a prompt; (exit code, output)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [str(CMELOG_EXE), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color"},
    )
    os.close(follower)
    out = b""
    answered = False
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if not answered and b"?" in out:
                os.write(leader, answer)
                answered = True
    finally:
        os.close(leader)
        proc.wait(timeout=60)
    return proc.returncode, out


def test_delete_asks_on_a_terminal(stocked: Run) -> None:
    code, out = converse(["delete", "1"], b"n\n")
    assert b"Delete entry 1 (2026-01-10, 'Grand rounds')?" in out
    assert code != 0 and b"Nothing was deleted" in out
    assert len(json.loads(stocked("list", "--json").stdout)) == 1
    code, out = converse(["delete", "1"], b"y\n")
    assert code == 0, out
    assert b"Deleted entry 1" in out
    assert json.loads(stocked("list", "--json").stdout) == []
