"""status and requirements: evaluate the current cycle (aggregating plain activities in SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from cmelog.domain.dates import parse_date
from cmelog.domain.engine import evaluate, is_plain
from cmelog.domain.model import CycleWindow, Entry, Evaluation, Profile, Renewal
from cmelog.domain.plan import next_steps
from cmelog.domain.rules import Requirement, Rules
from cmelog.services.context import Context, require_profile, rules_for

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class StatusReport:
    profile: Profile
    rules: Rules
    renewal: Renewal
    evaluation: Evaluation
    steps: tuple[str, ...]
    explain: bool


def evaluate_window(
    s: Session, rules: Rules, profile: Profile, window: CycleWindow, *, detail: bool
) -> Evaluation:
    """Evaluate one cycle. Without `detail`, plain activities are summed in SQL per topic set."""
    from cmelog.storage import repo

    plain = [k.id for k in rules.kinds.values() if is_plain(k)]
    capped = [k.id for k in rules.kinds.values() if not is_plain(k)]
    if detail:
        entries = repo.list_entries(s, start=window.start, end=window.end)
    else:
        entries = [
            Entry(
                id=-(i + 1),
                title="",
                date=window.start,
                credits=credits,
                category=1,
                kind=kind,
                topics=repo.topics_from_db(topics),
            )
            for i, (kind, topics, credits, _n) in enumerate(
                repo.aggregate_plain(s, window.start, window.end, plain)
            )
        ]
        entries += repo.list_entries(s, start=window.start, end=window.end, kinds=capped)
    year_capped = [k.id for k in rules.kinds.values() if k.year_cap is not None]
    year_start = date(window.start.year, 1, 1)
    year_prior = (
        repo.list_entries(
            s, start=year_start, end=window.start - timedelta(days=1), kinds=year_capped
        )
        if year_start < window.start
        else []
    )
    one_time: Sequence[Entry] | dict[str, Sequence[Entry]]
    if detail:
        one_time = repo.list_entries(s, topics_any=sorted(rules.one_time_topics))
    else:
        one_time = {
            req.id: one_time_pool(s, rules, req)
            for req in rules.requirements
            if req.scope == "one-time"
        }
    return evaluate(
        rules,
        profile,
        window,
        entries,
        year_prior=year_prior,
        one_time_entries=one_time,
        attestations=repo.list_attestations(s),
    )


def one_time_pool(s: Session, rules: Rules, req: Requirement) -> list[Entry]:
    """The entries that meet a one-time requirement, plus one aggregate of all the others."""
    from cmelog.storage import repo

    prefix, rest = repo.one_time_prefix(
        s,
        topics=req.topics,
        implied_by_kinds=[
            k.id for k in rules.kinds.values() if set(k.implied_topics) & set(req.topics)
        ],
        counting_kinds=[k.id for k in rules.kinds.values() if k.counts_toward_topics],
        max_per_entry={
            k.id: k.max_per_entry for k in rules.kinds.values() if k.max_per_entry is not None
        },
        required=req.required,
    )
    if rest:
        prefix.append(
            Entry(id=-1, title="", date=date.max, credits=rest, category=1, topics=req.topics[:1])
        )
    return prefix


def status(ctx: Context, as_of: str | None, *, explain: bool) -> StatusReport:
    from cmelog.domain.cycles import renewal_status

    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    with ctx.logbook().session() as s:
        profile = require_profile(s)
        rules = rules_for(profile)
        renewal = renewal_status(profile, today)
        ev = evaluate_window(s, rules, profile, renewal.current, detail=explain)
    if not explain:
        ev = replace(ev, requirements=tuple(replace(r, contributions=()) for r in ev.requirements))
    return StatusReport(profile, rules, renewal, ev, tuple(next_steps(rules, renewal, ev)), explain)


def requirements(ctx: Context) -> Rules:
    """The rules in force: the profile's board, Massachusetts without a profile."""
    from cmelog.errors import NoProfileError
    from cmelog.rules import load_rules

    path = ctx.path
    if not path.exists():
        return load_rules("MA")
    try:
        with ctx.logbook().session() as s:
            from cmelog.storage import repo

            profile = repo.get_profile(s)
    except NoProfileError:
        profile = None
    return rules_for(profile)
