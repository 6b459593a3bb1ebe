"""`cmelog remind` end to end (cli.md `cmelog remind`, Global, Exit codes).

The pure milestone logic and the reminder text are unit-tested in test_reminders.py; here the
command runs against a real logbook: what it prints, when it stays silent, what it records, and
that it works unattended from cron (no terminal, no HOME, a minimal PATH).
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cmelog.cli import app
from tests.conftest import CMELOG_EXE, JANE

RENEWAL = date(2026, 6, 15)  # Jane's renewal date (license expires 2026-06-15)
NEXT_RENEWAL = date(2028, 6, 15)
MAILING = RENEWAL - timedelta(days=60)  # 2026-04-16
WAIVER = RENEWAL - timedelta(days=30)  # 2026-05-16

ANSI = re.compile(r"\x1b\[")
BOX_DRAWING = re.compile(r"[\u2500-\u259f]")
HEAD = re.compile(r"renews on (\d{4}-\d{2}-\d{2}) \((today|tomorrow|in (\d+) days)\)")


# ---------------------------------------------------------------------------- helpers


def spec_milestones(days: int) -> set[int]:
    """The milestones of a window, from the spec text: N, 30, 14, 7, 1 and the day itself."""
    return {days, *(m for m in (30, 14, 7, 1, 0) if m <= days)}


def spec_milestone(days_left: int, days: int) -> int | None:
    """'The milestone of a day is the smallest milestone at or above the days left'."""
    if days_left < 0 or days_left > days:
        return None
    return min(m for m in spec_milestones(days) if m >= days_left)


def days_left_said(text: str) -> tuple[date, int]:
    """The renewal date and the days left that a reminder announces in its first line."""
    m = HEAD.search(text)
    assert m, f"no renewal date and days left in the reminder:\n{text}"
    when = m.group(2)
    left = 0 if when == "today" else 1 if when == "tomorrow" else int(m.group(3))
    return date.fromisoformat(m.group(1)), left


def flat(text: str) -> str:
    """The text with its line wrapping undone (the reminder is filled to 78 columns)."""
    return " ".join(text.split())


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    assert "Traceback" not in stderr
    return lines[0]


def init_jane(invoke: Callable[..., Any], db: Path) -> None:
    result = invoke("--db", str(db), *JANE)
    assert result.exit_code == 0, result.stderr


def simulate(
    invoke: Callable[..., Any], db: Path, days_seen: list[date], *extra: str
) -> dict[date, str]:
    """Run `remind --as-of D` for each day in order; return what it said, by day."""
    said: dict[date, str] = {}
    for d in days_seen:
        result = invoke("--db", str(db), "remind", "--record", "--as-of", d.isoformat(), *extra)
        assert result.exit_code == 0, (d, result.stderr)
        assert result.stderr == ""
        if result.stdout:
            said[d] = result.stdout
    return said


def stored_milestones(db: Path) -> set[tuple[str, int]]:
    """(renewal date, milestone) pairs kept in the logbook, read straight from SQLite."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        table = next(t for t in tables if "remind" in t.lower())
        rows = con.execute(f"SELECT renewal_date, milestone FROM {table}").fetchall()
    finally:
        con.close()
    return {(str(r)[:10], int(m)) for r, m in rows}


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _runner_invoke() -> Callable[..., Any]:
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def run_unattended(
    args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed entry point with stdin closed, as cron runs it."""
    return subprocess.run(
        [str(CMELOG_EXE), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=120,
    )


def cron_command(line: str) -> str:
    """What cron hands to /bin/sh for a crontab line: the text after the five schedule fields,
    cut at the first unescaped `%` (cron turns it into a newline and stdin), with `\\%` made `%`.
    """
    fields = line.split(None, 5)
    assert len(fields) == 6, f"not a crontab entry: {line!r}"
    command = fields[5]
    first = re.search(r"(?<!\\)%", command)
    if first:
        command = command[: first.start()]
    return command.replace("\\%", "%")


# ---------------------------------------------------------------------------- silence & speech


def test_silent_outside_the_window(jane: Callable[..., Any]) -> None:
    for d in ("2025-01-01", "2026-04-15", (RENEWAL + timedelta(days=1)).isoformat()):
        result = jane("remind", "--record", "--as-of", d)
        assert result.exit_code == 0
        assert result.stdout == ""
        assert result.stderr == ""


def test_silent_with_every_outside_the_window(jane: Callable[..., Any]) -> None:
    result = jane("remind", "--record", "--as-of", "2026-04-15", "--every")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_first_day_of_the_window_says_everything(jane: Callable[..., Any]) -> None:
    result = jane("remind", "--record", "--as-of", MAILING.isoformat())
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert days_left_said(out) == (RENEWAL, 60)
    text = flat(out)
    # the application-mailing date and the waiver deadline
    assert f"Renewal application mailed by the Board: {MAILING.isoformat()} (today)" in text
    assert f"{WAIVER.isoformat()} (in 30 days)" in text
    assert "Waiver" in text
    # every unmet requirement, with what remains
    assert "Total credits: 50.00 of 50.00 credits still needed" in text
    assert "Risk management: 10.00 of 10.00" in text
    assert "Board regulations: 2.00 of 2.00" in text
    assert "Child abuse reporting training: not yet recorded" in text
    assert "Domestic and sexual violence training: not yet recorded" in text
    assert "only the renewal application" not in text
    # plain text: no colour, no box drawing, lines fit an email
    assert not ANSI.search(out)
    assert not BOX_DRAWING.search(out)
    assert all(len(line) <= 78 for line in out.splitlines())
    assert out.endswith("\n")


def test_unmet_requirements_show_what_remains(jane: Callable[..., Any]) -> None:
    added = jane(
        "add",
        "Opioid prescribing",
        "--date",
        "2025-03-01",
        "--category",
        "1",
        "--credits",
        "3",
        "--provider",
        "MMS",
        "--topic",
        "opioids-pain-management",
    )
    assert added.exit_code == 0, added.stderr
    text = flat(jane("remind", "--record", "--as-of", "2026-05-20").stdout)
    assert "Total credits: 47.00 of 50.00 credits still needed" in text
    assert "Risk management: 7.00 of 10.00 credits still needed" in text
    assert "Opioid" not in text  # met: not listed
    assert f"{WAIVER.isoformat()} (passed)" in text
    assert f"{MAILING.isoformat()} (passed)" in text


def _meet_everything(cli: Callable[..., Any]) -> None:
    for title, credits, topic in [
        ("Opioids and pain", "3", "opioids-pain-management"),
        ("Board regulations", "2", "board-regulations"),
        ("Implicit bias", "2", "implicit-bias"),
        ("End-of-life care", "2", "end-of-life"),
        ("EHR proficiency", "3", "ehr"),
        ("Dementia", "1", "alzheimers-dementia"),
        ("Grand rounds", "40", None),
    ]:
        args = ["add", title, "--date", "2025-02-01", "--category", "1", "--credits", credits]
        args += ["--provider", "MMS"] + (["--topic", topic] if topic else [])
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
    for rid in ("child-abuse-reporting", "domestic-sexual-violence"):
        result = cli("attest", rid, "--date", "2004-06-30", "--how", "Residency training")
        assert result.exit_code == 0, result.stderr


def test_all_met_says_only_the_application_is_left(jane: Callable[..., Any]) -> None:
    _meet_everything(jane)
    status = jane("status", "--as-of", "2026-05-01", "--check")
    assert status.exit_code == 0, status.stdout  # all requirements met
    result = jane("remind", "--record", "--as-of", "2026-05-01")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert days_left_said(result.stdout) == (RENEWAL, 45)
    assert "Every CME requirement for this cycle is met" in text
    assert "only the renewal application is left to file" in text
    assert "still needed" not in text
    assert "not yet recorded" not in text
    assert "Still to do" not in text
    assert MAILING.isoformat() in text and WAIVER.isoformat() in text


def test_the_day_itself_and_the_day_before(jane: Callable[..., Any]) -> None:
    day_before = jane("remind", "--record", "--as-of", (RENEWAL - timedelta(days=1)).isoformat())
    assert days_left_said(day_before.stdout) == (RENEWAL, 1)
    assert "(tomorrow)" in day_before.stdout
    on_the_day = jane("remind", "--record", "--as-of", RENEWAL.isoformat())
    assert days_left_said(on_the_day.stdout) == (RENEWAL, 0)
    assert "(today)" in on_the_day.stdout


# ---------------------------------------------------------------------------- milestones


def test_daily_cron_from_90_days_out_into_the_next_cycle(
    cli: Callable[..., Any], db_path: Path
) -> None:
    init_jane(cli, db_path)
    days = days_between(RENEWAL - timedelta(days=90), RENEWAL + timedelta(days=30))
    said = simulate(cli, db_path, days)
    # exactly one message per milestone: 60, 30, 14, 7, 1, 0 days left
    assert [days_left_said(t)[1] for t in said.values()] == [60, 30, 14, 7, 1, 0]
    assert list(said) == [RENEWAL - timedelta(days=n) for n in (60, 30, 14, 7, 1, 0)]
    assert all(days_left_said(t)[0] == RENEWAL for t in said.values())
    assert stored_milestones(db_path) == {(RENEWAL.isoformat(), m) for m in (60, 30, 14, 7, 1, 0)}


def test_a_second_call_on_the_same_day_is_silent(jane: Callable[..., Any]) -> None:
    first = jane("remind", "--record", "--as-of", "2026-05-20")
    assert first.stdout
    again = jane("remind", "--record", "--as-of", "2026-05-20")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    later_same_milestone = jane(
        "remind", "--record", "--as-of", "2026-05-25"
    )  # 21 days left: milestone 30
    assert later_same_milestone.stdout == ""
    next_milestone = jane("remind", "--record", "--as-of", "2026-06-01")  # 14 days left
    assert days_left_said(next_milestone.stdout)[1] == 14


def test_skipped_days_speak_on_the_first_day_seen_of_each_milestone(
    jane: Callable[..., Any],
) -> None:
    # cron missed the start of the window: 50 days left belongs to milestone 60
    r50 = jane("remind", "--record", "--as-of", (RENEWAL - timedelta(days=50)).isoformat())
    assert days_left_said(r50.stdout)[1] == 50
    # 45 days left: still milestone 60, already spoken
    assert (
        jane("remind", "--record", "--as-of", (RENEWAL - timedelta(days=45)).isoformat()).stdout
        == ""
    )
    # 10 days left: milestone 14 (30 was skipped entirely)
    r10 = jane("remind", "--record", "--as-of", (RENEWAL - timedelta(days=10)).isoformat())
    assert days_left_said(r10.stdout)[1] == 10
    assert (
        jane("remind", "--record", "--as-of", (RENEWAL - timedelta(days=8)).isoformat()).stdout
        == ""
    )


def test_every_speaks_on_every_call_inside_the_window(
    cli: Callable[..., Any], db_path: Path
) -> None:
    init_jane(cli, db_path)
    days = days_between(RENEWAL - timedelta(days=20), RENEWAL + timedelta(days=2))
    said = simulate(cli, db_path, days, "--every")
    assert list(said) == days_between(RENEWAL - timedelta(days=20), RENEWAL)
    for _ in range(2):  # twice on one day: both calls speak
        result = cli("--db", str(db_path), "remind", "--record", "--as-of", "2026-06-12", "--every")
        assert days_left_said(result.stdout) == (RENEWAL, 3)


def test_custom_window(jane: Callable[..., Any]) -> None:
    assert (
        jane("remind", "--record", "--as-of", "2026-05-01", "--days", "30").stdout == ""
    )  # 45 days left
    result = jane("remind", "--record", "--as-of", "2026-05-16", "--days", "30")
    assert days_left_said(result.stdout) == (RENEWAL, 30)
    # a 120-day window speaks from 120 days out
    wide = jane(
        "remind",
        "--record",
        "--as-of",
        (RENEWAL - timedelta(days=120)).isoformat(),
        "--days",
        "120",
    )
    assert days_left_said(wide.stdout) == (RENEWAL, 120)


def test_days_zero_speaks_only_on_the_day(cli: Callable[..., Any], db_path: Path) -> None:
    init_jane(cli, db_path)
    days = days_between(RENEWAL - timedelta(days=10), RENEWAL + timedelta(days=1))
    said = simulate(cli, db_path, days, "--days", "0")
    assert list(said) == [RENEWAL]


def test_milestones_start_over_in_the_next_cycle(jane: Callable[..., Any]) -> None:
    assert jane("remind", "--record", "--as-of", "2026-04-16").stdout
    assert jane("remind", "--record", "--as-of", "2026-06-15").stdout
    # two years later, the same milestones speak again for the next renewal date
    nxt = jane("remind", "--record", "--as-of", (NEXT_RENEWAL - timedelta(days=60)).isoformat())
    assert days_left_said(nxt.stdout) == (NEXT_RENEWAL, 60)
    last = jane("remind", "--record", "--as-of", NEXT_RENEWAL.isoformat())
    assert days_left_said(last.stdout) == (NEXT_RENEWAL, 0)


def test_leap_day_birthday_sequence(cli: Callable[..., Any], db_path: Path) -> None:
    init = cli(
        "--db",
        str(db_path),
        "init",
        "--name",
        "Leap Year, MD",
        "--birthday",
        "1976-02-29",
        "--license",
        "777",
        "--license-expires",
        "2026-02-28",
    )
    assert init.exit_code == 0, init.stderr
    renewal = date(2026, 2, 28)
    said = simulate(
        cli, db_path, days_between(renewal - timedelta(days=70), renewal + timedelta(days=3))
    )
    assert [days_left_said(t) for t in said.values()] == [
        (renewal, n) for n in (60, 30, 14, 7, 1, 0)
    ]


@settings(
    max_examples=3,  # each example runs cmelog for every day of its window: keep the suite fast
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(days=60)
@example(days=0)
@example(days=120)
@given(days=st.integers(min_value=0, max_value=120))
def test_property_one_message_per_milestone(days: int) -> None:
    """Daily runs over the whole window and past the renewal: one message per milestone.

    (The silent days long before the window are covered by the 90-day example test.)"""
    invoke = _runner_invoke()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cmelog.db"
        init_jane(invoke, db)
        start = RENEWAL - timedelta(days=days + 3)
        said = simulate(
            invoke, db, days_between(start, RENEWAL + timedelta(days=5)), "--days", str(days)
        )
        expected = sorted(spec_milestones(days), reverse=True)
        assert [days_left_said(t) for t in said.values()] == [(RENEWAL, m) for m in expected]
        assert list(said) == [RENEWAL - timedelta(days=m) for m in expected]
        assert stored_milestones(db) == {(RENEWAL.isoformat(), m) for m in expected}


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    days=st.integers(min_value=0, max_value=120),
    seen=st.sets(st.integers(min_value=-3, max_value=125), min_size=1, max_size=25),
    repeat=st.booleans(),
)
def test_property_skipped_days_never_speak_twice(days: int, seen: set[int], repeat: bool) -> None:
    """Cron missing random days: a message exactly on the first day seen of each milestone."""
    invoke = _runner_invoke()
    days_left = sorted(seen, reverse=True)  # time goes forward: days left go down
    if repeat:  # and sometimes cron runs twice a day
        days_left = [n for n in days_left for _ in (0, 1)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cmelog.db"
        init_jane(invoke, db)
        spoken: list[int] = []
        expected: list[int] = []
        seen_milestones: set[int] = set()
        for left in days_left:
            d = RENEWAL - timedelta(days=left)
            result = invoke(
                "--db", str(db), "remind", "--record", "--as-of", d.isoformat(), "--days", str(days)
            )
            assert result.exit_code == 0, result.stderr
            milestone = spec_milestone(left, days)
            if milestone is not None and milestone not in seen_milestones:
                seen_milestones.add(milestone)
                expected.append(left)
            if result.stdout:
                renewal, said_left = days_left_said(result.stdout)
                # past the renewal day the next renewal is ~two years away: never in the window
                assert renewal == RENEWAL
                spoken.append(said_left)
        assert spoken == expected
        milestones_spoken = [spec_milestone(n, days) for n in spoken]
        assert len(milestones_spoken) == len(set(milestones_spoken))


# ---------------------------------------------------------------------------- as-of and real runs


def _profile_renewing_on(target: date) -> list[str]:
    """init arguments for a physician whose license expires on `target`."""
    birth_year = 1976 if (target.month, target.day) == (2, 29) else 1975
    birthday = date(birth_year, target.month, target.day)
    return [
        "init",
        "--name",
        "Today Test, MD",
        "--birthday",
        birthday.isoformat(),
        "--license",
        "424242",
        "--license-expires",
        target.isoformat(),
    ]


def test_as_of_with_record_records_state_as_a_real_run_would(cli: Callable[..., Any]) -> None:
    today = date.today()
    renewal = today + timedelta(days=20)  # today belongs to milestone 30
    assert cli(*_profile_renewing_on(renewal)).exit_code == 0
    # a recorded what-if run on a day of the same milestone is recorded as that milestone...
    what_if = cli("remind", "--record", "--as-of", (today - timedelta(days=3)).isoformat())
    assert days_left_said(what_if.stdout) == (renewal, 23)
    # ...so the real run today stays silent
    real = cli("remind")
    assert (real.exit_code, real.stdout) == (0, "")
    # the next milestone (14) speaks once, whichever day of it comes first
    later = (today + timedelta(days=8)).isoformat()
    next_milestone = cli("remind", "--record", "--as-of", later)
    assert days_left_said(next_milestone.stdout) == (renewal, 12)
    after = (today + timedelta(days=10)).isoformat()
    assert cli("remind", "--record", "--as-of", after).stdout == ""


def test_as_of_without_record_is_a_preview(cli: Callable[..., Any], db_path: Path) -> None:
    """0.1 marked real reminders as sent on `remind --as-of`: a preview consumed them."""
    today = date.today()
    renewal = today + timedelta(days=20)
    assert cli(*_profile_renewing_on(renewal)).exit_code == 0
    for _ in range(2):  # a preview says what a real run would say, every time
        preview = cli("remind", "--as-of", today.isoformat())
        assert preview.exit_code == 0, preview.stderr
        assert days_left_said(preview.stdout) == (renewal, 20)
    assert stored_milestones(db_path) == set()
    real = cli("remind")  # the real run still delivers the milestone the previews showed
    assert days_left_said(real.stdout) == (renewal, 20)
    assert stored_milestones(db_path) == {(renewal.isoformat(), 30)}


def test_dry_run_is_a_preview(cli: Callable[..., Any], db_path: Path) -> None:
    today = date.today()
    renewal = today + timedelta(days=6)
    assert cli(*_profile_renewing_on(renewal)).exit_code == 0
    dry = cli("remind", "--dry-run")
    assert days_left_said(dry.stdout) == (renewal, 6)
    assert stored_milestones(db_path) == set()
    assert cli("remind", "--dry-run", "--as-of", today.isoformat()).stdout == dry.stdout
    assert stored_milestones(db_path) == set()
    both = cli("remind", "--dry-run", "--record")
    assert both.exit_code == 2
    one_error_line(both.stderr)
    assert days_left_said(cli("remind").stdout) == (renewal, 6)
    assert stored_milestones(db_path) == {(renewal.isoformat(), 7)}
    # once delivered, a preview of the same day says nothing, as the real run would
    assert cli("remind", "--dry-run").stdout == ""


def test_real_run_then_as_of_today_is_silent(cli: Callable[..., Any]) -> None:
    today = date.today()
    renewal = today + timedelta(days=5)
    assert cli(*_profile_renewing_on(renewal)).exit_code == 0
    real = cli("remind")
    assert days_left_said(real.stdout) == (renewal, 5)
    assert cli("remind", "--record", "--as-of", today.isoformat()).stdout == ""
    assert cli("remind", "--record", "--as-of", "today").stdout == ""


# ---------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "2026-13-01"],
        ["--as-of", "soon"],
        ["--days", "-1"],
        ["--days", "many"],
    ],
)
def test_bad_input_is_exit_2_and_records_nothing(
    jane: Callable[..., Any], db_path: Path, args: list[str]
) -> None:
    result = jane("remind", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    one_error_line(result.stderr)
    assert stored_milestones(db_path) == set()


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
def test_as_of_at_the_ends_of_the_calendar_is_a_usage_error(
    jane: Callable[..., Any], db_path: Path, as_of: str
) -> None:
    """No renewal date exists past year 9999: a clear exit 2, not an 'Unexpected error'."""
    result = jane("remind", "--record", "--as-of", as_of)
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    assert as_of in line
    assert "Unexpected error" not in line
    assert stored_milestones(db_path) == set()


def test_huge_window_is_a_usage_error(jane: Callable[..., Any], db_path: Path) -> None:
    """A window beyond what the logbook can store is out of range (exit 2), not a crash."""
    result = jane("remind", "--record", "--as-of", "2026-05-20", "--days", str(10**23))
    assert result.exit_code == 2, result.stderr
    line = one_error_line(result.stderr)
    assert "--days" in line
    assert "Unexpected error" not in line
    assert stored_milestones(db_path) == set()


def test_window_longer_than_a_cycle_still_works(jane: Callable[..., Any]) -> None:
    result = jane("remind", "--record", "--as-of", "2025-01-01", "--days", "1000")
    assert result.exit_code == 0, result.stderr
    assert days_left_said(result.stdout) == (RENEWAL, 530)
    assert jane("remind", "--record", "--as-of", "2025-01-02", "--days", "1000").stdout == ""


def test_concurrent_cron_runs_speak_once(jane: Callable[..., Any], db_path: Path) -> None:
    """Two crontab entries firing at the same minute must not both mail the reminder."""
    procs = [
        subprocess.Popen(
            [str(CMELOG_EXE), "remind", "--record", "--as-of", "2026-05-20"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert [code for _, _, code in results] == [0, 0, 0, 0], results
    assert [err for _, err, _ in results] == ["", "", "", ""]
    spoken = [out for out, _, _ in results if out]
    assert len(spoken) == 1
    assert days_left_said(spoken[0]) == (RENEWAL, 26)
    assert stored_milestones(db_path) == {(RENEWAL.isoformat(), 30)}


# ---------------------------------------------------------------------------- unattended


def test_unattended_run_with_stdin_closed(jane: Callable[..., Any], db_path: Path) -> None:
    result = run_unattended(["remind", "--record", "--as-of", "2026-05-20"])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert days_left_said(result.stdout) == (RENEWAL, 26)
    assert not ANSI.search(result.stdout)
    again = run_unattended(["remind", "--record", "--as-of", "2026-05-21"])
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_no_colour_even_when_colour_is_forced(jane: Callable[..., Any]) -> None:
    env = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "CLICOLOR_FORCE": "1"}
    result = run_unattended(["remind", "--record", "--as-of", "2026-05-20"], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout
    assert not ANSI.search(result.stdout)
    assert not BOX_DRAWING.search(result.stdout)


def test_missing_logbook_is_one_line_and_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "nowhere" / "cmelog.db"
    result = run_unattended(["--db", str(db), "remind", "--record", "--as-of", "2026-05-20"])
    assert result.returncode == 1
    assert result.stdout == ""
    line = one_error_line(result.stderr)
    assert "cmelog init" in line
    assert not db.exists()
    assert not db.parent.exists()


def test_missing_logbook_in_process(cli: Callable[..., Any], db_path: Path) -> None:
    result = cli("remind")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "cmelog init" in one_error_line(result.stderr)
    assert not db_path.exists()


def test_not_a_logbook_is_one_line_and_exit_1(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are not the droids\n")
    result = run_unattended(["--db", str(bogus), "remind", "--record", "--as-of", "2026-05-20"])
    assert result.returncode == 1
    assert result.stdout == ""
    assert str(bogus) in one_error_line(result.stderr)
    assert bogus.read_text() == "these are not the droids\n"


@pytest.mark.parametrize("lock", ["EXCLUSIVE", "IMMEDIATE"])
def test_locked_logbook_is_one_line_and_exit_1(
    jane: Callable[..., Any], db_path: Path, lock: str
) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute(f"BEGIN {lock}")
        if lock == "EXCLUSIVE":
            holder.execute("SELECT count(*) FROM sqlite_master").fetchone()
        result = run_unattended(
            ["remind", "--record", "--as-of", "2026-05-20"], env={"CMELOG_BUSY_TIMEOUT": "1"}
        )
        assert result.returncode == 1, (result.stdout, result.stderr)
        assert result.stdout == ""
        line = one_error_line(result.stderr)
        assert "locked" in line
        assert str(db_path) in line
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # nothing was recorded: the reminder is still due once the lock is gone
    assert stored_milestones(db_path) == set()
    after = run_unattended(["remind", "--record", "--as-of", "2026-05-20"])
    assert after.returncode == 0, after.stderr
    assert days_left_said(after.stdout) == (RENEWAL, 26)


def test_locked_logbook_outside_the_window_does_not_hang(
    jane: Callable[..., Any], db_path: Path
) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        result = run_unattended(
            ["remind", "--record", "--as-of", "2026-01-01"], env={"CMELOG_BUSY_TIMEOUT": "1"}
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "locked" in one_error_line(result.stderr)
    assert "Traceback" not in result.stdout + result.stderr


# ---------------------------------------------------------------------------- --crontab


def _crontab(args: list[str], cwd: Path | None = None) -> str:
    result = run_unattended([*args, "remind", "--crontab"], cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and result.stdout.endswith("\n"), result.stdout
    return lines[0]


def test_crontab_is_one_ready_line(jane: Callable[..., Any], db_path: Path) -> None:
    line = _crontab([])
    fields = line.split(None, 5)
    assert len(fields) == 6
    schedule, command = fields[:5], fields[5]
    for field in schedule:
        assert re.fullmatch(r"[0-9*/,\-]+", field), field
    argv = shlex.split(command)
    exe = Path(argv[0])
    assert exe.is_absolute()
    assert exe.resolve() == CMELOG_EXE.resolve()
    assert os.access(exe, os.X_OK)
    assert argv[1] == "--db"
    assert Path(argv[2]).is_absolute()
    assert Path(argv[2]) == db_path
    assert argv[3] == "remind"
    assert "--crontab" not in argv


def test_crontab_makes_a_relative_db_absolute(jane: Callable[..., Any], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    line = _crontab(["--db", "mine.db"], cwd=work)
    argv = shlex.split(line.split(None, 5)[5])
    assert argv[1:3] == ["--db", str(work / "mine.db")]


def test_crontab_keeps_the_window(jane: Callable[..., Any]) -> None:
    result = run_unattended(["remind", "--crontab", "--days", "30"])
    assert result.returncode == 0
    argv = shlex.split(result.stdout.strip().split(None, 5)[5])
    assert argv[argv.index("remind") :] == ["remind", "--days", "30"]


def test_crontab_found_through_path_is_still_absolute(tmp_path: Path) -> None:
    env = {"PATH": f"{CMELOG_EXE.parent}:/usr/bin:/bin"}
    result = subprocess.run(
        "cmelog remind --crontab",
        shell=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    argv = shlex.split(result.stdout.strip().split(None, 5)[5])
    assert Path(argv[0]).is_absolute()
    assert Path(argv[0]).resolve() == CMELOG_EXE.resolve()


def _run_like_cron(line: str, as_of: str) -> subprocess.CompletedProcess[str]:
    command = cron_command(line) + f" --record --as-of {as_of}"
    return subprocess.run(
        ["/bin/sh", "-c", command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},  # what `env -i PATH=/usr/bin:/bin` leaves: no HOME
        cwd="/",
        timeout=120,
    )


def test_crontab_line_runs_under_a_bare_environment(jane: Callable[..., Any]) -> None:
    line = _crontab([])
    result = _run_like_cron(line, "2026-05-20")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert days_left_said(result.stdout) == (RENEWAL, 26)
    assert not ANSI.search(result.stdout)
    # the second day of the same milestone: silent, as the cron job should be
    quiet = _run_like_cron(line, "2026-05-21")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_crontab_line_through_env_i(jane: Callable[..., Any]) -> None:
    line = _crontab([])
    command = cron_command(line) + " --record --as-of 2026-06-08"
    result = subprocess.run(
        f"env -i PATH=/usr/bin:/bin {command}",
        shell=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd="/",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert days_left_said(result.stdout) == (RENEWAL, 7)


@pytest.mark.parametrize("folder", ["my logbook", "it's here", "50% done", "a$b `c` \\d"])
def test_crontab_line_survives_awkward_paths(
    run_exe: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path, folder: str
) -> None:
    db = tmp_path / folder / "cme log.db"
    init = run_exe("--db", str(db), *JANE)
    assert init.returncode == 0, init.stderr
    line = _crontab(["--db", str(db)])
    assert "\n" not in line
    result = _run_like_cron(line, "2026-05-20")
    assert result.returncode == 0, (line, result.stderr)
    assert days_left_said(result.stdout) == (RENEWAL, 26)


# ---------------------------------------------------------------------------- several licenses


def reminder_rows(db: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return list(
            con.execute("SELECT renewal_date, milestone, license FROM reminder ORDER BY id")
        )
    finally:
        con.close()


def test_a_second_license_due_alone_is_reminded_once(
    jane: Callable[..., Any], db_path: Path
) -> None:
    """Jane's NH license renews 2027-06-30, a year before her MA license: 46 days before it,
    remind speaks of NH alone (judged by NH's rules), records it under NH, and is silent on
    the next run."""
    add = jane("license", "add", "--board", "NH", "--number", "98765", "--expires", "2027-06-30")
    assert add.exit_code == 0, add.stderr
    result = jane("remind", "--record", "--as-of", "2027-05-15")
    assert result.exit_code == 0, result.stderr
    text = flat(result.stdout)
    assert text.startswith("Your NH license 98765:"), text
    assert days_left_said(result.stdout) == (date(2027, 6, 30), 46)
    assert "MA license" not in text and "2028-06-15" not in text
    assert "Total credits: 100.00 of 100.00 credits still needed" in text  # NH: 100 in 2 years
    assert reminder_rows(db_path) == [("2027-06-30", 60, "NH")]
    again = jane("remind", "--record", "--as-of", "2027-05-15")
    assert (again.exit_code, again.stdout) == (0, ""), again.stdout
    assert reminder_rows(db_path) == [("2027-06-30", 60, "NH")]


def test_two_licenses_due_together_share_one_message(
    jane: Callable[..., Any], db_path: Path
) -> None:
    add = jane("license", "add", "--board", "NH", "--number", "98765", "--expires", "2026-06-30")
    assert add.exit_code == 0, add.stderr
    result = jane("remind", "--record", "--as-of", "2026-05-01")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    ma, nh = out.index("Your MA license 123456:"), out.index("Your NH license 98765:")
    assert ma < nh
    assert days_left_said(out[ma:nh]) == (RENEWAL, 45)
    assert days_left_said(out[nh:]) == (date(2026, 6, 30), 60)
    assert "Risk management" in out[ma:nh]  # MA's own requirements under MA
    assert "Risk management" not in out[nh:]
    assert reminder_rows(db_path) == [("2026-06-15", 60, None), ("2026-06-30", 60, "NH")]
    assert all(len(line) <= 78 for line in out.splitlines())
    # each license keeps its own milestones: MA's 30-day one alone, then NH's alone
    ma30 = jane("remind", "--record", "--as-of", "2026-05-20").stdout
    assert "Your MA license" in ma30 and "Your NH license" not in ma30
    nh30 = jane("remind", "--record", "--as-of", "2026-05-31").stdout
    assert "Your NH license" in nh30 and "Your MA license" not in nh30
    assert reminder_rows(db_path)[2:] == [("2026-06-15", 30, None), ("2026-06-30", 30, "NH")]
