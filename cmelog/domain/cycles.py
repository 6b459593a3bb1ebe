"""Renewal dates and cycle windows (spec/rules.md, "Renewal dates and cycles"). Pure.

Renewal dates form a series: the birthday (29 February falls back to 28 February in common
years) in every second year, the years having the parity of an *anchor* year. The anchor comes
from the expiration date printed on the license when known (authoritative), else from the first
renewal estimated from the initial license date.

When the initial license date L is known, the series starts at the *first renewal*: with a
printed expiration date, S (the first series date strictly after L), or S plus two years when L
falls within the three months before S (rules.md 0.2); without one, the estimate of
`first_renewal_estimate`. Renewal dates before the first renewal do not exist, and the first
cycle runs from L (inclusive) through the first renewal.
"""

from __future__ import annotations

from datetime import date, timedelta

from cmelog.domain.dates import minus_months, on_birthday
from cmelog.domain.model import CycleWindow, Profile, Renewal
from cmelog.domain.rules import RenewalRules

SOURCE_LICENSE = "license"
SOURCE_ESTIMATED = "estimated"

APPLICATION_MAILING_DAYS = 60  # defaults (Massachusetts); a board's rules file may say otherwise
WAIVER_DAYS = 30
FIRST_RENEWAL_WINDOW_MONTHS = 3

_ONE_DAY = timedelta(days=1)


def _window(rules: RenewalRules | None) -> int:
    return rules.first_renewal_window_months if rules else FIRST_RENEWAL_WINDOW_MONTHS


def renewal_day(profile: Profile) -> date:
    """The date whose month and day renewals fall on: the birthday, unless the expiration date
    printed on the license (authoritative) falls on another day, which then wins."""
    printed = profile.license_expires
    if printed is not None and printed != on_birthday(profile.birthday, printed.year):
        return printed
    return profile.birthday


def first_renewal_estimate(
    birthday: date, issued: date, window_months: int = FIRST_RENEWAL_WINDOW_MONTHS
) -> date:
    """First renewal date estimated from the initial license date `issued` (L).

    B is the first birthday strictly after L. If L falls within three months before B
    (L >= B minus three months, inclusive), the first renewal is the birthday two years after B,
    otherwise one year after B. The first license period is thus 15 to 27 months.
    """
    b = on_birthday(birthday, issued.year)
    if b <= issued:
        b = on_birthday(birthday, issued.year + 1)
    years_after = 2 if issued >= minus_months(b, window_months) else 1
    return on_birthday(birthday, b.year + years_after)


def renewal_dates_anchor(profile: Profile, rules: RenewalRules | None = None) -> tuple[int, str]:
    """A year in which the physician renews, and where it comes from ("license"/"estimated")."""
    if profile.license_expires is not None:
        return profile.license_expires.year, SOURCE_LICENSE
    if profile.license_issued is not None:
        first = first_renewal_estimate(profile.birthday, profile.license_issued, _window(rules))
        return first.year, SOURCE_ESTIMATED
    raise ValueError(
        "the profile has neither a license expiration date nor an initial license date"
    )


def _series_on_or_after(birthday: date, anchor_year: int, d: date) -> date:
    """The smallest date on the birthday, in a year of the anchor's parity, that is >= d."""
    year = d.year if (d.year - anchor_year) % 2 == 0 else d.year + 1
    candidate = on_birthday(birthday, year)
    if candidate < d:
        candidate = on_birthday(birthday, year + 2)
    return candidate


def first_renewal(profile: Profile, rules: RenewalRules | None = None) -> date | None:
    """The first renewal after the initial license date, or None when that date is unknown."""
    issued = profile.license_issued
    if issued is None:
        return None
    if profile.license_expires is None:
        return first_renewal_estimate(profile.birthday, issued, _window(rules))
    # rules.md 0.2 "First renewal with both dates": S is the first date of the printed series
    # after L; the three-month rule then applies to S as it does to the birthday B.
    anchor_year, _ = renewal_dates_anchor(profile, rules)
    day = renewal_day(profile)
    s = _series_on_or_after(day, anchor_year, issued + _ONE_DAY)
    if issued >= minus_months(s, _window(rules)):
        return on_birthday(day, s.year + 2)
    return s


def renewal_on_or_after(profile: Profile, d: date, rules: RenewalRules | None = None) -> date:
    """The smallest renewal date >= d (the first renewal for any d before it)."""
    first = first_renewal(profile, rules)
    if first is not None and d <= first:
        return first
    anchor_year, _ = renewal_dates_anchor(profile, rules)
    return _series_on_or_after(renewal_day(profile), anchor_year, d)


def cycle_ending(profile: Profile, renewal: date, rules: RenewalRules | None = None) -> CycleWindow:
    """The cycle that ends on the renewal date `renewal`.

    It starts the day after the previous renewal date (the birthday two years earlier); the
    first cycle starts on the initial license date instead. Raises ValueError for a date before
    the first renewal, where no cycle ends.
    """
    issued = profile.license_issued
    first = first_renewal(profile, rules)
    if issued is not None and first is not None and renewal <= first:
        if renewal < first:
            raise ValueError(
                f"no renewal cycle ends on {renewal.isoformat()}: "
                f"the first renewal is {first.isoformat()}"
            )
        return CycleWindow(start=issued, end=renewal)
    previous = on_birthday(renewal_day(profile), renewal.year - 2)
    return CycleWindow(start=previous + _ONE_DAY, end=renewal)


def cycle_containing(profile: Profile, d: date, rules: RenewalRules | None = None) -> CycleWindow:
    """The cycle whose window contains d.

    Raises ValueError for a date before the initial license date, which no cycle contains.
    """
    if profile.license_issued is not None and d < profile.license_issued:
        raise ValueError(
            f"{d.isoformat()} is before the initial license date "
            f"{profile.license_issued.isoformat()}: no renewal cycle contains it"
        )
    return cycle_ending(profile, renewal_on_or_after(profile, d, rules), rules)


def renewal_status(profile: Profile, as_of: date, rules: RenewalRules | None = None) -> Renewal:
    """The renewal that ends the cycle current at `as_of`, with that cycle and the previous one.

    For an `as_of` before the initial license date this is the first renewal and first cycle
    (whose window then starts after `as_of`).
    """
    _, source = renewal_dates_anchor(profile, rules)
    renewal_date = renewal_on_or_after(profile, as_of, rules)
    current = cycle_ending(profile, renewal_date, rules)
    previous: CycleWindow | None
    if profile.license_issued is not None and profile.license_issued >= current.start:
        previous = None
    else:
        previous = cycle_ending(profile, current.start - _ONE_DAY, rules)
    return Renewal(
        as_of=as_of,
        renewal_date=renewal_date,
        source=source,
        current=current,
        previous=previous,
        application_mailing_date=renewal_date
        - timedelta(days=rules.application_mailing_days if rules else APPLICATION_MAILING_DAYS),
        waiver_deadline=renewal_date
        - timedelta(days=rules.waiver_request_days if rules else WAIVER_DAYS),
    )


def cycle_label(renewal: Renewal, d: date) -> str:
    """Where date d stands relative to `renewal`: "current", "previous", "earlier" or "later"."""
    if d > renewal.current.end:
        return "later"
    if renewal.current.contains(d):
        return "current"
    if renewal.previous is not None and renewal.previous.contains(d):
        return "previous"
    return "earlier"
