"""Guards with a human voice: did-you-mean dates and slugs, likely duplicates, implausible
values, kinds with fixed credits, teaching time, decimal minutes and MOC points."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmelog.domain.model import Entry
from cmelog.domain.suggest import iso_suggestion, likely_duplicates, nearest, similar_titles

Cli = Callable[..., Any]
CAT1 = ["--category", "1", "--provider", "MMS"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("06/15/2025", "2025-06-15"),
        ("6/15/2025", "2025-06-15"),
        ("15.6.2025", "2025-06-15"),
        ("15.06.2025", "2025-06-15"),
        ("2025/6/15", "2025-06-15"),
        ("15/06/2025", "2025-06-15"),  # day first when month first cannot be
        ("not a date", None),
        ("13/13/2025", None),
    ],
)
def test_iso_suggestion(typed: str, meant: str | None) -> None:
    assert iso_suggestion(typed) == meant


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_every_us_and_dotted_date_suggests_itself(d: date) -> None:
    assert iso_suggestion(f"{d.month:02d}/{d.day:02d}/{d.year}") == d.isoformat()
    assert iso_suggestion(f"{d.day}.{d.month}.{d.year}") == d.isoformat()


@pytest.mark.parametrize("typed", ["06/15/2025", "15.6.2025"])
def test_add_with_a_non_iso_date_says_which_date(jane: Cli, typed: str) -> None:
    result = jane("add", "Course", "--date", typed, *CAT1, "--credits", "1")
    assert result.exit_code == 2
    assert "did you mean 2025-06-15?" in result.stderr and result.stderr.count("\n") == 1
    assert json.loads(jane("list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("option", "typed", "slug"),
    [
        ("--topic", "opioid", "opioids-pain-management"),
        ("--topic", "implict-bias", "implicit-bias"),
        ("--kind", "lecture", None),
        ("--kind", "teach", "teaching"),
        ("--format", "enduring-material", "enduring"),
        ("--format", "pointofcare", "point-of-care"),
    ],
)
def test_unknown_slug_suggests_the_nearest(
    jane: Cli, option: str, typed: str, slug: str | None
) -> None:
    result = jane("add", "Course", "--date", "2025-01-01", *CAT1, "--credits", "1", option, typed)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    if slug:
        assert f"did you mean {slug}?" in result.stderr
    assert "accepted:" in result.stderr


def test_nearest_prefers_prefix_and_substring() -> None:
    slugs = ["live", "online", "enduring", "journal", "point-of-care"]
    assert nearest("journ", slugs) == "journal"
    assert nearest("care", slugs) == "point-of-care"
    assert nearest("zzzz", slugs) is None


def _e(i: int, title: str, d: str, end: str | None = None, **kw: Any) -> Entry:
    return Entry(
        id=i,
        title=title,
        date=date.fromisoformat(d),
        end_date=date.fromisoformat(end) if end else None,
        credits=kw.pop("credits", 100),
        category=1,
        **kw,
    )


def test_likely_duplicates_need_overlapping_dates() -> None:
    stored = [
        _e(1, "Internal Medicine Comprehensive Review and Update", "2025-05-05", "2025-05-09"),
        _e(2, "Internal Medicine Review", "2024-05-05"),
        _e(3, "Sepsis", "2025-05-07", provider="HMS", credits=300),
        _e(4, "March A", "2025-05-06"),
    ]
    new = _e(0, "Internal Medicine Comprehensive Review", "2025-05-07")
    assert [e.id for e in likely_duplicates(new, stored)] == [1]
    same_provider = _e(0, "Other title", "2025-05-07", provider="hms", credits=300)
    assert [e.id for e in likely_duplicates(same_provider, stored)] == [3]
    assert not similar_titles("March A", "March B")
    assert similar_titles("Heart Failure Update", "Heart failure update 2025")


def test_likely_duplicate_is_warned_off_a_terminal_and_stored(jane: Cli) -> None:
    args = ["--date", "2025-03-01", *CAT1, "--credits", "2"]
    assert jane("add", "Heart Failure Update 2025", *args).exit_code == 0
    result = jane("add", "Heart failure update", *args[:-1], "1.5")
    assert result.exit_code == 0
    assert result.stderr.startswith("cmelog: warning: this may be the same activity as entry 1")
    assert len(json.loads(jane("list", "--json").stdout)) == 2


def test_future_date_and_more_than_50_credits_are_warned(jane: Cli) -> None:
    result = jane("add", "Course", "--date", "2100-01-01", *CAT1, "--credits", "1")
    assert result.exit_code == 0 and "in the future" in result.stderr
    result = jane("add", "Big course", "--date", "2025-01-01", *CAT1, "--credits", "51")
    assert result.exit_code == 0 and "more than 50" in result.stderr
    quiet = jane("add", "Board cert", "--date", "2025-01-02", "--kind", "board-certification",
                 "--provider", "ABIM")  # fmt: skip
    assert quiet.exit_code == 0 and quiet.stderr == ""  # 60 credits, but not an `activity`


@pytest.mark.parametrize(
    ("kind", "credits"),
    [("board-certification", 60), ("medical-degree", 25), ("medical-examiner", 4),
     ("article", 10), ("poster", 5)],
)  # fmt: skip
def test_fixed_credit_kinds_need_no_amount(jane: Cli, kind: str, credits: int) -> None:
    result = jane("add", kind, "--date", "2025-01-01", "--kind", kind, "--provider", "P",
                  "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["credits"] == credits


def test_teaching_minutes_are_time_presented(jane: Cli) -> None:
    result = jane("add", "Lecture", "--date", "2025-01-01", "--kind", "teaching",
                  "--provider", "P", "--minutes", "50", "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["credits"], doc["minutes"]) == (1.75, 50)  # 100/60 credits -> nearest quarter


def test_decimal_minutes_and_moc_points(jane: Cli) -> None:
    result = jane("add", "Short", "--date", "2025-01-01", "--category", "2", "--minutes", "7.5",
                  "--moc-points", "2.5", "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["credits"], doc["minutes"], doc["moc_points"]) == (0.25, 7.5, 2.5)
    doc = json.loads(jane("edit", "1", "--moc-points", "4", "--json").stdout)
    assert doc["moc_points"] == 4
    assert json.loads(jane("show", "1", "--json").stdout)["moc_points"] == 4
    assert "MOC points" in jane("show", "1").stdout
    bad = jane("edit", "1", "--moc-points", "lots")
    assert bad.exit_code == 2 and "--moc-points" in bad.stderr
