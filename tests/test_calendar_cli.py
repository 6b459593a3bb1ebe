"""`cmelog calendar --output FILE.ics [--as-of]` end to end (cli.md `cmelog remind`, Global).

render_ics itself is unit-tested in test_ics.py; here the command writes a real file from a real
logbook, and the file is read back with icalendar.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import CMELOG_EXE

RENEWAL = date(2026, 6, 15)  # Jane's renewal date
MAILING = date(2026, 4, 16)  # 60 days before
WAIVER = date(2026, 5, 16)  # 30 days before


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    assert "Traceback" not in stderr
    return lines[0]


def write(cli: Callable[..., Any], out: Path, *extra: str) -> Any:
    result = cli("calendar", "--output", str(out), *extra)
    assert result.exit_code == 0, result.stderr
    return result


def events(path: Path) -> dict[str, Any]:
    """The VEVENTs of an .ics file, by the date they fall on."""
    cal = Calendar.from_ical(path.read_bytes())
    found: dict[str, Any] = {}
    for ev in cal.walk("VEVENT"):
        start = ev.decoded("dtstart")
        assert type(start) is date, "an all-day event"  # not a datetime
        found[start.isoformat()] = ev
    return found


def uids(path: Path) -> set[str]:
    return {str(ev["uid"]) for ev in events(path).values()}


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------------------- content


def test_three_events_on_the_right_days(jane: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "renewal.ics"
    write(jane, out, "--as-of", "2026-01-10")
    cal = Calendar.from_ical(out.read_bytes())
    assert str(cal["version"]) == "2.0"
    assert "cmelog" in str(cal["prodid"])
    found = events(out)
    assert set(found) == {RENEWAL.isoformat(), MAILING.isoformat(), WAIVER.isoformat()}
    for day, ev in found.items():
        assert ev.decoded("dtend") == date.fromisoformat(day) + timedelta(days=1)
    renewal = str(found[RENEWAL.isoformat()]["summary"]).lower()
    mailing = str(found[MAILING.isoformat()]["summary"]).lower()
    waiver = str(found[WAIVER.isoformat()]["summary"]).lower()
    assert "renewal" in renewal and "deadline" in renewal
    assert "application" in mailing
    assert "waiver" in waiver
    description = str(found[RENEWAL.isoformat()]["description"])
    assert "Jane Roe, MD" in description
    assert "123456" in description
    assert "11:59 p.m." in description


def test_alarms_fire_on_the_mailing_day_and_the_waiver_deadline(
    jane: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "renewal.ics"
    write(jane, out, "--as-of", "2026-01-10")
    fire_on = set()
    for day, event in events(out).items():
        for alarm in event.walk("VALARM"):
            assert str(alarm["action"]) == "DISPLAY"
            assert str(alarm["description"]).strip()
            trigger = alarm.decoded("trigger")
            assert isinstance(trigger, timedelta)  # relative to the start of the event
            fire_on.add(date.fromisoformat(day) + trigger)
    assert {MAILING, WAIVER} <= fire_on
    # the waiver-deadline alarm sits inside the waiver-deadline event (cli.md 0.2)
    waiver_alarms = events(out)[WAIVER.isoformat()].walk("VALARM")
    assert [WAIVER + a.decoded("trigger") for a in waiver_alarms] == [WAIVER]


def test_estimated_renewal_date_is_labelled(cli: Callable[..., Any], tmp_path: Path) -> None:
    init = cli(
        "init",
        "--name",
        "New Doc, MD",
        "--birthday",
        "1990-03-10",
        "--license",
        "999",
        "--license-issued",
        "2024-11-01",
    )
    assert init.exit_code == 0, init.stderr
    out = tmp_path / "renewal.ics"
    write(cli, out, "--as-of", "2025-06-01")
    found = events(out)
    assert len(found) == 3
    assert all("estimated" in str(ev["summary"]) for ev in found.values())
    first = date(2026, 3, 10)  # L is more than three months before the birthday B: B + 1 year
    assert first.isoformat() in found
    assert (first - timedelta(days=60)).isoformat() in found


# ---------------------------------------------------------------------------- stability


def test_byte_identical_twice_and_stable_uids(jane: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "renewal.ics"
    write(jane, out, "--as-of", "2026-01-10")
    first = out.read_bytes()
    write(jane, out, "--as-of", "2026-01-10", "--force")
    assert out.read_bytes() == first
    other = tmp_path / "again.ics"
    write(jane, other, "--as-of", "2026-01-10")
    assert other.read_bytes() == first
    assert len(uids(out)) == 3
    assert all(uid.endswith("@cmelog") or "@" in uid for uid in uids(out))


def test_an_existing_file_is_kept_without_force(jane: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "renewal.ics"
    out.write_bytes(b"mine")
    result = jane("calendar", "--output", str(out), "--as-of", "2026-01-10")
    assert result.exit_code == 1
    assert "--force" in result.stderr and str(out) in result.stderr
    assert out.read_bytes() == b"mine"
    assert list(tmp_path.iterdir()) == [out] or set(tmp_path.iterdir()) >= {out}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cmelog-tmp-")]


def test_dtstamp_is_the_as_of_date_or_source_date_epoch(
    jane: Callable[..., Any], tmp_path: Path
) -> None:
    a, b, c = tmp_path / "a.ics", tmp_path / "b.ics", tmp_path / "c.ics"
    write(jane, a, "--as-of", "2024-06-16")
    write(jane, b, "--as-of", RENEWAL.isoformat())
    stamps = {ev.decoded("dtstamp") for ev in events(b).values()}
    assert stamps == {datetime(2026, 6, 15, tzinfo=UTC)}
    assert uids(a) == uids(b)  # same cycle: same events, newer stamp
    epoch = jane(
        "calendar", "-o", str(c), "--as-of", "2026-01-10", env={"SOURCE_DATE_EPOCH": "1700000000"}
    )
    assert epoch.exit_code == 0, epoch.stderr
    assert {ev.decoded("dtstamp") for ev in events(c).values()} == {
        datetime.fromtimestamp(1700000000, UTC)
    }
    bad = jane("calendar", "-o", str(tmp_path / "d.ics"), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert bad.exit_code == 2
    one_error_line(bad.stderr)


def test_force_and_the_logbook_reach_the_atomic_writer(
    jane: Callable[..., Any], tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """calendar passes --force and the logbook to atomic_write (its guard refuses to replace
    a file without --force and never writes the logbook: cli.md 0.2, issue 10)."""
    import cmelog.services.calendar as service

    seen: list[dict[str, Any]] = []
    real = service.atomic_write

    def spy(path: Path, write: Any, **kwargs: Any) -> Path:
        seen.append(kwargs)
        return real(path, write, **kwargs)

    monkeypatch.setattr(service, "atomic_write", spy)
    out = tmp_path / "r.ics"
    write(jane, out)
    write(jane, out, "--force")
    assert seen == [
        {"force": False, "protect": db_path.absolute()},
        {"force": True, "protect": db_path.absolute()},
    ]


def test_next_cycle_has_new_events_and_uids(jane: Callable[..., Any], tmp_path: Path) -> None:
    now, later = tmp_path / "now.ics", tmp_path / "later.ics"
    write(jane, now, "--as-of", RENEWAL.isoformat())
    write(jane, later, "--as-of", (RENEWAL + timedelta(days=1)).isoformat())
    assert "2028-06-15" in events(later)
    assert uids(now).isdisjoint(uids(later))


def test_same_bytes_in_process_and_installed_whatever_the_timezone(
    jane: Callable[..., Any],
    run_exe: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
) -> None:
    inproc = tmp_path / "inproc.ics"
    write(jane, inproc, "--as-of", "2026-01-10")
    for tz in ("UTC", "Pacific/Kiritimati", "America/Adak"):
        out = tmp_path / f"{tz.replace('/', '_')}.ics"
        result = run_exe("calendar", "--output", str(out), "--as-of", "2026-01-10", env={"TZ": tz})
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == inproc.read_bytes(), tz


def test_uids_survive_a_profile_name_change(jane: Callable[..., Any], tmp_path: Path) -> None:
    before = tmp_path / "before.ics"
    write(jane, before, "--as-of", "2026-01-10")
    changed = jane("profile", "set", "--name", "Jane Roe-Smith, MD")
    assert changed.exit_code == 0, changed.stderr
    after = tmp_path / "after.ics"
    write(jane, after, "--as-of", "2026-01-10")
    assert uids(before) == uids(after)
    assert before.read_bytes() != after.read_bytes()


# ---------------------------------------------------------------------------- output


def test_prints_the_path_written(jane: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "renewal.ics"
    result = write(jane, out, "--as-of", "2026-01-10")
    assert result.stdout == f"{out}\n"
    assert result.stderr == ""


def test_relative_output_prints_the_absolute_path(
    jane: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = jane("calendar", "-o", "cme.ics", "--as-of", "2026-01-10")
    assert result.exit_code == 0, result.stderr
    printed = Path(result.stdout.strip())
    assert printed.is_absolute()
    assert printed == work / "cme.ics"
    assert printed.is_file()
    assert listing(work) == ["cme.ics"]  # no temporary file left behind


def test_overwrites_an_existing_file(jane: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "renewal.ics"
    out.write_text("old calendar\n")
    write(jane, out, "--as-of", "2026-01-10", "--force")
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert len(events(out)) == 3


def test_installed_with_stdin_closed(jane: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "renewal.ics"
    result = subprocess.run(
        [str(CMELOG_EXE), "calendar", "--output", str(out), "--as-of", "2026-01-10"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{out}\n"
    assert len(events(out)) == 3


# ---------------------------------------------------------------------------- failures


def test_output_under_a_file_is_exit_1_and_writes_nothing(
    jane: Callable[..., Any], tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    before = listing(tmp_path)
    result = jane("calendar", "--output", str(blocker / "renewal.ics"), "--as-of", "2026-01-10")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "renewal.ics" in one_error_line(result.stderr)
    assert listing(tmp_path) == before
    assert blocker.read_text() == "x"


def test_output_is_a_folder_is_exit_1(jane: Callable[..., Any], tmp_path: Path) -> None:
    folder = tmp_path / "cal"
    folder.mkdir()
    result = jane("calendar", "--output", str(folder), "--as-of", "2026-01-10")
    assert result.exit_code == 1
    assert result.stdout == ""
    one_error_line(result.stderr)
    assert listing(folder) == []


def test_unwritable_folder_is_exit_1_and_writes_nothing(
    jane: Callable[..., Any], tmp_path: Path
) -> None:
    # /proc/<pid> cannot hold new files, even for root (who ignores chmod)
    target = Path("/proc/self/cmelog-renewal.ics")
    result = jane("calendar", "--output", str(target), "--as-of", "2026-01-10")
    assert result.exit_code == 1
    assert result.stdout == ""
    one_error_line(result.stderr)
    assert not target.exists()


def test_no_profile_is_exit_1_and_writes_nothing(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "renewal.ics"
    result = cli("calendar", "--output", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "cmelog init" in one_error_line(result.stderr)
    assert not out.exists()


def test_failure_leaves_an_existing_file_alone(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "renewal.ics"
    out.write_text("keep me\n")
    result = cli("calendar", "--output", str(out))  # no profile
    assert result.exit_code == 1
    assert out.read_text() == "keep me\n"


@pytest.mark.parametrize("as_of", ["2026-02-30", "next week"])
def test_bad_as_of_is_exit_2_and_writes_nothing(
    jane: Callable[..., Any], tmp_path: Path, as_of: str
) -> None:
    out = tmp_path / "renewal.ics"
    result = jane("calendar", "--output", str(out), "--as-of", as_of)
    assert result.exit_code == 2
    assert as_of in one_error_line(result.stderr)
    assert not out.exists()


def test_as_of_beyond_year_9999_is_exit_2_and_writes_nothing(
    jane: Callable[..., Any], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "renewal.ics"
    result = jane("calendar", "--output", str(out), "--as-of", "9999-12-31")
    assert result.exit_code == 2, result.stderr
    line = one_error_line(result.stderr)
    assert "9999-12-31" in line
    assert "Unexpected error" not in line
    assert listing(folder) == []


def test_missing_output_is_exit_2(jane: Callable[..., Any]) -> None:
    result = jane("calendar")
    assert result.exit_code == 2
    assert "--output" in one_error_line(result.stderr)


def test_locked_logbook_is_exit_1_and_writes_nothing(
    jane: Callable[..., Any], db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "renewal.ics"
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        result = subprocess.run(
            [str(CMELOG_EXE), "calendar", "--output", str(out)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env={**os.environ, "CMELOG_BUSY_TIMEOUT": "1"},
            timeout=120,
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert result.stdout == ""
    assert "locked" in one_error_line(result.stderr)
    assert not out.exists()
