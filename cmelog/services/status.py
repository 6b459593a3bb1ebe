"""status and requirements: evaluate the current cycle (aggregating plain activities in SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from cmelog.domain.dates import parse_date
from cmelog.domain.engine import cap_topics, evaluate, is_plain
from cmelog.domain.model import CycleWindow, Entry, Evaluation, Profile
from cmelog.domain.plan import next_steps
from cmelog.domain.rules import Rules
from cmelog.domain.status import StatusReport
from cmelog.services.context import Context, require_profile, rules_for


def evaluate_cycle(
    s: Any, rules: Rules, profile: Profile, window: CycleWindow, *, detail: bool
) -> Evaluation:
    """The evaluation of the cycle `window`, judged as of its own end (the renewal date R).

    Only entries whose (end) date lies in the window count toward its cycle requirements, and
    only evidence dated on or before R meets its one-time requirements (rules.md 0.2), whatever
    today is. `detail=True` loads every entry of the window (contributions name each one, for
    --explain and the audit export); `detail=False` sums plain activities in SQL (the figures
    are the same). `s` is a reader connection or a session.
    """
    from cmelog.storage import reads

    capped = [k.id for k in rules.kinds.values() if not is_plain(k)]
    if detail:
        entries = reads.list_entries(s, start=window.start, end=window.end)
    else:
        # kinds stored but unknown to these rules (e.g. dropped from a later rules file) count
        # as activities (engine.kind_of), so they are summed with the plain ones
        plain = [k for k in reads.stored_kinds(s) if k not in capped]
        # entries sharing a topic cap (wellness) count in date order: never summed
        ordered_topics = sorted(cap_topics(rules))
        entries = [
            Entry(
                id=-(i + 1),
                title="",
                date=window.start,
                credits=credits,
                category=category,
                kind=kind,
                topics=reads.topics_from_db(topics),
            )
            for i, (kind, topics, category, credits, _n) in enumerate(
                reads.aggregate_plain(
                    s, window.start, window.end, plain, except_topics=ordered_topics
                )
            )
        ]
        if ordered_topics:
            entries += reads.list_entries(
                s, start=window.start, end=window.end, kinds=plain, topics_any=ordered_topics
            )
        entries += reads.list_entries(s, start=window.start, end=window.end, kinds=capped)
    year_capped = [k.id for k in rules.kinds.values() if k.year_cap is not None]
    year_start = date(window.start.year, 1, 1)
    year_prior = (
        reads.list_entries(
            s, start=year_start, end=window.start - timedelta(days=1), kinds=year_capped
        )
        if year_start < window.start
        else []
    )
    one_time: Sequence[Entry] | dict[str, Sequence[Entry]]
    if detail:
        one_time = reads.list_entries(s, end=window.end, topics_any=sorted(rules.one_time_topics))
    else:
        one_time = one_time_pools(s, rules, reads.stored_kinds(s), window.end)
    return evaluate(
        rules,
        profile,
        window,
        entries,
        year_prior=year_prior,
        one_time_entries=one_time,
        attestations=reads.list_attestations(s),
    )


def one_time_pools(
    s: Any, rules: Rules, stored_kinds: Sequence[str], until: date
) -> dict[str, Sequence[Entry]]:
    """Per one-time requirement: the entries dated on or before `until` that meet it, plus one
    aggregate of the others dated on or before `until`.

    `stored_kinds`: the kinds in the logbook; those the rules do not know count as activities.
    """
    from cmelog.storage import reads

    own_topic_kinds = [
        k
        for k in stored_kinds
        if k not in rules.kinds
        or (rules.kinds[k].counts_toward_topics and rules.kinds[k].own_topics)
    ]
    queries = [
        reads.OneTimeQuery(
            id=req.id,
            topics=req.topics,
            implied_by_kinds=[
                k.id
                for k in rules.kinds.values()
                if k.counts_toward_topics and set(k.implied_topics) & set(req.topics)
            ],
            required=req.required,
            counting_kinds=own_topic_kinds,
            category=req.category,
        )
        for req in rules.requirements
        if req.scope == "one-time"
    ]
    found = reads.one_time_prefixes(
        s,
        queries,
        until=until,
        max_per_entry={
            k.id: k.max_per_entry for k in rules.kinds.values() if k.max_per_entry is not None
        },
    )
    pools: dict[str, Sequence[Entry]] = {}
    for q in queries:
        prefix, rest = found[q.id]
        if rest:
            aggregate = Entry(
                id=-1,
                title="",
                date=until,
                credits=rest,
                category=q.category or 1,
                topics=tuple(q.topics[:1]),
            )
            prefix = [*prefix, aggregate]
        pools[q.id] = prefix
    return pools


def status(ctx: Context, as_of: str | None, *, explain: bool) -> StatusReport:
    from cmelog.domain.cycles import renewal_status
    from cmelog.storage import reads

    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    with ctx.logbook().reader() as s:
        profile = require_profile(s)
        rules = rules_for(profile)
        renewal = renewal_status(profile, today, rules.renewal)
        ev = evaluate_cycle(s, rules, profile, renewal.current, detail=explain)
        previous = (
            evaluate_cycle(s, rules, profile, renewal.previous, detail=explain)
            if renewal.previous is not None
            else None
        )
        met_by = [m for r in ev.requirements for m in r.met_by or ()]
        named = {m.id for m in met_by if m.kind == "entry"}
        if explain:  # --explain names every entry that counted, with its date and title
            named |= {c.entry_id for r in ev.requirements for c in r.contributions}
        entries = reads.get_entries(s, named)
        wanted = {m.id for m in met_by if m.kind == "attestation"}
        attestations = {a.id: a for a in reads.list_attestations(s) if a.id in wanted}
    if not explain:
        ev = _without_contributions(ev)
        previous = _without_contributions(previous) if previous is not None else None
    steps = tuple(next_steps(rules, renewal, ev))
    return StatusReport(
        profile, rules, renewal, ev, steps, explain, entries, attestations, previous
    )


def _without_contributions(ev: Evaluation) -> Evaluation:
    return replace(ev, requirements=tuple(replace(r, contributions=()) for r in ev.requirements))


def requirements(ctx: Context) -> Rules:
    """The rules in force: the profile's board, Massachusetts without a profile."""
    from cmelog.errors import NoProfileError
    from cmelog.rules import load_rules

    path = ctx.path
    if not path.exists():
        return load_rules("MA")
    try:
        with ctx.logbook().reader() as s:
            from cmelog.storage import reads

            profile = reads.get_profile(s)
    except NoProfileError:
        profile = None
    return rules_for(profile)
