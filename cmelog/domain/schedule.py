"""The daily reminder job for each platform's own scheduler, as text. Pure: no I/O.

- Linux: a systemd user timer (``Persistent=true``: a day missed while the computer was off or
  asleep runs at the next start) and its oneshot service; or one crontab line.
- macOS: a LaunchAgent property list (StartCalendarInterval, RunAtLoad).
- Windows: a Task Scheduler task (StartWhenAvailable: a missed start runs as soon as possible).

Every job runs the absolute path of cmelog with ``--db`` and the absolute logbook path.
"""

from __future__ import annotations

import plistlib
import re
import shlex
from datetime import date
from subprocess import list2cmdline
from xml.sax.saxutils import escape

from cmelog.structs import Struct

JOB_NAME = "cmelog-remind"
SERVICE_FILE = f"{JOB_NAME}.service"
TIMER_FILE = f"{JOB_NAME}.timer"
LAUNCHD_LABEL = "org.cmelog.remind"
CRON_MARKER = f"# {JOB_NAME}"
ENV_FILE = ".config/cmelog/environment"  # under the home folder; read by the systemd job
DEFAULT_AT = (8, 0)
_AT = re.compile(r"(\d{1,2}):(\d{2})")


class Job(Struct, frozen=True):
    """What the scheduler runs every day: `executable --db logbook remind [args]` at hour:minute."""

    executable: str
    logbook: str
    hour: int = DEFAULT_AT[0]
    minute: int = DEFAULT_AT[1]
    args: tuple[str, ...] = ()

    @property
    def at(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    @property
    def argv(self) -> list[str]:
        return [self.executable, "--db", self.logbook, "remind", *self.args]


def parse_at(text: str) -> tuple[int, int]:
    """`HH:MM` (24-hour clock) as (hour, minute); ValueError with one sentence otherwise."""
    m = _AT.fullmatch(text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(
            f"--at {text!r} is not a time of day; give HH:MM on the 24-hour clock, "
            "00:00 to 23:59 (default 08:00)."
        )
    return int(m.group(1)), int(m.group(2))


def job_args(days: int, every: bool, default_days: int = 60) -> tuple[str, ...]:
    """The remind options a job carries: only what differs from the defaults."""
    return (("--days", str(days)) if days != default_days else ()) + (("--every",) if every else ())


# ------------------------------------------------------------------ systemd
def _systemd_word(word: str) -> str:
    """One ExecStart word, quoted for systemd (specifiers `%` and variables `$` escaped)."""
    text = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{text}"'


def systemd_service(job: Job) -> str:
    command = " ".join(_systemd_word(w) for w in job.argv)
    return (
        "# Written by `cmelog remind --install`; remove with `cmelog remind --uninstall`.\n"
        "[Unit]\n"
        "Description=cmelog: CME license renewal reminders\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        "# Optional: CMELOG_SMTP_PASSWORD=... for an e-mail channel that logs in (mode 0600)\n"
        f"EnvironmentFile=-%h/{ENV_FILE}\n"
        f"ExecStart={command}\n"
    )


def systemd_timer(job: Job) -> str:
    return (
        "# Written by `cmelog remind --install`; remove with `cmelog remind --uninstall`.\n"
        "[Unit]\n"
        "Description=cmelog: daily check for CME renewal reminders\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar=*-*-* {job.hour:02d}:{job.minute:02d}:00\n"
        "Persistent=true\n"
        f"Unit={SERVICE_FILE}\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def systemd_at(timer_text: str) -> str | None:
    """The HH:MM of a timer written by systemd_timer, or None."""
    m = re.search(r"^OnCalendar=\*-\*-\* (\d{2}):(\d{2})", timer_text, re.M)
    return f"{m.group(1)}:{m.group(2)}" if m else None


# ------------------------------------------------------------------ crontab
def cron_line(job: Job) -> str:
    """One crontab line, marked so that install/uninstall find it again."""
    # cron turns an unescaped `%` in the command into a newline (and stdin): escape it
    command = " ".join(shlex.quote(w) for w in job.argv).replace("%", "\\%")
    return f"{job.minute} {job.hour} * * * {command} {CRON_MARKER}"


def is_our_cron_line(line: str) -> bool:
    return line.rstrip().endswith(CRON_MARKER)


def cron_at(line: str) -> str | None:
    fields = line.split()
    if len(fields) < 2 or not fields[0].isdigit() or not fields[1].isdigit():
        return None
    return f"{int(fields[1]):02d}:{int(fields[0]):02d}"


def crontab_with(current: str, job: Job | None) -> str:
    """The user's crontab with our line replaced by `job`'s (or removed when None);
    every other line is kept as it was."""
    kept = [line for line in current.splitlines() if not is_our_cron_line(line)]
    if job is not None:
        kept.append(cron_line(job))
    return "".join(line + "\n" for line in kept)


# ------------------------------------------------------------------ launchd
def launchd_plist(job: Job, log_path: str) -> bytes:
    return plistlib.dumps(
        {
            "Label": LAUNCHD_LABEL,
            "ProgramArguments": job.argv,
            "StartCalendarInterval": {"Hour": job.hour, "Minute": job.minute},
            "RunAtLoad": True,
            "StandardOutPath": log_path,
            "StandardErrorPath": log_path,
            "ProcessType": "Background",
        }
    )


def launchd_at(data: bytes) -> str | None:
    try:
        interval = plistlib.loads(data).get("StartCalendarInterval") or {}
        return f"{int(interval['Hour']):02d}:{int(interval['Minute']):02d}"
    except Exception:
        return None


# ------------------------------------------------------------------ Windows Task Scheduler
TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"


def task_xml(job: Job, start: date) -> str:
    """A Task Scheduler 1.2 task: daily at the hour, run as soon as possible after a missed
    start (StartWhenAvailable), on battery too, for the logged-on user only."""
    boundary = f"{start.isoformat()}T{job.hour:02d}:{job.minute:02d}:00"
    arguments = list2cmdline(job.argv[1:])
    return (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        f'<Task version="1.2" xmlns="{TASK_NS}">\n'
        "  <RegistrationInfo>\n"
        "    <Description>cmelog: daily check for CME license renewal reminders</Description>\n"
        "  </RegistrationInfo>\n"
        "  <Triggers>\n"
        "    <CalendarTrigger>\n"
        f"      <StartBoundary>{boundary}</StartBoundary>\n"
        "      <Enabled>true</Enabled>\n"
        "      <ScheduleByDay>\n"
        "        <DaysInterval>1</DaysInterval>\n"
        "      </ScheduleByDay>\n"
        "    </CalendarTrigger>\n"
        "  </Triggers>\n"
        "  <Principals>\n"
        '    <Principal id="Author">\n'
        "      <LogonType>InteractiveToken</LogonType>\n"
        "      <RunLevel>LeastPrivilege</RunLevel>\n"
        "    </Principal>\n"
        "  </Principals>\n"
        "  <Settings>\n"
        "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
        "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
        "    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n"
        "    <StartWhenAvailable>true</StartWhenAvailable>\n"
        "    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>\n"
        "    <ExecutionTimeLimit>PT1H</ExecutionTimeLimit>\n"
        "    <Enabled>true</Enabled>\n"
        "  </Settings>\n"
        '  <Actions Context="Author">\n'
        "    <Exec>\n"
        f"      <Command>{escape(job.executable)}</Command>\n"
        f"      <Arguments>{escape(arguments)}</Arguments>\n"
        "    </Exec>\n"
        "  </Actions>\n"
        "</Task>\n"
    )


def task_at(xml_text: str) -> str | None:
    m = re.search(r"<StartBoundary>[^<T]*T(\d{2}):(\d{2})", xml_text)
    return f"{m.group(1)}:{m.group(2)}" if m else None
