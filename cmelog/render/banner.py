"""The renewal banner at the top of the `status` dashboard inside the reminder window."""

from __future__ import annotations

from collections.abc import Sequence

from cmelog.domain.credits import credits_phrase
from cmelog.domain.model import Renewal, RequirementResult
from cmelog.domain.reminders import milestone_for

DEFAULT_WINDOW = 60


def _when(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def renewal_banner(
    renewal: Renewal,
    requirements: Sequence[RequirementResult],
    days: int = DEFAULT_WINDOW,
    subject: str = "your license renews",
) -> list[str] | None:
    """The banner's lines (plain text), or None outside the reminder window of `days` days:
    the days left, what is missing, and the waiver deadline."""
    left = renewal.days_until_renewal
    if milestone_for(left, days) is None:
        return None
    lines = [f"RENEWAL {_when(left).upper()}: {subject} on {renewal.renewal_date}."]
    unmet = [r for r in requirements if r.applies and not r.met]
    if unmet:
        parts = []
        for r in unmet:
            if r.required is None or r.remaining is None:
                parts.append(f"{r.label} (not recorded)")
            else:
                parts.append(f"{r.label} ({credits_phrase(r.remaining, exact=True)})")
        lines.append("Missing: " + "; ".join(parts) + ".")
    else:
        lines.append("Every CME requirement is met; file the renewal application.")
    waiver = renewal.waiver_deadline
    if waiver is None:
        pass
    elif waiver >= renewal.as_of:
        lines.append(
            f"Waiver requests are due by {waiver} ({_when((waiver - renewal.as_of).days)})."
        )
    else:
        lines.append(f"The waiver request deadline ({waiver}) has passed.")
    return lines


def print_banner(
    renewal: Renewal,
    requirements: Sequence[RequirementResult],
    subject: str = "your license renews",
) -> None:
    """Print the banner (bold, in colour on a terminal) followed by a blank line, if any."""
    lines = renewal_banner(renewal, requirements, subject=subject)
    if not lines:
        return
    from rich.text import Text

    from cmelog.render.text import console

    out = console()
    for i, line in enumerate(lines):
        out.print(Text(line, style="bold yellow" if i == 0 else ""), overflow="fold")
    out.print()
