"""Guesses that help a person recover from a typo: the ISO date they meant, the nearest slug,
and stored entries that are probably the same activity. Pure."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from datetime import date

from cmelog.domain.dates import parse_date
from cmelog.domain.model import Entry
from cmelog.errors import UsageError

_US = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_DOTTED = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")
_DASHED = re.compile(r"^\s*(\d{1,2})-(\d{1,2})-(\d{4})\s*$")
_UNPADDED_ISO = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def iso_suggestion(text: str) -> str | None:
    """The ISO date a non-ISO date most likely means: 06/15/2025 (month first), 15.6.2025 (day
    first), 2025/6/15; None when there is no sensible reading."""
    if m := _US.match(text):
        month, day, year = map(int, m.groups())
        found = _valid(year, month, day) or _valid(year, day, month)
    elif m := _DOTTED.match(text):
        day, month, year = map(int, m.groups())
        found = _valid(year, month, day)
    elif m := _DASHED.match(text):
        month, day, year = map(int, m.groups())
        found = _valid(year, month, day) or _valid(year, day, month)
    elif m := _UNPADDED_ISO.match(text):
        year, month, day = map(int, m.groups())
        found = _valid(year, month, day)
    else:
        found = None
    return found.isoformat() if found else None


def parse_date_hint(text: str, today: date, option: str) -> date:
    """`parse_date`, and when the text is a date in another order, say which ISO date it is."""
    try:
        return parse_date(text, today, option)
    except UsageError:
        hint = iso_suggestion(text)
        if hint is None or hint == text.strip():
            raise
        raise UsageError(
            f"{option} {text.strip()!r} is not written YYYY-MM-DD; did you mean {hint}?"
        ) from None


def nearest(value: str, accepted: Iterable[str]) -> str | None:
    """The accepted slug closest to what was typed (prefix, substring or spelling)."""
    options = list(accepted)
    raw = value.strip().lower().replace(" ", "-").replace("_", "-")
    if not raw:
        return None
    starts = [o for o in options if o.startswith(raw)]
    if len(starts) == 1:
        return starts[0]
    inside = [o for o in options if raw in o]
    if len(inside) == 1:
        return inside[0]
    close = difflib.get_close_matches(raw, options, n=1, cutoff=0.55)
    if close:
        return close[0]
    words = set(re.split(r"[-\s]+", raw))
    scored = [(len(words & set(o.split("-"))), o) for o in options]
    best = max(scored, default=(0, ""))
    return best[1] if best[0] else None


# ------------------------------------------------------------------ likely duplicates
def _norm(title: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", title.lower()))


def similar_titles(a: str, b: str) -> bool:
    """Fuzzy: the same course typed twice, one title shortened or reworded slightly."""
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return False
    if x == y:
        return True
    shorter, longer = sorted((x, y), key=len)
    if len(shorter) >= 12 and shorter in longer:
        return True  # one title shortened: "Heart Failure Update" / "Heart Failure Update 2025"
    wx, wy = set(x.split()), set(y.split())
    if len(shorter) >= 12 and difflib.SequenceMatcher(None, x, y).ratio() >= 0.85:
        return True  # a typo or two
    common = wx & wy
    return len(common) >= 3 and len(common) >= 0.75 * min(len(wx), len(wy))


def overlaps(a: Entry, b: Entry) -> bool:
    return a.date <= b.effective_date and b.date <= a.effective_date


def likely_duplicates(new: Entry, stored: Sequence[Entry]) -> list[Entry]:
    """Stored entries whose dates overlap `new`'s and that have a similar title, or the same
    provider and credits (exact duplicates are handled before this)."""
    found = []
    for e in stored:
        if e.id == new.id or not overlaps(new, e):
            continue
        same_provider = bool(
            new.provider and e.provider and _norm(new.provider) == _norm(e.provider)
        )
        if similar_titles(new.title, e.title) or (same_provider and e.credits == new.credits):
            found.append(e)
    return found
