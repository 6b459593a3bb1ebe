"""`remind --install / --uninstall / --status` against stand-in schedulers on PATH, in a
throw-away HOME (conftest): exactly what would be installed, once, and removed again."""

from __future__ import annotations

import json
import os
import plistlib
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmelog.domain import schedule
from cmelog.domain.schedule import Job
from tests.conftest import CMELOG_EXE

PY = os.path.realpath(sys.executable)

# A stand-in for systemctl / crontab / launchctl / schtasks: logs its argv (JSON, one line per
# call), keeps a crontab in a file, copies an /XML file it is given, and fails
# `systemctl --user show-environment` unless the file `user-systemd` exists.
STAND_IN = r"""#!{py}
import json, os, shutil, sys
here = os.path.dirname(os.path.abspath(__file__))
name, args = os.path.basename(sys.argv[0]), sys.argv[1:]
with open(os.path.join(here, "calls.log"), "a") as fh:
    fh.write(json.dumps([name, *args]) + "\n")
tab = os.path.join(here, "crontab.txt")
if name == "systemctl" and args[-1:] == ["show-environment"]:
    sys.exit(0 if os.path.exists(os.path.join(here, "user-systemd")) else 1)
if name == "crontab" and args == ["-l"]:
    if not os.path.exists(tab):
        sys.stderr.write("no crontab for jane\n")
        sys.exit(1)
    sys.stdout.write(open(tab).read())
if name == "crontab" and args == ["-"]:
    open(tab, "w").write(sys.stdin.read())
if name == "schtasks" and "/XML" in args and "/Create" in args:
    shutil.copy(args[args.index("/XML") + 1], os.path.join(here, "task.xml"))
if name == "schtasks" and "/Query" in args:
    sys.exit(0 if os.path.exists(os.path.join(here, "task.xml")) else 1)
if name == "schtasks" and "/Delete" in args:
    os.remove(os.path.join(here, "task.xml"))
"""


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("systemctl", "crontab", "launchctl", "schtasks"):
        path = folder / name
        path.write_text(STAND_IN.replace("{py}", PY))
        path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin")
    return folder


def calls(folder: Path) -> list[list[str]]:
    log = folder / "calls.log"
    if not log.exists():
        return []
    return [json.loads(x) for x in log.read_text().splitlines()]


def changes(folder: Path) -> list[list[str]]:
    """The calls that change something (not the look-ups)."""
    return [
        c
        for c in calls(folder)
        if c[-1:] != ["show-environment"] and c[1:] != ["-l"] and "/Query" not in c
    ]


def status(jane: Callable[..., Any]) -> dict[str, Any]:
    result = jane("remind", "--status", "--json", "--as-of", "2026-01-10")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def the_job(db_path: Path, hour: int = 8, minute: int = 0) -> Job:
    return Job(str(CMELOG_EXE), str(db_path.absolute()), hour, minute)


# ---------------------------------------------------------------------------- systemd
def test_systemd_user_timer(
    jane: Callable[..., Any], bin_dir: Path, db_path: Path, tmp_path: Path
) -> None:
    (bin_dir / "user-systemd").touch()
    before = status(jane)
    assert before["installed"] is False and before["scheduler"] is None and before["at"] is None
    for _ in range(2):  # installing twice leaves one job
        result = jane("remind", "--install", "--at", "07:45")
        assert result.exit_code == 0, result.stderr
        assert "systemd" in result.stdout
    units = tmp_path / "home" / ".config" / "systemd" / "user"
    assert sorted(p.name for p in units.iterdir()) == [
        "cmelog-remind.service",
        "cmelog-remind.timer",
    ]
    job = the_job(db_path, 7, 45)
    assert (units / "cmelog-remind.service").read_text() == schedule.systemd_service(job)
    assert (units / "cmelog-remind.timer").read_text() == schedule.systemd_timer(job)
    assert (
        _names(bin_dir)
        == [
            ["systemctl", "--user", "daemon-reload"],
            ["systemctl", "--user", "enable", "--now", "cmelog-remind.timer"],
        ]
        * 2
    )
    assert not (bin_dir / "crontab.txt").exists()  # no second job in the crontab
    doc = status(jane)
    assert doc["installed"] is True
    assert doc["scheduler"] == "systemd" and doc["at"] == "07:45"
    assert doc["channels"] == []
    assert doc["next_milestone"] == {"days": 60, "date": "2026-04-16"}
    assert doc["last_delivery"] is None

    removed = jane("remind", "--uninstall")
    assert removed.exit_code == 0, removed.stderr
    assert list(units.iterdir()) == []
    assert ["systemctl", "--user", "disable", "--now", "cmelog-remind.timer"] in [
        ["systemctl", *c[1:]] for c in calls(bin_dir)
    ]
    assert status(jane)["installed"] is False


def _names(folder: Path) -> list[list[str]]:
    return [[Path(c[0]).name, *c[1:]] for c in changes(folder)]


# ---------------------------------------------------------------------------- crontab
def test_crontab_when_no_user_systemd(
    jane: Callable[..., Any], bin_dir: Path, db_path: Path, tmp_path: Path
) -> None:
    theirs = "MAILTO=jane@example.org\n15 3 * * * /usr/local/bin/backup\n"
    (bin_dir / "crontab.txt").write_text(theirs)
    for at in ("08:00", "21:05"):  # a second install replaces the first job
        result = jane("remind", "--install", "--at", at)
        assert result.exit_code == 0, result.stderr
        assert "crontab" in result.stdout
    tab = (bin_dir / "crontab.txt").read_text()
    assert tab == theirs + schedule.cron_line(the_job(db_path, 21, 5)) + "\n"
    assert not (tmp_path / "home" / ".config" / "systemd").exists()
    doc = status(jane)
    assert (doc["installed"], doc["scheduler"], doc["at"]) == (True, "crontab", "21:05")
    assert jane("remind", "--uninstall").exit_code == 0
    assert (bin_dir / "crontab.txt").read_text() == theirs
    assert status(jane)["installed"] is False


def test_crontab_for_a_user_without_one(
    jane: Callable[..., Any], bin_dir: Path, db_path: Path
) -> None:
    result = jane("remind", "--install")
    assert result.exit_code == 0, result.stderr
    assert (bin_dir / "crontab.txt").read_text() == schedule.cron_line(the_job(db_path)) + "\n"


def test_moving_from_crontab_to_systemd_leaves_one_job(
    jane: Callable[..., Any], bin_dir: Path
) -> None:
    assert jane("remind", "--install").exit_code == 0
    assert "cmelog-remind" in (bin_dir / "crontab.txt").read_text()
    (bin_dir / "user-systemd").touch()
    assert jane("remind", "--install").exit_code == 0
    assert "cmelog-remind" not in (bin_dir / "crontab.txt").read_text()
    assert status(jane)["scheduler"] == "systemd"


def test_no_scheduler_at_all_is_exit_1(
    jane: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = jane("remind", "--install")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "crontab" in result.stderr and "cmelog calendar" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--install", "--at", "25:00"],
        ["--at", "08:00"],
        ["--install", "--uninstall"],
        ["--status", "--crontab"],
        ["--json"],
    ],
)
def test_bad_combinations_are_exit_2(
    jane: Callable[..., Any], bin_dir: Path, args: list[str]
) -> None:
    result = jane("remind", *args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert changes(bin_dir) == []


def test_uninstall_with_nothing_installed(jane: Callable[..., Any], bin_dir: Path) -> None:
    result = jane("remind", "--uninstall")
    assert result.exit_code == 0
    assert "nothing to remove" in result.stdout


# ---------------------------------------------------------------------------- macOS, Windows
def test_launch_agent_on_macos(
    jane: Callable[..., Any],
    bin_dir: Path,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import cmelog.services.scheduler as scheduler

    monkeypatch.setattr(scheduler, "current_platform", lambda: "darwin")
    for _ in range(2):
        assert jane("remind", "--install", "--at", "09:10").exit_code == 0
    agents = tmp_path / "home" / "Library" / "LaunchAgents"
    assert [p.name for p in agents.iterdir()] == ["org.cmelog.remind.plist"]
    plist = plistlib.loads((agents / "org.cmelog.remind.plist").read_bytes())
    assert plist["ProgramArguments"] == [str(CMELOG_EXE), "--db", str(db_path), "remind"]
    assert plist["StartCalendarInterval"] == {"Hour": 9, "Minute": 10}
    assert plist["RunAtLoad"] is True
    launchctl = [c[1] for c in _names(bin_dir) if c[0] == "launchctl"]
    assert launchctl == ["bootstrap", "bootout", "bootstrap"]
    doc = status(jane)
    assert (doc["installed"], doc["scheduler"], doc["at"]) == (True, "launchd", "09:10")
    assert jane("remind", "--uninstall").exit_code == 0
    assert list(agents.iterdir()) == []
    assert status(jane)["installed"] is False


def test_task_scheduler_on_windows(
    jane: Callable[..., Any], bin_dir: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cmelog.services.scheduler as scheduler

    monkeypatch.setattr(scheduler, "current_platform", lambda: "win32")
    for _ in range(2):
        assert jane("remind", "--install").exit_code == 0
    creates = [c for c in _names(bin_dir) if "/Create" in c]
    assert len(creates) == 2 and all("/F" in c and "cmelog-remind" in c for c in creates)
    root = ET.fromstring((bin_dir / "task.xml").read_bytes())
    ns = {"t": schedule.TASK_NS}
    assert root.findtext("t:Settings/t:StartWhenAvailable", namespaces=ns) == "true"
    args = root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=ns)
    assert args == subprocess.list2cmdline(["--db", str(db_path), "remind"])
    assert jane("remind", "--uninstall").exit_code == 0
    assert not (bin_dir / "task.xml").exists()


def test_the_job_keeps_the_window_and_every(
    jane: Callable[..., Any], bin_dir: Path, db_path: Path
) -> None:
    assert jane("remind", "--install", "--days", "90", "--every").exit_code == 0
    job = Job(str(CMELOG_EXE), str(db_path), 8, 0, ("--days", "90", "--every"))
    assert (bin_dir / "crontab.txt").read_text() == schedule.cron_line(job) + "\n"
    assert "remind --days 90 --every # cmelog-remind" in schedule.cron_line(job)
    assert (bin_dir / "crontab.txt").stat().st_size > 0
