"""Renewal clocks of schema 2 (docs/rules-schema.md `[renewal]`): every anchor, hand-computed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from msgspec.structs import replace

from cmelog.domain.cycles import MA_RENEWAL, Clock, ClockError
from cmelog.domain.model import CycleWindow
from cmelog.domain.rules import RenewalRules

D = date.fromisoformat
AS_OF = D("2026-12-03")
BDAY = D("1980-04-15")


def rules(anchor: str, **kw: object) -> RenewalRules:
    first = {
        "birthday": "three-month-rule",
        "issue-month-end": "full-cycle",
        "issue-anniversary": "full-cycle",
        "registration": "full-cycle",
    }.get(anchor, "next")
    base = replace(MA_RENEWAL, anchor=anchor, first_renewal=first, waiver_request_days=None)
    return replace(base, **kw)  # type: ignore[arg-type]


def W(a: str, b: str) -> CycleWindow:
    return CycleWindow(D(a), D(b))


CASES = [
    # (what, rules, birthday, expires, issued, as_of, renewal, current, previous)
    (
        "CA: last day of the month of issue, first renewal a whole cycle after issue",
        rules("issue-month-end"),
        BDAY,
        None,
        D("2020-03-10"),
        AS_OF,
        D("2028-03-31"),
        W("2026-04-01", "2028-03-31"),
        W("2024-04-01", "2026-03-31"),
    ),
    (
        "CA first cycle runs from the issue date",
        rules("issue-month-end"),
        BDAY,
        None,
        D("2025-06-10"),
        AS_OF,
        D("2027-06-30"),
        W("2025-06-10", "2027-06-30"),
        None,
    ),
    (
        "RI: June 30 of even years for everyone",
        rules("fixed", month=6, day=30, years="even"),
        BDAY,
        None,
        None,
        AS_OF,
        D("2028-06-30"),
        W("2026-07-01", "2028-06-30"),
        W("2024-07-01", "2026-06-30"),
    ),
    (
        "VT: Nov 30 of even years, on the day itself",
        rules("fixed", month=11, day=30, years="even"),
        BDAY,
        None,
        None,
        D("2026-11-30"),
        D("2026-11-30"),
        W("2024-12-01", "2026-11-30"),
        W("2022-12-01", "2024-11-30"),
    ),
    (
        "FL: Jan 31, the group (year parity) from the printed date",
        rules("fixed", month=1, day=31),
        BDAY,
        D("2026-01-31"),
        None,
        AS_OF,
        D("2028-01-31"),
        W("2026-02-01", "2028-01-31"),
        W("2024-02-01", "2026-01-31"),
    ),
    (
        "CT: yearly in the birth month, a 24-month look-back (overlapping windows)",
        rules("birth-month-end", cycle_years=1, window_months=24),
        BDAY,
        None,
        None,
        AS_OF,
        D("2027-04-30"),
        W("2025-05-01", "2027-04-30"),
        W("2024-05-01", "2026-04-30"),
    ),
    (
        "ME: last day of the birth month, odd years for an odd birth year",
        rules("birth-month-end", years="birth-year-parity"),
        D("1981-07-20"),
        None,
        None,
        AS_OF,
        D("2027-07-31"),
        W("2025-08-01", "2027-07-31"),
        W("2023-08-01", "2025-07-31"),
    ),
    (
        "NH: two years from issue",
        rules("issue-anniversary"),
        BDAY,
        None,
        D("2023-09-01"),
        AS_OF,
        D("2027-09-01"),
        W("2025-09-02", "2027-09-01"),
        W("2023-09-01", "2025-09-01"),
    ),
    (
        "NH legacy: the printed June 30 wins over the issue anniversary",
        rules("issue-anniversary"),
        BDAY,
        D("2027-06-30"),
        None,
        AS_OF,
        D("2027-06-30"),
        W("2025-07-01", "2027-06-30"),
        W("2023-07-01", "2025-06-30"),
    ),
    (
        "TX: the board-assigned printed date",
        rules("assigned"),
        BDAY,
        D("2027-02-28"),
        None,
        AS_OF,
        D("2027-02-28"),
        W("2025-03-01", "2027-02-28"),
        W("2023-03-01", "2025-02-28"),
    ),
    (
        "DEA MATE: every 3 years from the registration",
        rules("registration", cycle_years=3),
        BDAY,
        None,
        D("2024-03-15"),
        AS_OF,
        D("2027-03-15"),
        W("2024-03-15", "2027-03-15"),
        None,
    ),
    (
        "DEA MATE, second registration period",
        rules("registration", cycle_years=3),
        BDAY,
        None,
        D("2024-03-15"),
        D("2028-01-01"),
        D("2030-03-15"),
        W("2027-03-16", "2030-03-15"),
        W("2024-03-15", "2027-03-15"),
    ),
    (
        "ABIM MOC: five-year cycles from the cycle start, ending the day before",
        rules("cycle-start", cycle_years=5),
        BDAY,
        None,
        D("2024-01-01"),
        AS_OF,
        D("2028-12-31"),
        W("2024-01-01", "2028-12-31"),
        None,
    ),
    (
        "ABIM MOC, next cycle",
        rules("cycle-start", cycle_years=5),
        BDAY,
        None,
        D("2024-01-01"),
        D("2030-06-01"),
        D("2033-12-31"),
        W("2029-01-01", "2033-12-31"),
        W("2024-01-01", "2028-12-31"),
    ),
]


@pytest.mark.parametrize(
    ("r", "birthday", "expires", "issued", "as_of", "renewal", "current", "previous"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_every_anchor_places_renewals_and_windows(
    r: RenewalRules,
    birthday: date,
    expires: date | None,
    issued: date | None,
    as_of: date,
    renewal: date,
    current: CycleWindow,
    previous: CycleWindow | None,
) -> None:
    status = Clock(r, birthday, expires, issued).status(as_of)
    assert status.renewal_date == renewal
    assert status.current == current
    assert status.previous == previous


def test_an_assigned_date_needs_the_printed_date() -> None:
    with pytest.raises(ClockError, match="--expires"):
        Clock(rules("assigned"), BDAY).status(AS_OF)


def test_a_fixed_date_by_group_needs_the_printed_date() -> None:
    with pytest.raises(ClockError, match="--expires"):
        Clock(rules("fixed", month=1, day=31), BDAY).status(AS_OF)


def test_leap_day_may_fall_on_march_first() -> None:
    leapling = D("1980-02-29")
    feb = Clock(rules("birthday"), leapling, D("2026-02-28")).status(AS_OF)
    mar = Clock(rules("birthday", leap_day="mar-1"), leapling, D("2026-03-01")).status(AS_OF)
    assert feb.renewal_date == D("2028-02-29")
    assert mar.renewal_date == D("2028-02-29")
    assert Clock(rules("birthday", leap_day="mar-1"), leapling, D("2026-03-01")).status(
        D("2025-01-01")
    ).renewal_date == D("2026-03-01")


def test_renewal_index_counts_from_the_first_renewal() -> None:
    clock = Clock(rules("issue-month-end"), BDAY, None, D("2020-03-10"))
    assert clock.renewal_index(D("2022-03-31")) == 1
    assert clock.renewal_index(D("2024-03-31")) == 2
    assert clock.nth_renewal(3) == D("2026-03-31")
    assert (
        Clock(rules("issue-month-end"), BDAY, D("2026-03-31")).renewal_index(D("2026-03-31"))
        is None
    )


ANCHORS = st.sampled_from(
    [
        rules("birthday"),
        rules("birth-month-end"),
        rules("birth-month-end", years="birth-year-parity"),
        rules("fixed", month=6, day=30, years="even"),
        rules("fixed", month=1, day=31, years="odd"),
        rules("issue-month-end"),
        rules("issue-anniversary"),
        rules("registration", cycle_years=3),
        rules("cycle-start", cycle_years=5),
        rules("birthday", cycle_years=1),
    ]
)
DAYS = st.dates(min_value=D("1990-01-01"), max_value=D("2060-12-31"))


@given(ANCHORS, DAYS, DAYS, st.integers(min_value=0, max_value=4000))
@example(  # found by CI: a first renewal off the birth-year-parity series (2001 for 2000)
    rules("birth-month-end", years="birth-year-parity"), D("2000-01-01"), D("2000-01-31"), 367
)
def test_windows_tile_time_and_hold_the_day(
    r: RenewalRules, birthday: date, issued: date, later: int
) -> None:
    """Every day on or after the issue date lies in the current window; the previous window
    ends the day before it starts; the renewal date ends the window."""
    clock = Clock(r, birthday, None, issued)
    as_of = issued + timedelta(days=later)
    status = clock.status(as_of)
    assert status.current.contains(as_of)
    assert status.current.end == status.renewal_date
    if status.previous is not None:
        assert status.previous.end + timedelta(days=1) == status.current.start
    assert clock.cycle_containing(as_of) == status.current
