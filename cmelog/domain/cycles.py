"""Renewal dates and cycle windows for any board's clock (docs/rules-schema.md `[renewal]`). Pure.

Renewal dates form a series: one date per *key year* (the anchor's day in that year: the
birthday, the last day of the birth month, a fixed date, the printed date, ...), in every
`cycle_years`-th year, the years aligned on an *anchor year*. The expiration date printed on a
license is authoritative: its year aligns the series, and when it falls off the anchor's day its
day wins. Without it the anchor year comes from the rules (`years = "even"`, the birth year's
parity, a ledger's start) or from the first renewal estimated from the initial license date.

When the initial license date L is known, the series starts at the *first renewal*
(`first_renewal`: the next series date after L, the three-month rule of Massachusetts, or the
first series date a whole cycle after L). Renewal dates before the first renewal do not exist,
and the first cycle runs from L through the first renewal. Every other cycle runs from the day
after the previous renewal date through its renewal date R, or, with `window_months`, from the
day after R minus that many months.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from cmelog.domain.dates import minus_months, on_birthday
from cmelog.domain.model import CycleWindow, License, Profile, Renewal
from cmelog.domain.rules import RenewalRules
from cmelog.errors import UsageError
from cmelog.structs import Struct

SOURCE_LICENSE = "license"
SOURCE_ESTIMATED = "estimated"

APPLICATION_MAILING_DAYS = 60  # defaults (Massachusetts); a board's rules file may say otherwise
WAIVER_DAYS = 30
FIRST_RENEWAL_WINDOW_MONTHS = 3

_ONE_DAY = timedelta(days=1)


class ClockError(UsageError, ValueError):
    """A license whose dates cannot place its renewals (exit 2, naming the option to give)."""


MA_RENEWAL = RenewalRules(
    anchor="birthday",
    cycle_years=2,
    application_mailing_days=APPLICATION_MAILING_DAYS,
    waiver_request_days=WAIVER_DAYS,
    records_cycles=2,
    first_renewal_window_months=FIRST_RENEWAL_WINDOW_MONTHS,
    source="",
    first_renewal="three-month-rule",
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _on_day(d: date, year: int, leap_day: str = "feb-28") -> date:
    """`d`'s month and day in `year`; 29 February falls on 28 February (or 1 March)."""
    if d.month == 2 and d.day == 29 and not calendar.isleap(year) and leap_day == "mar-1":
        return date(year, 3, 1)
    return on_birthday(d, year)


def _add_years(d: date, years: int) -> date:
    return on_birthday(d, d.year + years)


class Clock(Struct, frozen=True):
    """One license's (or ledger's) renewal clock: its rules and the dates that fix it."""

    rules: RenewalRules
    birthday: date
    expires: date | None = None  # printed on the license
    issued: date | None = None  # initial license date; a ledger's start date
    label: str = "license"  # for messages: "MA license", "dea-mate ledger"

    # ------------------------------------------------------------ the series
    def _anchor_day(self, year: int) -> date:
        r = self.rules
        a = r.anchor
        if a == "birthday":
            return _on_day(self.birthday, year, r.leap_day)
        if a == "birth-month-end":
            return _month_end(year, self.birthday.month)
        if a == "fixed":
            assert r.month is not None and r.day is not None
            return _on_day(date(2000, r.month, r.day), year, r.leap_day)
        if a == "issue-month-end":
            return _month_end(year, self._need_issued().month)
        if a == "issue-anniversary" or a == "registration":
            return _on_day(self._need_issued(), year, r.leap_day)
        if a == "cycle-start":
            return _on_day(self._need_issued(), year, r.leap_day) - _ONE_DAY
        # assigned: the printed date's day
        return _on_day(self._need_expires(), year, r.leap_day)

    def _need_issued(self) -> date:
        if self.issued is None:
            if self.expires is not None:
                return self.expires
            raise ClockError(
                f"The {self.label} renews from its issue date: give --issued DATE, or the "
                "expiration date printed on it with --expires DATE."
            )
        return self.issued

    def _need_expires(self) -> date:
        if self.expires is None:
            raise ClockError(
                f"The {self.label} renews on a date its board assigns: give the expiration date "
                "printed on it with --expires DATE."
            )
        return self.expires

    @property
    def printed_off_day(self) -> bool:
        """The printed date falls off the anchor's day: its day wins (rules.md 0.2)."""
        e = self.expires
        if e is None or self.rules.anchor == "assigned":
            return False
        return e != self._anchor_day(self._key_of(e))

    def day_in(self, key: int) -> date:
        """The series date of key year `key` (the printed day when it differs)."""
        if self.printed_off_day:
            assert self.expires is not None
            return _on_day(self.expires, key, self.rules.leap_day)
        return self._anchor_day(key)

    def _key_of(self, d: date) -> int:
        return (d + _ONE_DAY).year if self.rules.anchor == "cycle-start" else d.year

    @property
    def step(self) -> int:
        return self.rules.cycle_years

    def anchor_key(self) -> tuple[int, str]:
        """A key year in the series, and where it comes from ("license" / "estimated")."""
        r = self.rules
        if self.expires is not None:
            return self._key_of(self.expires), SOURCE_LICENSE
        known = self._key_without_printed_date()
        if known is not None:
            return known
        if self.issued is not None and r.anchor != "assigned":
            return self._key_of(self._estimate_first(self.issued)), SOURCE_ESTIMATED
        if r.anchor == "assigned":
            self._need_expires()
        raise ClockError(
            f"The {self.label} needs the expiration date printed on it (--expires DATE), "
            "or its initial license date (--issued DATE)."
        )

    def _key_without_printed_date(self) -> tuple[int, str] | None:
        """A key year fixed by the rules alone (yearly; even, odd or birth-year years; a
        ledger's start; the initial license date), or None when only the printed date, or an
        estimate from the initial license date, can fix it."""
        r = self.rules
        if self.step == 1:
            return 2000, SOURCE_LICENSE
        if r.anchor in ("registration", "cycle-start"):  # a ledger's own start date
            return self._key_of(self._anchor_day(self._need_issued().year)), SOURCE_LICENSE
        if r.anchor in ("issue-month-end", "issue-anniversary"):
            # derived from the initial license date: cli.md calls that "estimated" (the date
            # printed on the license, once entered, is authoritative)
            return self._key_of(self._anchor_day(self._need_issued().year)), SOURCE_ESTIMATED
        if r.years == "even":
            return 2000, SOURCE_LICENSE
        if r.years == "odd":
            return 2001, SOURCE_LICENSE
        if r.years == "birth-year-parity":
            return self.birthday.year, SOURCE_LICENSE
        return None

    def _in_series(self, key: int) -> bool:
        anchor, _ = self.anchor_key()
        return (key - anchor) % self.step == 0

    def series_on_or_after(self, d: date) -> date:
        """The smallest series date >= d (ignoring the first renewal)."""
        for key in range(self._key_of(d) - 1, self._key_of(d) + self.step + 2):
            if self._in_series(key):
                candidate = self.day_in(key)
                if candidate >= d:
                    return candidate
        raise AssertionError("unreachable: a series date lies within one cycle")

    def series_before(self, d: date) -> date:
        """The largest series date < d."""
        for key in range(self._key_of(d) + 1, self._key_of(d) - self.step - 2, -1):
            if self._in_series(key):
                candidate = self.day_in(key)
                if candidate < d:
                    return candidate
        raise AssertionError("unreachable: a series date lies within one cycle")

    # ------------------------------------------------------------ the first renewal
    def _next_anchor_day(self, d: date) -> date:
        """The first anchor day (in any year) on or after d."""
        key = self._key_of(d)
        candidate = self._anchor_day(key)
        return candidate if candidate >= d else self._anchor_day(key + 1)

    def _estimate_first(self, issued: date) -> date:
        """The first renewal without a printed date, the years' parity being unknown.

        Massachusetts (three-month rule): B is the first anchor day (birthday) strictly after
        L; the first renewal is B plus one year, or plus two when L falls within the three
        months before B (a first license period of 15 to 27 months). `next`: the first anchor
        day after L; `full-cycle`: the first anchor day a whole cycle after L."""
        r = self.rules
        if r.first_renewal == "full-cycle":
            return self._next_anchor_day(_add_years(issued, self.step))
        b = self._next_anchor_day(issued + _ONE_DAY)
        if r.first_renewal == "next":
            return b
        years_after = 2 if issued >= minus_months(b, r.first_renewal_window_months) else 1
        return self._next_anchor_day(_add_years(b, years_after))

    def first_renewal(self) -> date | None:
        """The first renewal after the initial license date, or None when that date is unknown."""
        issued = self.issued
        if issued is None:
            return None
        r = self.rules
        if self.expires is None:
            # estimated, unless the rules alone fix the series: then it is in the series
            known = self._key_without_printed_date()
            if known is None or known[1] != SOURCE_LICENSE:
                return self._estimate_first(issued)
        if r.first_renewal == "full-cycle":
            return self.series_on_or_after(_add_years(issued, self.step))
        s = self.series_on_or_after(issued + _ONE_DAY)
        if r.first_renewal == "three-month-rule" and issued >= minus_months(
            s, r.first_renewal_window_months
        ):
            return self.series_on_or_after(s + _ONE_DAY)
        return s

    # ------------------------------------------------------------ cycles
    def renewal_on_or_after(self, d: date) -> date:
        """The smallest renewal date >= d (the first renewal for any d before it)."""
        first = self.first_renewal()
        if first is not None and d <= first:
            return first
        return self.series_on_or_after(d)

    def cycle_ending(self, renewal: date) -> CycleWindow:
        """The CME window judged at renewal date `renewal`. Raises ValueError for a date before
        the first renewal, where no cycle ends."""
        issued = self.issued
        first = self.first_renewal()
        if issued is not None and first is not None and renewal <= first:
            if renewal < first:
                raise ValueError(
                    f"no renewal cycle ends on {renewal.isoformat()}: "
                    f"the first renewal is {first.isoformat()}"
                )
            if self.rules.window_months is None:
                return CycleWindow(start=issued, end=renewal)
        if self.rules.window_months is not None:
            return CycleWindow(
                start=minus_months(renewal, self.rules.window_months) + _ONE_DAY, end=renewal
            )
        return CycleWindow(start=self.previous_renewal(renewal) + _ONE_DAY, end=renewal)

    def previous_renewal(self, renewal: date) -> date:
        """The renewal date before `renewal` (its series date one cycle earlier)."""
        return self.day_in(self._key_of(renewal) - self.step)

    def is_first(self, renewal: date) -> bool:
        return renewal == self.first_renewal()

    def renewal_index(self, renewal: date) -> int | None:
        """1 for the first renewal after issue, 2 for the next, ...; None when the issue date is
        unknown (the license is then past its first renewals)."""
        first = self.first_renewal()
        if first is None:
            return None
        n, r = 1, first
        while r < renewal:
            r = self.series_on_or_after(r + _ONE_DAY)
            n += 1
        return n

    def nth_renewal(self, n: int) -> date | None:
        first = self.first_renewal()
        if first is None:
            return None
        r = first
        for _ in range(n - 1):
            r = self.series_on_or_after(r + _ONE_DAY)
        return r

    def cycle_containing(self, d: date) -> CycleWindow:
        if self.issued is not None and d < self.issued:
            raise ValueError(
                f"{d.isoformat()} is before the initial license date "
                f"{self.issued.isoformat()}: no renewal cycle contains it"
            )
        return self.cycle_ending(self.renewal_on_or_after(d))

    def status(self, as_of: date) -> Renewal:
        """The renewal that ends the cycle current at `as_of`, with that cycle and the previous
        one (for a window board: the windows judged at this renewal and the one before)."""
        _, source = self.anchor_key()
        renewal_date = self.renewal_on_or_after(as_of)
        current = self.cycle_ending(renewal_date)
        previous: CycleWindow | None
        first = self.first_renewal()
        first_cycle = first is not None and renewal_date <= first
        if first_cycle or (self.issued is not None and self.issued >= current.start):
            previous = None
        else:
            previous = self.cycle_ending(self.previous_renewal(renewal_date))
        r = self.rules
        return Renewal(
            as_of=as_of,
            renewal_date=renewal_date,
            source=source,
            current=current,
            previous=previous,
            application_mailing_date=renewal_date - timedelta(days=r.application_mailing_days),
            waiver_deadline=renewal_date - timedelta(days=r.waiver_request_days)
            if r.waiver_request_days is not None
            else None,
        )


def clock_for(
    birthday: date, lic: License, rules: RenewalRules | None = None, label: str = ""
) -> Clock:
    return Clock(
        rules or MA_RENEWAL,
        birthday,
        lic.expires,
        lic.issued,
        label or f"{lic.board} license",
    )


def _profile_clock(profile: Profile, rules: RenewalRules | None) -> Clock:
    return Clock(
        rules or MA_RENEWAL,
        profile.birthday,
        profile.license_expires,
        profile.license_issued,
        f"{profile.board} license",
    )


# ------------------------------------------------------------ the first license (0.1's API)
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
    """First renewal date estimated from the initial license date `issued` (L) (Massachusetts)."""
    rules = MA_RENEWAL
    if window_months != FIRST_RENEWAL_WINDOW_MONTHS:
        from cmelog.structs import replace

        rules = replace(rules, first_renewal_window_months=window_months)
    return Clock(rules, birthday)._estimate_first(issued)


def renewal_dates_anchor(profile: Profile, rules: RenewalRules | None = None) -> tuple[int, str]:
    """A year in which the physician renews, and where it comes from ("license"/"estimated")."""
    if profile.license_expires is None and profile.license_issued is None:
        raise ValueError(
            "the profile has neither a license expiration date nor an initial license date"
        )
    return _profile_clock(profile, rules).anchor_key()


def first_renewal(profile: Profile, rules: RenewalRules | None = None) -> date | None:
    return _profile_clock(profile, rules).first_renewal()


def renewal_on_or_after(profile: Profile, d: date, rules: RenewalRules | None = None) -> date:
    return _profile_clock(profile, rules).renewal_on_or_after(d)


def cycle_ending(profile: Profile, renewal: date, rules: RenewalRules | None = None) -> CycleWindow:
    return _profile_clock(profile, rules).cycle_ending(renewal)


def cycle_containing(profile: Profile, d: date, rules: RenewalRules | None = None) -> CycleWindow:
    return _profile_clock(profile, rules).cycle_containing(d)


def renewal_status(profile: Profile, as_of: date, rules: RenewalRules | None = None) -> Renewal:
    return _profile_clock(profile, rules).status(as_of)


def cycle_label(renewal: Renewal, d: date) -> str:
    """Where date d stands relative to `renewal`: "current", "previous", "earlier" or "later"."""
    if d > renewal.current.end:
        return "later"
    if renewal.current.contains(d):
        return "current"
    if renewal.previous is not None and renewal.previous.contains(d):
        return "previous"
    return "earlier"
