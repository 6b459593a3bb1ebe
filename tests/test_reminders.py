"""Reminder milestones (cli.md `cmelog remind`) and the reminder text."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmelog.domain.model import CycleWindow, Renewal, RequirementResult
from cmelog.domain.reminders import milestone_for, milestones, reminder_text, should_speak

# ---------------------------------------------------------------------------- helpers


def make_renewal(as_of: date, renewal_date: date, source: str = "license") -> Renewal:
    start = renewal_date.replace(year=renewal_date.year - 2) + timedelta(days=1)
    return Renewal(
        as_of=as_of,
        renewal_date=renewal_date,
        source=source,
        current=CycleWindow(start, renewal_date),
        previous=CycleWindow(start.replace(year=start.year - 2), start - timedelta(days=1)),
        application_mailing_date=renewal_date - timedelta(days=60),
        waiver_deadline=renewal_date - timedelta(days=30),
    )


def credit_req(
    rid: str, label: str, required: int, earned: int, *, applies: bool = True
) -> RequirementResult:
    return RequirementResult(
        id=rid,
        label=label,
        scope="cycle",
        applies=applies,
        required=required,
        earned=earned,
        met=earned >= required,
        source="test",
    )


def training_req(rid: str, label: str, met: bool) -> RequirementResult:
    return RequirementResult(
        id=rid,
        label=label,
        scope="one-time",
        applies=True,
        required=None,
        earned=None,
        met=met,
        source="test",
    )


def run_days(
    renewal_date: date, as_of_days: list[date], days: int, every: bool
) -> list[tuple[int, int]]:
    """Simulate the remind command on each as-of date: (days_left, milestone) of each speech."""
    sent: set[int] = set()
    spoken: list[tuple[int, int]] = []
    for as_of in as_of_days:
        days_left = (renewal_date - as_of).days
        m = should_speak(days_left, days, sent, every)
        if m is not None:
            sent.add(m)
            spoken.append((days_left, m))
    return spoken


# ---------------------------------------------------------------------------- milestones


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (60, (60, 30, 14, 7, 1, 0)),
        (90, (90, 30, 14, 7, 1, 0)),
        (31, (31, 30, 14, 7, 1, 0)),
        (30, (30, 14, 7, 1, 0)),
        (20, (20, 14, 7, 1, 0)),
        (14, (14, 7, 1, 0)),
        (10, (10, 7, 1, 0)),
        (7, (7, 1, 0)),
        (3, (3, 1, 0)),
        (1, (1, 0)),
        (0, (0,)),
    ],
)
def test_milestones(days: int, expected: tuple[int, ...]) -> None:
    assert milestones(days) == expected


def test_milestones_rejects_negative_window() -> None:
    with pytest.raises(ValueError):
        milestones(-1)


@pytest.mark.parametrize(
    ("days_left", "days", "expected"),
    [
        (61, 60, None),
        (60, 60, 60),
        (45, 60, 60),
        (31, 60, 60),
        (30, 60, 30),
        (29, 60, 30),
        (15, 60, 30),
        (14, 60, 14),
        (8, 60, 14),
        (7, 60, 7),
        (2, 60, 7),
        (1, 60, 1),
        (0, 60, 0),
        (-1, 60, None),
        (21, 20, None),
        (20, 20, 20),
        (15, 20, 20),
        (14, 20, 14),
        (0, 0, 0),
        (1, 0, None),
    ],
)
def test_milestone_for(days_left: int, days: int, expected: int | None) -> None:
    assert milestone_for(days_left, days) == expected


@pytest.mark.parametrize(
    ("days_left", "days", "sent", "every", "expected"),
    [
        (45, 60, set(), False, 60),
        (45, 60, {60}, False, None),
        (45, 60, {60}, True, 60),
        (30, 60, {60}, False, 30),
        (29, 60, {60, 30}, False, None),
        (8, 60, {60}, False, 14),  # skipped days: the milestone of the day still speaks
        (0, 60, {60, 30, 14, 7, 1}, False, 0),
        (61, 60, set(), False, None),
        (61, 60, set(), True, None),
        (-1, 60, set(), False, None),
        (-1, 60, set(), True, None),
    ],
)
def test_should_speak(
    days_left: int, days: int, sent: set[int], every: bool, expected: int | None
) -> None:
    assert should_speak(days_left, days, sent, every) == expected


# ---------------------------------------------------------------------------- properties

windows = st.integers(min_value=0, max_value=120)
renewal_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def daily(renewal_date: date, days: int) -> list[date]:
    """As-of dates from N+40 days before the renewal through 5 days after it."""
    first = renewal_date - timedelta(days=days + 40)
    return [first + timedelta(days=i) for i in range(days + 46)]


@given(days=windows, renewal_date=renewal_dates)
def test_daily_calls_speak_once_per_milestone(days: int, renewal_date: date) -> None:
    spoken = run_days(renewal_date, daily(renewal_date, days), days, every=False)
    said = [m for _, m in spoken]
    assert sorted(said, reverse=True) == list(milestones(days))
    assert said == list(milestones(days))  # in order, largest first
    # called every day, each milestone speaks on its own day
    assert all(left == m for left, m in spoken)
    assert all(0 <= left <= days for left, _ in spoken)


@given(days=windows, renewal_date=renewal_dates)
def test_every_speaks_on_every_day_inside_the_window(days: int, renewal_date: date) -> None:
    spoken = run_days(renewal_date, daily(renewal_date, days), days, every=True)
    assert [left for left, _ in spoken] == list(range(days, -1, -1))
    assert all(milestone_for(left, days) == m for left, m in spoken)


@given(days=windows, days_left=st.integers(min_value=-10, max_value=130))
def test_second_call_on_the_same_day_is_silent(days: int, days_left: int) -> None:
    sent: set[int] = set()
    first = should_speak(days_left, days, sent, every=False)
    if first is not None:
        sent.add(first)
    assert should_speak(days_left, days, sent, every=False) is None
    # --every speaks again, inside the window only
    again = should_speak(days_left, days, sent, every=True)
    assert again == (first if 0 <= days_left <= days else None)


@given(days=windows, renewal_date=renewal_dates, data=st.data())
def test_skipped_days_never_speak_twice_for_one_milestone(
    days: int, renewal_date: date, data: st.DataObject
) -> None:
    all_days = daily(renewal_date, days)
    called = data.draw(st.lists(st.sampled_from(all_days), unique=True).map(sorted))
    spoken = run_days(renewal_date, called, days, every=False)
    said = [m for _, m in spoken]
    assert len(said) == len(set(said))
    assert all(0 <= left <= days for left, _ in spoken)
    assert all(milestone_for(left, days) == m for left, m in spoken)
    # every milestone that owns a called day inside the window is spoken, on its first such day
    owned = {milestone_for((renewal_date - d).days, days) for d in called} - {None}
    assert set(said) == owned
    assert said == sorted(said, reverse=True)


# ---------------------------------------------------------------------------- text

ANSI = re.compile(r"\x1b")
BOX = re.compile(r"[\u2500-\u259f]")


def assert_plain(text: str) -> None:
    assert not ANSI.search(text)
    assert not BOX.search(text)
    assert all(len(line) <= 78 for line in text.splitlines()), text


def test_text_with_unmet_requirements() -> None:
    renewal = make_renewal(date(2026, 5, 1), date(2026, 6, 15))
    reqs = [
        credit_req("total", "Total credits", 5000, 3250),
        credit_req("risk-management", "Risk management", 1000, 300),
        credit_req("board-regulations", "Board regulations", 200, 200),
        credit_req("opioids-pain-management", "Opioid education", 300, 0, applies=False),
        training_req("child-abuse-reporting", "Child abuse reporting", met=False),
        training_req("domestic-sexual-violence", "Domestic and sexual violence", met=True),
    ]
    text = reminder_text(renewal, reqs)
    assert_plain(text)
    assert "2026-06-15" in text
    assert "in 45 days" in text
    assert "2026-04-16" in text  # application mailing date, R-60
    assert "2026-05-16" in text  # waiver deadline, R-30
    assert "Total credits: 17.50 of 50.00 credits still needed" in text
    assert "Risk management: 7.00 of 10.00 credits still needed" in text
    assert "Child abuse reporting training: not yet recorded" in text
    assert "Board regulations" not in text  # met
    assert "Opioid" not in text  # does not apply
    assert "Domestic" not in text  # met
    assert "every cme requirement" not in text.lower()
    # mailing date passed, waiver deadline in 15 days
    mailing_line = next(line for line in text.splitlines() if "2026-04-16" in line)
    waiver_line = next(line for line in text.splitlines() if "2026-05-16" in line)
    assert "passed" in mailing_line
    assert "in 15 days" in waiver_line
    assert "passed" not in waiver_line


def test_text_all_met() -> None:
    renewal = make_renewal(date(2026, 6, 14), date(2026, 6, 15))
    reqs = [
        credit_req("total", "Total credits", 5000, 5200),
        credit_req("opioids-pain-management", "Opioid education", 300, 0, applies=False),
        training_req("child-abuse-reporting", "Child abuse reporting", met=True),
    ]
    text = reminder_text(renewal, reqs)
    assert_plain(text)
    assert "tomorrow" in text
    assert "still needed" not in text
    assert "not yet recorded" not in text
    flat = " ".join(text.split())
    assert "Every CME requirement for this cycle is met" in flat
    assert "renewal application is left to file" in flat
    for line in text.splitlines():
        if "2026-04-16" in line or "2026-05-16" in line:
            assert "passed" in line


def test_text_on_the_day() -> None:
    renewal = make_renewal(date(2026, 6, 15), date(2026, 6, 15))
    text = reminder_text(renewal, [credit_req("total", "Total credits", 5000, 4900)])
    assert_plain(text)
    assert "2026-06-15 (today)" in text
    assert "1.00 of 50.00 credits still needed" in text


def test_text_future_dates_are_not_passed() -> None:
    renewal = make_renewal(date(2026, 4, 6), date(2026, 6, 15))  # 70 days left
    text = reminder_text(renewal, [])
    assert_plain(text)
    assert "in 70 days" in text
    assert "passed" not in text
    assert "2026-04-16 (in 10 days)" in text
    assert "2026-05-16 (in 40 days)" in text
    mailing_today = reminder_text(make_renewal(date(2026, 4, 16), date(2026, 6, 15)), [])
    assert "2026-04-16 (today)" in mailing_today


def test_text_estimated_renewal_date_says_so() -> None:
    renewal = make_renewal(date(2026, 5, 1), date(2026, 6, 15), source="estimated")
    text = reminder_text(renewal, [])
    assert_plain(text)
    assert "estimated" in text


def test_training_label_already_naming_training_is_not_doubled() -> None:
    renewal = make_renewal(date(2026, 5, 1), date(2026, 6, 15))
    text = reminder_text(renewal, [training_req("x", "Domestic violence training", met=False)])
    assert "Domestic violence training: not yet recorded" in text
    assert "training training" not in text


@given(
    label=st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=200
    ),
    earned=st.integers(min_value=0, max_value=99_999),
    days_left=st.integers(min_value=0, max_value=120),
)
def test_text_lines_fit_any_label(label: str, earned: int, days_left: int) -> None:
    renewal_date = date(2026, 6, 15)
    renewal = make_renewal(renewal_date - timedelta(days=days_left), renewal_date)
    reqs = [
        credit_req("total", label, 100_000, earned),
        training_req("child-abuse-reporting", label, met=False),
    ]
    assert_plain(reminder_text(renewal, reqs))


# ---------------------------------------------------------------------------- next reminder (0.2)
def test_next_milestone_before_inside_and_after_the_window() -> None:
    from cmelog.domain.reminders import next_milestone

    r = date(2026, 6, 15)
    assert next_milestone(r, date(2026, 1, 10), 60, set()) == (60, date(2026, 4, 16))
    # due but not yet delivered (a failed day): due now
    assert next_milestone(r, date(2026, 5, 20), 60, {60}) == (30, date(2026, 5, 20))
    assert next_milestone(r, date(2026, 5, 20), 60, {60, 30}) == (14, date(2026, 6, 1))
    assert next_milestone(r, date(2026, 6, 14), 60, {60, 30, 14, 7, 1}) == (0, r)
    assert next_milestone(r, r, 60, {60, 30, 14, 7, 1, 0}) is None


@given(
    days=st.integers(0, 120),
    left=st.integers(0, 130),
    sent=st.sets(st.sampled_from([0, 1, 7, 14, 30, 60, 90, 120])),
)
def test_next_milestone_is_what_remind_would_speak(days: int, left: int, sent: set[int]) -> None:
    """The reminder `remind --status` announces is the one a daily run speaks first."""
    from cmelog.domain.reminders import next_milestone

    r = date(2026, 6, 15)
    today = r - timedelta(days=left)
    nxt = next_milestone(r, today, days, sent)
    for n in range(left, -1, -1):  # daily runs from today
        spoken = should_speak(n, days, sent, every=False)
        if spoken is not None:
            assert nxt == (spoken, max(r - timedelta(days=spoken), today))
            assert r - timedelta(days=n) == nxt[1]
            break
    else:
        assert nxt is None


def test_milestone_words() -> None:
    from cmelog.domain.reminders import days_before, milestone_name

    assert [milestone_name(m) for m in (60, 1, 0)] == ["60-day", "1-day", "renewal-day"]
    assert [days_before(m) for m in (30, 1, 0)] == ["30 days before", "1 day before", "on the day"]
