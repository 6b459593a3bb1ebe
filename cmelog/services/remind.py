"""remind (for cron) and its crontab line."""

from __future__ import annotations

import shlex
import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cmelog.domain.dates import parse_date
from cmelog.domain.reminders import reminder_text, should_speak
from cmelog.errors import CmelogError, UsageError
from cmelog.services.context import Context, require_profile, rules_for
from cmelog.structs import Struct, replace

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cmelog.domain.cycles import Clock
    from cmelog.domain.model import Profile, Renewal, RequirementResult
    from cmelog.domain.rules import Rules
    from cmelog.services.channels import Delivery


MAX_DAYS = 36_525  # a century: the window is stored as a milestone (an SQLite integer)


def renewal_at(
    profile: Profile,
    today: date,
    as_of: str | None,
    rules: Rules | None = None,
    clock: Clock | None = None,
) -> Renewal:
    """renewal_status (of `clock`, else the first license), with an --as-of too near the ends
    of the calendar as a usage error."""
    from cmelog.domain.cycles import renewal_status

    try:
        if clock is not None:
            return clock.status(today)
        return renewal_status(profile, today, (rules or rules_for(profile)).renewal)
    except (ValueError, OverflowError):
        if as_of is None:
            raise
        raise UsageError(
            f"--as-of {today.isoformat()} is too far from any renewal date cmelog can compute "
            "(years 1 to 9999); give a nearer date."
        ) from None


class RemindOutcome(Struct, frozen=True):
    """What one `remind` run did. `text` is the reminder (None when nothing was due)."""

    milestone: int | None
    text: str | None
    preview: bool
    channels: tuple[str, ...]  # names of the configured channels ("" none: standard output)
    delivered: tuple[str, ...] = ()
    failed: tuple[Delivery, ...] = ()
    note: str | None = None  # for a person at a terminal: when the next reminder comes


def check_days(days: int) -> None:
    if days < 0:
        raise UsageError(f"--days {days} is negative; give a number of days, 0 or more.")
    if days > MAX_DAYS:
        raise UsageError(f"--days {days} is too large; give a number of days up to {MAX_DAYS}.")


def _quiet_note(renewal: Renewal, days: int, sent: set[int], when_sent: dict[int, str]) -> str:
    """Why nothing is due today, and when the next reminder comes."""
    from cmelog.domain.reminders import days_before, milestone_name, next_milestone

    r_date = renewal.renewal_date.isoformat()
    left = renewal.days_until_renewal
    nxt = next_milestone(renewal.renewal_date, renewal.as_of, days, sent)
    if left > days:
        assert nxt is not None
        return (
            f"No reminder is due: your license renews on {r_date} (in {left} days); the first "
            f"reminder comes on {nxt[1].isoformat()}, {days_before(nxt[0])}."
        )
    done = min(sent) if sent else None
    last = (
        f" (the {milestone_name(done)} reminder was sent {when_sent[done]})"
        if done is not None
        else ""
    )
    if nxt is None:
        return f"Every reminder for the renewal on {r_date} has been sent{last}."
    return (
        f"No reminder is due today{last}; the next comes on "
        f"{nxt[1].isoformat()}, {days_before(nxt[0])} the renewal on {r_date}."
    )


def remind(
    ctx: Context,
    as_of: str | None,
    days: int,
    every: bool,
    *,
    dry_run: bool = False,
    record: bool = False,
) -> RemindOutcome:
    """Deliver the reminder due (if any) through every configured channel and record its
    milestone once at least one channel delivered it. A preview (`dry_run`, or `as_of` without
    `record`) delivers nothing and records nothing: it only returns the text."""
    check_days(days)
    if dry_run and record:
        raise UsageError(
            "--dry-run records nothing and --record records a run; give one or the other."
        )
    today = parse_date(as_of, ctx.today, "--as-of") if as_of else ctx.today
    logbook = ctx.logbook()
    with logbook.reader() as c:  # a read-only look first: most days nothing is due
        probe = _run(ctx, c, today, as_of, days, every, preview=True)
    if dry_run or (as_of is not None and not record):
        return probe
    if probe.text is None:
        return replace(probe, preview=False)
    # something is due: decide again inside the write transaction (a concurrent run may have
    # delivered it meanwhile), deliver, and record before the transaction ends
    with logbook.session(write=True) as s:
        return _run(ctx, s, today, as_of, days, every, preview=False)


def _run(
    ctx: Context,
    c: Any,
    today: date,
    as_of: str | None,
    days: int,
    every: bool,
    *,
    preview: bool,
) -> RemindOutcome:
    from cmelog.domain.channels import Channel, subject_line
    from cmelog.domain.reminders import milestone_name, short_text
    from cmelog.services.channels import Message, deliver, stored_channels
    from cmelog.services.status import evaluate_cycle
    from cmelog.storage import reminders_store as store

    profile = require_profile(c)
    renewal = renewal_at(profile, today, as_of, rules_for(profile, ctx))
    records = store.deliveries(c, renewal.renewal_date, profile.board)
    sent = {r.milestone for r in records}
    channels = stored_channels(c)
    names = tuple(ch.name for ch in channels)
    first_due = should_speak(renewal.days_until_renewal, days, sent, every)
    others = _other_licenses_due(ctx, c, profile, today, days, every)
    if first_due is None and not others:
        when = {
            r.milestone: f"on {r.sent_on.isoformat()}"
            + (f" through {', '.join(r.channels)}" if r.channels else "")
            for r in records
        }
        note = _quiet_note(renewal, days, sent, when)
        return RemindOutcome(None, None, preview, names, note=note)
    due: list[_Due] = []
    if first_due is not None:
        ev = evaluate_cycle(c, rules_for(profile, ctx), profile, renewal.current, detail=False)
        due.append(_Due(profile.board, profile.license, renewal, ev.requirements, first_due, sent))
    due += others
    several = len(profile.all_licenses) > 1
    texts = [
        (f"Your {d.board} license {d.number}:\n\n" if several else "")
        + reminder_text(d.renewal, d.requirements)
        for d in due
    ]
    text = "\n\n".join(texts)
    milestone = due[0].milestone
    if preview:
        return RemindOutcome(milestone, text, True, names)
    soonest = min(due, key=lambda d: d.renewal.renewal_date)
    subject = subject_line(
        soonest.renewal.days_until_renewal, soonest.renewal.renewal_date.isoformat()
    )
    if several:
        subject += f" ({', '.join(d.board for d in due)})"
    message = Message(
        subject=subject,
        body=text,
        short="\n".join(short_text(d.renewal, d.requirements) for d in due),
    )
    targets = channels or [Channel("stdout", "stdout:", "stdout")]
    results = [deliver(ch, message) for ch in targets]
    delivered = tuple(d.channel for d in results if d.ok)
    failed = tuple(d for d in results if not d.ok)
    if not delivered:
        why = "; ".join(f"{d.channel}: {d.reason}" for d in failed)
        raise CmelogError(
            f"No channel delivered the {milestone_name(milestone)} reminder ({why}); nothing was "
            "recorded, "
            "and the next run will try again."
        )
    now = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    for d in due:
        if d.milestone not in d.sent:
            first = d.board == profile.board
            store.record_delivery(
                c,
                d.renewal.renewal_date,
                d.milestone,
                today,
                now,
                list(delivered),
                None if first else d.board,
            )
    return RemindOutcome(milestone, text, False, names, delivered, failed)


class _Due(Struct, frozen=True):
    """One license whose reminder is due today."""

    board: str
    number: str
    renewal: Renewal
    requirements: Sequence[RequirementResult]
    milestone: int
    sent: set[int]


def _other_licenses_due(
    ctx: Context, c: Any, profile: Profile, today: date, days: int, every: bool
) -> list[_Due]:
    """The licenses after the first whose reminder milestone is due today, each judged by its
    own board's rules (a license whose dates cannot place its renewal is skipped: `status`
    names what it lacks)."""
    from cmelog.rules import load_rules
    from cmelog.services.status import held, judge_cycles
    from cmelog.storage import reminders_store as store

    out: list[_Due] = []
    for lic in profile.all_licenses[1:]:
        try:
            rules = load_rules(lic.board, ctx.rules_dir)
            h = held(profile, rules, lic, None)
            renewal = h.clock.status(today)
        except (CmelogError, ValueError, OverflowError):
            continue
        sent = {r.milestone for r in store.deliveries(c, renewal.renewal_date, lic.board, False)}
        milestone = should_speak(renewal.days_until_renewal, days, sent, every)
        if milestone is None:
            continue
        ev, _ = judge_cycles(c, rules, profile, h, renewal, detail=False)
        out.append(_Due(lic.board, lic.number, renewal, ev.requirements, milestone, sent))
    return out


def executable() -> Path:
    """The absolute path of the `cmelog` executable running now (or beside this Python)."""
    name = "cmelog.exe" if sys.platform == "win32" else "cmelog"
    argv0 = Path(sys.argv[0])
    if argv0.name in ("cmelog", "cmelog.exe") and argv0.exists():
        return argv0.absolute()
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return beside.absolute()
    found = shutil.which(name)
    return Path(found).absolute() if found else beside.absolute()


def crontab_line(ctx: Context, days: int, every: bool = False) -> str:
    extra = (f" --days {days}" if days != 60 else "") + (" --every" if every else "")
    exe = shlex.quote(str(executable()))
    db = shlex.quote(str(ctx.path))
    # cron turns an unescaped `%` in the command into a newline (and stdin): escape it
    command = f"{exe} --db {db} remind{extra}".replace("%", "\\%")
    return f"0 8 * * * {command}"
