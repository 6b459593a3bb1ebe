"""status and requirements: evaluate the current cycle (aggregating plain activities in SQL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from cmelog.domain.cycles import Clock
from cmelog.domain.dates import parse_date
from cmelog.domain.due import Due, due_all
from cmelog.domain.engine import (
    cap_topics,
    caps_order_free,
    evaluate,
    has_requirement_caps,
    is_plain,
)
from cmelog.domain.model import CycleWindow, Entry, Evaluation, Ledger, License, Profile, Renewal
from cmelog.domain.plan import next_steps
from cmelog.domain.rules import Requirement, Rules
from cmelog.domain.status import MultiStatus, StatusReport
from cmelog.errors import UsageError
from cmelog.services.context import Context, require_profile, rules_for
from cmelog.structs import Struct, replace


def evaluate_cycle(
    s: Any,
    rules: Rules,
    profile: Profile,
    window: CycleWindow,
    *,
    detail: bool,
    due: Mapping[str, Due] | None = None,
    carried: Mapping[str, tuple[int, str]] | None = None,
) -> Evaluation:
    """The evaluation of the cycle `window`, judged as of its own end (the renewal date R).

    Only entries whose (end) date lies in the window count toward its cycle requirements, and
    only evidence dated on or before R meets its one-time requirements (rules.md 0.2), whatever
    today is. `detail=True` loads every entry of the window (contributions name each one, for
    --explain and the audit export); `detail=False` sums plain activities in SQL (the figures
    are the same). `s` is a reader connection or a session.
    """
    from cmelog.storage import reads

    pooled = [
        r
        for r in rules.requirements
        if r.scope == "one-time" or (due is not None and r.id in due and due[r.id].pooled)
    ]
    since = {r.id: due[r.id].since for r in pooled if due is not None and r.id in due}
    if rules.unit == "points":  # a maintenance-of-certification ledger counts MOC points
        points = [
            replace(e, credits=e.moc_points or 0)
            for e in reads.entries_with_points(s, end=window.end)
        ]
        return evaluate(
            rules,
            profile,
            window,
            [e for e in points if e.effective_date >= window.start],
            one_time_entries=points,
            attestations=reads.list_attestations(s),
            due=due,
            carried=carried,
        )
    capped = [k.id for k in rules.kinds.values() if not is_plain(k)]
    if detail:
        entries = reads.list_entries(s, start=window.start, end=window.end)
    else:
        # kinds stored but unknown to these rules (e.g. dropped from a later rules file) count
        # as activities (engine.kind_of), so they are summed with the plain ones
        plain = [k for k in reads.stored_kinds(s) if k not in capped]
        listed = reads.list_entries(s, start=window.start, end=window.end, kinds=capped)
        # entries sharing a topic cap (wellness) count in date order: summed only when the
        # order cannot change a figure
        ordered_topics = [] if caps_order_free(rules, listed) else sorted(cap_topics(rules))
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
        entries += listed
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
        topics = sorted({t for r in pooled for t in r.topics})
        one_time = reads.list_entries(s, end=window.end, topics_any=topics)
    else:
        one_time = one_time_pools(s, rules, reads.stored_kinds(s), window.end, pooled, since)
    return evaluate(
        rules,
        profile,
        window,
        entries,
        year_prior=year_prior,
        one_time_entries=one_time,
        attestations=reads.list_attestations(s),
        due=due,
        carried=carried,
    )


def one_time_pools(
    s: Any,
    rules: Rules,
    stored_kinds: Sequence[str],
    until: date,
    pooled: Sequence[Requirement] | None = None,
    since: Mapping[str, date | None] | None = None,
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
            since=(since or {}).get(req.id),
            every=has_requirement_caps(rules, req),
        )
        for req in (
            pooled
            if pooled is not None
            else [r for r in rules.requirements if r.scope == "one-time"]
        )
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


def _carry(
    rules: Rules, ev: Evaluation, into: Mapping[str, tuple[int, str]]
) -> dict[str, tuple[int, str]]:
    """Credits of `ev`'s cycle carried into the next one (TX: at most 48, next period only):
    what its requirements with `carry_forward_max` earned beyond their amount, credits carried
    into it excluded."""
    out: dict[str, tuple[int, str]] = {}
    for r in ev.requirements:
        rule = rules.requirement(r.id)
        if rule is None or rule.carry_forward_max is None or r.earned is None:
            continue
        own = r.earned - into.get(r.id, (0, ""))[0]
        excess = min(rule.carry_forward_max, max(0, own - (r.required or 0)))
        if excess:
            span = f"{ev.window.start.isoformat()} to {ev.window.end.isoformat()}"
            out[r.id] = (excess, span)
    return out


class Held(Struct, frozen=True):
    """One license (or ledger, as a license of its kind from its start date) with its clock,
    and the profile mirroring it (0.1's single-license fields)."""

    license: License
    clock: Clock
    profile: Profile
    ledger: Ledger | None = None


def held(profile: Profile, rules: Rules, lic: License | None, ledger: Ledger | None) -> Held:
    if ledger is not None:
        held = License(ledger.name, ledger.name, "full", None, ledger.start)
        label = f"{ledger.name} ledger"
    else:
        held = lic or profile.all_licenses[0]
        label = f"{held.board} license"
    clock = Clock(rules.renewal, profile.birthday, held.expires, held.issued, label)
    mirrored = replace(
        profile,
        license=held.number,
        board=held.board,
        license_expires=held.expires,
        license_issued=held.issued,
        license_type=held.type,
    )
    return Held(held, clock, mirrored, ledger)


def judge_cycles(
    s: Any, rules: Rules, profile: Profile, h: Held, renewal: Renewal, *, detail: bool
) -> tuple[Evaluation, Evaluation | None]:
    """The current and previous cycles of `renewal`, each judged as of its own renewal date by
    what this license asks then (clocks, conditions, license type, carried credits)."""
    clock = h.clock

    def judge(window: CycleWindow, carried: Mapping[str, tuple[int, str]]) -> Evaluation:
        due = due_all(rules, profile, h.license, clock, window, profile.ledgers)
        return evaluate_cycle(
            s, rules, h.profile, window, detail=detail, due=due, carried=carried or None
        )

    carries = any(r.carry_forward_max is not None for r in rules.requirements)
    into_previous: dict[str, tuple[int, str]] = {}
    into_current: dict[str, tuple[int, str]] = {}
    previous = None
    if renewal.previous is not None:
        if carries:
            try:
                before = clock.cycle_ending(clock.previous_renewal(renewal.previous.end))
            except ValueError:
                before = None
            if before is not None and before.end < renewal.previous.start:
                into_previous = _carry(rules, judge(before, {}), {})
        previous = judge(renewal.previous, into_previous)
        if carries:
            into_current = _carry(rules, previous, into_previous)
    return judge(renewal.current, into_current), previous


def standing(
    s: Any,
    profile: Profile,
    rules: Rules,
    today: date,
    *,
    explain: bool,
    lic: License | None = None,
    ledger: Ledger | None = None,
) -> StatusReport:
    """One license's (or ledger's) status: its current cycle and the previous one, each judged
    by its board's rules as of its own renewal date."""
    from cmelog.storage import reads

    h = held(profile, rules, lic, ledger)
    renewal = h.clock.status(today)
    ev, previous = judge_cycles(s, rules, profile, h, renewal, detail=explain)
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
        h.profile,
        rules,
        renewal,
        ev,
        steps,
        explain,
        entries,
        attestations,
        previous,
        license=h.license if ledger is None else None,
        ledger=ledger,
    )


def status(
    ctx: Context, as_of: str | None, *, explain: bool, only: str | None = None
) -> MultiStatus:
    """Every license and ledger held (or the one named by --license), each judged by its own
    board's rules; the first license first."""
    from cmelog.rules import load_rules

    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    with ctx.logbook().reader() as s:
        profile = require_profile(s)
        licenses = list(profile.all_licenses)
        ledgers = list(profile.ledgers)
        if only is not None:
            licenses, ledgers = select(profile, only)
        user = ctx.rules_dir
        reports = tuple(
            standing(s, profile, load_rules(lic.board, user), today, explain=explain, lic=lic)
            for lic in licenses
        )
        kept = tuple(
            standing(s, profile, load_rules(g.kind, user), today, explain=explain, ledger=g)
            for g in ledgers
        )
    return MultiStatus(reports, kept, selected=only is not None)


def select(profile: Profile, name: str) -> tuple[list[License], list[Ledger]]:
    """--license NAME: a board held (its two-letter code) or a ledger's name."""
    wanted = name.strip()
    lic = [x for x in profile.all_licenses if x.board == wanted.upper()]
    if lic:
        return lic, []
    led = [g for g in profile.ledgers if g.name.lower() == wanted.lower()]
    if led:
        return [], led
    held = [x.board for x in profile.all_licenses] + [g.name for g in profile.ledgers]
    raise UsageError(
        f"--license {name!r} names no license or ledger you hold; accepted: {', '.join(held)}."
    )


def _without_contributions(ev: Evaluation) -> Evaluation:
    return replace(ev, requirements=tuple(replace(r, contributions=()) for r in ev.requirements))


def requirements(ctx: Context, board: str | None = None, only: str | None = None) -> Rules:
    """The rules in force: `--board` (any board cmelog knows, held or not), `--license` (a
    license or ledger held), else the first license's board (Massachusetts without a profile)."""
    from cmelog.errors import NoProfileError
    from cmelog.rules import load_rules

    user = ctx.rules_dir
    if board is not None:
        return load_rules(board, user)
    path = ctx.path
    if not path.exists():
        if only is not None:
            raise NoProfileError(path, missing_file=True)
        return load_rules("MA", user)
    try:
        with ctx.logbook().reader() as s:
            from cmelog.storage import reads

            profile = reads.get_profile(s)
    except NoProfileError:
        if only is not None:
            raise
        profile = None
    if only is not None and profile is not None:
        licenses, ledgers = select(profile, only)
        return load_rules(licenses[0].board if licenses else ledgers[0].kind, user)
    return rules_for(profile, ctx)
