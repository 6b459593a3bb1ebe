"""Reminders that arrive (issue 11): delivery through real channels, recorded only when delivered.

Real parts: an SMTP server started here on localhost (aiosmtpd) that the installed `cmelog`
delivers to (plain, STARTTLS and SSL with a self-signed certificate made by `openssl`), a
`notify-send` stand-in on PATH that records its arguments, and `exec:` commands.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import socket
import sqlite3
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from cmelog.cli import app
from tests.conftest import CMELOG_EXE, JANE

RENEWAL = date(2026, 6, 15)


# ---------------------------------------------------------------------------- real parts
@dataclass
class Mailbox:
    """What the SMTP server received; `refuse` makes it answer 554 to every message."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "554 5.7.1 Refused by the test"
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is needed to make the test server's certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def stand_in(folder: Path, name: str, log: Path, status_file: Path | None = None) -> Path:
    """An executable `name` that appends its argv and stdin (JSON) to `log`, and exits with the
    number in `status_file` (0 when absent)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    status = str(status_file) if status_file else ""
    script.write_text(
        f"""#!{os.path.realpath(__import__("sys").executable)}
import json, os, sys
data = sys.stdin.read() if not sys.stdin.isatty() else ""
with open({str(log)!r}, "a") as fh:
    fh.write(json.dumps({{"argv": sys.argv[1:], "stdin": data,
                          "subject": os.environ.get("CMELOG_SUBJECT")}}) + "\\n")
status = {status!r}
code = int(open(status).read().strip() or 0) if status and os.path.exists(status) else 0
if code:
    sys.stderr.write("stand-in failing as told\\n")
sys.exit(code)
"""
    )
    script.chmod(0o755)
    return script


def calls(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def stored(db: Path) -> list[tuple[str, int, str, str | None, str | None]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [
            (str(r), int(m), str(o), a, c)
            for r, m, o, a, c in con.execute(
                "SELECT renewal_date, milestone, sent_on, sent_at, channels FROM reminder "
                "ORDER BY id"
            )
        ]
    finally:
        con.close()


@pytest.fixture
def exe_env(tmp_path: Path) -> dict[str, str]:
    """The environment for the installed entry point: stand-ins first on PATH, no bus."""
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["PATH"] = f"{tmp_path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.pop("CMELOG_SMTP_PASSWORD", None)
    return env


@pytest.fixture
def run(exe_env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    def go(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CMELOG_EXE), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env={**exe_env, **(env or {})},
            timeout=120,
        )

    return go


@pytest.fixture
def inproc(
    exe_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """The same commands in-process (CliRunner): much faster on a busy machine."""
    monkeypatch.setenv("PATH", exe_env["PATH"])
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("CMELOG_SMTP_PASSWORD", raising=False)
    runner = CliRunner()

    def go(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
        return subprocess.CompletedProcess(
            list(args), result.exit_code, result.stdout, result.stderr
        )

    return go


@pytest.fixture
def logbook(inproc: Callable[..., subprocess.CompletedProcess[str]], db_path: Path) -> Path:
    done = inproc(*JANE)
    assert done.returncode == 0, done.stderr
    return db_path


def days_in_subject(subject: str) -> int:
    when = subject.rsplit("(", 1)[1].rstrip(")")
    named = {"today": 0, "tomorrow": 1}
    return named[when] if when in named else int(when.split()[1])


def day(days_left: int) -> str:
    return (RENEWAL - timedelta(days=days_left)).isoformat()


# ---------------------------------------------------------------------------- e-mail
def test_email_arrives_with_subject_body_and_addresses(
    run: Callable[..., subprocess.CompletedProcess[str]],
    logbook: Path,
    smtp_server: tuple[Mailbox, int],
) -> None:
    box, port = smtp_server
    url = f"smtp://127.0.0.1:{port}?from=cmelog@example.org&to=jane@example.org&tls=none"
    assert run("channel", "add", url).returncode == 0
    done = run("remind", "--record", "--as-of", day(30))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""  # delivered by e-mail, not on stdout
    assert len(box.messages) == 1
    msg = box.messages[0]
    assert msg["Subject"] == "CME reminder: license renews 2026-06-15 (in 30 days)"
    assert msg["From"] == "cmelog@example.org"
    assert msg["To"] == "jane@example.org"
    assert box.envelopes == [("cmelog@example.org", ["jane@example.org"])]
    body = msg.get_content().replace("\r\n", "\n")
    assert "your medical license renews on 2026-06-15 (in 30 days)" in body
    assert "- Risk management: 10.00 of 10.00 credits still needed\n" in body  # lines kept
    [(renewal, milestone, sent_on, sent_at, channels)] = stored(logbook)
    assert (renewal, milestone, sent_on, channels) == ("2026-06-15", 30, day(30), "smtp")
    assert sent_at and sent_at[:4].isdigit()


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
def test_email_over_tls_to_a_self_signed_server(
    inproc: Callable[..., subprocess.CompletedProcess[str]],
    logbook: Path,
    certificate: tuple[Path, Path],
    tls: str,
) -> None:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Mailbox()
    port = free_port()
    if tls == "starttls":
        controller = Controller(
            box, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
        )
    else:
        controller = Controller(box, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        url = f"smtp://localhost:{port}?from=a@example.org&to=b@example.org&tls={tls}"
        assert inproc("channel", "add", url).returncode == 0
        # the server's certificate is not trusted: delivery fails, nothing is recorded
        untrusted = inproc("remind", "--record", "--as-of", day(7))
        assert untrusted.returncode == 1
        assert "certificate" in untrusted.stderr.lower(), untrusted.stderr
        assert box.messages == [] and stored(logbook) == []
        # trusted (as a system CA would be): delivered over TLS
        trusted = inproc("remind", "--record", "--as-of", day(7), env={"SSL_CERT_FILE": str(cert)})
        assert trusted.returncode == 0, trusted.stderr
    finally:
        controller.stop()
    assert [m["Subject"] for m in box.messages] == [
        "CME reminder: license renews 2026-06-15 (in 7 days)"
    ]
    assert [r[1] for r in stored(logbook)] == [7]


def test_smtp_password_comes_from_the_environment_only(
    inproc: Callable[..., subprocess.CompletedProcess[str]],
    logbook: Path,
    smtp_server: tuple[Mailbox, int],
) -> None:
    box, port = smtp_server
    with_password = f"smtp://jane:s3cret@127.0.0.1:{port}?from=a@example.org&to=b@example.org"
    refused = inproc("channel", "add", with_password)
    assert refused.returncode == 2
    assert "CMELOG_SMTP_PASSWORD" in refused.stderr and "s3cret" not in refused.stderr
    url = f"smtp://jane@127.0.0.1:{port}?from=a@example.org&to=b@example.org&tls=none"
    assert inproc("channel", "add", url).returncode == 0
    missing = inproc("remind", "--record", "--as-of", day(1))
    assert missing.returncode == 1
    assert "CMELOG_SMTP_PASSWORD" in missing.stderr
    assert stored(logbook) == []
    con = sqlite3.connect(logbook)
    try:
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    assert "s3cret" not in dump
    listed = inproc("channel", "list", "--json")
    assert "s3cret" not in listed.stdout


# ---------------------------------------------------------------------------- desktop & exec
def test_desktop_notification_through_notify_send(
    inproc: Callable[..., subprocess.CompletedProcess[str]], logbook: Path, tmp_path: Path
) -> None:
    log = tmp_path / "notify.log"
    stand_in(tmp_path / "bin", "notify-send", log)
    added = inproc("channel", "add", "desktop:")
    assert added.returncode == 0, added.stderr
    done = inproc("remind", "--record", "--as-of", day(14))
    assert done.returncode == 0, done.stderr
    [call] = calls(log)
    title, body = call["argv"][-2:]
    assert title == "CME reminder: license renews 2026-06-15 (in 14 days)"
    assert "2026-06-15" in body and "Risk management" in body
    assert [(r[1], r[4]) for r in stored(logbook)] == [(14, "desktop")]


def test_desktop_without_a_notifier_is_refused_when_added(
    cli: Callable[..., Any], jane: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = cli("channel", "add", "desktop:")
    assert result.exit_code == 2
    assert "notify-send" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert cli("channel", "list", "--json").stdout.strip() == "[]"


def test_exec_channel_gets_the_message_on_stdin(
    inproc: Callable[..., subprocess.CompletedProcess[str]], logbook: Path, tmp_path: Path
) -> None:
    log = tmp_path / "exec.log"
    script = stand_in(tmp_path / "tools", "my notifier", log)
    assert inproc("channel", "add", f"exec:'{script}' --flag", "--name", "mine").returncode == 0
    done = inproc("remind", "--record", "--as-of", day(60))
    assert done.returncode == 0, done.stderr
    [call] = calls(log)
    assert call["argv"] == ["--flag"]
    assert call["stdin"].startswith("CME reminder: your medical license renews on 2026-06-15")
    assert call["subject"] == "CME reminder: license renews 2026-06-15 (in 60 days)"
    assert [(r[1], r[4]) for r in stored(logbook)] == [(60, "mine")]


# ---------------------------------------------------------------------------- recorded only ...
def test_a_failing_channel_leaves_the_milestone_unrecorded(
    inproc: Callable[..., subprocess.CompletedProcess[str]], logbook: Path, tmp_path: Path
) -> None:
    log, status = tmp_path / "exec.log", tmp_path / "status"
    script = stand_in(tmp_path / "tools", "deliver", log, status)
    status.write_text("3")
    assert inproc("channel", "add", f"exec:{script}").returncode == 0
    failed = inproc("remind", "--record", "--as-of", day(30))
    assert failed.returncode == 1
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1, failed.stderr
    assert "exec: deliver exited with status 3 (stand-in failing as told)" in lines[0]
    assert "next run" in lines[0]
    assert stored(logbook) == []
    # the next run (a day later, same milestone) tries again, and records once delivered
    status.write_text("0")
    again = inproc("remind", "--record", "--as-of", day(29))
    assert again.returncode == 0, again.stderr
    assert [r[1] for r in stored(logbook)] == [30]
    assert len(calls(log)) == 2
    # and then it is silent for that milestone
    assert inproc("remind", "--record", "--as-of", day(28)).returncode == 0
    assert len(calls(log)) == 2


def test_one_channel_delivering_is_enough(
    inproc: Callable[..., subprocess.CompletedProcess[str]],
    logbook: Path,
    tmp_path: Path,
) -> None:
    log = tmp_path / "notify.log"
    stand_in(tmp_path / "bin", "notify-send", log)
    port = free_port()  # nothing listens there
    url = f"smtp://127.0.0.1:{port}?from=a@example.org&to=b@example.org&tls=none"
    assert inproc("channel", "add", url).returncode == 0
    assert inproc("channel", "add", "desktop:").returncode == 0
    done = inproc("remind", "--record", "--as-of", day(1))
    assert done.returncode == 0
    assert "smtp did not deliver" in done.stderr and "refused" in done.stderr.lower()
    assert [(r[1], r[4]) for r in stored(logbook)] == [(1, "desktop")]


def test_with_no_channel_stdout_is_the_delivery(
    inproc: Callable[..., subprocess.CompletedProcess[str]], logbook: Path
) -> None:
    done = inproc("remind", "--record", "--as-of", day(0))
    assert done.returncode == 0
    assert "renews on 2026-06-15 (today)" in done.stdout
    assert [(r[1], r[4]) for r in stored(logbook)] == [(0, "stdout")]


def test_stdout_channel_alongside_others(
    inproc: Callable[..., subprocess.CompletedProcess[str]], logbook: Path, tmp_path: Path
) -> None:
    log = tmp_path / "exec.log"
    script = stand_in(tmp_path / "tools", "deliver", log)
    assert inproc("channel", "add", "stdout:").returncode == 0
    assert inproc("channel", "add", f"exec:{script}").returncode == 0
    done = inproc("remind", "--record", "--as-of", day(7))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("CME reminder: your medical license renews on 2026-06-15")
    assert calls(log)[0]["stdin"] == done.stdout
    assert [(r[1], r[4]) for r in stored(logbook)] == [(7, "stdout;exec")]


def test_previews_deliver_nothing(
    inproc: Callable[..., subprocess.CompletedProcess[str]], logbook: Path, tmp_path: Path
) -> None:
    log = tmp_path / "exec.log"
    script = stand_in(tmp_path / "tools", "deliver", log)
    assert inproc("channel", "add", f"exec:{script}").returncode == 0
    preview = inproc("remind", "--as-of", day(30))
    dry = inproc("remind", "--dry-run", "--as-of", day(30))
    for done in (preview, dry):
        assert done.returncode == 0, done.stderr
        assert "renews on 2026-06-15 (in 30 days)" in done.stdout
    assert calls(log) == [] and stored(logbook) == []


# ---------------------------------------------------------------------------- the held-out story
def test_simulated_days_lose_duplicate_and_consume_nothing(
    inproc: Callable[..., subprocess.CompletedProcess[str]],
    logbook: Path,
    tmp_path: Path,
    smtp_server: tuple[Mailbox, int],
) -> None:
    """Days 60, 30, 14, 7, 1, 0 with e-mail and a desktop notifier, channels failing on some
    days, previews in between: every milestone arrives exactly once per working channel."""
    box, port = smtp_server
    log, status = tmp_path / "notify.log", tmp_path / "notify-status"
    stand_in(tmp_path / "bin", "notify-send", log, status)
    url = f"smtp://127.0.0.1:{port}?from=cmelog@example.org&to=jane@example.org&tls=none"
    assert inproc("channel", "add", url).returncode == 0
    assert inproc("channel", "add", "desktop:").returncode == 0

    # days on which a channel is down: mail refused, notifier exits 1, or both
    mail_down = {14, 1}
    desktop_down = {30, 1}
    delivered: dict[int, set[str]] = {}
    for left in (60, 30, 14, 7, 1, 0):
        box.refuse = left in mail_down
        status.write_text("1" if left in desktop_down else "0")
        # previews first: they must neither deliver nor consume the day's reminder
        assert inproc("remind", "--as-of", day(left)).returncode == 0
        assert inproc("remind", "--dry-run", "--as-of", day(left)).returncode == 0
        first = inproc("remind", "--record", "--as-of", day(left))
        if left in mail_down and left in desktop_down:
            assert first.returncode == 1, first.stderr
            # the channels come back later that day; the next run delivers
            box.refuse = False
            status.write_text("0")
            first = inproc("remind", "--record", "--as-of", day(left))
        assert first.returncode == 0, first.stderr
        again = inproc("remind", "--record", "--as-of", day(left))  # a second run that day
        assert again.returncode == 0 and again.stdout == ""
        delivered[left] = set(stored(logbook)[-1][4].split(";"))

    mail_days = [days_in_subject(m["Subject"]) for m in box.messages]
    milestones = [r[1] for r in stored(logbook)]
    assert milestones == [60, 30, 14, 7, 1, 0]  # none lost, none duplicated
    assert mail_days == [60, 30, 7, 1, 0]  # refused on 14 (desktop delivered that day)
    assert delivered == {
        60: {"smtp", "desktop"},
        30: {"smtp"},
        14: {"desktop"},
        7: {"smtp", "desktop"},
        1: {"smtp", "desktop"},  # both down at first; delivered by the retry
        0: {"smtp", "desktop"},
    }
    # the notifier was called once per real attempt: 6 days + the failed first try on day 1
    assert [days_in_subject(c["argv"][-2]) for c in calls(log)] == [60, 30, 14, 7, 1, 1, 0]
