"""Contract points the 0.2 merge touched: streamed JSON, `--db ""` first, ISO-date hints."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmelog.render.jsonout import dump_stream
from tests.conftest import JANE

Cli = Callable[..., Any]

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@given(st.lists(JSON_VALUES, max_size=4))
def test_streamed_json_list_is_byte_for_byte_the_whole_document(items: list[Any]) -> None:
    out = io.StringIO()
    real, sys.stdout = sys.stdout, out
    try:
        dump_stream(iter(items))
    finally:
        sys.stdout = real
    assert out.getvalue() == json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def test_list_json_streams_every_entry_in_order(cli: Cli) -> None:
    assert cli(*JANE).exit_code == 0
    for i in range(3):
        cli(
            "add", f"Course {i}", "--date", f"2025-0{3 - i}-01", "--category", "2", "--credits", "1"
        )
    result = cli("list", "--json")
    assert result.exit_code == 0
    assert [e["title"] for e in json.loads(result.stdout)] == ["Course 2", "Course 1", "Course 0"]
    assert (
        json.loads(cli("list", "--json", "--cycle", "previous", "--as-of", "2030-01-01").stdout)
        == []
    )


def test_an_empty_db_option_is_refused_before_anything_else(cli: Cli) -> None:
    result = cli("--db", "", "add", "X")  # --date is missing too: --db is named first
    assert result.exit_code == 2
    assert "--db" in result.stderr and "--date" not in result.stderr


@pytest.mark.parametrize("option", ["--from", "--to", "--as-of"])
def test_every_date_option_suggests_the_iso_date(cli: Cli, option: str) -> None:
    assert cli(*JANE).exit_code == 0
    result = cli("list", option, "06/15/2025")
    assert result.exit_code == 2
    assert "did you mean 2025-06-15?" in result.stderr and option in result.stderr
