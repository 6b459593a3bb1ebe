"""The rules-file schema: a board's (or a ledger's) renewal clock, requirements, kinds, topics,
formats and license types as data. Pure.

`parse_rules` validates a decoded TOML mapping strictly, against the schema documented in
docs/rules-schema.md: every key is known and used, every value is checked, and every problem is
reported (`RulesError.problems`), each naming the key it is about. `check_rules` returns the
problems instead of raising (for `cmelog rules check`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from cmelog.domain.credits import short_credits
from cmelog.domain.dates import minus_months
from cmelog.errors import CmelogError, ExitStatus
from cmelog.structs import Struct, field, replace

SCHEMA_VERSION = 2
# conditions a requirement may depend on (`applies = "..."`)
FLAGS = ("always", "prescriber", "adult_patients", "dea", "direct_patient_care")
PROFILE_FLAGS = ("prescriber", "adult_patients")
ANCHORS = (
    "birthday",
    "birth-month-end",
    "fixed",
    "assigned",
    "issue-month-end",
    "issue-anniversary",
    "registration",
    "cycle-start",
)
LEDGER_ANCHORS = ("registration", "cycle-start")  # a ledger's clock: not a board's
YEARS = ("printed", "even", "odd", "birth-year-parity")
FIRST_RENEWAL = ("next", "three-month-rule", "full-cycle")
DEFAULT_FIRST_RENEWAL = {
    "birthday": "three-month-rule",
    "issue-month-end": "full-cycle",
    "issue-anniversary": "full-cycle",
    "registration": "full-cycle",
    "assigned": "full-cycle",
}
CLOCKS = ("cycle", "once", "every-n-renewals", "lookback", "by-deadline")
LEDGER_KINDS = ("dea-mate", "moc")
UNITS = ("credits", "points")
GRADES = ("A", "B", "C", "D")
_BOARD = re.compile(r"^[A-Z]{2}$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class RulesError(CmelogError):
    """A rules file that does not follow the schema; `problems` names each bad key."""

    def __init__(self, board: str, message: str, problems: tuple[str, ...] = ()) -> None:
        self.problems = problems or (message,)
        super().__init__(
            f"The rules file for board {board} is malformed: {message}", ExitStatus.FAILURE
        )


class Condition(Struct, frozen=True):
    """When a requirement applies: every flag holds, and the dates and license type match."""

    always: bool = False
    profile_flag: str | None = None  # first of `flags` (0.1 readers)
    renewal_on_or_after: date | None = None
    flags: tuple[str, ...] = ()
    issued_on_or_after: date | None = None
    issued_before: date | None = None
    license_types: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = []
        for flag in self.flags:
            parts.append(
                {
                    "prescriber": "physicians who prescribe controlled substances",
                    "adult_patients": "physicians serving adult populations",
                    "dea": "physicians holding a DEA registration",
                    "direct_patient_care": "physicians in direct patient care",
                }.get(flag, flag)
            )
        if self.renewal_on_or_after:
            parts.append(f"renewals on or after {self.renewal_on_or_after.isoformat()}")
        if self.issued_on_or_after:
            parts.append(f"licenses issued on or after {self.issued_on_or_after.isoformat()}")
        if self.issued_before:
            parts.append(f"licenses issued before {self.issued_before.isoformat()}")
        if self.license_types:
            parts.append("license types " + ", ".join(self.license_types))
        return "; ".join(parts) or "every physician"


class TopicCap(Struct, frozen=True):
    """Every entry tagged `topic` (whatever its other topics) counts within `max` per `per`.

    rules.md 0.2 "Wellness cap": an auditor cannot tell the parts of one course apart, so the
    cap takes the whole entry.
    """

    topic: str
    max: int  # hundredths
    per: str  # "cycle"
    label: str
    source: str


class FirstRenewalTier(Struct, frozen=True):
    """At the first renewal: `required` instead, when the first cycle is shorter than
    `under_months` months (None: whatever its length)."""

    required: int  # hundredths; 0: not required at the first renewal
    under_months: int | None = None


class Requirement(Struct, frozen=True):
    id: str
    label: str
    scope: str  # "cycle" | "one-time" (derived from the clock)
    applies: Condition
    text: str
    source: str
    date: dt.date | None
    required: int | None = None  # hundredths; None for training
    counts_all: bool = False
    topics: tuple[str, ...] = ()
    attestation: bool = False
    caps: tuple[TopicCap, ...] = ()
    short: str = ""  # noun for sentences: "3 more credits of <short>"
    category: int | None = None  # only entries of this category count (EHR: Category 1)
    note: str = ""  # how cmelog reads the rule where the texts are unclear
    clock: str = "cycle"
    every: int | None = None  # every-n-renewals: evidence within the last N cycles
    lookback_months: int | None = None  # lookback: evidence within N months before renewal
    deadline: dt.date | None = None  # by-deadline: a fixed date
    deadline_renewal: int | None = None  # by-deadline: the Nth renewal after issue
    deadline_years_after_issue: int | None = None  # by-deadline: N years after issue
    first_renewals: int | None = None  # due every cycle for the first K renewals, then `clock`
    counts_since: dt.date | None = None  # only evidence dated on or after this day counts
    first_renewal: tuple[FirstRenewalTier, ...] = ()
    carry_forward_max: int | None = None  # excess of the previous cycle carried into this one
    grade: str | None = None
    verified: bool = True
    missing: str = ""

    @property
    def training(self) -> bool:
        return self.required is None

    @property
    def flagged(self) -> bool:
        """Graded C or D, or marked unverified: `requirements` labels it."""
        return not self.verified or self.grade in ("C", "D")


class Kind(Struct, frozen=True):
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


class LicenseType(Struct, frozen=True):
    """A license type with its own amounts (`required`, by requirement id) or exemptions."""

    id: str
    label: str
    required: dict[str, int] = field(default_factory=dict)
    exempt_all: bool = False
    exempt: tuple[str, ...] = ()
    source: str = ""
    date: date | None = None
    note: str = ""


FULL = LicenseType("full", "Full license")


class RenewalRules(Struct, frozen=True):
    anchor: str
    cycle_years: int
    application_mailing_days: int
    waiver_request_days: int | None
    records_cycles: int
    first_renewal_window_months: int
    source: str
    years: str = "printed"
    month: int | None = None  # fixed anchor
    day: int | None = None
    leap_day: str = "feb-28"
    first_renewal: str = "next"
    window_months: int | None = None  # CME look-back when it differs from the cycle (CT: 24)
    grace_days: int | None = None
    date: date | None = None
    note: str = ""

    @property
    def months(self) -> int:
        """How far back from a renewal date its CME window reaches."""
        return self.window_months or 12 * self.cycle_years


class Calendar(Struct, frozen=True):
    """Wording of calendar events and reminders ({board} and {name} are replaced)."""

    renewal: str = "Medical license renewal deadline"
    application: str = "Board mails the license renewal application"
    waiver: str = "CME waiver request deadline"


class Rules(Struct, frozen=True):
    board: str  # two-letter code, or the ledger kind for a ledger's file
    name: str
    sources: tuple[str, ...]
    advice: tuple[str, ...]
    renewal: RenewalRules
    topics: dict[str, str]
    formats: dict[str, str]
    requirements: tuple[Requirement, ...]
    kinds: dict[str, Kind]
    ledger: str | None = None  # "dea-mate" | "moc" for a ledger's rules
    unit: str = "credits"
    license_types: dict[str, LicenseType] = field(default_factory=lambda: {"full": FULL})
    calendar: Calendar = field(default_factory=Calendar)
    origin: str = "shipped"  # "shipped" or the path of a user's file

    def requirement(self, rid: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == rid), None)

    @property
    def one_time_topics(self) -> frozenset[str]:
        return frozenset(t for r in self.requirements if r.scope == "one-time" for t in r.topics)

    @property
    def pooled_topics(self) -> frozenset[str]:
        """Topics of requirements judged on evidence outside the cycle window."""
        return frozenset(t for r in self.requirements if r.clock != "cycle" for t in r.topics)


# ------------------------------------------------------------------ the parser
class _Problems:
    """Collects every problem of a file; each names the key it is about."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


_TYPE_NAMES = {dict: "a table", list: "a list", str: "a string", int: "a whole number"}

_MISSING = object()


class _Table:
    """One TOML table read under a key spec: unknown keys are problems, each value checked."""

    def __init__(self, p: _Problems, where: str, data: Any, allowed: tuple[str, ...]) -> None:
        self.p, self.where = p, where
        self.data: dict[str, Any] = data if isinstance(data, dict) else {}
        if not isinstance(data, dict):
            p.add(where, "must be a table")
        for key in self.data:
            if key not in allowed:
                p.add(
                    self.key(key),
                    f"unknown key; accepted keys here: {', '.join(allowed)}",
                )

    def key(self, key: str) -> str:
        return key if self.where == "the file" else f"{self.where}.{key}"

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, kind: type, default: Any = _MISSING) -> Any:
        if key not in self.data:
            if default is _MISSING:
                self.p.add(self.key(key), "is required")
                return None
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.p.add(self.key(key), f"must be {_TYPE_NAMES.get(kind, kind.__name__)}")
            return None if default is _MISSING else default
        return value

    def text(self, key: str, default: str | None = None) -> str:
        value = self.get(key, str, _MISSING if default is None else default)
        if value is None:
            return ""
        if isinstance(self.data.get(key), str) and not value.strip():
            self.p.add(
                self.key(key),
                "must not be empty"
                if default is None
                else "must not be empty; leave the key out when there is nothing to say",
            )
        return str(value)

    def whole(self, key: str, default: int | None = None, *, minimum: int = 1) -> int | None:
        value = self.get(key, int, default)
        if value is not None and value < minimum:
            self.p.add(self.key(key), f"must be a whole number of at least {minimum}")
            return default
        return None if value is None else int(value)

    def flag(self, key: str, default: bool = False) -> bool:
        return bool(self.get(key, bool, default))

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.get(key, str, _MISSING if default is None else default)
        if value is None:
            return default or choices[0]
        if value not in choices:
            self.p.add(self.key(key), f"{value!r} is not one of {', '.join(choices)}")
            return default or choices[0]
        return str(value)

    def day(self, key: str, required: bool = False) -> date | None:
        if key not in self.data:
            if required:
                self.p.add(self.key(key), "is required")
            return None
        value = self.data[key]
        if isinstance(value, date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.p.add(self.key(key), "must be a date written YYYY-MM-DD")
        return None

    def credits(self, key: str, default: int | None = None) -> int | None:
        if key not in self.data:
            return default
        return _credits(self.p, self.key(key), self.data[key])

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.p.add(self.key(key), 'must be a list of strings, written ["first", "second"]')
            return ()
        if not all(v.strip() for v in value):
            self.p.add(
                self.key(key),
                "must not hold an empty string; leave it out when there is nothing to say",
            )
            return tuple(v for v in value if v.strip())
        return tuple(value)

    def tables(self, key: str) -> list[dict[str, Any]]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.p.add(self.key(key), "must be an array of tables ([[" + key + "]])")
            return []
        return value


def _credits(p: _Problems, where: str, value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        p.add(where, f'must be a number (for example "7.5"), not {value!r}')
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        p.add(where, f'must be a number (for example "7.5"), not {value!r}')
        return None
    if not d.is_finite() or d < 0 or (d * 100) != (d * 100).to_integral_value():
        p.add(where, "must be a number of at least 0 with at most two decimals")
        return None
    return int(d * 100)


_TOP = (
    "schema",
    "board",
    "ledger",
    "name",
    "unit",
    "sources",
    "advice",
    "renewal",
    "topics",
    "formats",
    "calendar",
    "requirement",
    "kind",
    "license_type",
)
_RENEWAL = (
    "anchor",
    "cycle_years",
    "years",
    "month",
    "day",
    "leap_day",
    "first_renewal",
    "first_renewal_window_months",
    "window_months",
    "application_mailing_days",
    "waiver_request_days",
    "grace_days",
    "records_cycles",
    "source",
    "date",
    "note",
)
_REQUIREMENT = (
    "id",
    "required",
    "label",
    "short",
    "text",
    "counts",
    "topics",
    "category",
    "clock",
    "every",
    "lookback_years",
    "lookback_months",
    "deadline",
    "deadline_renewal",
    "deadline_years_after_issue",
    "first_renewals",
    "counts_since",
    "applies",
    "attestation",
    "first_renewal",
    "carry_forward_max",
    "cap",
    "source",
    "date",
    "note",
    "grade",
    "verified",
    "missing",
)
_CAP = ("topic", "max", "per", "label", "source")
_APPLIES = (
    "flag",
    "flags",
    "renewal_on_or_after",
    "issued_on_or_after",
    "issued_before",
    "license_types",
)
_TIER = ("required", "under_months")
_KIND = (
    "id",
    "label",
    "category",
    "credits",
    "max_per_entry",
    "credits_per_hour",
    "counts_toward",
    "implied_topics",
    "year_cap",
    "cycle_cap",
    "requirement_caps",
    "satisfies",
    "satisfies_within_days",
    "satisfies_within_months",
    "source",
    "date",
    "note",
)
_LICENSE_TYPE = ("id", "label", "required", "exempt", "source", "date", "note")
_CALENDAR = ("renewal", "application", "waiver")


def _condition(p: _Problems, where: str, value: Any, types: Collection[str]) -> Condition:
    if isinstance(value, str):
        if value not in FLAGS:
            p.add(where, f"{value!r} is not one of {', '.join(FLAGS)}, nor a table")
            return Condition(always=True)
        if value == "always":
            return Condition(always=True)
        return Condition(profile_flag=value, flags=(value,))
    t = _Table(p, where, value, _APPLIES)
    flags: list[str] = []
    if t.has("flag"):
        flags.append(t.choice("flag", FLAGS))
    for f in t.strings("flags"):
        if f not in FLAGS:
            p.add(t.key("flags"), f"{f!r} is not one of {', '.join(FLAGS)}")
        else:
            flags.append(f)
    flags = [f for f in flags if f != "always"]
    lt = t.strings("license_types")
    for x in lt:
        if x not in types:
            p.add(
                t.key("license_types"),
                f"{x!r} is not a license type of this file; accepted: {', '.join(types)}",
            )
    if not t.data:
        p.add(where, "an empty table; give 'always' or at least one condition")
    return Condition(
        always=not (flags or t.data),
        profile_flag=flags[0] if flags else None,
        flags=tuple(flags),
        renewal_on_or_after=t.day("renewal_on_or_after"),
        issued_on_or_after=t.day("issued_on_or_after"),
        issued_before=t.day("issued_before"),
        license_types=lt,
    )


def _no_requirement(rid: str, rids: Iterable[str]) -> str:
    """The problem of a requirement id that is not one of the file's, listing them."""
    return f"{rid!r} names no requirement of this file; accepted: {', '.join(rids)}"


def _topic_slugs(
    p: _Problems, where: str, slugs: tuple[str, ...], topics: dict[str, str]
) -> tuple[str, ...]:
    for s in slugs:
        if s not in topics:
            p.add(where, f"names the topic {s!r}, which [topics] does not declare")
    return slugs


def _requirement(
    p: _Problems,
    i: int,
    raw: dict[str, Any],
    topics: dict[str, str],
    types: Collection[str],
    vocabulary: dict[str, str],
) -> Requirement | None:
    rid = raw.get("id")
    where = f"requirement {rid!r}" if isinstance(rid, str) else f"requirement #{i + 1}"
    t = _Table(p, where, raw, _REQUIREMENT)
    rid = t.text("id")
    if rid and not _SLUG.match(rid):
        p.add(t.key("id"), "must be a slug of lower-case letters, digits and hyphens")
    training = t.has("required") and t.data["required"] == "training"
    required = None if training else (t.credits("required") if t.has("required") else None)
    if not t.has("required"):
        p.add(t.key("required"), 'is required: a number of credits, or "training"')
    counts = t.get("counts", str, "")
    if counts not in ("", "all"):
        p.add(t.key("counts"), "must be 'all' (or leave it out and give topics)")
    # `total` and `category-1` count every entry unless they name topics (cli.md 0.2)
    counts_all = counts == "all" or (not t.has("topics") and rid in ("total", "category-1"))
    if t.has("topics"):
        req_topics = t.strings("topics")
    elif counts_all:
        req_topics = ()
    else:
        req_topics = (rid,)  # a topic requirement's id is its topic slug
        if rid not in topics and rid in vocabulary:
            topics[rid] = vocabulary[rid]
    if counts_all and t.has("topics"):
        p.add(t.key("counts"), "give either counts = 'all' or topics, not both")
    _topic_slugs(p, t.key("topics"), req_topics, topics)
    category = t.get("category", int, None)
    if category not in (None, 1, 2):
        p.add(t.key("category"), "must be 1 or 2")
        category = None
    if rid == "category-1" and category is None:
        category = 1
    clock = t.choice("clock", CLOCKS, "cycle")
    every = t.whole("every") if t.has("every") else None
    # a key given with a bad value has its own problem: "is required" only when it is absent
    if clock == "every-n-renewals" and not t.has("every"):
        p.add(t.key("every"), "is required with clock = 'every-n-renewals'")
    lookback = None
    if t.has("lookback_years"):
        years = t.whole("lookback_years")
        lookback = None if years is None else 12 * years
    if t.has("lookback_months"):
        lookback = t.whole("lookback_months")
    if clock == "lookback" and not (t.has("lookback_years") or t.has("lookback_months")):
        p.add(
            t.key("lookback_years"),
            "is required with clock = 'lookback' (or give lookback_months instead)",
        )
    deadline = t.day("deadline")
    deadline_renewal = t.whole("deadline_renewal") if t.has("deadline_renewal") else None
    deadline_years = (
        t.whole("deadline_years_after_issue") if t.has("deadline_years_after_issue") else None
    )
    deadline_keys = ("deadline", "deadline_renewal", "deadline_years_after_issue")
    if clock == "by-deadline" and not any(t.has(k) for k in deadline_keys):
        p.add(
            t.key("deadline"),
            "is required with clock = 'by-deadline' "
            "(or give deadline_renewal or deadline_years_after_issue instead)",
        )
    for key, needs in (
        ("every", ("every-n-renewals",)),
        ("lookback_years", ("lookback",)),
        ("lookback_months", ("lookback",)),
        ("deadline", ("by-deadline",)),
        ("deadline_renewal", ("by-deadline",)),
        ("deadline_years_after_issue", ("by-deadline",)),
    ):
        if t.has(key) and clock not in needs:
            p.add(t.key(key), f"is used only with clock = '{needs[0]}'")
    first_renewals = t.whole("first_renewals") if t.has("first_renewals") else None
    if first_renewals is not None and clock not in ("lookback", "every-n-renewals"):
        p.add(t.key("first_renewals"), "is used only with clock 'lookback' or 'every-n-renewals'")
    tiers: list[FirstRenewalTier] = []
    fr = t.data.get("first_renewal")
    if fr is not None:
        if fr == "exempt":
            tiers.append(FirstRenewalTier(0))
        elif fr == "due":
            pass
        elif isinstance(fr, list) and all(isinstance(x, dict) for x in fr):
            for j, tier in enumerate(fr):
                tt = _Table(p, f"{t.key('first_renewal')} #{j + 1}", tier, _TIER)
                amount = tt.credits("required")
                if not tt.has("required"):
                    p.add(tt.key("required"), "is required")
                under = tt.whole("under_months") if tt.has("under_months") else None
                tiers.append(FirstRenewalTier(amount or 0, under))
        else:
            p.add(
                t.key("first_renewal"),
                "must be 'exempt', 'due' or a list of {required, under_months} tables",
            )
    carry = t.credits("carry_forward_max")
    if carry is not None and not counts_all:
        p.add(t.key("carry_forward_max"), "is used only on a requirement that counts all")
    caps: list[TopicCap] = []
    source = t.text("source", "")
    for j, c in enumerate(t.tables("cap")):
        ct = _Table(p, f"{where}.cap #{j + 1}", c, _CAP)
        topic = ct.text("topic")
        if counts_all:
            # the engine caps topics within topic requirements only (docs/rules-schema.md)
            if j == 0:
                p.add(
                    t.key("cap"),
                    "a requirement that counts every entry takes no topic cap; "
                    "limit a kind instead ([[kind]] cycle_cap or year_cap)",
                )
        elif topic and topic not in req_topics:
            p.add(
                ct.key("topic"),
                f"{topic!r} is not one of the requirement's topics; "
                f"accepted: {', '.join(req_topics)}",
            )
        ct.choice("per", ("cycle",), "cycle")
        limit = ct.credits("max")
        if not ct.has("max"):
            p.add(ct.key("max"), "is required")
        caps.append(
            TopicCap(
                topic=topic,
                max=limit or 0,
                per="cycle",
                label=ct.text("label", ""),
                source=ct.text("source", "") or source,
            )
        )
    grade = t.get("grade", str, None)
    if grade is not None and grade not in GRADES:
        p.add(t.key("grade"), f"{grade!r} is not one of {', '.join(GRADES)}")
    label = t.text("label", "") or (
        topics.get(rid) or vocabulary.get(rid) or rid.replace("-", " ").capitalize()
    )
    return Requirement(
        id=rid,
        label=label,
        scope="one-time" if clock in ("once", "by-deadline") else "cycle",
        applies=_condition(p, t.key("applies"), t.data.get("applies", "always"), types),
        text=t.text("text", ""),
        source=source,
        date=t.day("date"),
        required=required,
        counts_all=counts_all,
        topics=req_topics,
        attestation=t.flag("attestation"),
        caps=tuple(caps),
        short=t.text("short", "") or label.lower(),
        category=category,
        note=t.text("note", ""),
        clock=clock,
        every=every,
        lookback_months=lookback,
        deadline=deadline,
        deadline_renewal=deadline_renewal,
        deadline_years_after_issue=deadline_years,
        first_renewals=first_renewals,
        counts_since=t.day("counts_since"),
        first_renewal=tuple(tiers),
        carry_forward_max=carry,
        grade=grade,
        verified=t.flag("verified", True),
        missing=t.text("missing", ""),
    )


def _kind(
    p: _Problems,
    i: int,
    raw: dict[str, Any],
    topics: dict[str, str],
    rids: Collection[str],
    counting_all: set[str],
) -> Kind:
    kid = raw.get("id")
    where = f"kind {kid!r}" if isinstance(kid, str) else f"kind #{i + 1}"
    t = _Table(p, where, raw, _KIND)
    kid = t.text("id")
    category = t.get("category", int, None)
    if category not in (None, 1, 2):
        p.add(t.key("category"), "must be 1 or 2")
        category = None
    toward = t.choice("counts_toward", ("all", "total", "implied"), "all")
    raw_caps = t.get("requirement_caps", dict, {})
    rcaps: dict[str, int] = {}
    for rid, v in raw_caps.items():
        if rid not in rids:
            p.add(t.key("requirement_caps") + f".{rid}", _no_requirement(rid, rids))
        elif rid in counting_all:
            # the engine applies requirement_caps to topic requirements only
            p.add(
                t.key("requirement_caps") + f".{rid}",
                f"{rid!r} counts every entry, so it takes no requirement cap; "
                "use cycle_cap or year_cap to limit the kind",
            )
        amount = _credits(p, t.key("requirement_caps") + f".{rid}", v)
        if amount is not None:
            rcaps[rid] = amount
    satisfies = t.get("satisfies", str, None)
    if satisfies is not None and satisfies not in rids:
        p.add(t.key("satisfies"), _no_requirement(satisfies, rids))
    within_days = t.whole("satisfies_within_days") if t.has("satisfies_within_days") else None
    within_months = t.whole("satisfies_within_months") if t.has("satisfies_within_months") else None
    if (within_days or within_months) and satisfies is None:
        p.add(
            t.key("satisfies"),
            "is required with satisfies_within_days or satisfies_within_months",
        )
    implied = _topic_slugs(p, t.key("implied_topics"), t.strings("implied_topics"), topics)
    return Kind(
        id=kid,
        label=t.text("label"),
        source=t.text("source", ""),
        date=t.day("date"),
        category=category,
        credits=t.credits("credits"),
        max_per_entry=t.credits("max_per_entry"),
        credits_per_hour=t.whole("credits_per_hour", 1) or 1,
        counts_toward_topics=toward != "total",
        own_topics=toward == "all",
        implied_topics=implied,
        year_cap=t.credits("year_cap"),
        cycle_cap=t.credits("cycle_cap"),
        requirement_caps=rcaps,
        satisfies=satisfies,
        satisfies_within_days=within_days,
        satisfies_within_months=within_months,
        note=t.text("note", ""),
    )


def _license_type(p: _Problems, i: int, raw: dict[str, Any]) -> LicenseType:
    lid = raw.get("id")
    where = f"license_type {lid!r}" if isinstance(lid, str) else f"license_type #{i + 1}"
    t = _Table(p, where, raw, _LICENSE_TYPE)
    lid = t.text("id")
    if lid and not _SLUG.match(lid):
        p.add(t.key("id"), "must be a slug of lower-case letters, digits and hyphens")
    required: dict[str, int] = {}
    for rid, v in t.get("required", dict, {}).items():
        amount = _credits(p, t.key("required") + f".{rid}", v)
        if amount is not None:
            required[str(rid)] = amount
    exempt = t.data.get("exempt", [])
    exempt_all = exempt == "all"
    if not exempt_all and (
        not isinstance(exempt, list) or not all(isinstance(x, str) for x in exempt)
    ):
        p.add(t.key("exempt"), "must be 'all' or a list of requirement ids")
        exempt = []
    return LicenseType(
        id=lid,
        label=t.text("label", "") or lid.replace("-", " ").capitalize(),
        required=required,
        exempt_all=exempt_all,
        exempt=() if exempt_all else tuple(exempt),
        source=t.text("source", ""),
        date=t.day("date"),
        note=t.text("note", ""),
    )


def _renewal(p: _Problems, raw: Any, ledger: str | None) -> RenewalRules:
    t = _Table(p, "renewal", raw, _RENEWAL)
    default_anchor = {"dea-mate": "registration", "moc": "cycle-start"}.get(
        ledger or "", "birthday"
    )
    anchor = t.choice("anchor", ANCHORS, default_anchor)
    if ledger is None and anchor in LEDGER_ANCHORS:
        p.add(
            t.key("anchor"),
            f"{anchor!r} is for a ledger's file; a board's file uses one of "
            + ", ".join(a for a in ANCHORS if a not in LEDGER_ANCHORS),
        )
    month = t.whole("month") if t.has("month") else None
    day = t.whole("day") if t.has("day") else None
    if anchor == "fixed":
        for key in ("month", "day"):
            if not t.has(key):
                p.add(t.key(key), "is required with anchor = 'fixed'")
        if month is not None and month > 12:
            p.add(t.key("month"), "must be a month from 1 to 12")
            month = None
        if day is not None and day > 31:
            p.add(t.key("day"), "must be a day from 1 to 31")
            day = None
        if month is not None and day is not None:
            try:
                date(2000, month, day)
            except ValueError:
                last = (date(2000 + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
                p.add(t.key("day"), f"{day} is not a day of month {month}; accepted: 1 to {last}")
    else:
        for key in ("month", "day"):
            if t.has(key):
                p.add(t.key(key), "is used only with anchor = 'fixed'")
    years = t.choice("years", YEARS, "printed")
    if years in ("even", "odd") and anchor not in ("fixed", "birthday", "birth-month-end"):
        p.add(t.key("years"), f"'{years}' is used only with a birthday, month-end or fixed anchor")
    if years == "birth-year-parity" and anchor not in ("birthday", "birth-month-end"):
        p.add(t.key("years"), "'birth-year-parity' is used only with a birthday anchor")
    first = t.choice("first_renewal", FIRST_RENEWAL, DEFAULT_FIRST_RENEWAL.get(anchor, "next"))
    window = t.whole("first_renewal_window_months", 3) or 3
    if t.has("first_renewal_window_months") and first != "three-month-rule":
        p.add(
            t.key("first_renewal_window_months"),
            "is used only with first_renewal = 'three-month-rule'",
        )
    return RenewalRules(
        anchor=anchor,
        cycle_years=t.whole("cycle_years", 2) or 2,
        application_mailing_days=t.whole("application_mailing_days", 60, minimum=0) or 0,
        waiver_request_days=t.whole("waiver_request_days", None, minimum=0)
        if t.has("waiver_request_days")
        else None,
        records_cycles=t.whole("records_cycles", 2) or 2,
        first_renewal_window_months=window,
        source=t.text("source", ""),
        years=years,
        month=month,
        day=day,
        leap_day=t.choice("leap_day", ("feb-28", "mar-1"), "feb-28"),
        first_renewal=first,
        window_months=t.whole("window_months") if t.has("window_months") else None,
        grace_days=t.whole("grace_days", None, minimum=0) if t.has("grace_days") else None,
        date=t.day("date"),
        note=t.text("note", ""),
    )


def _labels(p: _Problems, where: str, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        p.add(where, 'must be a table of slug = "label"')
        return {}
    out: dict[str, str] = {}
    for slug, label in raw.items():
        if not _SLUG.match(slug):
            p.add(f"{where}.{slug}", "must be a slug of lower-case letters, digits and hyphens")
        if not isinstance(label, str) or not label.strip():
            p.add(f"{where}.{slug}", "must be a non-empty label")
            continue
        out[slug] = label
    return out


def _parse(
    data: Any, board_hint: str, vocabulary: dict[str, str], formats_default: dict[str, str]
) -> tuple[Rules | None, list[str]]:
    p = _Problems()
    top = _Table(p, "the file", data, _TOP)
    if top.data.get("schema") != SCHEMA_VERSION:
        p.add("schema", f"must be {SCHEMA_VERSION}")
    ledger = None
    if top.has("ledger"):
        ledger = top.choice("ledger", LEDGER_KINDS)
        if top.has("board"):
            p.add("board", "a ledger's file names its ledger, not a board")
        board = ledger
    else:
        got = top.get("board", str, board_hint) if top.has("board") else None
        board = got if isinstance(got, str) else board_hint
        if got is None:
            p.add("board", "is required: the board's two-letter postal code (or ledger = ...)")
            board = board_hint
        elif not _BOARD.match(board):
            p.add("board", f"{board!r} is not two upper-case letters")
    name = top.text("name")
    unit = top.choice("unit", UNITS, "points" if ledger == "moc" else "credits")
    topics = {**_labels(p, "topics", top.data.get("topics", {}))}
    formats = _labels(p, "formats", top.data.get("formats", formats_default))
    cal = _Table(p, "calendar", top.data.get("calendar", {}), _CALENDAR)
    calendar = Calendar(
        renewal=cal.text("renewal", Calendar.renewal),
        application=cal.text("application", Calendar.application),
        waiver=cal.text("waiver", Calendar.waiver),
    )
    types = {
        "full": FULL,
    }
    raw_types = top.tables("license_type")
    if raw_types:
        types = {}
        for i, raw in enumerate(raw_types):
            lt = _license_type(p, i, raw)
            if lt.id in types:
                p.add(f"license_type {lt.id!r}", "is defined twice")
            types[lt.id] = lt
        if "full" not in types:
            # `full` is always there (docs/rules-schema.md): the file's own amounts, no exemptions
            types = {"full": FULL, **types}
    requirements: list[Requirement] = []
    raw_reqs = top.tables("requirement")
    if not top.has("requirement"):
        p.add("requirement", "at least one [[requirement]] table is required")
    seen: dict[str, None] = {}  # the requirement ids, in file order
    for i, raw in enumerate(raw_reqs):
        req = _requirement(p, i, raw, topics, tuple(types), vocabulary)
        if req is None:
            continue
        if req.id in seen:
            p.add(f"requirement {req.id!r}", "is defined twice")
        seen[req.id] = None
        requirements.append(req)
    for lt in types.values():
        for rid in lt.required:
            if rid not in seen:
                p.add(f"license_type {lt.id!r}.required.{rid}", _no_requirement(rid, seen))
        for rid in lt.exempt:
            if rid not in seen:
                p.add(f"license_type {lt.id!r}.exempt", _no_requirement(rid, seen))
    kinds: dict[str, Kind] = {}
    counting_all = {r.id for r in requirements if r.counts_all}
    for i, raw in enumerate(top.tables("kind")):
        k = _kind(p, i, raw, topics, seen, counting_all)
        if k.id in kinds:
            p.add(f"kind {k.id!r}", "is defined twice")
        kinds[k.id] = k
    if "activity" not in kinds:
        kinds["activity"] = Kind(id="activity", label="CME activity", source="")
    renewal = _renewal(p, top.data.get("renewal", {}), ledger)
    sources, advice = top.strings("sources"), top.strings("advice")
    _minimums_within_total(p, requirements, types)
    if p.items:
        return None, p.items
    return (
        Rules(
            board=board,
            name=name,
            sources=sources,
            advice=advice,
            renewal=renewal,
            topics=topics,
            formats=formats,
            requirements=tuple(requirements),
            kinds=kinds,
            ledger=ledger,
            unit=unit,
            license_types=types,
            calendar=calendar,
        ),
        [],
    )


def _minimums_within_total(
    p: _Problems, requirements: list[Requirement], types: dict[str, LicenseType]
) -> None:
    """A Category minimum (`category-1`: counts every entry of one category) is part of the
    total (docs/rules-schema.md), so it cannot exceed it, for any license type."""
    total = next((r for r in requirements if r.id == "total"), None)
    if total is None or not total.counts_all or total.category is not None:
        return
    if total.required is None or total.clock != "cycle":
        return
    for m in requirements:
        if not (m.counts_all and m.category is not None and m.clock == "cycle"):
            continue
        if m.required is None:
            continue
        if m.required > total.required:
            p.add(
                f"requirement {m.id!r}.required",
                f"{short_credits(m.required)} is more than requirement 'total'.required "
                f"({short_credits(total.required)}); a Category minimum is part of the total, "
                f"so it must be at most {short_credits(total.required)}",
            )
            continue
        for lt in types.values():
            if lt.exempt_all or m.id in lt.exempt or "total" in lt.exempt:
                continue
            t_amount = lt.required.get("total", total.required)
            m_amount = lt.required.get(m.id, m.required)
            if m_amount <= t_amount:
                continue
            if m.id in lt.required:
                p.add(
                    f"license_type {lt.id!r}.required.{m.id}",
                    f"{short_credits(m_amount)} is more than the type's total "
                    f"({short_credits(t_amount)}); a Category minimum is part of the total, "
                    f"so it must be at most {short_credits(t_amount)}",
                )
            else:
                p.add(
                    f"license_type {lt.id!r}.required.total",
                    f"{short_credits(t_amount)} is less than requirement {m.id!r}.required "
                    f"({short_credits(m_amount)}), a Category minimum that is part of the total; "
                    f"raise it, or exempt the license type from {m.id} or give it its own amount",
                )


def check_rules(
    data: Any, vocabulary: dict[str, str] | None = None, formats: dict[str, str] | None = None
) -> list[str]:
    """Every problem of a decoded rules file, each naming its key (empty: the file is valid)."""
    return _parse(data, "?", dict(vocabulary or {}), dict(formats or {}))[1]


def parse_rules(
    data: dict[str, Any],
    board_hint: str = "?",
    vocabulary: dict[str, str] | None = None,
    formats: dict[str, str] | None = None,
) -> Rules:
    rules, problems = _parse(data, board_hint, dict(vocabulary or {}), dict(formats or {}))
    if rules is None:
        board = str(data.get("board", data.get("ledger", board_hint)))
        shown = "; ".join(problems[:3]) + (
            f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        )
        raise RulesError(board, shown + ".", tuple(problems))
    return rules


def with_origin(rules: Rules, origin: str) -> Rules:
    return replace(rules, origin=origin)
