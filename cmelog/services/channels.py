"""Reminder delivery channels: configure them (`cmelog channel ...`) and deliver through them.

E-mail goes through apprise (imported here only, when a message is sent): it confirms delivery
(the SMTP server accepted the message), speaks STARTTLS, SSL and plain SMTP, and verifies the
server's certificate. The desktop notification runs the platform's own tool (notify-send,
osascript, PowerShell): apprise's desktop plugins need D-Bus/GObject bindings, Homebrew's
terminal-notifier or pywin32 instead. `exec:` and `stdout:` need no library.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from cmelog.domain.channels import PASSWORD_ENV, Channel, ChannelError, parse_channel
from cmelog.errors import CmelogError, UsageError
from cmelog.services.context import Context
from cmelog.structs import Struct

EXEC_TIMEOUT = 60.0
DESKTOP_TIMEOUT = 15.0
SMTP_TIMEOUT = 20


class Delivery(Struct, frozen=True):
    channel: str
    ok: bool
    reason: str = ""  # why it failed, one clause


class Message(Struct, frozen=True):
    subject: str
    body: str  # the full text (e-mail, exec, stdout)
    short: str  # a few lines for a desktop notification


# ------------------------------------------------------------------ configuration
def stored_channels(c: object) -> list[Channel]:
    """The configured channels, parsed (a URL that no longer parses is kept, failing later)."""
    from cmelog.storage import reminders_store as store

    out = []
    for row in store.list_channels(c):
        try:
            out.append(parse_channel(row.url, row.name))
        except ChannelError:
            out.append(Channel(row.name, row.url, "invalid"))
    return out


def add(ctx: Context, url: str, name: str | None) -> Channel:
    from cmelog.services.context import require_profile
    from cmelog.storage import reminders_store as store

    try:
        channel = parse_channel(url, name)
    except ChannelError as exc:
        raise UsageError(str(exc)) from None
    if channel.scheme == "desktop" and desktop_command("t", "b") is None:
        raise UsageError(
            f"No desktop notifier is available here ({desktop_tool_name()} was not found); "
            "use smtp:, exec:COMMAND or stdout: instead."
        )
    with ctx.logbook().session(write=True) as s:
        require_profile(s)
        if any(ch.name == channel.name for ch in store.list_channels(s)):
            raise UsageError(
                f"A channel named {channel.name!r} exists already; give another --name, "
                f"or remove it first with `cmelog channel remove {channel.name}`."
            )
        store.add_channel(s, channel.name, channel.url)
    return channel


def remove(ctx: Context, name: str) -> None:
    from cmelog.storage import reminders_store as store

    with ctx.logbook().session(write=True) as s:
        if not store.remove_channel(s, name):
            raise CmelogError(_unknown(name, [c.name for c in store.list_channels(s)]))


def listing(ctx: Context) -> list[Channel]:
    with ctx.logbook().reader() as s:
        return stored_channels(s)


def find(ctx: Context, name: str) -> Channel:
    channels = listing(ctx)
    for ch in channels:
        if ch.name == name:
            return ch
    raise CmelogError(_unknown(name, [c.name for c in channels]))


def _unknown(name: str, names: list[str]) -> str:
    known = ", ".join(names) if names else "none yet; add one with `cmelog channel add URL`"
    return f"There is no channel named {name!r}; the channels are: {known}."


# ------------------------------------------------------------------ delivery
def deliver(channel: Channel, message: Message) -> Delivery:
    """Send one message through one channel; never raises for a delivery failure."""
    try:
        if channel.scheme == "stdout":
            sys.stdout.write(message.body if message.body.endswith("\n") else message.body + "\n")
            sys.stdout.flush()
            return Delivery(channel.name, True)
        if channel.scheme == "exec":
            return _exec(channel, message)
        if channel.scheme == "desktop":
            return _desktop(channel, message)
        if channel.scheme == "smtp":
            return _smtp(channel, message)
        return Delivery(channel.name, False, f"its URL {channel.url!r} is not valid")
    except OSError as exc:
        return Delivery(channel.name, False, exc.strerror or str(exc))


def _tail(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _run(name: str, argv: list[str], stdin: str, env: dict[str, str], timeout: float) -> Delivery:
    try:
        done = subprocess.run(
            argv,
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        return Delivery(name, False, f"the command {argv[0]!r} was not found")
    except PermissionError:
        return Delivery(name, False, f"the command {argv[0]!r} may not be run (permission denied)")
    except subprocess.TimeoutExpired:
        return Delivery(name, False, f"{argv[0]} did not finish within {timeout:g} seconds")
    if done.returncode != 0:
        why = _tail(done.stderr)
        return Delivery(
            name,
            False,
            f"{Path(argv[0]).name} exited with status {done.returncode}"
            + (f" ({why})" if why else ""),
        )
    return Delivery(name, True)


def _exec(channel: Channel, message: Message) -> Delivery:
    env = {**os.environ, "CMELOG_SUBJECT": message.subject}
    return _run(channel.name, list(channel.command), message.body, env, EXEC_TIMEOUT)


# ------------------------------------------------------------------ desktop
def desktop_tool_name() -> str:
    if sys.platform == "darwin":
        return "osascript"
    if sys.platform == "win32":
        return "PowerShell"
    return "notify-send"


_TOAST = (
    "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, "
    "ContentType = WindowsRuntime] > $null;"
    "$t = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent("
    "[Windows.UI.Notifications.ToastTemplateType]::ToastText02);"
    "$x = $t.GetElementsByTagName('text');"
    "$x.Item(0).AppendChild($t.CreateTextNode($env:CMELOG_TITLE)) > $null;"
    "$x.Item(1).AppendChild($t.CreateTextNode($env:CMELOG_BODY)) > $null;"
    "$n = [Windows.UI.Notifications.ToastNotification]::new($t);"
    "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier("
    "'{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe')"
    ".Show($n)"
)


def desktop_command(title: str, body: str) -> tuple[list[str], dict[str, str]] | None:
    """The notifier command line and its environment, or None when none is available."""
    env = dict(os.environ)
    if sys.platform == "darwin":
        tool = shutil.which("osascript")
        if tool is None:
            return None
        script = [
            "-e",
            "on run argv",
            "-e",
            "display notification (item 2 of argv) with title (item 1 of argv)",
            "-e",
            "end run",
        ]
        return [tool, *script, title, body], env
    if sys.platform == "win32":
        tool = shutil.which("powershell") or shutil.which("pwsh")
        if tool is None:
            return None
        env.update(CMELOG_TITLE=title, CMELOG_BODY=body)
        return [tool, "-NoProfile", "-NonInteractive", "-Command", _TOAST], env
    tool = shutil.which("notify-send")
    if tool is None:
        return None
    if "DBUS_SESSION_BUS_ADDRESS" not in env and hasattr(os, "getuid"):
        # cron starts jobs without the session's bus address; the user's bus is usually here
        bus = Path(f"/run/user/{os.getuid()}/bus")
        if bus.exists():
            env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
    return [tool, "--app-name=cmelog", title, body], env


def _desktop(channel: Channel, message: Message) -> Delivery:
    found = desktop_command(message.subject, message.short)
    if found is None:
        return Delivery(channel.name, False, f"{desktop_tool_name()} was not found")
    argv, env = found
    return _run(channel.name, argv, "", env, DESKTOP_TIMEOUT)


# ------------------------------------------------------------------ e-mail
class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # a log record that cannot be formatted is no reason to fail
        with contextlib.suppress(Exception):
            self.messages.append(record.getMessage())


def _smtp_reason(messages: list[str]) -> str:
    for text in reversed(messages):
        if text.startswith("Socket Exception:"):
            return re.sub(
                r"^\[Errno -?\d+\]\s*", "", text.removeprefix("Socket Exception:").strip()
            )
    for text in reversed(messages):
        low = text.lower()
        if "fail" in low or "error" in low or "invalid" in low:
            return text.strip()
    return "the mail server did not accept the message"


def _smtp(channel: Channel, message: Message) -> Delivery:
    target = channel.smtp
    assert target is not None
    password = os.environ.get(PASSWORD_ENV) or None
    if target.user and not password:
        return Delivery(channel.name, False, f"{PASSWORD_ENV} is not set for user {target.user}")
    from apprise import AppriseAsset
    from apprise.plugins.email import NotifyEmail

    mode = {"starttls": "starttls", "ssl": "ssl", "none": "insecure"}[target.tls]
    log = logging.getLogger("apprise")
    handler = _Collect()
    old_level = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate, propagate = False, log.propagate
    try:
        plugin = NotifyEmail(
            host=target.host,
            port=target.port,
            smtp_host=target.host,
            user=target.user,
            password=password,
            from_addr=target.sender,
            targets=list(target.recipients),
            secure_mode=mode,
            secure=target.tls != "none",
            format="text",
            cto=SMTP_TIMEOUT,
            asset=AppriseAsset(app_id="cmelog", app_desc="cmelog", storage_mode="memory"),
        )
        ok = bool(plugin.notify(body=message.body, title=message.subject))
    except Exception as exc:  # apprise refusing its configuration
        return Delivery(channel.name, False, f"e-mail could not be prepared ({exc})")
    finally:
        log.removeHandler(handler)
        log.setLevel(old_level)
        log.propagate = propagate
    if ok:
        return Delivery(channel.name, True)
    reason = _smtp_reason(handler.messages)
    if password:
        reason = reason.replace(password, "***")
    return Delivery(channel.name, False, f"{target.host}:{target.port}: {reason}")


def sample_message(name: str) -> Message:
    body = (
        f"This is a test message from cmelog, sent through the channel '{name}'.\n\n"
        "Your CME license renewal reminders will arrive this way.\n"
    )
    return Message(
        subject="cmelog test message",
        body=body,
        short=f"Test message: CME renewal reminders will arrive through '{name}'.",
    )


def send_test(ctx: Context, name: str) -> Delivery:
    channel = find(ctx, name)
    result = deliver(channel, sample_message(name))
    if not result.ok:
        raise CmelogError(f"The test message was not delivered through {name}: {result.reason}.")
    return result
