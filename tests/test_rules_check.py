"""`cmelog rules check FILE`: exit 0 naming the board and its requirement count; exit 2 with one
line per problem on stderr, each naming its key (docs/rules-schema.md)."""

from __future__ import annotations

import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmelog.domain.rules import Rules, parse_rules
from cmelog.domain.topics import FORMATS, VOCABULARY
from cmelog.rules import SHIPPED, load_rules
from tests.test_startup import HEAVY, imported_modules

MINIMAL = """\
schema = 2
board = "PA"
name = "Pennsylvania State Board of Medicine"

[[requirement]]
id = "total"
required = "100"
"""

SHIPPED_FILES = sorted(p.name for p in SHIPPED.glob("*.toml"))


def _write(tmp_path: Path, text: str, name: str = "pa.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("name", SHIPPED_FILES)
def test_every_shipped_file_is_valid(cli: Callable[..., Any], name: str) -> None:
    path = SHIPPED / name
    result = cli("rules", "check", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    code = name.removesuffix(".toml")
    rules = load_rules(code)
    n = len(rules.requirements)
    noun = "requirement" if n == 1 else "requirements"
    what = f"ledger {code}" if rules.ledger else f"board {code.upper()}"
    assert result.stdout == f"{path} is a valid rules file for {what} ({n} {noun}).\n"


def test_the_installed_entry_point_checks_a_shipped_file(
    run_exe: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    path = SHIPPED / "tx.toml"
    proc = run_exe("rules", "check", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{path} is a valid rules file for board TX (5 requirements).\n"


def test_the_installed_entry_point_is_exit_2_on_a_bad_file(
    run_exe: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    path = _write(tmp_path, 'colour = "blue"\n' + MINIMAL)
    proc = run_exe("rules", "check", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "colour" in proc.stderr and "Traceback" not in proc.stderr


def test_a_minimal_file_is_valid(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL)
    result = cli("rules", "check", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{path} is a valid rules file for board PA (1 requirement).\n"


BAD = {
    "unknown top-level key": ('colour = "blue"\n' + MINIMAL, ["colour: unknown key"]),
    "unknown requirement key": (MINIMAL + 'hours = "3"\n', ["requirement 'total'.hours"]),
    "bad anchor": (
        MINIMAL.replace("[[requirement]]", '[renewal]\nanchor = "full-moon"\n\n[[requirement]]'),
        ["renewal.anchor"],
    ),
    "bad clock": (MINIMAL + 'clock = "sometimes"\n', ["requirement 'total'.clock"]),
    "missing required": (
        MINIMAL.replace('required = "100"\n', ""),
        ["requirement 'total'.required"],
    ),
    "undeclared topic": (
        MINIMAL + '\n[[requirement]]\nid = "ethics"\nrequired = "2"\ntopics = ["astrology"]\n',
        ["requirement 'ethics'.topics", "astrology"],
    ),
    "schema 1": (MINIMAL.replace("schema = 2", "schema = 1"), ["schema"]),
    "no board": (MINIMAL.replace('board = "PA"\n', ""), ["board"]),
    "bad board": (MINIMAL.replace('"PA"', '"Penn"'), ["board", "Penn"]),
    "bad amount": (MINIMAL.replace('"100"', '"lots"'), ["requirement 'total'.required"]),
    "bad grade": (MINIMAL + 'grade = "E"\n', ["requirement 'total'.grade"]),
    "every without its clock": (MINIMAL + "every = 3\n", ["requirement 'total'.every"]),
    "bad condition": (MINIMAL + 'applies = "astronauts"\n', ["requirement 'total'.applies"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_is_exit_2_naming_each_bad_key(
    cli: Callable[..., Any], tmp_path: Path, case: str
) -> None:
    text, names = BAD[case]
    path = _write(tmp_path, text)
    result = cli("rules", "check", str(path))
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    for name in names:
        assert name in result.stderr, (name, result.stderr)
    for line in result.stderr.splitlines():
        assert line.startswith(f"{path}: "), line


def test_every_problem_is_one_line(cli: Callable[..., Any], tmp_path: Path) -> None:
    text = (
        'colour = "blue"\n'
        + MINIMAL.replace('required = "100"\n', 'clock = "sometimes"\nhours = 1\n')
        + '\n[renewal]\nanchor = "full-moon"\n'
    )
    path = _write(tmp_path, text)
    result = cli("rules", "check", str(path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    keys = (
        "colour: unknown key",
        "requirement 'total'.clock",
        "requirement 'total'.hours",
        "requirement 'total'.required",
        "renewal.anchor",
    )
    for key in keys:
        assert sum(key in line for line in lines) == 1, (key, lines)
    assert len(lines) == len(keys)


@pytest.mark.parametrize("what", ["missing", "folder", "not toml", "not utf-8"])
def test_an_unreadable_file_is_exit_2(cli: Callable[..., Any], tmp_path: Path, what: str) -> None:
    path = tmp_path / "x.toml"
    if what == "folder":
        path.mkdir()
    elif what == "not toml":
        path.write_text("schema = = 2\n", "utf-8")
    elif what == "not utf-8":
        path.write_bytes(b'name = "\xff\xfe"\n')
    result = cli("rules", "check", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"{path}: ")
    assert "Traceback" not in result.stderr


def test_rules_check_help_loads_no_heavy_library(tmp_path: Path) -> None:
    modules, proc = imported_modules(["rules", "check", "--help"], tmp_path)
    assert proc.returncode == 0
    assert "FILE" in proc.stdout and "cmelog rules check my-rules.toml" in proc.stdout
    assert modules.isdisjoint(HEAVY), modules & set(HEAVY)


def test_bare_rules_shows_its_help(cli: Callable[..., Any]) -> None:
    result = cli("rules")
    assert result.exit_code == 0
    assert "check" in result.stdout


# ------------------------------------------------------------------ the tester's findings
def _problems(tmp_path: Path, cli: Callable[..., Any], text: str) -> list[str]:
    """The problem lines of `rules check` (exit 2), without the file name."""
    path = _write(tmp_path, text)
    result = cli("rules", "check", str(path))
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    prefix = f"{path}: "
    lines = result.stderr.splitlines()
    assert all(line.startswith(prefix) for line in lines), lines
    return [line.removeprefix(prefix) for line in lines]


def _parsed(text: str) -> Rules:
    return parse_rules(tomllib.loads(text), "PA", VOCABULARY, FORMATS)


EMERITUS = (
    MINIMAL
    + '\n[[requirement]]\nid = "ethics"\nrequired = "2"\n'
    + '\n[[license_type]]\nid = "emeritus"\nlabel = "Emeritus license"\n'
    + 'required = { total = "15" }\nexempt = ["ethics"]\n'
)


def test_full_is_always_there_when_other_types_are_declared(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """D1: the doc says `full` is always there; declaring only `emeritus` keeps `full`, with the
    file's ordinary amounts (listed first)."""
    path = _write(tmp_path, EMERITUS)
    result = cli("rules", "check", str(path))
    assert result.exit_code == 0, result.stderr
    rules = _parsed(EMERITUS)
    assert list(rules.license_types) == ["full", "emeritus"]
    full = rules.license_types["full"]
    assert (full.required, full.exempt, full.exempt_all) == ({}, (), False)
    assert rules.license_types["emeritus"].required == {"total": 1500}
    # a condition may name the implicit `full`
    text = EMERITUS.replace(
        'id = "ethics"\n', 'id = "ethics"\napplies = { license_types = ["full"] }\n'
    )
    assert cli("rules", "check", str(_write(tmp_path, text))).exit_code == 0


def test_a_declared_full_keeps_its_own_wording_and_amounts(tmp_path: Path) -> None:
    text = (
        EMERITUS
        + '\n[[license_type]]\nid = "full"\nlabel = "Active license"\nrequired = { total = "80" }\n'
    )
    rules = _parsed(text)
    assert list(rules.license_types) == ["emeritus", "full"]
    assert rules.license_types["full"].label == "Active license"
    assert rules.license_types["full"].required == {"total": 8000}


def test_a_topic_cap_on_a_requirement_that_counts_all_says_to_cap_a_kind(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """D2: the engine applies [[requirement.cap]] only to topic requirements; on the total the
    checker says so once, and points to the kind's caps."""
    text = (
        MINIMAL
        + '\n[[requirement.cap]]\ntopic = "ethics"\nmax = "10"\nlabel = "Ethics at most 10"\n'
    )
    assert _problems(tmp_path, cli, text) == [
        "requirement 'total'.cap: a requirement that counts every entry takes no topic cap; "
        "limit a kind instead ([[kind]] cycle_cap or year_cap)"
    ]


def test_a_cap_topic_outside_the_requirement_lists_its_topics(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    text = (
        MINIMAL
        + '\n[[requirement]]\nid = "ethics"\nrequired = "2"\n'
        + '\n[[requirement.cap]]\ntopic = "end-of-life"\nmax = "1"\n'
    )
    assert _problems(tmp_path, cli, text) == [
        "requirement 'ethics'.cap #1.topic: 'end-of-life' is not one of the requirement's "
        "topics; accepted: ethics"
    ]


def test_requirement_caps_on_a_requirement_that_counts_all_is_refused(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """The engine applies a kind's requirement_caps to topic requirements only: naming the
    total there was silently ignored."""
    text = MINIMAL + (
        '\n[[kind]]\nid = "teaching"\nlabel = "Teaching"\nrequirement_caps = { total = "10" }\n'
    )
    assert _problems(tmp_path, cli, text) == [
        "kind 'teaching'.requirement_caps.total: 'total' counts every entry, so it takes no "
        "requirement cap; use cycle_cap or year_cap to limit the kind"
    ]


def test_sources_given_as_one_string_is_an_error_not_dropped(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """D7: `sources = "..."` was accepted and then dropped (`requirements --json`: [])."""
    text = MINIMAL.replace('name = "', 'sources = "25 Pa. Code 16"\nadvice = "Keep it"\nname = "')
    assert _problems(tmp_path, cli, text) == [
        'sources: must be a list of strings, written ["first", "second"]',
        'advice: must be a list of strings, written ["first", "second"]',
    ]


@pytest.mark.parametrize("anchor", ["registration", "cycle-start"])
def test_a_ledger_anchor_in_a_board_file_is_refused(
    cli: Callable[..., Any], tmp_path: Path, anchor: str
) -> None:
    """D7: the doc gives `registration` and `cycle-start` to ledgers only."""
    text = MINIMAL + f'\n[renewal]\nanchor = "{anchor}"\n'
    assert _problems(tmp_path, cli, text) == [
        f"renewal.anchor: '{anchor}' is for a ledger's file; a board's file uses one of "
        "birthday, birth-month-end, fixed, assigned, issue-month-end, issue-anniversary"
    ]


@pytest.mark.parametrize(
    ("key", "where"),
    [
        ("source", "requirement 'total'.source"),
        ("text", "requirement 'total'.text"),
        ("note", "requirement 'total'.note"),
        ("label", "requirement 'total'.label"),
    ],
)
def test_an_empty_text_is_refused(
    cli: Callable[..., Any], tmp_path: Path, key: str, where: str
) -> None:
    """D7: `source = ""` was accepted; a text key, when given, says something."""
    text = MINIMAL + f'{key} = "  "\n'
    assert _problems(tmp_path, cli, text) == [
        f"{where}: must not be empty; leave the key out when there is nothing to say"
    ]


def test_an_empty_string_in_sources_is_refused(cli: Callable[..., Any], tmp_path: Path) -> None:
    text = MINIMAL.replace('name = "', 'sources = ["25 Pa. Code 16", ""]\nname = "')
    assert _problems(tmp_path, cli, text) == [
        "sources: must not hold an empty string; leave it out when there is nothing to say"
    ]


def test_a_category_minimum_above_the_total_names_both(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    """D7: a Category minimum is part of the total (docs: 'a Category 1 minimum inside it')."""
    text = (
        MINIMAL.replace('"100"', '"60"') + '\n[[requirement]]\nid = "category-1"\nrequired = "70"\n'
    )
    assert _problems(tmp_path, cli, text) == [
        "requirement 'category-1'.required: 70 is more than requirement 'total'.required (60); "
        "a Category minimum is part of the total, so it must be at most 60"
    ]


def test_a_category_minimum_above_a_license_types_total_names_both(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    text = (
        MINIMAL.replace('"100"', '"60"')
        + '\n[[requirement]]\nid = "category-1"\nrequired = "30"\n'
        + '\n[[license_type]]\nid = "emeritus"\nrequired = { total = "15" }\n'
    )
    assert _problems(tmp_path, cli, text) == [
        "license_type 'emeritus'.required.total: 15 is less than requirement "
        "'category-1'.required (30), a Category minimum that is part of the total; raise it, or "
        "exempt the license type from category-1 or give it its own amount"
    ]
    ok = text.replace(
        'required = { total = "15" }', 'required = { total = "15" }\nexempt = ["category-1"]'
    )
    assert cli("rules", "check", str(_write(tmp_path, ok))).exit_code == 0


ONE_PROBLEM = {
    "every = 0": (
        MINIMAL + '\n[[requirement]]\nid = "ethics"\nrequired = "1"\n'
        'clock = "every-n-renewals"\nevery = 0\n',
        "requirement 'ethics'.every: must be a whole number of at least 1",
    ),
    "no every": (
        MINIMAL + '\n[[requirement]]\nid = "ethics"\nrequired = "1"\nclock = "every-n-renewals"\n',
        "requirement 'ethics'.every: is required with clock = 'every-n-renewals'",
    ),
    "lookback_years = 0": (
        MINIMAL + '\n[[requirement]]\nid = "ethics"\nrequired = "1"\n'
        'clock = "lookback"\nlookback_years = 0\n',
        "requirement 'ethics'.lookback_years: must be a whole number of at least 1",
    ),
    "no lookback": (
        MINIMAL + '\n[[requirement]]\nid = "ethics"\nrequired = "1"\nclock = "lookback"\n',
        "requirement 'ethics'.lookback_years: is required with clock = 'lookback' "
        "(or give lookback_months instead)",
    ),
    "deadline with slashes": (
        MINIMAL + '\n[[requirement]]\nid = "ethics"\nrequired = "1"\n'
        'clock = "by-deadline"\ndeadline = "2025/01/01"\n',
        "requirement 'ethics'.deadline: must be a date written YYYY-MM-DD",
    ),
    "deadline_renewal = 0": (
        MINIMAL + '\n[[requirement]]\nid = "ethics"\nrequired = "1"\n'
        'clock = "by-deadline"\ndeadline_renewal = 0\n',
        "requirement 'ethics'.deadline_renewal: must be a whole number of at least 1",
    ),
    "no deadline": (
        MINIMAL + '\n[[requirement]]\nid = "ethics"\nrequired = "1"\nclock = "by-deadline"\n',
        "requirement 'ethics'.deadline: is required with clock = 'by-deadline' "
        "(or give deadline_renewal or deadline_years_after_issue instead)",
    ),
    "fixed without month": (
        MINIMAL + '\n[renewal]\nanchor = "fixed"\nday = 31\n',
        "renewal.month: is required with anchor = 'fixed'",
    ),
    "fixed without day": (
        MINIMAL + '\n[renewal]\nanchor = "fixed"\nmonth = 12\n',
        "renewal.day: is required with anchor = 'fixed'",
    ),
    "month 13": (
        MINIMAL + '\n[renewal]\nanchor = "fixed"\nmonth = 13\nday = 31\n',
        "renewal.month: must be a month from 1 to 12",
    ),
    "day 32": (
        MINIMAL + '\n[renewal]\nanchor = "fixed"\nmonth = 12\nday = 32\n',
        "renewal.day: must be a day from 1 to 31",
    ),
    "month 0": (
        MINIMAL + '\n[renewal]\nanchor = "fixed"\nmonth = 0\nday = 31\n',
        "renewal.month: must be a whole number of at least 1",
    ),
    "satisfies_within without satisfies": (
        MINIMAL + '\n[[kind]]\nid = "residency"\nlabel = "Residency"\nsatisfies_within_days = 3\n',
        "kind 'residency'.satisfies: is required with satisfies_within_days or "
        "satisfies_within_months",
    ),
    "exempt unknown": (
        EMERITUS.replace('exempt = ["ethics"]', 'exempt = ["ethics", "suicide"]'),
        "license_type 'emeritus'.exempt: 'suicide' names no requirement of this file; "
        "accepted: total, ethics",
    ),
    "required unknown": (
        EMERITUS.replace("total = ", "totl = "),
        "license_type 'emeritus'.required.totl: 'totl' names no requirement of this file; "
        "accepted: total, ethics",
    ),
    "applies unknown license type": (
        EMERITUS.replace(
            'id = "ethics"\n', 'id = "ethics"\napplies = { license_types = ["emeritis"] }\n'
        ),
        "requirement 'ethics'.applies.license_types: 'emeritis' is not a license type of this "
        "file; accepted: full, emeritus",
    ),
    "requirement_caps unknown": (
        MINIMAL
        + '\n[[kind]]\nid = "poster"\nlabel = "Poster"\nrequirement_caps = { ethic = "1" }\n',
        "kind 'poster'.requirement_caps.ethic: 'ethic' names no requirement of this file; "
        "accepted: total",
    ),
    "satisfies unknown": (
        MINIMAL + '\n[[kind]]\nid = "poster"\nlabel = "Poster"\nsatisfies = "totl"\n',
        "kind 'poster'.satisfies: 'totl' names no requirement of this file; accepted: total",
    ),
}


ONE_PROBLEM["source a number"] = (
    MINIMAL + "source = 42\n",
    "requirement 'total'.source: must be a string",
)


@pytest.mark.parametrize("case", list(ONE_PROBLEM))
def test_each_problem_is_said_once_clearly(
    cli: Callable[..., Any], tmp_path: Path, case: str
) -> None:
    """The tester's garbled or doubled messages: one line per problem, naming its key, saying
    what is accepted."""
    text, line = ONE_PROBLEM[case]
    assert _problems(tmp_path, cli, text) == [line]
