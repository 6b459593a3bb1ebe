"""Reminder delivery channels: what a channel URL means. Pure: no I/O, no framework imports.

URLs (cli.md "Reminders"):

- ``smtp://[USER@]HOST[:PORT]?from=ADDR&to=ADDR[&tls=starttls|ssl|none]`` e-mail; the password
  comes only from the environment (``CMELOG_SMTP_PASSWORD``), never from the URL
- ``desktop:`` the platform's notification (notify-send, osascript, a Windows toast)
- ``exec:COMMAND`` the message on the command's standard input; delivered when it exits 0
- ``stdout:`` the message on standard output

The default name of a channel is its scheme.
"""

from __future__ import annotations

import re
import shlex
from urllib.parse import parse_qsl, unquote, urlsplit

from cmelog.structs import Struct

SCHEMES = ("smtp", "desktop", "exec", "stdout")
TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
PASSWORD_ENV = "CMELOG_SMTP_PASSWORD"
ACCEPTED = (
    "smtp://[USER@]HOST[:PORT]?from=ADDR&to=ADDR[&tls=starttls|ssl|none], desktop:, "
    "exec:COMMAND or stdout:"
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+")
_HOST = re.compile(r"[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]")


class ChannelError(ValueError):
    """A channel URL or name that cannot be used; the message is one sentence for the user."""


class SmtpTarget(Struct, frozen=True):
    host: str
    port: int
    user: str | None
    sender: str
    recipients: tuple[str, ...]
    tls: str  # starttls | ssl | none


class Channel(Struct, frozen=True):
    name: str
    url: str
    scheme: str
    smtp: SmtpTarget | None = None
    command: tuple[str, ...] = ()


def _bad(url: str, why: str) -> ChannelError:
    return ChannelError(f"The channel URL {url!r} is not valid: {why}; give {ACCEPTED}.")


def check_name(name: str) -> str:
    """A channel name: letters, digits, '.', '_' and '-', up to 40, starting with one of the
    first two."""
    if not _NAME.fullmatch(name):
        raise ChannelError(
            f"The channel name {name!r} is not valid; give up to 40 letters, digits, '.', '_' "
            "or '-', starting with a letter or digit."
        )
    return name


def parse_channel(url: str, name: str | None = None) -> Channel:
    """The channel a URL describes (its name defaults to the scheme), or ChannelError."""
    text = url.strip()
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
        raise _bad(url, "it holds control characters")
    scheme, sep, rest = text.partition(":")
    scheme = scheme.lower()
    if not sep or scheme not in SCHEMES:
        raise _bad(url, "unknown kind of channel")
    final = check_name(name) if name is not None else scheme
    if scheme == "stdout":
        if rest.strip("/"):
            raise _bad(url, "stdout: takes nothing after the colon")
        return Channel(final, "stdout:", "stdout")
    if scheme == "desktop":
        if rest.strip("/"):
            raise _bad(url, "desktop: takes nothing after the colon")
        return Channel(final, "desktop:", "desktop")
    if scheme == "exec":
        try:
            argv = tuple(shlex.split(rest))
        except ValueError as exc:
            raise _bad(url, f"the command cannot be read ({exc})") from None
        if not argv:
            raise _bad(url, "exec: needs a command after the colon")
        return Channel(final, f"exec:{rest.strip()}", "exec", command=argv)
    return Channel(final, text, "smtp", smtp=_smtp(url, text))


def _smtp(url: str, text: str) -> SmtpTarget:
    parts = urlsplit(text)
    if not text.lower().startswith("smtp://"):
        raise _bad(url, "write smtp://HOST")
    netloc = parts.netloc
    user: str | None = None
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        if ":" in userinfo:
            raise ChannelError(
                f"The channel URL {_hide_password(url)!r} holds a password; remove it and set "
                f"{PASSWORD_ENV} in the environment instead (cmelog never stores a password)."
            )
        user = unquote(userinfo) or None
    else:
        hostport = netloc
    host, port_text = hostport, ""
    if hostport.startswith("["):
        end = hostport.find("]")
        host, port_text = hostport[: end + 1], hostport[end + 2 :]
    elif ":" in hostport:
        host, _, port_text = hostport.partition(":")
    if not host or not _HOST.fullmatch(host):
        raise _bad(url, "it names no mail server host")
    if parts.path not in ("", "/"):
        raise _bad(url, f"unexpected path {parts.path!r}")
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(key.lower(), []).append(value)
    unknown = sorted(set(query) - {"from", "to", "tls"})
    if unknown:
        raise _bad(url, f"unknown setting {unknown[0]!r} (accepted: from, to, tls)")
    tls = (query.get("tls") or ["starttls"])[-1].lower()
    if tls not in TLS_MODES:
        raise _bad(url, f"tls={tls} is not one of starttls, ssl, none")
    senders = query.get("from") or []
    if len(senders) != 1 or not _ADDRESS.fullmatch(senders[0]):
        raise _bad(url, "it needs one sender address, from=ADDR")
    recipients = tuple(
        addr.strip() for value in query.get("to") or [] for addr in value.split(",") if addr.strip()
    )
    if not recipients:
        raise _bad(url, "it needs a recipient address, to=ADDR")
    for addr in recipients:
        if not _ADDRESS.fullmatch(addr):
            raise _bad(url, f"{addr!r} is not an e-mail address")
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise _bad(url, f"port {port_text!r} is not a number from 1 to 65535")
        port = int(port_text)
    else:
        port = DEFAULT_PORTS[tls]
    return SmtpTarget(host.strip("[]"), port, user, senders[0], recipients, tls)


def _hide_password(url: str) -> str:
    return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", url)


def subject_line(days_left: int, renewal_iso: str) -> str:
    """The e-mail subject / notification title of a reminder."""
    when = "today" if days_left == 0 else "tomorrow" if days_left == 1 else f"in {days_left} days"
    return f"CME reminder: license renews {renewal_iso} ({when})"
