"""The daily job's texts (domain/schedule.py): systemd units checked by `systemd-analyze
verify`, the LaunchAgent read back with plistlib, the Task Scheduler XML parsed."""

from __future__ import annotations

import plistlib
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmelog.domain import schedule
from cmelog.domain.schedule import Job
from tests.conftest import CMELOG_EXE

AWKWARD = "/tmp/Dr O'Brien's \"CME\" 100% $HOME/log book.db"


def job(logbook: str = "/home/jane/cmelog.db", **kw: object) -> Job:
    return Job(str(CMELOG_EXE), logbook, **kw)  # type: ignore[arg-type]


def systemd_exec_words(service: str) -> list[str]:
    """ExecStart's words as systemd reads them (quotes, \\-escapes, %% and $$ undone)."""
    line = next(x for x in service.splitlines() if x.startswith("ExecStart="))
    words = shlex.split(line.removeprefix("ExecStart="), posix=True)
    return [w.replace("%%", "%").replace("$$", "$") for w in words]


# ---------------------------------------------------------------------------- systemd
def test_timer_runs_daily_and_catches_up_after_sleep() -> None:
    timer = schedule.systemd_timer(job(hour=7, minute=30))
    assert "OnCalendar=*-*-* 07:30:00\n" in timer
    assert "Persistent=true\n" in timer
    assert "Unit=cmelog-remind.service\n" in timer
    assert "WantedBy=timers.target\n" in timer
    assert schedule.systemd_at(timer) == "07:30"


def test_service_runs_the_absolute_cmelog_with_the_logbook() -> None:
    service = schedule.systemd_service(job(AWKWARD, args=("--days", "90")))
    assert "Type=oneshot\n" in service
    # an e-mail password can reach the job from a file the user keeps (never from cmelog)
    assert "EnvironmentFile=-%h/.config/cmelog/environment\n" in service
    assert systemd_exec_words(service) == [
        str(CMELOG_EXE),
        "--db",
        AWKWARD,
        "remind",
        "--days",
        "90",
    ]


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    j = job(str(tmp_path / "my logbook%.db"), hour=23, minute=59)
    (tmp_path / schedule.SERVICE_FILE).write_text(schedule.systemd_service(j))
    (tmp_path / schedule.TIMER_FILE).write_text(schedule.systemd_timer(j))
    files = [str(tmp_path / schedule.TIMER_FILE), str(tmp_path / schedule.SERVICE_FILE)]
    done = subprocess.run(
        [str(SYSTEMD_ANALYZE), "verify", *files], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "cmelog-remind" not in done.stderr  # no warning about our units
    # control: verify does reject a broken timer
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / schedule.SERVICE_FILE).write_text(schedule.systemd_service(j))
    (broken / schedule.TIMER_FILE).write_text(
        schedule.systemd_timer(j).replace("*-*-* 23:59:00", "every morning")
    )
    bad = subprocess.run(
        [str(SYSTEMD_ANALYZE), "verify", str(broken / schedule.TIMER_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0


# ---------------------------------------------------------------------------- crontab
def test_cron_line_is_marked_and_quoted() -> None:
    line = schedule.cron_line(job(AWKWARD, hour=6, minute=5))
    assert line.startswith("5 6 * * * ")
    assert schedule.is_our_cron_line(line)
    assert schedule.cron_at(line) == "06:05"
    command = line.split(None, 5)[5].replace("\\%", "%")
    assert shlex.split(command, comments=True) == [str(CMELOG_EXE), "--db", AWKWARD, "remind"]


def test_crontab_keeps_other_lines_and_holds_one_job() -> None:
    mine = "MAILTO=jane@example.org\n30 2 * * 0 /usr/bin/backup --all\n"
    once = schedule.crontab_with(mine, job())
    twice = schedule.crontab_with(once, job(hour=9, minute=0))
    assert twice.startswith(mine)
    ours = [x for x in twice.splitlines() if schedule.is_our_cron_line(x)]
    assert len(ours) == 1 and ours[0].startswith("0 9 * * * ")
    assert schedule.crontab_with(twice, None) == mine


# ---------------------------------------------------------------------------- launchd
def test_launch_agent_plist() -> None:
    data = schedule.launchd_plist(job(AWKWARD, hour=8, minute=15), "/Users/jane/Library/Logs/x")
    plist = plistlib.loads(data)
    assert plist["Label"] == schedule.LAUNCHD_LABEL
    assert plist["ProgramArguments"] == [str(CMELOG_EXE), "--db", AWKWARD, "remind"]
    assert plist["StartCalendarInterval"] == {"Hour": 8, "Minute": 15}
    assert plist["RunAtLoad"] is True
    assert schedule.launchd_at(data) == "08:15"


# ---------------------------------------------------------------------------- Task Scheduler
NS = {"t": schedule.TASK_NS}


def test_task_scheduler_xml() -> None:
    exe = r"C:\Users\Jane Roe\AppData\Roaming\Python\Scripts\cmelog.exe"
    db = r"C:\Users\Jane Roe\AppData\Local\cmelog\cmelog.db"
    text = schedule.task_xml(Job(exe, db, 8, 0, ("--every",)), date(2026, 12, 3))
    root = ET.fromstring(text.encode("utf-16"))  # schtasks reads the file as UTF-16
    assert root.tag == f"{{{schedule.TASK_NS}}}Task"
    settings = root.find("t:Settings", NS)
    assert settings is not None
    assert settings.findtext("t:StartWhenAvailable", namespaces=NS) == "true"
    assert settings.findtext("t:DisallowStartIfOnBatteries", namespaces=NS) == "false"
    trigger = root.find("t:Triggers/t:CalendarTrigger", NS)
    assert trigger is not None
    assert trigger.findtext("t:StartBoundary", namespaces=NS) == "2026-12-03T08:00:00"
    assert trigger.findtext("t:ScheduleByDay/t:DaysInterval", namespaces=NS) == "1"
    assert root.findtext("t:Actions/t:Exec/t:Command", namespaces=NS) == exe
    args = root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=NS)
    assert args == f'--db "{db}" remind --every'
    assert schedule.task_at(text) == "08:00"


# ---------------------------------------------------------------------------- --at
@pytest.mark.parametrize("text", ["24:00", "8", "08:60", "8am", "", "-1:00", "08:0"])
def test_bad_times_of_day(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        schedule.parse_at(text)


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_time_of_day_round_trips(hour: int, minute: int) -> None:
    assert schedule.parse_at(f"{hour:02d}:{minute:02d}") == (hour, minute)
    assert schedule.parse_at(f"{hour}:{minute:02d}") == (hour, minute)
    j = job(hour=hour, minute=minute)
    assert schedule.systemd_at(schedule.systemd_timer(j)) == j.at
    assert schedule.cron_at(schedule.cron_line(j)) == j.at
    assert schedule.launchd_at(schedule.launchd_plist(j, "/x")) == j.at
    assert schedule.task_at(schedule.task_xml(j, date(2026, 1, 1))) == j.at
