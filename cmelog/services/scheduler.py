"""`remind --install / --uninstall / --status`: the daily job in the platform's own scheduler.

Linux: a systemd user timer when `systemctl --user show-environment` succeeds, otherwise one
line in the user's crontab (`systemctl` and `crontab` are looked up on PATH). macOS: a
LaunchAgent loaded with launchctl. Windows: a Task Scheduler task created with schtasks. The
unit, plist and XML texts are made in domain/schedule.py; here they are written and registered.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cmelog.domain import schedule
from cmelog.domain.schedule import Job
from cmelog.errors import CmelogError, UsageError
from cmelog.services.context import Context
from cmelog.structs import Struct

TIMEOUT = 60.0


def current_platform() -> str:
    return sys.platform


class Installed(Struct, frozen=True):
    scheduler: str  # systemd | crontab | launchd | task-scheduler
    at: str
    where: str  # the file or place the job lives in
    command: str  # what it runs, for the user to read


def _home() -> Path:
    return Path.home()


def systemd_dir() -> Path:
    return _home() / ".config" / "systemd" / "user"


def launchd_path() -> Path:
    return _home() / "Library" / "LaunchAgents" / f"{schedule.LAUNCHD_LABEL}.plist"


def _run(argv: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            argv, input=stdin, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(argv, 127, "", str(exc))


def _must(argv: list[str], stdin: str | None = None) -> str:
    done = _run(argv, stdin)
    if done.returncode != 0:
        why = " ".join((done.stderr or done.stdout).split())[:300] or f"status {done.returncode}"
        shown = " ".join(Path(argv[0]).name if i == 0 else a for i, a in enumerate(argv))
        raise CmelogError(f"`{shown}` failed ({why}); the reminder job was not changed.")
    return done.stdout


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_job(ctx: Context, at: str | None, days: int, every: bool) -> Job:
    from cmelog.services.remind import executable

    try:
        hour, minute = schedule.parse_at(at) if at is not None else schedule.DEFAULT_AT
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return Job(
        str(executable()),
        str(ctx.path),
        hour,
        minute,
        schedule.job_args(days, every),
    )


# ------------------------------------------------------------------ Linux
def _systemctl() -> str | None:
    tool = shutil.which("systemctl")
    if tool is None:
        return None
    return tool if _run([tool, "--user", "show-environment"]).returncode == 0 else None


def _crontab_text(tool: str) -> str:
    done = _run([tool, "-l"])
    if done.returncode == 0:
        return done.stdout
    if "no crontab" in (done.stderr + done.stdout).lower():
        return ""
    why = " ".join(done.stderr.split())[:300] or f"status {done.returncode}"
    raise CmelogError(f"`crontab -l` failed ({why}); the reminder job was not changed.")


def _our_cron_line(tool: str) -> str | None:
    for line in _crontab_text(tool).splitlines():
        if schedule.is_our_cron_line(line):
            return line
    return None


def _drop_cron_line(tool: str) -> bool:
    current = _crontab_text(tool)
    if not any(schedule.is_our_cron_line(line) for line in current.splitlines()):
        return False
    _must([tool, "-"], schedule.crontab_with(current, None))
    return True


def _install_linux(job: Job) -> Installed:
    systemctl = _systemctl()
    crontab = shutil.which("crontab")
    if systemctl is not None:
        folder = systemd_dir()
        _write(folder / schedule.SERVICE_FILE, schedule.systemd_service(job).encode())
        _write(folder / schedule.TIMER_FILE, schedule.systemd_timer(job).encode())
        _must([systemctl, "--user", "daemon-reload"])
        _must([systemctl, "--user", "enable", "--now", schedule.TIMER_FILE])
        if crontab is not None:
            _drop_cron_line(crontab)  # one job: an earlier crontab fallback goes
        return Installed("systemd", job.at, str(folder / schedule.TIMER_FILE), " ".join(job.argv))
    if crontab is None:
        raise CmelogError(
            "Neither a user systemd (systemctl --user) nor crontab is available here; "
            "import the calendar from `cmelog calendar`, or run `cmelog remind` daily yourself."
        )
    line = schedule.cron_line(job)
    _must([crontab, "-"], schedule.crontab_with(_crontab_text(crontab), job))
    return Installed("crontab", job.at, "your crontab", line)


def _uninstall_linux() -> list[str]:
    removed = []
    folder = systemd_dir()
    timer, service = folder / schedule.TIMER_FILE, folder / schedule.SERVICE_FILE
    if timer.exists() or service.exists():
        systemctl = _systemctl()
        if systemctl is not None:
            _run([systemctl, "--user", "disable", "--now", schedule.TIMER_FILE])
        timer.unlink(missing_ok=True)
        service.unlink(missing_ok=True)
        if systemctl is not None:
            _run([systemctl, "--user", "daemon-reload"])
        removed.append(f"the systemd user timer {timer}")
    crontab = shutil.which("crontab")
    if crontab is not None and _drop_cron_line(crontab):
        removed.append("the line in your crontab")
    return removed


def _status_linux() -> tuple[str | None, str | None]:
    timer = systemd_dir() / schedule.TIMER_FILE
    if timer.exists():
        return "systemd", schedule.systemd_at(timer.read_text(errors="replace"))
    crontab = shutil.which("crontab")
    if crontab is not None:
        line = _our_cron_line(crontab)
        if line is not None:
            return "crontab", schedule.cron_at(line)
    return None, None


# ------------------------------------------------------------------ macOS
def _launchctl() -> str:
    tool = shutil.which("launchctl")
    if tool is None:
        raise CmelogError("launchctl was not found; the reminder job was not changed.")
    return tool


def _domain() -> str:
    return f"gui/{os.getuid()}" if hasattr(os, "getuid") else "gui/0"


def _install_macos(job: Job) -> Installed:
    tool = _launchctl()
    path = launchd_path()
    log = _home() / "Library" / "Logs" / "cmelog-remind.log"
    if path.exists():
        _run([tool, "bootout", _domain(), str(path)])
    _write(path, schedule.launchd_plist(job, str(log)))
    _must([tool, "bootstrap", _domain(), str(path)])
    return Installed("launchd", job.at, str(path), " ".join(job.argv))


def _uninstall_macos() -> list[str]:
    path = launchd_path()
    if not path.exists():
        return []
    tool = shutil.which("launchctl")
    if tool is not None:
        _run([tool, "bootout", _domain(), str(path)])
    path.unlink(missing_ok=True)
    return [f"the LaunchAgent {path}"]


def _status_macos() -> tuple[str | None, str | None]:
    path = launchd_path()
    if path.exists():
        return "launchd", schedule.launchd_at(path.read_bytes())
    return None, None


# ------------------------------------------------------------------ Windows
def _schtasks() -> str:
    tool = shutil.which("schtasks")
    if tool is None:
        raise CmelogError("schtasks was not found; the reminder job was not changed.")
    return tool


def _install_windows(job: Job, today: date) -> Installed:
    tool = _schtasks()
    xml = schedule.task_xml(job, today)
    fd, tmp = tempfile.mkstemp(prefix="cmelog-remind-", suffix=".xml")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(xml.encode("utf-16"))
        _must([tool, "/Create", "/TN", schedule.JOB_NAME, "/XML", tmp, "/F"])
    finally:
        Path(tmp).unlink(missing_ok=True)
    return Installed("task-scheduler", job.at, f"Task Scheduler: {schedule.JOB_NAME}", xml)


def _uninstall_windows() -> list[str]:
    tool = shutil.which("schtasks")
    if tool is None or _run([tool, "/Query", "/TN", schedule.JOB_NAME]).returncode != 0:
        return []
    _must([tool, "/Delete", "/TN", schedule.JOB_NAME, "/F"])
    return [f"the scheduled task {schedule.JOB_NAME}"]


def _status_windows() -> tuple[str | None, str | None]:
    tool = shutil.which("schtasks")
    if tool is None:
        return None, None
    done = _run([tool, "/Query", "/TN", schedule.JOB_NAME, "/XML"])
    if done.returncode != 0:
        return None, None
    return "task-scheduler", schedule.task_at(done.stdout)


# ------------------------------------------------------------------ entry points
def install(ctx: Context, at: str | None, days: int, every: bool) -> Installed:
    job = make_job(ctx, at, days, every)
    ctx.logbook()  # the job needs a logbook: exit 1 now, naming it, when there is none
    platform = current_platform()
    if platform == "darwin":
        return _install_macos(job)
    if platform == "win32":
        return _install_windows(job, ctx.today)
    return _install_linux(job)


def uninstall(ctx: Context) -> list[str]:
    platform = current_platform()
    if platform == "darwin":
        return _uninstall_macos()
    if platform == "win32":
        return _uninstall_windows()
    return _uninstall_linux()


def installed() -> tuple[str | None, str | None]:
    """(scheduler, HH:MM) of the installed job, or (None, None)."""
    platform = current_platform()
    if platform == "darwin":
        return _status_macos()
    if platform == "win32":
        return _status_windows()
    return _status_linux()


def status(ctx: Context, as_of: str | None, days: int) -> dict[str, Any]:
    """The `remind --status --json` document."""
    from cmelog.domain.dates import parse_date
    from cmelog.domain.reminders import next_milestone
    from cmelog.services.channels import stored_channels
    from cmelog.services.context import require_profile, rules_for
    from cmelog.services.remind import check_days, renewal_at
    from cmelog.storage import reminders_store as store

    check_days(days)
    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    scheduler, at = installed()
    with ctx.logbook().reader() as c:
        profile = require_profile(c)
        rules = rules_for(profile, ctx)
        renewal = renewal_at(profile, today, as_of, rules)
        sent = store.reminders_sent(c, renewal.renewal_date)
        nxt = next_milestone(renewal.renewal_date, today, days, sent)
        if nxt is None:  # every reminder of this cycle spoken: the next cycle's first
            following = renewal_at(profile, renewal.renewal_date + timedelta(days=1), as_of, rules)
            later = store.reminders_sent(c, following.renewal_date)
            nxt = next_milestone(following.renewal_date, today, days, later)
        channels = [ch.name for ch in stored_channels(c)]
        last = store.last_delivery(c)
    return {
        "installed": scheduler is not None,
        "scheduler": scheduler,
        "at": at,
        "channels": channels,
        "next_milestone": None if nxt is None else {"days": nxt[0], "date": nxt[1].isoformat()},
        "last_delivery": None
        if last is None
        else {
            "date": last.sent_on.isoformat(),
            "at": last.sent_at,
            "milestone": last.milestone,
            "renewal_date": last.renewal_date.isoformat(),
            "channels": list(last.channels) or ["stdout"],
        },
        "logbook": str(ctx.path),
    }
