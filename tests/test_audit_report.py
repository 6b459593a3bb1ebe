"""Issue 9, the audit report object (domain/report.py): how each requirement reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cmelog.domain.model import (
    Attestation,
    CycleWindow,
    Entry,
    EntryOutcome,
    Evaluation,
    MetBy,
    Profile,
    Renewal,
    RequirementResult,
)
from cmelog.domain.report import (
    AuditReport,
    ReportCycle,
    cycle_states,
    requirement_state,
    undrawable,
)

WINDOW = CycleWindow(date(2022, 6, 16), date(2024, 6, 15))
ATTESTATION = Attestation(7, "child-abuse-reporting", date(2005, 6, 30), "Residency at BMC")


def entry(entry_id: int, **kw: Any) -> Entry:
    fields: dict[str, Any] = {"title": "t", "date": date(2023, 1, 1), "credits": 100, "category": 1}
    return Entry(id=entry_id, **{**fields, **kw})


def req(rid: str = "total", *, required: int | None = 5000, earned: int | None = 600,
        met: bool = False, applies: bool = True, met_by: tuple[MetBy, ...] | None = None,
        scope: str = "cycle") -> RequirementResult:  # fmt: skip
    return RequirementResult(rid, rid.title(), scope, applies, required, earned, met, "src",
                             met_by=met_by)  # fmt: skip


def report(cycle: ReportCycle, attestations: tuple[Attestation, ...] = ()) -> AuditReport:
    renewal = Renewal(date(2026, 1, 10), date(2026, 6, 15), "license",
                      CycleWindow(date(2024, 6, 16), date(2026, 6, 15)), WINDOW,
                      date(2026, 4, 16), date(2026, 5, 16))  # fmt: skip
    return AuditReport(Profile("Dr. A", date(1975, 6, 15), "1"), "Board", date(2026, 1, 10),
                       "0.2", renewal, (cycle,), (), attestations)  # fmt: skip


def test_closed_cycle_reads_short_by_open_cycle_to_go() -> None:
    r = req(required=5000, earned=600)
    assert requirement_state(r, closed=True).text == "short by 44.00"
    assert requirement_state(r, closed=False).text == "44.00 to go"
    assert requirement_state(r, closed=True).remaining == 4400


def test_attested_requirement_reads_met_by_attestation_and_nothing_remains() -> None:
    r = req("ehr", required=300, earned=0, met=True, scope="one-time",
            met_by=(MetBy("attestation", 7),))  # fmt: skip
    state = requirement_state(r, closed=True, attestations={7: ATTESTATION})
    assert state.text == "met by attestation 2005-06-30: Residency at BMC"
    assert state.status == "met by attestation"
    assert state.remaining == 0
    assert state.met_by_text == "attestation 7"


def test_training_requirement_and_not_applying() -> None:
    training = req("child-abuse-reporting", required=None, earned=None, scope="one-time")
    assert requirement_state(training, closed=False).remaining is None
    assert "not" in requirement_state(training, closed=True).text
    gone = req("alzheimers-dementia", required=100, earned=0, met=True, applies=False)
    assert requirement_state(gone, closed=True).text == "does not apply"


@given(required=st.integers(1, 10_000), earned=st.integers(0, 20_000), closed=st.booleans())
def test_remaining_is_never_negative_and_zero_when_met(
    required: int, earned: int, closed: bool
) -> None:
    met = earned >= required
    state = requirement_state(req(required=required, earned=earned, met=met), closed=closed)
    assert state.remaining == (0 if met else required - earned)
    assert ("short by" in state.text) == (closed and not met)
    assert ("to go" in state.text) == (not closed and not met)


def test_subtotals_always_give_both_categories() -> None:
    entries = (
        entry(1, category=1, credits=300),
        entry(2, category=1, credits=1000, kind="article"),
    )
    outcomes = {1: EntryOutcome(1, 300, 300), 2: EntryOutcome(2, 1000, 0)}
    cycle = ReportCycle("previous", WINDOW, Evaluation(WINDOW, (req(),), outcomes), entries)
    one, two = cycle.subtotals()
    assert (one.category, one.entries, one.claimed, one.counted) == (1, 2, 1300, 300)
    assert (two.category, two.entries, two.claimed, two.counted) == (2, 0, 0, 0)
    assert cycle.heading == "Previous cycle" and cycle.closed and cycle.recorded


def test_an_empty_previous_cycle_is_not_recorded_an_attestation_makes_it_recorded() -> None:
    ev = Evaluation(WINDOW, (req(),))
    assert not ReportCycle("previous", WINDOW, ev, ()).recorded
    assert ReportCycle("previous", WINDOW, ev, (), (ATTESTATION,)).recorded


def test_cycle_states_find_the_attestation_of_the_report() -> None:
    r = req("ehr", required=300, earned=0, met=True, met_by=(MetBy("attestation", 7),))
    cycle = ReportCycle("current", WINDOW, Evaluation(WINDOW, (r,)), ())
    (state,) = cycle_states(report(cycle, (ATTESTATION,)), cycle)
    assert state.text.startswith("met by attestation 2005-06-30")


def test_undrawable_names_the_entry_and_the_characters() -> None:
    e = entry(12, title="Ultrasound 超音波", provider="Ωmega")
    cycle = ReportCycle("current", WINDOW, Evaluation(WINDOW, (req(),)), (e,))
    found = undrawable(report(cycle), lambda ch: ord(ch) < 0x3000)
    assert [u.where for u in found] == ['entry 12 "Ultrasound 超音波"']
    assert found[0].characters == ("超", "音", "波")
    message = found[0].message("?")
    assert "U+8D85" in message and 'entry 12 "Ultrasound 超音波"' in message


def test_entry_stream_reads_sequential_slices_in_one_pass() -> None:
    from cmelog.domain.report import EntryStream

    stored = [entry(i) for i in range(1, 251)]
    passes: list[int] = []

    def load() -> Any:
        passes.append(1)
        yield from stored

    stream = EntryStream(len(stored), load)
    assert len(stream) == 250 and bool(stream)
    got = [e.id for k in range(0, 250, 80) for e in stream[k : k + 80]]
    assert got == list(range(1, 251))
    assert len(passes) == 1  # the chunks of a table continue one pass
    assert [e.id for e in stream] == got  # a full pass (subtotals) starts another
    assert stream[5].id == 6 and stream[-1].id == 250
    assert [e.id for e in stream[10:13]] == [11, 12, 13]
    cycle = ReportCycle("current", WINDOW, Evaluation(WINDOW, (req(),)), stream)
    (one, two) = cycle.subtotals()
    assert (one.entries, one.claimed, one.counted) == (250, 25000, 25000)  # no outcome: in full


def test_entry_stream_holds_a_small_cycle_after_one_pass(monkeypatch: Any) -> None:
    """The export reads a cycle's entries for its subtotals, then for its table: a small cycle
    is read once (issue 13); a large one is read again, never held (bounded memory)."""
    from cmelog.domain import report as report_module
    from cmelog.domain.report import EntryStream

    stored = [entry(i) for i in range(1, 251)]
    passes: list[int] = []

    def load() -> Any:
        passes.append(1)
        yield from stored

    small = EntryStream(len(stored), load)
    assert [e.id for e in small] == list(range(1, 251))
    assert [e.id for k in range(0, 250, 80) for e in small[k : k + 80]] == list(range(1, 251))
    assert [e.id for e in small] == list(range(1, 251)) and small[-1].id == 250
    assert len(passes) == 1
    monkeypatch.setattr(report_module, "HELD_ENTRIES", 100)
    passes.clear()
    large = EntryStream(len(stored), load)
    assert [e.id for e in large] == [e.id for e in large] == list(range(1, 251))
    assert len(passes) == 2 and large._held is None
