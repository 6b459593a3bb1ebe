"""Random text in every option of `cmelog add`: exit 0 or 2, never a traceback or exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

Cli = Callable[..., Any]

# Everything: control characters, lone surrogates, private use, unassigned code points ...
any_char = st.characters(exclude_categories=())
fuzz_text = st.one_of(
    st.text(),
    st.text(any_char, max_size=40),
    st.text(st.sampled_from("0123456789.-+eE_ naNinfINF,/:T\x00\t\n\ud800"), max_size=25),
    st.from_regex(r"\A-?[0-9]{0,25}(\.[0-9]{0,25})?([eE][-+]?[0-9]{1,12})?\Z"),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
)

SETTINGS = settings(
    max_examples=45,  # plus the 15 explicit examples: 60 per option
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# A valid add; each test replaces one option's value (or the title) with random text.
BASE: dict[str, str] = {
    "--date": "2026-01-10",
    "--category": "1",
    "--credits": "1.5",
    "--provider": "Provider",
}


def command(option: str, value: str) -> list[str]:
    opts = dict(BASE)
    if option in ("--minutes", "--hours"):
        del opts["--credits"]
    title = value if option == "TITLE" else "Fuzzed activity"
    if option != "TITLE":
        opts[option] = value
    args = ["add", title]
    for k, v in opts.items():
        args += [k, v]
    return [*args, "--allow-duplicate"]


def check(cli: Cli, option: str, value: str) -> None:
    result = cli(*command(option, value))
    assert result.exit_code in (0, 2), (option, value, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    assert "Unexpected error" not in result.stderr
    if result.exit_code == 0:
        # only warnings (more than 50 credits, a future date) may be said on stderr
        assert all(line.startswith("cmelog: warning: ") for line in result.stderr.splitlines())
        assert result.stdout.startswith("Added entry ")
    else:
        assert result.stdout == ""
        assert result.stderr.startswith("cmelog: ")
        assert result.stderr.count("\n") == 1, result.stderr


OPTIONS = [
    "TITLE",
    "--date",
    "--end-date",
    "--category",
    "--credits",
    "--minutes",
    "--hours",
    "--provider",
    "--topic",
    "--kind",
    "--format",
    "--url",
    "--notes",
    "--certificate",
]


@pytest.mark.parametrize("option", OPTIONS)
def test_random_text_in_each_option(jane: Cli, option: str) -> None:
    @SETTINGS
    @example("")
    @example(" ")
    @example("\x00")
    @example("\ud800")
    @example("\udcff")
    @example("NaN")
    @example("-inf")
    @example("1e999999999")
    @example("1e-999999999999")
    @example("99999999999999999999999999")
    @example("-")
    @example("--")
    @example("2026-02-30")
    @example("today")
    @example("x" * 3000)
    @given(value=fuzz_text)
    def run(value: str) -> None:
        check(jane, option, value)

    run()


@SETTINGS
@given(
    st.lists(st.sampled_from(OPTIONS[1:]), min_size=2, max_size=5, unique=True),
    st.lists(fuzz_text, min_size=5, max_size=5),
)
def test_random_text_in_several_options_at_once(
    jane: Cli, options: list[str], values: list[str]
) -> None:
    args = ["add", "Several", "--allow-duplicate"]
    for option, value in zip(options, values, strict=False):
        args += [option, value]
    result = jane(*args)
    assert result.exit_code in (0, 2), (args, result.stderr)
    assert "Traceback" not in result.stderr and "Unexpected error" not in result.stderr


def test_check_accepts_valid_and_refuses_invalid_amounts(jane: Cli) -> None:
    """The harness itself: valid values are stored, invalid ones refused with exit 2."""
    stored = {
        ("--credits", "1.25"): 1.25,
        ("--hours", "1.25"): 1.25,
        ("--credits", "95"): 95,
        ("--minutes", "95"): 1.5,
        ("--hours", "0.125"): 0.25,
    }
    for option, value in [*stored, ("--minutes", "1.25"), ("--credits", "0.125")]:
        check(jane, option, value)
    docs = json.loads(jane("list", "--json").stdout)
    assert [d["credits"] for d in docs] == list(stored.values())
