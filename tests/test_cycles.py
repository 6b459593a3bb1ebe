"""Renewal dates and cycles (spec/rules.md "Renewal dates and cycles", spec/cli.md `status`)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmelog.domain.cycles import (
    cycle_containing,
    cycle_ending,
    cycle_label,
    first_renewal_estimate,
    renewal_dates_anchor,
    renewal_on_or_after,
    renewal_status,
)
from cmelog.domain.dates import minus_months
from cmelog.domain.model import CycleWindow, Profile

D = date.fromisoformat
ONE_DAY = timedelta(days=1)


def profile(
    birthday: str | date,
    *,
    expires: str | date | None = None,
    issued: str | date | None = None,
) -> Profile:
    def as_date(v: str | date | None) -> date | None:
        return D(v) if isinstance(v, str) else v

    b = as_date(birthday)
    assert b is not None
    return Profile(
        name="Dr. Test",
        birthday=b,
        license="123456",
        license_expires=as_date(expires),
        license_issued=as_date(issued),
    )


# --- table tests -------------------------------------------------------------------------------


def test_spec_status_example() -> None:
    # spec/cli.md, `cmelog status` JSON example
    r = renewal_status(profile("1975-06-15", expires="2026-06-15"), D("2026-01-10"))
    assert r.as_of == D("2026-01-10")
    assert r.renewal_date == D("2026-06-15")
    assert r.source == "license"
    assert r.days_until_renewal == 156
    assert r.application_mailing_date == D("2026-04-16")
    assert r.waiver_deadline == D("2026-05-16")
    assert r.current == CycleWindow(D("2024-06-16"), D("2026-06-15"))
    assert r.previous == CycleWindow(D("2022-06-16"), D("2024-06-15"))


@pytest.mark.parametrize("expires", ["2026-06-15", "2024-06-15", "2030-06-15", "1998-06-15"])
def test_printed_expiration_fixes_the_series_in_either_direction(expires: str) -> None:
    # The printed date plus or minus whole multiples of two years: the same answer for any of them.
    r = renewal_status(profile("1975-06-15", expires=expires), D("2026-01-10"))
    assert r.renewal_date == D("2026-06-15")
    assert r.current == CycleWindow(D("2024-06-16"), D("2026-06-15"))


def test_renewal_day_itself_belongs_to_the_cycle_it_ends() -> None:
    p = profile("1975-06-15", expires="2026-06-15")
    on_day = renewal_status(p, D("2026-06-15"))
    assert on_day.renewal_date == D("2026-06-15")
    assert on_day.days_until_renewal == 0
    after = renewal_status(p, D("2026-06-16"))
    assert after.renewal_date == D("2028-06-15")
    assert after.current == CycleWindow(D("2026-06-16"), D("2028-06-15"))
    assert after.previous == CycleWindow(D("2024-06-16"), D("2026-06-15"))
    assert after.days_until_renewal == 730


def test_leap_day_birthday_renews_on_28_february_in_common_years() -> None:
    p = profile("1980-02-29", expires="2026-02-28")
    r = renewal_status(p, D("2026-01-01"))
    assert r.renewal_date == D("2026-02-28")
    # the previous renewal was 29 February 2024 (a leap year)
    assert r.current == CycleWindow(D("2024-03-01"), D("2026-02-28"))
    assert r.previous == CycleWindow(D("2022-03-01"), D("2024-02-29"))
    assert r.application_mailing_date == D("2025-12-30")
    assert r.waiver_deadline == D("2026-01-29")
    # the next renewal falls in a leap year: 29 February 2028, and the cycle starts 1 March
    assert renewal_on_or_after(p, D("2026-03-01")) == D("2028-02-29")
    assert cycle_ending(p, D("2028-02-29")) == CycleWindow(D("2026-03-01"), D("2028-02-29"))
    assert cycle_containing(p, D("2026-03-01")) == CycleWindow(D("2026-03-01"), D("2028-02-29"))
    assert cycle_containing(p, D("2026-02-28")) == CycleWindow(D("2024-03-01"), D("2026-02-28"))


def test_leap_day_birthday_with_a_leap_year_expiration_date() -> None:
    p = profile("1980-02-29", expires="2028-02-29")
    assert renewal_on_or_after(p, D("2026-01-01")) == D("2026-02-28")
    assert renewal_on_or_after(p, D("2028-02-29")) == D("2028-02-29")
    assert renewal_on_or_after(p, D("2028-03-01")) == D("2030-02-28")


@pytest.mark.parametrize(
    ("birthday", "issued", "expected"),
    [
        # B = 2020-06-15; three months before B is 2020-03-15.
        ("1980-06-15", "2020-03-15", "2022-06-15"),  # exactly three months before B: B + 2 years
        ("1980-06-15", "2020-03-14", "2021-06-15"),  # one day more than three months: B + 1 year
        ("1980-06-15", "2020-05-01", "2022-06-15"),  # within three months
        ("1980-06-15", "2020-06-14", "2022-06-15"),  # the day before the birthday
        ("1980-06-15", "2020-01-10", "2021-06-15"),  # five months before
        # licensed on the birthday: B is the next year's birthday (strictly after L)
        ("1980-06-15", "2020-06-15", "2022-06-15"),
        ("1980-06-15", "2020-06-16", "2022-06-15"),  # B = 2021-06-15, far: B + 1
        # month-end clamping: three months before 31 May 2024 is 29 February 2024
        ("1970-05-31", "2024-02-29", "2026-05-31"),
        ("1970-05-31", "2024-02-28", "2025-05-31"),
        # 29 February birthday: B = 2024-02-29, three months before is 2023-11-29
        ("1980-02-29", "2023-11-29", "2026-02-28"),
        ("1980-02-29", "2023-11-28", "2025-02-28"),
        # 29 February birthday, B in a common year: B = 2023-02-28, boundary 2022-11-28
        ("1980-02-29", "2022-11-28", "2025-02-28"),
        ("1980-02-29", "2022-11-27", "2024-02-29"),
        # year boundary: B = 2021-01-15, three months before is 2020-10-15
        ("1980-01-15", "2020-10-15", "2023-01-15"),
        ("1980-01-15", "2020-10-14", "2022-01-15"),
    ],
)
def test_first_renewal_estimate_table(birthday: str, issued: str, expected: str) -> None:
    assert first_renewal_estimate(D(birthday), D(issued)) == D(expected)
    p = profile(birthday, issued=issued)
    assert renewal_on_or_after(p, D(issued)) == D(expected)
    assert renewal_dates_anchor(p) == (D(expected).year, "estimated")


def test_estimated_first_cycle_starts_on_the_license_date() -> None:
    p = profile("1980-06-15", issued="2020-01-10")
    young = renewal_status(p, D("2020-05-01"))
    assert young.source == "estimated"
    assert young.renewal_date == D("2021-06-15")
    assert young.current == CycleWindow(D("2020-01-10"), D("2021-06-15"))
    assert young.previous is None
    assert cycle_label(young, D("2020-01-10")) == "current"
    assert cycle_label(young, D("2020-01-09")) == "earlier"
    assert cycle_label(young, D("2021-06-16")) == "later"

    older = renewal_status(p, D("2021-07-01"))
    assert older.renewal_date == D("2023-06-15")
    assert older.current == CycleWindow(D("2021-06-16"), D("2023-06-15"))
    assert older.previous == CycleWindow(D("2020-01-10"), D("2021-06-15"))
    assert older.source == "estimated"


def test_estimated_27_month_first_period_skips_the_birthday_right_after_the_license() -> None:
    # Licensed within three months of the birthday: no renewal on that birthday (2020-06-15).
    p = profile("1980-06-15", issued="2020-04-01")
    assert renewal_on_or_after(p, D("2020-05-01")) == D("2022-06-15")
    assert renewal_on_or_after(p, D("2020-06-16")) == D("2022-06-15")
    assert cycle_containing(p, D("2020-04-01")) == CycleWindow(D("2020-04-01"), D("2022-06-15"))
    assert cycle_containing(p, D("2022-06-16")) == CycleWindow(D("2022-06-16"), D("2024-06-15"))
    r = renewal_status(p, D("2020-04-01"))
    assert r.previous is None
    assert r.days_until_renewal == (D("2022-06-15") - D("2020-04-01")).days
    with pytest.raises(ValueError):
        cycle_ending(p, D("2020-06-15"))


def test_expiration_date_wins_and_license_date_starts_the_first_cycle() -> None:
    # Printed date in an odd year: the series is odd years, whatever the estimate would say.
    p = profile("1980-06-15", issued="2019-09-01", expires="2025-06-15")
    assert renewal_dates_anchor(p) == (2025, "license")
    young = renewal_status(p, D("2020-01-01"))
    assert young.source == "license"
    assert young.renewal_date == D("2021-06-15")
    assert young.current == CycleWindow(D("2019-09-01"), D("2021-06-15"))
    assert young.previous is None

    older = renewal_status(p, D("2022-01-01"))
    assert older.renewal_date == D("2023-06-15")
    assert older.current == CycleWindow(D("2021-06-16"), D("2023-06-15"))
    assert older.previous == CycleWindow(D("2019-09-01"), D("2021-06-15"))

    # before the license date there is no earlier renewal: the first one is returned
    assert renewal_on_or_after(p, D("2010-01-01")) == D("2021-06-15")


def test_license_issued_on_a_series_renewal_date() -> None:
    # Issued on 2020-06-15, a date of the printed series: the first renewal is strictly after it,
    # and the first cycle starts on the license date itself.
    p = profile("1980-06-15", issued="2020-06-15", expires="2026-06-15")
    assert renewal_on_or_after(p, D("2020-06-15")) == D("2022-06-15")
    assert cycle_containing(p, D("2020-06-15")) == CycleWindow(D("2020-06-15"), D("2022-06-15"))


def test_previous_cycle_none_only_for_a_young_license() -> None:
    p = profile("1975-06-15", issued="2024-07-01", expires="2026-06-15")
    r = renewal_status(p, D("2026-01-10"))
    assert r.current == CycleWindow(D("2024-07-01"), D("2026-06-15"))
    assert r.previous is None
    # issued the day after the previous renewal: the current cycle is a whole cycle, still young
    p = profile("1975-06-15", issued="2024-06-16", expires="2026-06-15")
    r = renewal_status(p, D("2026-01-10"))
    assert r.current == CycleWindow(D("2024-06-16"), D("2026-06-15"))
    assert r.previous is None
    # issued on the previous renewal date: the first renewal is strictly after the license date,
    # so the first cycle runs from the license date to the next renewal
    p = profile("1975-06-15", issued="2024-06-15", expires="2026-06-15")
    r = renewal_status(p, D("2026-01-10"))
    assert r.current == CycleWindow(D("2024-06-15"), D("2026-06-15"))
    assert r.previous is None
    # issued the day before a renewal date of the series: within the three months before it,
    # so (rules.md 0.2) the first renewal is two years later and the first cycle runs from L
    p = profile("1975-06-15", issued="2024-06-14", expires="2026-06-15")
    r = renewal_status(p, D("2026-01-10"))
    assert r.current == CycleWindow(D("2024-06-14"), D("2026-06-15"))
    assert r.previous is None
    # issued more than three months before it: that renewal ends a short first cycle
    p = profile("1975-06-15", issued="2024-03-14", expires="2026-06-15")
    r = renewal_status(p, D("2026-01-10"))
    assert r.current == CycleWindow(D("2024-06-16"), D("2026-06-15"))
    assert r.previous == CycleWindow(D("2024-03-14"), D("2024-06-15"))


def test_source_labels_and_missing_dates() -> None:
    assert renewal_status(profile("1975-06-15", expires="2026-06-15"), D("2026-01-10")).source == (
        "license"
    )
    assert renewal_status(profile("1975-06-15", issued="2020-01-10"), D("2026-01-10")).source == (
        "estimated"
    )
    both = profile("1975-06-15", issued="2020-01-10", expires="2026-06-15")
    assert renewal_status(both, D("2026-01-10")).source == "license"
    assert renewal_dates_anchor(profile("1975-06-15", expires="2026-06-15")) == (2026, "license")
    neither = profile("1975-06-15")
    with pytest.raises(ValueError):
        renewal_dates_anchor(neither)
    with pytest.raises(ValueError):
        renewal_status(neither, D("2026-01-10"))


def test_cycle_containing_rejects_dates_before_the_license() -> None:
    p = profile("1980-06-15", issued="2020-01-10")
    with pytest.raises(ValueError):
        cycle_containing(p, D("2020-01-09"))
    assert cycle_containing(p, D("2020-01-10")).start == D("2020-01-10")


def test_cycle_label() -> None:
    r = renewal_status(profile("1975-06-15", expires="2026-06-15"), D("2026-01-10"))
    assert cycle_label(r, D("2026-06-15")) == "current"
    assert cycle_label(r, D("2024-06-16")) == "current"
    assert cycle_label(r, D("2024-06-15")) == "previous"
    assert cycle_label(r, D("2022-06-16")) == "previous"
    assert cycle_label(r, D("2022-06-15")) == "earlier"
    assert cycle_label(r, D("2026-06-16")) == "later"


def test_far_years_do_not_overflow() -> None:
    p = profile("1900-02-28", expires="2200-02-28")
    r = renewal_status(p, D("1900-01-01"))
    assert r.renewal_date == D("1900-02-28")
    assert r.previous == CycleWindow(D("1896-02-29"), D("1898-02-28"))
    r = renewal_status(p, D("2200-03-01"))
    assert r.renewal_date == D("2202-02-28")


# --- properties --------------------------------------------------------------------------------

MIN = date(1950, 1, 1)
MAX = date(2100, 12, 31)

leap_day_births = st.integers(1904, 2096).filter(calendar.isleap).map(lambda y: date(y, 2, 29))
birthdays = st.one_of(st.dates(date(1900, 1, 1), date(2090, 12, 31)), leap_day_births)
license_dates = st.dates(MIN, MAX)


def is_on_birthday(d: date, birthday: date) -> bool:
    if (d.month, d.day) == (birthday.month, birthday.day):
        return True
    leap_born = (birthday.month, birthday.day) == (2, 29)
    return leap_born and not calendar.isleap(d.year) and (d.month, d.day) == (2, 28)


def birthday_in(birthday: date, year: int) -> date:
    """Independent of the code under test: the birthday, 28 Feb for 29 Feb births if needed."""
    if (birthday.month, birthday.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return birthday.replace(year=year)


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    birthday = draw(birthdays)
    kind = draw(st.sampled_from(["expires", "issued", "both"]))
    issued = draw(license_dates) if kind in ("issued", "both") else None
    expires = None
    if kind in ("expires", "both"):
        # the printed expiration date is on the birthday (28 Feb for 29 Feb births, common years)
        year = draw(st.integers(MIN.year, MAX.year))
        expires = birthday_in(birthday, year)
    return profile(birthday, expires=expires, issued=issued)


def expected_first_renewal(p: Profile) -> date | None:
    """Oracle: the first renewal after the license date, straight from the rules text."""
    if p.license_issued is None:
        return None
    issued = p.license_issued
    if p.license_expires is None:
        return first_renewal_estimate(p.birthday, issued)
    parity = p.license_expires.year % 2
    year = issued.year - 2
    while True:
        if year % 2 == parity and birthday_in(p.birthday, year) > issued:
            s = birthday_in(p.birthday, year)
            # rules.md 0.2: the three-month rule applies to S too
            return birthday_in(p.birthday, year + 2) if issued >= minus_months(s, 3) else s
        year += 1


@given(birthday=birthdays, issued=license_dates)
def test_first_license_period_is_15_to_27_months(birthday: date, issued: date) -> None:
    first = first_renewal_estimate(birthday, issued)
    assert first > issued
    assert is_on_birthday(first, birthday)
    months = month_index(first) - month_index(issued)
    assert 15 <= months <= 27
    # the rule itself: B = first birthday strictly after L; B + 2 years when L is within the
    # three months before B (inclusive), else B + 1 year
    b = birthday_in(birthday, issued.year)
    if b <= issued:
        b = birthday_in(birthday, issued.year + 1)
    assert b > issued
    years_after = 2 if issued >= minus_months(b, 3) else 1
    assert first == birthday_in(birthday, b.year + years_after)


@given(p=profiles(), d=license_dates)
def test_renewal_dates_fall_on_the_birthday_and_are_minimal(p: Profile, d: date) -> None:
    r = renewal_on_or_after(p, d)
    assert r >= d
    assert is_on_birthday(r, p.birthday)
    anchor_year, _ = renewal_dates_anchor(p)
    assert (r.year - anchor_year) % 2 == 0
    first = expected_first_renewal(p)
    if first is not None and d <= first:
        assert r == first
    else:
        # no renewal date of the series between d and r
        assert birthday_in(p.birthday, r.year - 2) < d
        assert first is None or r > first
    if p.license_expires is not None:
        assert (r.year - p.license_expires.year) % 2 == 0


@given(p=profiles(), start=license_dates, n=st.integers(1, 6))
def test_consecutive_cycles_tile_time(p: Profile, start: date, n: int) -> None:
    renewal = renewal_on_or_after(p, start)
    window = cycle_ending(p, renewal)
    assert window.start <= window.end == renewal
    for _ in range(n):
        nxt = renewal_on_or_after(p, renewal + ONE_DAY)
        assert nxt.year == renewal.year + 2
        following = cycle_ending(p, nxt)
        assert following.start == window.end + ONE_DAY
        assert following.end == nxt
        renewal, window = nxt, following


@given(p=profiles(), d=license_dates)
def test_every_date_after_the_license_lies_in_exactly_one_cycle(p: Profile, d: date) -> None:
    if p.license_issued is not None and d < p.license_issued:
        with pytest.raises(ValueError):
            cycle_containing(p, d)
        return
    window = cycle_containing(p, d)
    assert window.contains(d)
    assert window == cycle_ending(p, window.end)
    # neither neighbour contains it
    later = cycle_ending(p, renewal_on_or_after(p, window.end + ONE_DAY))
    assert not later.contains(d)
    assert later.start == window.end + ONE_DAY
    first = expected_first_renewal(p)
    if first is not None and window.end == first:
        assert window.start == p.license_issued
    else:
        earlier = cycle_ending(p, window.start - ONE_DAY)
        assert not earlier.contains(d)
        assert earlier.end == window.start - ONE_DAY


@given(p=profiles(), as_of=license_dates)
def test_renewal_status_properties(p: Profile, as_of: date) -> None:
    r = renewal_status(p, as_of)
    assert r.as_of == as_of
    assert r.source == ("license" if p.license_expires is not None else "estimated")
    assert r.renewal_date == r.current.end
    assert r.application_mailing_date == r.renewal_date - timedelta(days=60)
    assert r.waiver_deadline == r.renewal_date - timedelta(days=30)
    assert r.days_until_renewal == (r.renewal_date - as_of).days
    assert r.days_until_renewal >= 0
    assert cycle_label(r, r.current.start) == "current"
    assert cycle_label(r, r.current.end + ONE_DAY) == "later"
    licensed = p.license_issued is None or as_of >= p.license_issued
    if licensed:
        assert r.current.contains(as_of)
        assert cycle_label(r, as_of) == "current"
    if p.license_issued is not None and p.license_issued >= r.current.start:
        # a young license: the first cycle, which starts on the license date
        assert r.previous is None
        assert r.current.start == p.license_issued
        assert r.renewal_date == expected_first_renewal(p)
        assert cycle_label(r, r.current.start - ONE_DAY) == "earlier"
    else:
        assert r.previous is not None
        assert r.previous.end + ONE_DAY == r.current.start
        assert r.previous.start <= r.previous.end
        assert cycle_label(r, r.previous.end) == "previous"
        assert cycle_label(r, r.previous.start) == "previous"
        assert cycle_label(r, r.previous.start - ONE_DAY) == "earlier"
        # a full cycle: the day after the previous renewal, less than two years + 1 day ago
        assert r.current.start == birthday_in(p.birthday, r.renewal_date.year - 2) + ONE_DAY
        assert 0 <= r.days_until_renewal <= 730
        assert r.renewal_date < birthday_in(as_of, as_of.year + 2) + ONE_DAY


# ---------------------------------------------------------------- printed date, rules timing
def test_printed_expiration_off_the_birthday_is_authoritative() -> None:
    """rules.md: the printed date is authoritative; renewals are it plus or minus 2 years."""
    from cmelog.domain.cycles import renewal_day

    p = profile("1990-06-15", expires="2026-06-14")
    assert renewal_day(p) == D("2026-06-14")
    r = renewal_status(p, D("2026-01-10"))
    assert r.renewal_date == D("2026-06-14")
    assert r.current == CycleWindow(D("2024-06-15"), D("2026-06-14"))
    assert renewal_status(p, D("2026-06-15")).renewal_date == D("2028-06-14")


def test_printed_expiration_on_the_birthday_keeps_the_leap_day_rule() -> None:
    """A 29 February birthday printed as 28 February in a common year still renews on 29
    February in leap years: the printed date is the birthday rule, not another day."""
    p = profile("1988-02-29", expires="2026-02-28")
    assert renewal_status(p, D("2026-03-01")).renewal_date == D("2028-02-29")


def test_rules_file_timing_drives_the_dates() -> None:
    """Mailing and waiver days and the first-renewal window come from the board's rules."""
    import msgspec.structs

    from cmelog.rules import load_rules

    ma = load_rules("MA").renewal
    other = msgspec.structs.replace(
        ma, application_mailing_days=45, waiver_request_days=20, first_renewal_window_months=1
    )
    p = profile("1975-06-15", expires="2026-06-15")
    r = renewal_status(p, D("2026-01-10"), other)
    assert r.application_mailing_date == D("2026-06-15") - timedelta(days=45)
    assert r.waiver_deadline == D("2026-06-15") - timedelta(days=20)
    issued = profile("1975-06-15", issued="2024-04-01")  # 2.5 months before the birthday
    assert renewal_status(issued, D("2024-05-01"), ma).renewal_date == D("2026-06-15")
    assert renewal_status(issued, D("2024-05-01"), other).renewal_date == D("2025-06-15")
    assert renewal_status(p, D("2026-01-10"), ma) == renewal_status(p, D("2026-01-10"))
