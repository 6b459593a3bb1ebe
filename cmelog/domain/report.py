"""What an audit export shows: built by the export service, drawn by the PDF/CSV renderers.

Pure: the wording of every requirement's state ("met by attestation", "short by", "to go"), the
Category 1 / 2 subtotals and the check of which characters a font cannot draw live here, so that
the PDF, the CSV summary and the tests agree on them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import cached_property, partial
from itertools import chain, islice
from typing import overload

from cmelog.domain.credits import format_credits
from cmelog.domain.model import (
    Attestation,
    CycleWindow,
    Entry,
    Evaluation,
    Profile,
    Renewal,
    RequirementResult,
)
from cmelog.structs import Struct, field

HELD_ENTRIES = 2_000  # a cycle of at most this many entries is held after its first pass


class EntryStream(Sequence[Entry]):
    """A cycle's entries, in order, read again from their source on every pass instead of held
    (a 100k-entry logbook). `load` yields them all in order; `count` is how many it yields.
    A cycle of at most HELD_ENTRIES entries is kept after one whole pass (about 1 MB), so the
    export reads it once.

    Sequential slices (`s[0:80]`, `s[80:160]`, ...) continue one pass; any other access
    starts a new one."""

    def __init__(self, count: int, load: Callable[[], Iterator[Entry]]) -> None:
        self._count = count
        self._load = load
        self._pass: Iterator[Entry] | None = None
        self._at = 0
        self._held: list[Entry] | None = None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Entry]:
        if self._held is not None:
            return iter(self._held)
        if self._count > HELD_ENTRIES:
            return self._load()
        return self._hold()

    def _hold(self) -> Iterator[Entry]:
        held: list[Entry] = []
        for entry in self._load():
            held.append(entry)
            yield entry
        self._held = held

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        if isinstance(index, int):
            got = self[index : index + 1] if index >= 0 else list(self)[index : index + 1 or None]
            if not got:
                raise IndexError(index)
            return got[0]
        if self._held is not None:
            return self._held[index]
        start, stop, step = index.indices(self._count)
        if step != 1:
            return list(self)[index]
        if self._pass is None or start != self._at:
            self._pass = self._load()
            self._at = 0
        while self._at < start:
            next(self._pass, None)
            self._at += 1
        out = list(islice(self._pass, max(0, stop - start)))
        self._at += len(out)
        return out


class ReportCycle(Struct, frozen=True, dict=True):
    label: str  # "current" | "previous"
    window: CycleWindow
    # judged as of the cycle's own renewal date (window.end); `outcomes` may hold only the
    # entries some cap or rule touched: an entry without an outcome counts in full
    evaluation: Evaluation
    entries: Sequence[Entry]  # effective date inside the window, by date then id
    attestations: tuple[Attestation, ...] = ()  # dated inside the window

    @property
    def heading(self) -> str:
        """ "Current cycle" or "Previous cycle"."""
        return {"current": "Current cycle", "previous": "Previous cycle"}.get(
            self.label, f"{self.label.capitalize()} cycle"
        )

    @property
    def closed(self) -> bool:
        """A previous cycle has ended: what it lacks is short, not still to go."""
        return self.label != "current"

    @property
    def recorded(self) -> bool:
        """Whether cmelog holds any entry or attestation of this cycle."""
        return bool(self.entries or self.attestations)

    def subtotals(self) -> tuple[CategoryTotal, ...]:
        """Category 1 and Category 2 (always both, in that order), then any other category."""
        return self.scan.subtotals

    @cached_property
    def scan(self) -> CycleScan:
        """What the export needs from every entry, gathered in one pass over them (a pass
        reads every entry from the logbook again) and kept: the subtotals, the certificates,
        the entries with notes and every character of the texts drawn."""
        totals: dict[int, list[int]] = {1: [0, 0, 0], 2: [0, 0, 0]}
        outcomes = self.evaluation.outcomes
        certificates: dict[str, str | None] = {}
        noted: set[int] = set()
        characters: set[str] = set()
        chars = characters.update
        for e in self.entries:
            t = totals.setdefault(e.category, [0, 0, 0])
            t[0] += 1
            t[1] += e.credits
            outcome = outcomes.get(e.id)
            if outcome is None:
                t[2] += e.credits
            else:
                t[2] += outcome.counted
                if outcome.notes:
                    noted.add(e.id)
            if e.certificate_sha256:
                certificates.setdefault(e.certificate_sha256, e.certificate_name)
            chars(e.title)
            if e.provider:
                chars(e.provider)
            if e.certificate_name:
                chars(e.certificate_name)
            if e.kind:
                chars(e.kind)
            for topic in e.topics:
                chars(topic)
        return CycleScan(
            subtotals=tuple(CategoryTotal(c, *totals[c]) for c in sorted(totals)),
            certificates=certificates,
            noted=frozenset(noted),
            characters=frozenset(characters),
        )


class CycleScan(Struct, frozen=True):
    """One pass over a cycle's entries (see ReportCycle.scan)."""

    subtotals: tuple[CategoryTotal, ...]
    certificates: dict[str, str | None]  # SHA-256 -> the first entry's file name, entry order
    noted: frozenset[int]  # entries whose outcome carries notes
    characters: frozenset[str]  # of every text of every entry that undrawable() checks


class CategoryTotal(Struct, frozen=True):
    category: int
    entries: int
    claimed: int  # hundredths
    counted: int  # hundredths, after the kinds' caps


class OneTimeEvidence(Struct, frozen=True):
    requirement_id: str
    label: str
    applies: bool
    met: bool
    entries: tuple[Entry, ...]  # the entries that met it, whatever their date
    attestations: tuple[Attestation, ...]


class AuditReport(Struct, frozen=True):
    profile: Profile
    board_name: str  # e.g. "Massachusetts Board of Registration in Medicine"
    as_of: date
    version: str  # cmelog version
    renewal: Renewal
    cycles: tuple[ReportCycle, ...]  # current first, then previous when there is one
    one_time: tuple[OneTimeEvidence, ...]
    attestations: tuple[Attestation, ...] = ()  # every attestation of the logbook, by date, id
    board: str = "MA"


def _index(attestations: tuple[Attestation, ...]) -> dict[int, Attestation]:
    return {a.id: a for a in attestations}


# --- how a requirement reads ---------------------------------------------------------------


class RequirementState(Struct, frozen=True):
    """One requirement of one cycle, as the audit record words it."""

    result: RequirementResult
    status: str  # "met", "met by attestation", "short", "to go", "does not apply"
    text: str  # the words shown: "met by attestation 2015-01-01: residency", "short by 4.00"
    remaining: int | None  # hundredths still lacking (0 when met), None for training
    met_by_attestations: tuple[Attestation, ...] = field(default=())

    @property
    def met_by_text(self) -> str:
        """What met a one-time requirement, for the summary CSV: "entry 3; attestation 1"."""
        items = self.result.met_by or ()
        return "; ".join(f"{m.kind} {m.id}" for m in items)


def requirement_state(
    result: RequirementResult,
    *,
    closed: bool,
    attestations: dict[int, Attestation] | None = None,
) -> RequirementState:
    """The state of one requirement: met (by attestation), short by X (closed cycle), X to go."""
    attested = tuple(
        a
        for m in result.met_by or ()
        if m.kind == "attestation"
        for a in [(attestations or {}).get(m.id)]
        if a is not None
    )
    if not result.applies:
        lacking = 0 if result.required is not None else None
        return RequirementState(result, "does not apply", "does not apply", lacking)
    credit = result.required is not None and result.earned is not None
    remaining: int | None = None
    if credit:
        assert result.required is not None and result.earned is not None
        remaining = 0 if result.met else max(0, result.required - result.earned)
    if result.met:
        if attested:
            first = attested[0]
            text = f"met by attestation {first.date.isoformat()}: {first.how}"
            if len(attested) > 1:
                text += f" (and {len(attested) - 1} more)"
            return RequirementState(result, "met by attestation", text, remaining, attested)
        if any(m.kind == "attestation" for m in result.met_by or ()):
            return RequirementState(result, "met by attestation", "met by attestation", remaining)
        return RequirementState(result, "met", "met", remaining)
    if not credit:
        text = "not met: no training recorded" if closed else "training not yet recorded"
        return RequirementState(result, "short" if closed else "to go", text, None)
    amount = format_credits(remaining or 0)
    if closed:
        return RequirementState(result, "short", f"short by {amount}", remaining)
    return RequirementState(result, "to go", f"{amount} to go", remaining)


def cycle_states(report: AuditReport, cycle: ReportCycle) -> list[RequirementState]:
    by_id = _index(report.attestations)
    return [
        requirement_state(r, closed=cycle.closed, attestations=by_id)
        for r in cycle.evaluation.requirements
    ]


# --- characters a font cannot draw ----------------------------------------------------------


class Undrawable(Struct, frozen=True):
    where: str  # "entry 12 \"Title\"", "the physician's name", "attestation 3"
    characters: tuple[str, ...]

    def message(self, replacement: str) -> str:
        chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in self.characters)
        noun = "character" if len(self.characters) == 1 else "characters"
        return (
            f"The audit PDF cannot draw the {noun} {chars} of {self.where}; "
            f"printed as {replacement!r} instead."
        )


def _entry_where(e: Entry) -> str:
    title = " ".join(e.title.split())
    if len(title) > 60:
        title = title[:59] + "\u2026"
    return f'entry {e.id} "{title}"'


def _texts(
    report: AuditReport, cycles: Sequence[ReportCycle]
) -> Iterator[tuple[str | Callable[[], str], tuple[str | None, ...]]]:
    p = report.profile
    yield "the physician's name", (p.name,)
    yield "the license number", (p.license,)
    yield "the board's name", (report.board_name,)
    seen: set[int] = set()
    entries = chain(
        (e for c in cycles for e in c.entries),
        (e for ot in report.one_time for e in ot.entries),
    )
    for e in entries:
        if e.id in seen:
            continue
        seen.add(e.id)
        yield (
            partial(_entry_where, e),
            (e.title, e.provider, e.certificate_name, e.kind, *e.topics),
        )
    for a in report.attestations:
        yield f"attestation {a.id} ({a.requirement})", (a.how, a.certificate_name)
    for c in report.cycles:
        for r in c.evaluation.requirements:
            yield f"requirement {r.id}", (r.label, *r.notes)


def undrawable(report: AuditReport, can_draw: Callable[[str], bool]) -> list[Undrawable]:
    """Every text of the report holding characters `can_draw` refuses, with where it is.

    Whitespace and control characters are not reported (the PDF shows them as spaces)."""
    out: list[Undrawable] = []
    fine: set[str] = set()  # characters known drawable: most texts are checked at C speed

    def drawable(ch: str) -> bool:
        return ch.isspace() or ord(ch) < 32 or 127 <= ord(ch) < 160 or can_draw(ch)

    # A cycle whose entries hold only drawable characters (its one pass over them, kept) is
    # not read again entry by entry: nothing of it would be named.
    cycles = []
    for c in report.cycles:
        known = c.scan.characters
        if not fine.issuperset(known):
            fine.update(ch for ch in known - fine if drawable(ch))
        if not fine.issuperset(known):
            cycles.append(c)
    for where, texts in _texts(report, cycles):
        bad: dict[str, None] = {}
        for text in texts:
            if not text or fine.issuperset(text):
                continue
            for ch in text:
                if ch in fine:
                    continue
                if drawable(ch):
                    fine.add(ch)
                else:
                    bad[ch] = None
        if bad:
            out.append(Undrawable(where() if callable(where) else where, tuple(bad)))
    return out
