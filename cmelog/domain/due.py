"""What each requirement asks at one renewal of one license: whether it applies, how much, and
from which date evidence counts (docs/rules-schema.md: clocks, conditions, license types, the
first renewal). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from cmelog.domain.credits import short_credits
from cmelog.domain.cycles import Clock
from cmelog.domain.dates import minus_months
from cmelog.domain.model import CycleWindow, Ledger, License, Profile
from cmelog.domain.rules import FULL, Condition, Requirement, Rules
from cmelog.structs import Struct

_ONE_DAY = timedelta(days=1)


class Due(Struct, frozen=True):
    """One requirement at one renewal: applies, the amount (None: training), the first date of
    evidence that counts (None: the cycle window, or any date for a one-time requirement), and
    notes explaining the clock or why it does not apply."""

    applies: bool
    required: int | None
    since: date | None = None
    pooled: bool = False  # judged on evidence dated on or before the renewal date
    notes: tuple[str, ...] = ()


def holds(
    condition: Condition,
    profile: Profile,
    renewal: date,
    lic: License | None = None,
    ledgers: Sequence[Ledger] = (),
) -> bool:
    """Whether every part of `condition` holds for this physician, license and renewal."""
    for flag in condition.flags:
        if flag == "prescriber" and not profile.prescriber:
            return False
        if flag == "adult_patients" and not profile.adult_patients:
            return False
        if flag == "dea" and not (profile.prescriber or any(g.kind == "dea-mate" for g in ledgers)):
            return False
        # direct_patient_care: assumed (cmelog does not ask)
    if condition.renewal_on_or_after is not None and renewal < condition.renewal_on_or_after:
        return False
    issued = lic.issued if lic is not None else None
    # a license added without --issued is past its first renewal: an old license
    if condition.issued_on_or_after is not None and (
        issued is None or issued < condition.issued_on_or_after
    ):
        return False
    if (
        condition.issued_before is not None
        and issued is not None
        and issued >= condition.issued_before
    ):
        return False
    if condition.license_types:
        return (lic.type if lic is not None else "full") in condition.license_types
    return True


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def deadline_of(req: Requirement, clock: Clock) -> date | None:
    """A by-deadline requirement's due date for this license (None: long past, the issue date
    being unknown)."""
    candidates = [d for d in (req.deadline,) if d is not None]
    if req.deadline_renewal is not None:
        nth = clock.nth_renewal(req.deadline_renewal)
        if nth is not None:
            candidates.append(nth)
    if req.deadline_years_after_issue is not None and clock.issued is not None:
        from cmelog.domain.dates import on_birthday

        i = clock.issued
        candidates.append(on_birthday(i, i.year + req.deadline_years_after_issue))
    return min(candidates) if candidates else None


def due(
    rules: Rules,
    req: Requirement,
    profile: Profile,
    lic: License,
    clock: Clock,
    window: CycleWindow,
    ledgers: Sequence[Ledger] = (),
) -> Due:
    renewal = window.end
    lt = rules.license_types.get(lic.type, FULL)
    required = lt.required.get(req.id, req.required)
    if lt.exempt_all or req.id in lt.exempt:
        return Due(False, required, notes=(f"not required for a {lt.label.lower()}",))
    if not holds(req.applies, profile, renewal, lic, ledgers):
        return Due(False, required)
    notes: list[str] = []
    if clock.is_first(renewal) and req.first_renewal:
        months = _months_between(clock.issued or window.start, renewal)
        for tier in req.first_renewal:
            if tier.under_months is None or months < tier.under_months:
                if tier.required == 0:
                    return Due(False, required, notes=("not required at the first renewal",))
                required = tier.required if required is not None else None
                notes.append(
                    f"{short_credits(tier.required)} at the first renewal"
                    + (
                        f" (a first cycle shorter than {tier.under_months} months)"
                        if tier.under_months
                        else ""
                    )
                )
                break
    since: date | None = None
    pooled = req.clock != "cycle"
    if req.clock in ("lookback", "every-n-renewals"):
        index = clock.renewal_index(renewal)
        if req.first_renewals is not None and index is not None and index <= req.first_renewals:
            since = window.start
            notes.append(f"due in each of the first {req.first_renewals} cycles after issue")
        elif req.clock == "lookback":
            months = req.lookback_months or 0
            since = minus_months(renewal, months) + _ONE_DAY
            span = f"{months // 12} years" if months % 12 == 0 else f"{months} months"
            notes.append(f"evidence dated {since.isoformat()} or later counts (within {span})")
        else:
            start = renewal
            for _ in range((req.every or 1) - 1):
                start = clock.previous_renewal(start)
            try:
                since = clock.cycle_ending(start).start if start != renewal else window.start
            except ValueError:  # before the first renewal: since the license was issued
                since = clock.issued or window.start
            notes.append(f"due once in every {req.every} renewals: evidence since {since}")
    elif req.clock == "by-deadline":
        deadline = deadline_of(req, clock)
        if deadline is not None and renewal < deadline:
            return Due(False, required, notes=(f"due by {deadline.isoformat()}",))
        if deadline is not None:
            notes.append(f"due by {deadline.isoformat()}")
    if req.counts_since is not None:
        since = max(since, req.counts_since) if since else req.counts_since
        pooled = True
        notes.append(f"only evidence dated {req.counts_since.isoformat()} or later counts")
    return Due(True, required, since, pooled, tuple(notes))


def due_all(
    rules: Rules,
    profile: Profile,
    lic: License,
    clock: Clock,
    window: CycleWindow,
    ledgers: Sequence[Ledger] = (),
) -> dict[str, Due]:
    return {r.id: due(rules, r, profile, lic, clock, window, ledgers) for r in rules.requirements}
