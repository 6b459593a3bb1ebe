"""Requirement evaluation: what counts toward each requirement after every cap and overlap. Pure.

Entries may be real entries or aggregates of uncapped entries (id <= 0): the caller may sum plain
activities in SQL and pass one pseudo-entry per (kind, topics, category) group, since nothing
about them depends on order (`aggregable`). Aggregates never appear in contributions, outcomes
or met_by.

Every cycle is judged as of its own end R (rules.md 0.2): one-time requirements are met only by
entries whose (end) date is on or before R and attestations dated on or before R. Every cap takes
entries in order of (end) date, then id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from cmelog.domain.credits import short_credits
from cmelog.domain.due import Due, holds
from cmelog.domain.model import (
    Attestation,
    Contribution,
    CycleWindow,
    Entry,
    EntryOutcome,
    Evaluation,
    MetBy,
    Profile,
    RequirementResult,
)
from cmelog.domain.rules import Condition, Kind, Requirement, Rules
from cmelog.structs import replace

IN_FULL = "counted in full"


def applies(condition: Condition, profile: Profile, renewal_date: date) -> bool:
    """Whether a requirement applies to the first license (profile flags and dates only)."""
    return condition.always or holds(condition, profile, renewal_date)


def cite(source: str) -> str:
    """A source as cited in a note: its name, without the explanation after a colon."""
    return source.split(": ", 1)[0].split(" ('", 1)[0]


def kind_of(rules: Rules, entry: Entry) -> Kind:
    return rules.kinds.get(entry.kind) or rules.kinds["activity"]


def is_plain(kind: Kind) -> bool:
    """A kind whose entries count independently of one another (safe to aggregate)."""
    return (
        kind.max_per_entry is None
        and kind.year_cap is None
        and kind.cycle_cap is None
        and not kind.requirement_caps
        and kind.satisfies is None
    )


def cap_topics(rules: Rules) -> frozenset[str]:
    """Topics whose entries share a cap within a requirement (wellness): order matters for them."""
    return frozenset(c.topic for r in rules.requirements for c in r.caps)


def caps_order_free(rules: Rules, listed: Iterable[Entry]) -> bool:
    """True when entries of plain kinds tagged with a capped topic (wellness) may be summed
    like the others: no requirement has two caps, and none of `listed` (the entries of kinds
    with caps of their own, counted one by one) carries or implies a capped topic. Then every
    entry meets at most one cap per requirement, and a cap counts min(cap, sum) in any order."""
    if any(len(r.caps) > 1 for r in rules.requirements):
        return False
    topics = cap_topics(rules)
    return not any((set(e.topics) | set(kind_of(rules, e).implied_topics)) & topics for e in listed)


def aggregable(rules: Rules, entry: Entry) -> bool:
    """True when the entry may be summed with others of its (kind, topics, category) group."""
    return is_plain(kind_of(rules, entry)) and not (set(entry.topics) & cap_topics(rules))


def _order(entries: Iterable[Entry]) -> list[Entry]:
    """Caps take entries in order of (end) date, then id (rules.md 0.2 "Order of caps")."""
    return sorted(entries, key=lambda e: (e.effective_date, e.id))


def per_entry_credits(kind: Kind, credits: int) -> tuple[int, str | None]:
    if kind.max_per_entry is not None and credits > kind.max_per_entry:
        return kind.max_per_entry, (
            f"capped at {short_credits(kind.max_per_entry)}: {kind.label} counts at most "
            f"{short_credits(kind.max_per_entry)} credits per entry ({cite(kind.source)})"
        )
    return credits, None


def counted_toward_total(
    rules: Rules, window: CycleWindow, entries: Sequence[Entry], year_prior: Sequence[Entry]
) -> dict[int, EntryOutcome]:
    """Each cycle entry's credits after per-entry, calendar-year and cycle caps of its kind.

    `year_prior` are entries of year-capped kinds dated earlier in the calendar year in which the
    cycle starts: they use up that year's cap first.
    """
    year_used: dict[tuple[str, int], int] = defaultdict(int)
    cycle_used: dict[str, int] = defaultdict(int)
    outcomes: dict[int, EntryOutcome] = {}
    prior_ids = {id(e) for e in year_prior}
    for e in _order([*year_prior, *entries]):
        kind = kind_of(rules, e)
        amount, note = per_entry_credits(kind, e.credits)
        notes = [note] if note else []
        if kind.year_cap is not None:
            year = e.effective_date.year
            left = max(0, kind.year_cap - year_used[(kind.id, year)])
            if amount > left:
                amount = left
                notes.append(
                    f"capped: {kind.label} counts at most {short_credits(kind.year_cap)} credits "
                    f"per calendar year ({year}) ({cite(kind.source)})"
                )
            year_used[(kind.id, year)] += amount
        if id(e) in prior_ids:
            continue
        if kind.cycle_cap is not None:
            left = max(0, kind.cycle_cap - cycle_used[kind.id])
            if amount > left:
                amount = left
                notes.append(
                    f"capped: {kind.label} counts at most {short_credits(kind.cycle_cap)} credits "
                    f"per cycle ({cite(kind.source)})"
                )
            cycle_used[kind.id] += amount
        outcomes[id(e)] = EntryOutcome(e.id, e.credits, amount, tuple(notes))
    return outcomes


def _qualifying(rules: Rules, req: Requirement, e: Entry) -> frozenset[str]:
    """The topics by which `e` counts toward `req` (empty: it does not)."""
    kind = kind_of(rules, e)
    if req.category is not None and e.category != req.category:
        return frozenset()
    own = set(e.topics) if kind.own_topics else set()
    return frozenset((own | set(kind.implied_topics)) & set(req.topics))


def _ignored_note(rules: Rules, req: Requirement, e: Entry) -> str | None:
    """Why an entry tagged with a topic of `req` does not count toward it, if it does not."""
    if not set(e.topics) & set(req.topics):
        return None  # not tagged with a topic of the requirement: nothing to explain
    kind = kind_of(rules, e)
    if _qualifying(rules, req, e) and kind.counts_toward_topics:
        return None  # it counts
    if req.category is not None and e.category != req.category:
        return (
            f"not counted: only Category {req.category} entries count toward "
            f"{req.label.lower()} ({cite(req.source)})"
        )
    if not kind.counts_toward_topics:
        return f"not counted: {kind.label} counts toward the total only ({cite(kind.source)})"
    if not kind.own_topics:
        implied = ", ".join(kind.implied_topics) or "no topic"
        return (
            f"not counted: {kind.label} counts toward the total and {implied} only "
            f"({cite(kind.source)})"
        )
    return None


def has_requirement_caps(rules: Rules, req: Requirement) -> bool:
    """Whether some entries count toward `req` only up to a cap (its own topic caps, or a kind's
    cap toward it): such entries are counted one by one, in date order."""
    return bool(req.caps) or any(req.id in k.requirement_caps for k in rules.kinds.values())


def _requirement_caps(
    req: Requirement,
    kind: Kind,
    qualifying: frozenset[str],
    amount: int,
    notes: list[str],
    cap_used: dict[str, int],
) -> int:
    """What an entry counts toward `req` after the requirement's caps (a topic's, a kind's):
    every cap that applies limits it, and each then uses what it counts. Caps are used up in the
    order entries are given (date order); a note is added to `notes` for each cap that bit."""
    applied: list[str] = []
    for cap in req.caps:
        if cap.topic in qualifying:
            key = "topic:" + cap.topic
            applied.append(key)
            left = max(0, cap.max - cap_used[key])
            if amount > left:
                amount = left
                notes.append(f"capped: {cap.label} ({cap.source})")
    if req.id in kind.requirement_caps:
        limit = kind.requirement_caps[req.id]
        key = "kind:" + kind.id
        applied.append(key)
        left = max(0, limit - cap_used[key])
        if amount > left:
            amount = left
            per = "per cycle" if req.scope == "cycle" else "in all"
            notes.append(
                f"capped: {kind.label} counts at most {short_credits(limit)} credits "
                f"toward {req.label.lower()} {per} ({cite(kind.source)})"
            )
    for key in applied:
        cap_used[key] += amount
    return amount


def _evaluate_cycle_requirement(
    rules: Rules,
    req: Requirement,
    applicable: bool,
    window: CycleWindow,
    ordered: Sequence[Entry],
    outcomes: dict[int, EntryOutcome],
) -> RequirementResult:
    earned = 0
    contributions: list[Contribution] = []
    req_notes: list[str] = []
    cap_used: dict[str, int] = defaultdict(int)
    for e in ordered:
        kind = kind_of(rules, e)
        outcome = outcomes[id(e)]
        amount = outcome.counted
        notes = list(outcome.notes)
        if req.counts_all and req.category is not None and e.category != req.category:
            continue  # a Category 1 minimum (TX, NH) counts Category 1 entries only
        if not req.counts_all:
            qualifying = _qualifying(rules, req, e)
            if not qualifying or not kind.counts_toward_topics:
                ignored = _ignored_note(rules, req, e)
                if ignored and e.id > 0:
                    contributions.append(Contribution(e.id, 0, ignored))
                continue
            amount = _requirement_caps(req, kind, qualifying, amount, notes, cap_used)
        earned += amount
        if e.id > 0:
            contributions.append(Contribution(e.id, amount, "; ".join(notes) or IN_FULL))
        for n in notes:
            if n not in req_notes:
                req_notes.append(n)
    satisfied = False
    for kind in rules.kinds.values():
        since = kind.satisfies_since(window.end) if kind.satisfies == req.id else None
        if since is None:
            continue
        if any(
            kind_of(rules, e).id == kind.id and since <= e.effective_date <= window.end
            for e in ordered
        ):
            satisfied = True
            req_notes.append(
                f"{kind.label} within the year before the renewal date satisfies the "
                f"{req.label.lower()} requirement ({cite(kind.source)})"
            )
    required = req.required or 0
    return RequirementResult(
        id=req.id,
        label=req.label,
        scope=req.scope,
        applies=applicable,
        required=req.required,
        earned=earned,
        met=(not applicable) or earned >= required or satisfied,
        source=req.source,
        contributions=tuple(contributions),
        notes=tuple(req_notes),
    )


def _evaluate_one_time(
    rules: Rules,
    req: Requirement,
    applicable: bool,
    renewal: date,
    entries: Sequence[Entry],
    attestations: Sequence[Attestation],
    since: date | None = None,
    notes: tuple[str, ...] = (),
) -> RequirementResult:
    """A one-time requirement of the cycle ending on `renewal`: only evidence dated on or before
    it counts (rules.md 0.2 "One-time evidence is dated"); with `since` (look-back clocks), only
    evidence dated on or after it too."""
    floor = since or date.min
    dated = [e for e in _order(entries) if floor <= e.effective_date <= renewal]
    counting = [
        e for e in dated if _qualifying(rules, req, e) and kind_of(rules, e).counts_toward_topics
    ]
    attested = (
        sorted(
            (a for a in attestations if a.requirement == req.id and floor <= a.date <= renewal),
            key=lambda a: (a.date, a.id),
        )
        if req.attestation
        else []
    )
    contributions: list[Contribution] = []
    met_entries: list[Entry] = []
    earned = 0
    cap_used: dict[str, int] = defaultdict(int)
    req_notes = list(notes)
    for e in counting:
        kind = kind_of(rules, e)
        amount, note = per_entry_credits(kind, e.credits)
        capped: list[str] = []
        amount = _requirement_caps(req, kind, _qualifying(rules, req, e), amount, capped, cap_used)
        if e.id > 0 and amount and (req.required is None or earned < req.required):
            met_entries.append(e)
        earned += amount
        if e.id > 0:
            entry_notes = ([note] if note else []) + capped
            contributions.append(Contribution(e.id, amount, "; ".join(entry_notes) or IN_FULL))
        req_notes += [n for n in capped if n not in req_notes]
    for e in dated:
        ignored = _ignored_note(rules, req, e) if e.id > 0 else None
        if ignored:
            contributions.append(Contribution(e.id, 0, ignored))
    if req.required is None:
        by_entries = bool(counting)
        met_entries = [e for e in counting if e.id > 0][:1]
    else:
        by_entries = earned >= req.required
    met_by: list[MetBy] = [MetBy("entry", e.id) for e in met_entries] if by_entries else []
    met_by += [MetBy("attestation", a.id) for a in attested]
    return RequirementResult(
        id=req.id,
        label=req.label,
        scope=req.scope,
        applies=applicable,
        required=req.required,
        earned=None if req.required is None else earned,
        met=(not applicable) or by_entries or bool(attested),
        source=req.source,
        met_by=tuple(met_by),
        contributions=tuple(contributions),
        notes=tuple(req_notes),
    )


def evaluate(
    rules: Rules,
    profile: Profile,
    window: CycleWindow,
    cycle_entries: Sequence[Entry],
    *,
    year_prior: Sequence[Entry] = (),
    one_time_entries: Sequence[Entry] | Mapping[str, Sequence[Entry]] = (),
    attestations: Sequence[Attestation] = (),
    due: Mapping[str, Due] | None = None,
    carried: Mapping[str, tuple[int, str]] | None = None,
) -> Evaluation:
    """Evaluate every requirement of `rules` for the cycle `window` (which ends on renewal).

    cycle_entries: entries whose effective date lies in the window (aggregates allowed).
    year_prior: entries of year-capped kinds earlier in the calendar year of window.start.
    one_time_entries: every entry carrying a topic of a one-time requirement (those dated after
        window.end are ignored here); or, per requirement id, the entries to consider for it
        (aggregates allowed after the entries that meet it).
    attestations: every attestation (those dated after window.end are ignored here).
    due: per requirement id, what this license asks at this renewal (domain/due.py); without
        it, the requirement as written, applying by the profile's flags.
    carried: per requirement id, credits carried forward into it and the period they come from.
    """
    inside = [e for e in cycle_entries if window.contains(e.effective_date)]
    outcomes = counted_toward_total(rules, window, inside, year_prior)
    ordered = _order(inside)
    results: list[RequirementResult] = []
    for req in rules.requirements:
        d = due.get(req.id) if due is not None else None
        if d is None:
            applicable = applies(req.applies, profile, window.end)
        else:
            applicable = d.applies
            if d.required != req.required:
                req = replace(req, required=d.required)
        if req.scope == "cycle" and not (d is not None and d.pooled):
            result = _evaluate_cycle_requirement(rules, req, applicable, window, ordered, outcomes)
            if d is not None and d.notes:
                result = replace(result, notes=(*d.notes, *result.notes))
        else:
            pool = (
                one_time_entries.get(req.id, ())
                if isinstance(one_time_entries, Mapping)
                else one_time_entries
            )
            result = _evaluate_one_time(
                rules,
                req,
                applicable,
                window.end,
                pool,
                attestations,
                since=d.since if d is not None else None,
                notes=d.notes if d is not None else (),
            )
        if carried and req.id in carried and result.earned is not None:
            amount, period = carried[req.id]
            earned = result.earned + amount
            result = replace(
                result,
                earned=earned,
                met=result.met or earned >= (req.required or 0),
                notes=(
                    *result.notes,
                    f"{short_credits(amount)} credits carried forward from the period {period}",
                ),
            )
        results.append(result)
    by_entry = {o.entry_id: o for o in outcomes.values() if o.entry_id > 0}
    return Evaluation(window=window, requirements=tuple(results), outcomes=by_entry)
