"""build_entry: what the user typed -> a valid Entry, or a UsageError (exit 2). Pure."""

from __future__ import annotations

from datetime import date

import pytest
from msgspec.structs import replace

from cmelog.domain.dates import minus_months, on_birthday, parse_date
from cmelog.domain.entries import EntryInput, build_entry, check_slug, clean_text, parse_category
from cmelog.domain.model import Entry
from cmelog.errors import ExitStatus, UsageError
from cmelog.rules import load_rules

RULES = load_rules("MA")
TODAY = date(2026, 3, 14)


def build(**kw: object) -> tuple[Entry, tuple[str, ...]]:
    base = kw.pop("base", None)
    inp = EntryInput(**kw)  # type: ignore[arg-type]
    built = build_entry(inp, RULES, TODAY, base)  # type: ignore[arg-type]
    return built.entry, built.messages


def refused(**kw: object) -> str:
    with pytest.raises(UsageError) as info:
        build(**kw)
    assert info.value.status == ExitStatus.USAGE
    return info.value.message


CAT2 = {"title": "Grand rounds", "date": "2026-01-10", "category": "2"}
CAT1 = {"title": "Opioid course", "date": "2026-01-10", "category": "1", "provider": "MMS"}


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14", date(2026, 3, 14)),
        ("2024-02-29", date(2024, 2, 29)),
        (" 2026-01-01 ", date(2026, 1, 1)),
        ("today", TODAY),
        ("TODAY", TODAY),
        ("yesterday", date(2026, 3, 13)),
    ],
)
def test_parse_date_accepts(text: str, expected: date) -> None:
    assert parse_date(text, TODAY, "--date") == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2025-02-29",
        "2026-13-01",
        "2026-00-10",
        "0000-01-01",
        "2026-1-5",
        "20260105",
        "2026/01/05",
        "tomorrow",
        "",
        "２０２６-01-01",
        "2026-01-01T00:00",
        "2026-01-01 x",
    ],
)
def test_parse_date_refuses_impossible_or_malformed(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_date(text, TODAY, "--date")
    assert "--date" in info.value.message and "YYYY-MM-DD" in info.value.message


def test_calendar_helpers() -> None:
    assert on_birthday(date(1976, 2, 29), 2027) == date(2027, 2, 28)
    assert on_birthday(date(1976, 2, 29), 2028) == date(2028, 2, 29)
    assert minus_months(date(2026, 5, 31), 3) == date(2026, 2, 28)


# ---------------------------------------------------------------------------- amounts


def test_minutes_rounded_and_original_kept() -> None:
    e, messages = build(**CAT2, minutes="95")
    assert (e.credits, e.minutes) == (150, "95")
    assert messages == ("95 min -> 1.50 credits",)


def test_hours_kept_as_minutes() -> None:
    e, messages = build(**CAT2, hours="0.125")
    assert (e.credits, e.minutes) == (25, "7.5")
    assert "7.5 min -> 0.25 credits" in messages


def test_minutes_just_below_a_half_kept_exactly() -> None:
    e, messages = build(**CAT2, minutes="22.4999999")
    assert (e.credits, e.minutes) == (25, "22.4999999")
    assert messages == ("22.4999999 min -> 0.25 credits",)


@pytest.mark.parametrize(("minutes", "credits"), [("7.5", 25), ("22.5", 50), ("52.5", 100)])
def test_minutes_halves_round_up(minutes: str, credits: int) -> None:
    assert build(**CAT2, minutes=minutes)[0].credits == credits


@pytest.mark.parametrize("amount", [{"minutes": "7"}, {"hours": "0.1"}, {"credits": "0.12"}])
def test_rounding_to_zero_refused(amount: dict[str, str]) -> None:
    message = refused(**CAT2, **amount)
    assert "0" in message and "nothing was stored" in message


def test_category2_credits_rounded_to_quarter_with_message() -> None:
    e, messages = build(**CAT2, credits="1.1")
    assert e.credits == 100
    assert messages == ("Category 2 credits are claimed in quarters: 1.10 -> 1.00 credit",)
    assert build(**CAT2, credits="1.13")[0].credits == 125  # 1.125 would be the half
    assert build(**CAT2, credits="0.13")[0].credits == 25


def test_category1_keeps_designated_value() -> None:
    e, messages = build(**CAT1, credits="1.33")
    assert (e.credits, e.minutes, messages) == (133, None, ())


@pytest.mark.parametrize("category", ["1", "2"])
def test_more_than_two_decimals_refused_both_categories(category: str) -> None:
    message = refused(**{**CAT1, "category": category}, credits="1.333")
    assert "1.333" in message and "two decimal places" in message


@pytest.mark.parametrize(
    "amount",
    [
        {"credits": "1", "minutes": "60"},
        {"credits": "1", "hours": "1"},
        {"minutes": "60", "hours": "1"},
        {"credits": "1", "minutes": "60", "hours": "1"},
    ],
)
def test_only_one_amount(amount: dict[str, str]) -> None:
    assert "only one of" in refused(**CAT2, **amount)


def test_missing_amount_refused() -> None:
    assert "--credits" in refused(**CAT2)


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "abc", "1e3"])
@pytest.mark.parametrize("option", ["credits", "minutes", "hours"])
def test_bad_amounts_refused(option: str, value: str) -> None:
    message = refused(**CAT2, **{option: value})
    assert f"--{option}" in message and repr(value) in message


# ---------------------------------------------------------------------------- other fields


def test_category1_needs_provider() -> None:
    message = refused(title="X", date="2026-01-10", category="1", credits="1")
    assert "--provider" in message


@pytest.mark.parametrize("category", ["3", "0", "", "one", "1.0"])
def test_unknown_category(category: str) -> None:
    assert repr(category) in refused(**{**CAT2, "category": category}, credits="1")


def test_category_required_unless_kind_fixes_it() -> None:
    assert "--category" in refused(title="X", date="2026-01-10", credits="1")
    e, messages = build(
        title="Board exam", date="2026-01-10", kind="board-certification", provider="ABIM"
    )
    assert (e.category, e.credits, e.minutes) == (1, 6000, None)
    assert messages == ("Board certification: 60.00 credits",) or "60.00 credits" in messages[0]


def test_kind_fixed_category_conflict() -> None:
    assert "--kind" in refused(**CAT2, kind="article", provider="P")


def test_teaching_earns_two_credits_per_hour() -> None:
    e, messages = build(
        title="Lecture", date="2026-01-10", kind="teaching", hours="1.5", provider="H"
    )
    assert (e.category, e.credits, e.minutes) == (1, 300, "90")
    assert "2 credits per hour" in messages[0]


def test_end_date() -> None:
    e, _ = build(**CAT2, credits="1", end_date="2026-01-12")
    assert e.end_date == date(2026, 1, 12) and e.effective_date == date(2026, 1, 12)
    assert "before" in refused(**CAT2, credits="1", end_date="2026-01-09")
    assert build(**CAT2, credits="1", end_date="2026-01-10")[0].end_date == date(2026, 1, 10)


def test_topics_sorted_and_validated() -> None:
    e, _ = build(**CAT2, credits="1", topics=["risk-management", "End-of-Life", "ehr"])
    assert e.topics == ("ehr", "end-of-life", "risk-management")
    message = refused(**CAT2, credits="1", topics=["opioids"])
    assert "'opioids'" in message and "risk-management" in message


def test_kind_and_format_validated() -> None:
    assert "'lecture'" in refused(**CAT2, credits="1", kind="lecture")
    assert "'webinar'" in refused(**CAT2, credits="1", format="webinar")
    assert build(**CAT2, credits="1", format="Online")[0].format == "online"


def test_defaults_and_source() -> None:
    e, _ = build(**CAT2, credits="1")
    assert (e.id, e.kind, e.source, e.topics, e.provider) == (0, "activity", "typed", (), None)


@pytest.mark.parametrize("title", ["", "   ", "\t"])
def test_empty_title(title: str) -> None:
    assert "title" in refused(**{**CAT2, "title": title}, credits="1")


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1bb", "\ud800", "a\x7f", "a\u2028b", "\ue000"])
def test_control_and_invalid_characters_refused(bad: str) -> None:
    with pytest.raises(UsageError) as info:
        clean_text(bad, "--notes")
    assert "U+" in info.value.message
    assert "U+" in refused(**{**CAT2, "title": bad}, credits="1")


def test_clean_text_refuses_every_control_character_but_tab() -> None:
    # cli.md 0.2 "Text fields": C0 and C1 control characters other than tab are refused,
    # newline and carriage return included, naming the field
    assert clean_text("  col 1\tcol 2 ", "--notes") == "col 1\tcol 2"
    for bad in ("a\nb", "a\rb", "a\x1b[2Jb", "a\x9bb", "a\x00b", "a\x7fb"):
        with pytest.raises(UsageError) as info:
            clean_text(bad, "--notes")
        assert "--notes" in info.value.message
    with pytest.raises(UsageError):
        clean_text("a\nb", "--name", multiline=False)
    with pytest.raises(UsageError):
        clean_text("x" * 2001, "--notes")


def test_check_slug_and_category() -> None:
    assert check_slug(" EHR ", RULES.topics, "topic", "--topic") == "ehr"
    assert parse_category(" 2 ") == 2


# ---------------------------------------------------------------------------- edits


def stored() -> Entry:
    e, _ = build(**CAT1, minutes="95", topics=["ehr"], notes="n", url="https://x.test")
    return replace(e, id=7)


def test_edit_keeps_unchanged_fields() -> None:
    base = stored()
    e, _ = build(base=base, title="New title")
    assert e.id == 7 and e.title == "New title"
    assert (e.credits, e.minutes, e.topics, e.provider) == (150, "95", ("ehr",), "MMS")


def test_edit_topics_add_remove_replace() -> None:
    base = stored()
    e, _ = build(base=base, add_topics=["risk-management"], remove_topics=["ehr"])
    assert e.topics == ("risk-management",)
    e, _ = build(base=base, topics=["implicit-bias"])
    assert e.topics == ("implicit-bias",)
    assert "--add-topic" in refused(base=base, add_topics=["nope"])
    assert "--remove-topic" in refused(base=base, remove_topics=["nope"])


def test_edit_clears_optional_text_with_empty_value() -> None:
    base = stored()
    e, _ = build(base=base, notes="", url="", end_date="", format="")
    assert (e.notes, e.url, e.end_date, e.format) == (None, None, None, None)


def test_edit_same_validation_as_add() -> None:
    base = stored()
    assert "before" in refused(base=base, end_date="2026-01-01")
    assert "--provider" in refused(base=base, provider="")
    assert "only one of" in refused(base=base, credits="1", minutes="5")
    e, _ = build(base=base, credits="2")
    assert (e.credits, e.minutes) == (200, None)


def test_edit_to_category2_rounds_stored_credits_and_says_so() -> None:
    base = replace(stored(), credits=133, minutes=None)
    e, messages = build(base=base, category="2")
    assert (e.category, e.credits) == (2, 125)
    assert messages == ("Category 2 credits are claimed in quarters: 1.33 -> 1.25 credits",)


def test_edit_to_a_category2_kind_rounds_to_quarters() -> None:
    base = replace(stored(), credits=133, minutes=None)
    e, messages = build(base=base, kind="publication")
    assert (e.category, e.kind, e.credits) == (2, "publication", 125)
    assert "1.33 -> 1.25" in messages[0]


def test_edit_to_category2_refuses_credits_rounding_to_zero() -> None:
    base = replace(stored(), credits=10, minutes=None)
    assert "0" in refused(base=base, category="2")


def test_edit_kind_to_teaching_recomputes_credits_from_the_stored_time() -> None:
    """An entry logged as time and re-kinded as teaching earns 2 credits per hour presented."""
    from cmelog.domain.entries import EntryInput, build_entry
    from cmelog.rules import load_rules

    rules = load_rules("MA")
    today = date(2026, 1, 10)
    first = build_entry(
        EntryInput(
            title="Grand rounds talk",
            date="2025-05-01",
            category="1",
            minutes="90",
            provider="BIDMC",
        ),
        rules,
        today,
    ).entry
    assert first.credits == 150
    edited = build_entry(EntryInput(kind="teaching"), rules, today, base=first)
    assert edited.entry.credits == 300
    assert edited.entry.minutes == "90"
    assert any("2 credits per hour" in m for m in edited.messages)
    back = build_entry(EntryInput(kind="activity"), rules, today, base=edited.entry)
    assert back.entry.credits == 150
