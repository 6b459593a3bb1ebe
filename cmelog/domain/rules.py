"""The rules-file schema: a board's requirements, kinds, topics and formats as data. Pure.

`parse_rules` validates a decoded TOML mapping and raises `RulesError` naming the bad field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from cmelog.domain.dates import minus_months
from cmelog.errors import CmelogError, ExitStatus

SCHEMA_VERSION = 1
PROFILE_FLAGS = ("prescriber", "adult_patients")


class RulesError(CmelogError):
    def __init__(self, board: str, message: str) -> None:
        super().__init__(
            f"The rules file for board {board} is malformed: {message}", ExitStatus.FAILURE
        )


@dataclass(frozen=True)
class Condition:
    """When a requirement applies: always, a profile flag, or a renewal date on or after a day."""

    always: bool = False
    profile_flag: str | None = None
    renewal_on_or_after: date | None = None

    def describe(self) -> str:
        if self.profile_flag == "prescriber":
            return "physicians who prescribe controlled substances"
        if self.profile_flag == "adult_patients":
            return "physicians serving adult populations"
        if self.renewal_on_or_after:
            return f"renewals on or after {self.renewal_on_or_after.isoformat()}"
        return "every physician"


@dataclass(frozen=True)
class TopicCap:
    """Every entry tagged `topic` (whatever its other topics) counts within `max` per `per`.

    rules.md 0.2 "Wellness cap": an auditor cannot tell the parts of one course apart, so the
    cap takes the whole entry. (0.1 files named the key `only_topic`; it is still read.)
    """

    topic: str
    max: int  # hundredths
    per: str  # "cycle"
    label: str
    source: str


@dataclass(frozen=True)
class Requirement:
    id: str
    label: str
    scope: str  # "cycle" | "one-time"
    applies: Condition
    text: str
    source: str
    date: date
    required: int | None = None  # hundredths; None for training
    counts_all: bool = False
    topics: tuple[str, ...] = ()
    attestation: bool = False
    caps: tuple[TopicCap, ...] = ()
    short: str = ""  # noun for sentences: "3 more credits of <short>"
    category: int | None = None  # only entries of this category count (EHR: Category 1)
    note: str = ""  # how cmelog reads the rule where the texts are unclear

    @property
    def training(self) -> bool:
        return self.required is None


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    source: str
    category: int | None = None  # fixed category, or None when the entry gives it
    credits: int | None = None  # default credits (hundredths) when none are given
    max_per_entry: int | None = None
    credits_per_hour: int = 1
    counts_toward_topics: bool = True
    # False for counts_toward = "implied": the kind counts toward its implied topics only and
    # the entry's own topics are ignored (board certification: 4 of risk management, no other)
    own_topics: bool = True
    implied_topics: tuple[str, ...] = ()
    year_cap: int | None = None
    cycle_cap: int | None = None
    requirement_caps: dict[str, int] = field(default_factory=dict)
    satisfies: str | None = None  # requirement id met by an entry within the period below
    satisfies_within_days: int | None = None
    # "within the year before R": on or after the same calendar day N months before R
    satisfies_within_months: int | None = None
    date: date | None = None  # date of the source text
    note: str = ""  # how cmelog reads the rule where the texts are unclear

    @property
    def counts_toward(self) -> str:
        """'all', 'total' or 'implied' (the rules-file value)."""
        if not self.counts_toward_topics:
            return "total"
        return "all" if self.own_topics else "implied"

    def satisfies_since(self, renewal: dt.date) -> dt.date | None:
        """The first (end) date of an entry of this kind that satisfies `satisfies` at `renewal`."""
        if self.satisfies_within_months is not None:
            return minus_months(renewal, self.satisfies_within_months)
        if self.satisfies_within_days is not None:
            return renewal - timedelta(days=self.satisfies_within_days)
        return None


@dataclass(frozen=True)
class RenewalRules:
    anchor: str
    cycle_years: int
    application_mailing_days: int
    waiver_request_days: int
    records_cycles: int
    first_renewal_window_months: int
    source: str


@dataclass(frozen=True)
class Rules:
    board: str
    name: str
    sources: tuple[str, ...]
    advice: tuple[str, ...]
    renewal: RenewalRules
    topics: dict[str, str]
    formats: dict[str, str]
    requirements: tuple[Requirement, ...]
    kinds: dict[str, Kind]

    def requirement(self, rid: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == rid), None)

    @property
    def one_time_topics(self) -> frozenset[str]:
        return frozenset(t for r in self.requirements if r.scope == "one-time" for t in r.topics)


def _credits(board: str, where: str, value: Any) -> int:
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise RulesError(board, f"{where} must be a number of credits, not {value!r}.") from None
    if not d.is_finite() or d < 0 or (d * 100) != (d * 100).to_integral_value():
        raise RulesError(board, f"{where} must be a positive number with at most two decimals.")
    return int(d * 100)


_TYPE_NAMES = {dict: "table", list: "list", str: "string", int: "whole number"}


def _get(board: str, table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise RulesError(board, f"{where} lacks the field {key!r}.")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RulesError(board, f"{where}.{key} must be a {_TYPE_NAMES.get(kind, kind.__name__)}.")
    return value


def _int(board: str, table: dict[str, Any], key: str, where: str, default: int | None) -> int:
    """A whole number >= 1; `default` when absent (None: the field is required)."""
    if key not in table and default is not None:
        return default
    value = _get(board, table, key, int, where)
    if value < 1:
        raise RulesError(board, f"{where}.{key} must be a whole number of at least 1.")
    return int(value)


def _text(board: str, table: dict[str, Any], key: str, where: str) -> str:
    """A non-blank string (labels, sources)."""
    value = _get(board, table, key, str, where)
    if not value.strip():
        raise RulesError(board, f"{where}.{key} must not be empty.")
    return str(value)


def _tables(
    board: str, table: dict[str, Any], key: str, where: str, *, required: bool = True
) -> list[dict[str, Any]]:
    """An array of tables ([[key]]); an absent optional one is empty."""
    if key not in table and not required:
        return []
    items = _get(board, table, key, list, where)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise RulesError(board, f"{where}.{key} #{i + 1} must be a table.")
    return items


def _topic_list(
    board: str, table: dict[str, Any], key: str, where: str, topics: dict[str, Any]
) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise RulesError(board, f"{where}.{key} must be a list of topic slugs.")
    for t in value:
        if t not in topics:
            raise RulesError(board, f"{where}.{key} names the unknown topic {t!r}.")
    return tuple(value)


def _iso_date(board: str, table: dict[str, Any], where: str) -> date:
    try:
        return date.fromisoformat(str(_get(board, table, "date", str, where)))
    except ValueError:
        raise RulesError(board, f"{where}.date must be YYYY-MM-DD.") from None


def _condition(board: str, value: Any, where: str) -> Condition:
    if value == "always":
        return Condition(always=True)
    if isinstance(value, str) and value in PROFILE_FLAGS:
        return Condition(profile_flag=value)
    if isinstance(value, dict) and set(value) == {"renewal_on_or_after"}:
        try:
            return Condition(
                renewal_on_or_after=date.fromisoformat(str(value["renewal_on_or_after"]))
            )
        except ValueError:
            pass
    raise RulesError(
        board,
        f"{where}.applies must be 'always', one of {', '.join(PROFILE_FLAGS)}, "
        "or {renewal_on_or_after = DATE}.",
    )


def parse_rules(data: dict[str, Any], board_hint: str = "?") -> Rules:
    board = str(data.get("board", board_hint))
    if data.get("schema") != SCHEMA_VERSION:
        raise RulesError(board, f"schema must be {SCHEMA_VERSION}.")
    topics = _get(board, data, "topics", dict, "the file")
    formats = _get(board, data, "formats", dict, "the file")
    ren = _get(board, data, "renewal", dict, "the file")
    if ren.get("anchor") != "birthday":
        raise RulesError(board, "renewal.anchor 'birthday' is the only anchor this cmelog knows.")
    renewal = RenewalRules(
        anchor="birthday",
        cycle_years=int(_get(board, ren, "cycle_years", int, "renewal")),
        application_mailing_days=int(_get(board, ren, "application_mailing_days", int, "renewal")),
        waiver_request_days=int(_get(board, ren, "waiver_request_days", int, "renewal")),
        records_cycles=_int(board, ren, "records_cycles", "renewal", 2),
        first_renewal_window_months=_int(board, ren, "first_renewal_window_months", "renewal", 3),
        source=_text(board, ren, "source", "renewal"),
    )
    requirements: list[Requirement] = []
    seen: set[str] = set()
    for i, r in enumerate(_tables(board, data, "requirement", "the file")):
        where = f"requirement #{i + 1}"
        rid = _get(board, r, "id", str, where)
        where = f"requirement {rid!r}"
        if rid in seen:
            raise RulesError(board, f"{where} is defined twice.")
        seen.add(rid)
        scope = _get(board, r, "scope", str, where)
        if scope not in ("cycle", "one-time"):
            raise RulesError(board, f"{where}.scope must be 'cycle' or 'one-time'.")
        training = bool(r.get("training", False))
        if training == ("required" in r):
            raise RulesError(
                board, f"{where} needs exactly one of 'required' or 'training = true'."
            )
        req_topics = _topic_list(board, r, "topics", where, topics)
        counts_all = r.get("counts") == "all"
        if not counts_all and not req_topics:
            raise RulesError(board, f"{where} needs topics = [...] or counts = 'all'.")
        caps = []
        for c in _tables(board, r, "cap", where, required=False):
            cap_topic = c.get("topic", c.get("only_topic"))
            if c.get("per") != "cycle" or cap_topic not in req_topics:
                raise RulesError(board, f"{where}.cap needs per = 'cycle' and one of its topics.")
            caps.append(
                TopicCap(
                    topic=cap_topic,
                    max=_credits(board, f"{where}.cap.max", c.get("max")),
                    per="cycle",
                    label=str(c.get("label", "")),
                    source=_text(board, c, "source", f"{where}.cap") if "source" in c else "",
                )
            )
        rdate = _iso_date(board, r, where)
        rcategory = r.get("category")
        if rcategory not in (None, 1, 2):
            raise RulesError(board, f"{where}.category must be 1 or 2.")
        rsource = _text(board, r, "source", where)
        caps = [c if c.source else replace(c, source=rsource) for c in caps]
        requirements.append(
            Requirement(
                id=rid,
                label=_text(board, r, "label", where),
                scope=scope,
                applies=_condition(board, r.get("applies", "always"), where),
                text=str(r.get("text", "")),
                source=rsource,
                date=rdate,
                required=None if training else _credits(board, f"{where}.required", r["required"]),
                counts_all=counts_all,
                topics=req_topics,
                attestation=bool(r.get("attestation", False)),
                caps=tuple(caps),
                short=str(r.get("short", "")) or r["label"].lower(),
                category=rcategory,
                note=str(r.get("note", "")),
            )
        )
    kinds: dict[str, Kind] = {}
    for i, k in enumerate(_tables(board, data, "kind", "the file")):
        kid = _get(board, k, "id", str, f"kind #{i + 1}")
        where = f"kind {kid!r}"
        if kid in kinds:
            raise RulesError(board, f"{where} is defined twice.")

        def opt(key: str, w: str = where, kk: dict[str, Any] = k) -> int | None:
            return _credits(board, f"{w}.{key}", kk[key]) if key in kk else None

        category = k.get("category")
        if category not in (None, 1, 2):
            raise RulesError(board, f"{where}.category must be 1 or 2.")
        toward = k.get("counts_toward", "all")
        if toward not in ("all", "total", "implied"):
            raise RulesError(board, f"{where}.counts_toward must be 'all', 'total' or 'implied'.")
        raw_caps = k.get("requirement_caps", {})
        if not isinstance(raw_caps, dict):
            raise RulesError(board, f"{where}.requirement_caps must be a table.")
        rcaps = {
            rid: _credits(board, f"{where}.requirement_caps.{rid}", v)
            for rid, v in raw_caps.items()
        }
        for rid in rcaps:
            if rid not in seen:
                raise RulesError(
                    board, f"{where}.requirement_caps names unknown requirement {rid!r}."
                )
        satisfies = k.get("satisfies")
        if satisfies is not None and satisfies not in seen:
            raise RulesError(board, f"{where}.satisfies names unknown requirement {satisfies!r}.")
        within = k.get("satisfies_within_days")
        if within is not None:
            within = _int(board, k, "satisfies_within_days", where, None)
        within_months = k.get("satisfies_within_months")
        if within_months is not None:
            within_months = _int(board, k, "satisfies_within_months", where, None)
        kinds[kid] = Kind(
            id=kid,
            label=_text(board, k, "label", where),
            source=_text(board, k, "source", where),
            date=_iso_date(board, k, where),
            category=category,
            credits=opt("credits"),
            max_per_entry=opt("max_per_entry"),
            credits_per_hour=_int(board, k, "credits_per_hour", where, 1),
            counts_toward_topics=toward != "total",
            own_topics=toward == "all",
            implied_topics=_topic_list(board, k, "implied_topics", where, topics),
            year_cap=opt("year_cap"),
            cycle_cap=opt("cycle_cap"),
            requirement_caps=rcaps,
            satisfies=satisfies,
            satisfies_within_days=within,
            satisfies_within_months=within_months,
            note=str(k.get("note", "")),
        )
    if "activity" not in kinds:
        raise RulesError(board, "the kind 'activity' (the default) is missing.")
    return Rules(
        board=board,
        name=str(data.get("name", board)),
        sources=tuple(data.get("sources", ())),
        advice=tuple(data.get("advice", ())),
        renewal=renewal,
        topics={str(k): str(v) for k, v in topics.items()},
        formats={str(k): str(v) for k, v in formats.items()},
        requirements=tuple(requirements),
        kinds=kinds,
    )
