"""Requirement evaluation: what counts toward each requirement after every cap and overlap. Pure.

Entries may be real entries or aggregates of uncapped entries (id <= 0): the caller may sum plain
activities in SQL and pass one pseudo-entry per (kind, topics) group, since nothing about them
depends on order. Aggregates never appear in contributions, outcomes or met_by.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from cmelog.domain.credits import short_credits
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

IN_FULL = "counted in full"


def applies(condition: Condition, profile: Profile, renewal_date: date) -> bool:
    if condition.always:
        return True
    if condition.profile_flag is not None:
        return bool(getattr(profile, condition.profile_flag))
    if condition.renewal_on_or_after is not None:
        return renewal_date >= condition.renewal_on_or_after
    return True


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


def _order(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.effective_date, e.date, e.id))


def per_entry_credits(kind: Kind, credits: int) -> tuple[int, str | None]:
    if kind.max_per_entry is not None and credits > kind.max_per_entry:
        return kind.max_per_entry, (
            f"capped at {short_credits(kind.max_per_entry)}: {kind.label} counts at most "
            f"{short_credits(kind.max_per_entry)} credits per entry ({kind.source})"
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
                    f"per calendar year ({year}) ({kind.source})"
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
                    f"per cycle ({kind.source})"
                )
            cycle_used[kind.id] += amount
        outcomes[id(e)] = EntryOutcome(e.id, e.credits, amount, tuple(notes))
    return outcomes


def _qualifying(rules: Rules, req: Requirement, e: Entry) -> frozenset[str]:
    kind = kind_of(rules, e)
    return frozenset((set(e.topics) | set(kind.implied_topics)) & set(req.topics))


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
        if not req.counts_all:
            qualifying = _qualifying(rules, req, e)
            if not qualifying:
                continue
            if not kind.counts_toward_topics:
                if e.id > 0:
                    contributions.append(
                        Contribution(
                            e.id,
                            0,
                            f"not counted: {kind.label} counts toward the total only"
                            f" ({kind.source})",
                        )
                    )
                continue
            for cap in req.caps:
                if qualifying == {cap.only_topic}:
                    left = max(0, cap.max - cap_used[cap.only_topic])
                    if amount > left:
                        amount = left
                        notes.append(f"capped: {cap.label} ({cap.source})")
                    cap_used[cap.only_topic] += amount
            if req.id in kind.requirement_caps:
                limit = kind.requirement_caps[req.id]
                left = max(0, limit - cap_used["kind:" + kind.id])
                if amount > left:
                    amount = left
                    notes.append(
                        f"capped: {kind.label} counts at most {short_credits(limit)} credits "
                        f"toward {req.label.lower()} per cycle ({kind.source})"
                    )
                cap_used["kind:" + kind.id] += amount
        earned += amount
        if e.id > 0:
            contributions.append(Contribution(e.id, amount, "; ".join(notes) or IN_FULL))
        for n in notes:
            if n not in req_notes:
                req_notes.append(n)
    satisfied = False
    for kind in rules.kinds.values():
        if kind.satisfies != req.id or kind.satisfies_within_days is None:
            continue
        since = window.end - timedelta(days=kind.satisfies_within_days)
        if any(kind_of(rules, e).id == kind.id and e.effective_date >= since for e in ordered):
            satisfied = True
            req_notes.append(
                f"{kind.label} within the year before the renewal date satisfies the "
                f"{req.label.lower()} requirement ({kind.source})"
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
    entries: Sequence[Entry],
    attestations: Sequence[Attestation],
) -> RequirementResult:
    relevant = [e for e in _order(entries) if _qualifying(rules, req, e)]
    counting = [e for e in relevant if kind_of(rules, e).counts_toward_topics]
    attested = [a for a in attestations if a.requirement == req.id] if req.attestation else []
    contributions: list[Contribution] = []
    met_entries: list[Entry] = []
    earned = 0
    for e in counting:
        amount, note = per_entry_credits(kind_of(rules, e), e.credits)
        if e.id > 0 and (req.required is None or earned < req.required):
            met_entries.append(e)
        earned += amount
        if e.id > 0:
            contributions.append(Contribution(e.id, amount, note or IN_FULL))
    counting_ids = {e.id for e in counting}
    for e in relevant:
        if e.id > 0 and e.id not in counting_ids:
            kind = kind_of(rules, e)
            contributions.append(
                Contribution(e.id, 0, f"not counted: {kind.label} counts toward the total only")
            )
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
) -> Evaluation:
    """Evaluate every requirement of `rules` for the cycle `window` (which ends on renewal).

    cycle_entries: entries whose effective date lies in the window (aggregates allowed).
    year_prior: entries of year-capped kinds earlier in the calendar year of window.start.
    one_time_entries: every entry, any date, carrying a topic of a one-time requirement; or,
        per requirement id, the entries to consider for it (aggregates allowed after the
        entries that meet it).
    """
    inside = [e for e in cycle_entries if window.contains(e.effective_date)]
    outcomes = counted_toward_total(rules, window, inside, year_prior)
    ordered = _order(inside)
    results: list[RequirementResult] = []
    for req in rules.requirements:
        applicable = applies(req.applies, profile, window.end)
        if req.scope == "cycle":
            results.append(
                _evaluate_cycle_requirement(rules, req, applicable, window, ordered, outcomes)
            )
        else:
            pool = (
                one_time_entries.get(req.id, ())
                if isinstance(one_time_entries, Mapping)
                else one_time_entries
            )
            results.append(_evaluate_one_time(rules, req, applicable, pool, attestations))
    by_entry = {o.entry_id: o for o in outcomes.values() if o.entry_id > 0}
    return Evaluation(window=window, requirements=tuple(results), outcomes=by_entry)
