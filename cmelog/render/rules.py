"""`requirements`: the rules in force, with sources (JSON and the human text)."""

from __future__ import annotations

from datetime import date
from typing import Any

from cmelog.domain.credits import credits_phrase, json_number, short_credits
from cmelog.domain.rules import Kind, LicenseType, Requirement, Rules


def _n(v: int | None) -> int | float | None:
    return None if v is None else json_number(v)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _count(n: int, noun: str) -> str:
    """1 -> "1 cycle", 2 -> "2 cycles" (the noun in the right number)."""
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _span(months: int) -> str:
    """12 -> "1 year", 96 -> "8 years", 18 -> "18 months"."""
    if months % 12 == 0:
        return _count(months // 12, "year")
    return _count(months, "month")


def amount_phrase(rules: Rules, hundredths: int) -> str:
    """'50 credits', or '100 points' in a ledger counted in points."""
    if rules.unit == "points":
        figure = short_credits(hundredths)
        return f"{figure} {'point' if hundredths == 100 else 'points'}"
    return credits_phrase(hundredths)


def clock_words(req: Requirement) -> str:
    """The requirement's clock in words: "each cycle", "once", "every 3 renewals", ..."""
    c = req.clock
    if c == "once":
        words = "once"
    elif c == "every-n-renewals":
        words = f"every {req.every} renewals" if req.every != 1 else "every renewal"
    elif c == "lookback":
        words = f"within {_span(req.lookback_months or 0)} before renewal"
    elif c == "by-deadline":
        due = []
        if req.deadline is not None:
            due.append(req.deadline.isoformat())
        if req.deadline_renewal is not None:
            due.append(f"the {_ordinal(req.deadline_renewal)} renewal")
        if req.deadline_years_after_issue is not None:
            due.append(f"{_count(req.deadline_years_after_issue, 'year')} after issue")
        words = "once, due by " + " or ".join(due) + (", whichever first" if len(due) > 1 else "")
    else:
        words = "each cycle"
    if req.first_renewals is not None and c in ("lookback", "every-n-renewals"):
        k = req.first_renewals
        first = "the first cycle" if k == 1 else f"each of the first {k} cycles"
        words = f"{first}, then {words}"
    if req.counts_since is not None:
        words += f" (evidence dated on or after {req.counts_since.isoformat()})"
    return words


def first_renewal_words(rules: Rules, req: Requirement) -> str | None:
    """What the first renewal asks of the requirement, when it differs."""
    tiers = req.first_renewal
    if not tiers:
        return None
    if len(tiers) == 1 and tiers[0].required == 0 and tiers[0].under_months is None:
        return "not required at the first renewal"
    parts = []
    for t in tiers:
        amount = amount_phrase(rules, t.required) if t.required else "none"
        if t.under_months is None:
            parts.append(f"{amount} otherwise")
        else:
            parts.append(f"{amount} when the first cycle is under {t.under_months} months")
    return "at the first renewal: " + "; ".join(parts)


def flag_label(req: Requirement) -> str:
    """The visible label of a flagged rule (graded C or D, or unverified); "" otherwise."""
    labels = []
    if not req.verified:
        labels.append(f"[unverified: {req.missing}]" if req.missing else "[unverified]")
    if req.grade in ("C", "D"):
        labels.append(f"[grade {req.grade} source]")
    return " ".join(labels)


def renewal_words(rules: Rules) -> str:
    """The renewal clock in one truthful sentence (anchor, years, window, grace, notices)."""
    r = rules.renewal
    every = "every year" if r.cycle_years == 1 else f"every {r.cycle_years} years"
    years = {
        "even": " of even years",
        "odd": " of odd years",
        "birth-year-parity": " in years of the same parity as the birth year",
    }.get(r.years, "")
    when = {
        "birthday": f"on the birthday{years}",
        "birth-month-end": f"on the last day of the birth month{years}",
        "assigned": "on the date the board assigns (the printed expiration date is required)",
        "issue-month-end": "on the last day of the month of issue",
        "issue-anniversary": "on the anniversary of the issue date",
        "registration": "from the registration date (ledger add --registered)",
        "cycle-start": (
            "in cycles that start on --cycle-start and end the day before its anniversary"
        ),
    }.get(r.anchor, r.anchor)
    if r.anchor == "fixed" and r.month and r.day:
        when = f"on {_MONTHS[r.month - 1]} {r.day}{years}"
        if r.years == "printed":
            when += " (the year from the printed expiration date)"
    kind = "Cycle" if rules.ledger else "Renewal"
    parts = [f"{kind} {every} {when}"]
    if r.window_months is not None and r.window_months != 12 * r.cycle_years:
        parts.append(f"CME window: the {_count(r.window_months, 'month')} before each renewal date")
    first = {
        "next": "the first renewal is the first renewal date after the issue date",
        "three-month-rule": (
            "the first renewal is the first renewal date after the issue date, or the one after "
            f"it when issued within {r.first_renewal_window_months} months before it"
        ),
        "full-cycle": (
            f"the first renewal is the first renewal date at least {every.removeprefix('every ')}"
            " after issue"
        ),
    }.get(r.first_renewal)
    if first and r.anchor != "assigned":
        parts.append(first)
    if r.grace_days == 0:
        parts.append("no grace period after expiry")
    elif r.grace_days:
        parts.append(f"{_count(r.grace_days, 'day')} of grace after expiry")
    parts.append(f"notice {_count(r.application_mailing_days, 'day')} before")
    if r.waiver_request_days is not None:
        parts.append(f"waiver requests due {_count(r.waiver_request_days, 'day')} before")
    else:
        parts.append("no waiver deadline")
    parts.append(f"records kept for {_count(r.records_cycles, 'cycle')}")
    return "; ".join(parts) + "."


def _license_type_words(rules: Rules, lt: LicenseType) -> str:
    bits = []
    if lt.exempt_all:
        bits.append("no CME")
    elif lt.exempt:
        bits.append("exempt from " + ", ".join(lt.exempt))
    for rid, amount in lt.required.items():
        bits.append(f"{rid} {amount_phrase(rules, amount)}")
    return f"{lt.id}: {lt.label}" + (f" ({'; '.join(bits)})" if bits else "")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def rules_json(rules: Rules) -> dict[str, Any]:
    r = rules.renewal
    return {
        "board": rules.board,
        "name": rules.name,
        "sources": list(rules.sources),
        "advice": list(rules.advice),
        "ledger": rules.ledger,
        "unit": rules.unit,
        "renewal": {
            "anchor": r.anchor,
            "cycle_years": r.cycle_years,
            "application_mailing_days": r.application_mailing_days,
            "waiver_request_days": r.waiver_request_days,
            "records_cycles": r.records_cycles,
            "source": r.source,
            "years": r.years,
            "month": r.month,
            "day": r.day,
            "leap_day": r.leap_day,
            "window_months": r.months,
            "grace_days": r.grace_days,
            "first_renewal": r.first_renewal,
            "first_renewal_window_months": r.first_renewal_window_months,
            "date": r.date.isoformat() if r.date else None,
            "note": r.note or None,
            "text": renewal_words(rules),
        },
        "requirements": [
            {
                "id": q.id,
                "label": q.label,
                "scope": q.scope,
                "required": _n(q.required),
                "training": q.training,
                "applies": q.applies.describe(),
                "counts": "all" if q.counts_all else list(q.topics),
                "attestation": q.attestation,
                "category": q.category,
                "caps": [
                    {
                        "topic": c.topic,
                        "only_topic": c.topic,  # 0.1's name for it (keys are never removed)
                        "max": _n(c.max),
                        "per": c.per,
                        "label": c.label,
                        "source": c.source,
                    }
                    for c in q.caps
                ],
                "text": q.text,
                "source": q.source,
                "date": q.date.isoformat() if q.date else None,
                "note": q.note or None,
                "clock": q.clock,
                "clock_text": clock_words(q),
                "clock_rule": {
                    "kind": q.clock,
                    "every": q.every,
                    "lookback_months": q.lookback_months,
                    "deadline": q.deadline.isoformat() if q.deadline else None,
                    "deadline_renewal": q.deadline_renewal,
                    "deadline_years_after_issue": q.deadline_years_after_issue,
                    "first_renewals": q.first_renewals,
                    "counts_since": q.counts_since.isoformat() if q.counts_since else None,
                },
                "conditions": {
                    "flags": list(q.applies.flags),
                    "renewal_on_or_after": _iso(q.applies.renewal_on_or_after),
                    "issued_on_or_after": _iso(q.applies.issued_on_or_after),
                    "issued_before": _iso(q.applies.issued_before),
                    "license_types": list(q.applies.license_types),
                },
                "first_renewal": [
                    {"required": _n(t.required), "under_months": t.under_months}
                    for t in q.first_renewal
                ],
                "carry_forward_max": _n(q.carry_forward_max),
                "grade": q.grade,
                "verified": q.verified,
                "missing": q.missing or None,
                "flagged": q.flagged,
                "label_flag": flag_label(q) or None,
            }
            for q in rules.requirements
        ],
        "license_types": [
            {
                "id": lt.id,
                "label": lt.label,
                "required": {rid: _n(v) for rid, v in lt.required.items()},
                "exempt": "all" if lt.exempt_all else list(lt.exempt),
                "source": lt.source,
                "date": _iso(lt.date),
                "note": lt.note or None,
            }
            for lt in rules.license_types.values()
        ],
        "calendar": {
            "renewal": rules.calendar.renewal,
            "application": rules.calendar.application,
            "waiver": rules.calendar.waiver,
        },
        "kinds": [
            {
                "id": k.id,
                "label": k.label,
                "category": k.category,
                "credits": _n(k.credits),
                "credits_per_hour": k.credits_per_hour,
                "max_per_entry": _n(k.max_per_entry),
                "year_cap": _n(k.year_cap),
                "cycle_cap": _n(k.cycle_cap),
                "requirement_caps": {rid: _n(v) for rid, v in k.requirement_caps.items()},
                "counts_toward": k.counts_toward,
                "implied_topics": list(k.implied_topics),
                "satisfies": k.satisfies,
                "satisfies_within_days": k.satisfies_within_days,
                "satisfies_within_months": k.satisfies_within_months,
                "source": k.source,
                "date": k.date.isoformat() if k.date else None,
                "note": k.note or None,
            }
            for k in rules.kinds.values()
        ],
        "topics": dict(rules.topics),
        "formats": dict(rules.formats),
    }


def _kind_bits(k: Kind) -> list[str]:
    bits = []
    if k.category:
        bits.append(f"Category {k.category}")
    if k.credits is not None:
        bits.append(f"{short_credits(k.credits)} credits")
    if k.credits_per_hour != 1:
        bits.append(f"{k.credits_per_hour} credits per hour")
    if k.max_per_entry is not None:
        bits.append(f"at most {short_credits(k.max_per_entry)} per entry")
    if k.year_cap is not None:
        bits.append(f"at most {short_credits(k.year_cap)} per calendar year")
    if k.cycle_cap is not None:
        bits.append(f"at most {short_credits(k.cycle_cap)} per cycle")
    for rid, limit in k.requirement_caps.items():
        bits.append(f"at most {short_credits(limit)} toward {rid} per cycle")
    if k.counts_toward == "total":
        bits.append("total only")
    elif k.counts_toward == "implied":
        bits.append("counts toward the total and " + ", ".join(k.implied_topics) + " only")
    elif k.implied_topics:
        bits.append("counts toward " + ", ".join(k.implied_topics))
    if k.satisfies and k.satisfies_within_months == 12:
        bits.append(
            f"on or after the same day one year before the renewal date it satisfies the "
            f"{k.satisfies} requirement"
        )
    elif k.satisfies and k.satisfies_within_months:
        bits.append(
            f"within {k.satisfies_within_months} months before the renewal date it satisfies "
            f"the {k.satisfies} requirement"
        )
    elif k.satisfies and k.satisfies_within_days:
        bits.append(
            f"within {k.satisfies_within_days} days before the renewal date it satisfies "
            f"the {k.satisfies} requirement"
        )
    return bits


def requirements_text(rules: Rules) -> None:
    """The rules in force for a physician: each requirement and kind with its source and date."""
    from rich.text import Text

    from cmelog.render.text import _indented, console

    out = console()
    what = f"ledger {rules.ledger}" if rules.ledger else rules.board
    out.print(Text(f"{rules.name} ({what})", style="bold"))
    unit = " Amounts are MOC points." if rules.unit == "points" else ""
    source = f" Source: {rules.renewal.source}." if rules.renewal.source else ""
    _indented(out, f"{renewal_words(rules)}{unit}{source}", 0)
    if rules.renewal.note:
        _indented(out, f"Note: {rules.renewal.note}", 0)
    if len(rules.license_types) > 1:
        _indented(out, "License types (license add --type):", 0)
        for lt in rules.license_types.values():
            _indented(out, _license_type_words(rules, lt), 2)
    out.print()
    for req in rules.requirements:
        amount = "training" if req.required is None else amount_phrase(rules, req.required)
        head = Text(f"{req.id}", style="bold")
        head.append(
            f"  {req.label}: {amount}, {clock_words(req)}; applies to {req.applies.describe()}"
        )
        flag = flag_label(req)
        if flag:
            head.append(f" {flag}", style="bold yellow")
        out.print(head)
        if req.text:
            _indented(out, f"{req.text}", 4)
        only = f" (Category {req.category} entries only)" if req.category else ""
        if req.topics:
            _indented(out, f"Counts: topics {', '.join(req.topics)}{only}", 4)
        else:
            _indented(out, f"Counts: every entry of the cycle, after caps{only}", 4)
        if req.scope == "one-time":
            _indented(out, "Met only by evidence dated on or before the renewal date.", 4)
        first = first_renewal_words(rules, req)
        if first:
            _indented(out, f"First renewal: {first}.", 4)
        if req.carry_forward_max is not None:
            _indented(
                out,
                f"Carry-forward: up to {amount_phrase(rules, req.carry_forward_max)} earned "
                "beyond the amount in the previous cycle count in this one.",
                4,
            )
        for cap in req.caps:
            label = cap.label or f"{cap.topic} counts at most {short_credits(cap.max)} per cycle"
            _indented(out, f"Cap: {label}" + (f" ({cap.source})" if cap.source else ""), 4)
        if req.attestation:
            _indented(out, f"May be met by an attestation: cmelog attest {req.id} ...", 4)
        if req.note:
            _indented(out, f"Note: {req.note}", 4)
        dated = f" ({req.date.isoformat()})" if req.date else ""
        graded = f", grade {req.grade}" if req.grade else ""
        if req.source:  # none for a user's rule that names none: no empty line
            _indented(out, f"Source{dated}{graded}: {req.source}", 4)
    out.print()
    out.print(Text("Other ways to earn credit (--kind)", style="bold"))
    for k in rules.kinds.values():
        bits = _kind_bits(k)
        _indented(out, f"{k.id}: {k.label}" + (f" ({'; '.join(bits)})" if bits else ""), 2)
        dated = f" ({k.date.isoformat()})" if k.date else ""
        if k.source:  # none for the built-in `activity`: no empty line
            _indented(out, f"Source{dated}: {k.source}", 6)
        if k.note:
            _indented(out, f"Note: {k.note}", 6)
    out.print()
    for a in rules.advice:
        _indented(out, f"Note: {a}", 0)
