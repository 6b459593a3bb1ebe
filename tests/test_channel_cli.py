"""`cmelog channel add/list/remove/test` and the channel URLs (domain/channels.py)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmelog.domain.channels import ChannelError, parse_channel


def one_line(stderr: str) -> str:
    lines = [x for x in stderr.splitlines() if x.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# ---------------------------------------------------------------------------- URLs
def test_smtp_url_parts() -> None:
    ch = parse_channel("smtp://jane@mail.example.org:2525?from=a@x.org&to=b@x.org,c@x.org&tls=ssl")
    assert ch.name == "smtp" and ch.scheme == "smtp"
    assert ch.smtp is not None
    assert (ch.smtp.host, ch.smtp.port, ch.smtp.user, ch.smtp.tls) == (
        "mail.example.org",
        2525,
        "jane",
        "ssl",
    )
    assert ch.smtp.sender == "a@x.org" and ch.smtp.recipients == ("b@x.org", "c@x.org")


@pytest.mark.parametrize(("tls", "port"), [("starttls", 587), ("ssl", 465), ("none", 25)])
def test_smtp_default_ports(tls: str, port: int) -> None:
    ch = parse_channel(f"smtp://h?from=a@x.org&to=b@x.org&tls={tls}")
    assert ch.smtp is not None and ch.smtp.port == port


def test_starttls_is_the_default() -> None:
    ch = parse_channel("smtp://h?from=a@x.org&to=b@x.org")
    assert ch.smtp is not None and ch.smtp.tls == "starttls"


@pytest.mark.parametrize(
    ("url", "name"),
    [("desktop:", "desktop"), ("stdout:", "stdout"), ("exec:/bin/true", "exec")],
)
def test_default_name_is_the_scheme(url: str, name: str) -> None:
    assert parse_channel(url).name == name


@pytest.mark.parametrize(
    "url",
    [
        "",
        "mailto://a@b",
        "smtp://?from=a@x.org&to=b@x.org",
        "smtp://h?to=b@x.org",
        "smtp://h?from=a@x.org",
        "smtp://h?from=nobody&to=b@x.org",
        "smtp://h?from=a@x.org&to=b@x.org&tls=maybe",
        "smtp://h:99999?from=a@x.org&to=b@x.org",
        "smtp://h?from=a@x.org&to=b@x.org&cc=c@x.org",
        "smtp://h/path?from=a@x.org&to=b@x.org",
        "exec:",
        "exec:'unclosed",
        "desktop:loud",
        "stdout:x",
        "stdout:\x1b[2J",
    ],
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(ChannelError) as err:
        parse_channel(url)
    message = str(err.value)
    assert "\n" not in message and "\x1b" not in message
    assert "smtp://[USER@]HOST" in message  # says what is accepted


@given(st.text(max_size=60))
def test_any_text_is_a_channel_or_one_sentence(url: str) -> None:
    try:
        ch = parse_channel(url)
    except ChannelError as exc:
        assert str(exc).endswith(".")
    else:
        assert ch.scheme in ("smtp", "desktop", "exec", "stdout")


# ---------------------------------------------------------------------------- commands
def test_add_list_remove(jane: Callable[..., Any]) -> None:
    assert jane("channel", "list", "--json").stdout.strip() == "[]"
    empty = jane("channel", "list")
    assert "standard output" in empty.stdout
    url = "smtp://mail.example.org?from=a@x.org&to=b@x.org"
    added = jane("channel", "add", url)
    assert added.exit_code == 0, added.stderr
    assert "smtp" in added.stdout
    assert jane("channel", "add", "stdout:", "--name", "log").exit_code == 0
    listed = json.loads(jane("channel", "list", "--json").stdout)
    assert listed == [
        {"name": "smtp", "url": url, "scheme": "smtp"},
        {"name": "log", "url": "stdout:", "scheme": "stdout"},
    ]
    text = jane("channel", "list").stdout
    assert "smtp" in text and "log" in text
    assert jane("channel", "remove", "smtp").exit_code == 0
    assert [c["name"] for c in json.loads(jane("channel", "list", "--json").stdout)] == ["log"]


def test_duplicate_name_is_exit_2(jane: Callable[..., Any]) -> None:
    assert jane("channel", "add", "stdout:").exit_code == 0
    again = jane("channel", "add", "stdout:")
    assert again.exit_code == 2
    assert "--name" in one_line(again.stderr)


@pytest.mark.parametrize("name", ["", "-x", "a b", "x" * 41, "é"])
def test_bad_names_are_exit_2(jane: Callable[..., Any], name: str) -> None:
    result = jane("channel", "add", "stdout:", "--name", name)
    assert result.exit_code == 2
    one_line(result.stderr)


def test_bad_url_is_exit_2_and_stores_nothing(jane: Callable[..., Any]) -> None:
    result = jane("channel", "add", "smtp://mail.example.org?to=b@x.org")
    assert result.exit_code == 2
    assert "from=ADDR" in one_line(result.stderr)
    assert jane("channel", "list", "--json").stdout.strip() == "[]"


def test_unknown_channel_is_exit_1_naming_the_known_ones(jane: Callable[..., Any]) -> None:
    assert jane("channel", "add", "stdout:").exit_code == 0
    for command in ("remove", "test"):
        result = jane("channel", command, "nope")
        assert result.exit_code == 1
        line = one_line(result.stderr)
        assert "'nope'" in line and "stdout" in line


def test_channel_needs_a_logbook(cli: Callable[..., Any]) -> None:
    result = cli("channel", "add", "stdout:")
    assert result.exit_code == 1
    assert "cmelog init" in one_line(result.stderr)


def _script(path: Path, body: str) -> Path:
    path.write_text(f"#!{os.path.realpath(sys.executable)}\n{body}")
    path.chmod(0o755)
    return path


def test_channel_test_delivers_or_says_why(jane: Callable[..., Any], tmp_path: Path) -> None:
    got = tmp_path / "got.txt"
    ok = _script(
        tmp_path / "ok",
        f"import sys\nopen({str(got)!r}, 'w').write(sys.stdin.read())\n",
    )
    bad = _script(
        tmp_path / "bad", "import sys\nsys.stderr.write('mailbox full\\n')\nsys.exit(4)\n"
    )
    assert jane("channel", "add", f"exec:{ok}", "--name", "good").exit_code == 0
    assert jane("channel", "add", f"exec:{bad}", "--name", "broken").exit_code == 0
    assert jane("channel", "add", f"exec:{tmp_path / 'missing'}", "--name", "gone").exit_code == 0
    good = jane("channel", "test", "good")
    assert good.exit_code == 0, good.stderr
    assert "good" in good.stdout
    assert "test message from cmelog" in got.read_text()
    broken = jane("channel", "test", "broken")
    assert broken.exit_code == 1
    assert "exited with status 4 (mailbox full)" in one_line(broken.stderr)
    gone = jane("channel", "test", "gone")
    assert gone.exit_code == 1
    assert "not found" in one_line(gone.stderr)


def test_channel_help_has_examples(cli: Callable[..., Any]) -> None:
    for sub in ("add", "list", "remove", "test"):
        result = cli("channel", sub, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout
