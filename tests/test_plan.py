"""Next steps (cmelog.domain.plan.next_steps): plain advice that uses the overlaps of rules.md.

Jane renews 2026-06-15; the Board mails the application 60 days before (2026-04-16) and a waiver
request is due 30 days before (2026-05-16).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from cmelog.domain.cycles import renewal_status
from cmelog.domain.engine import evaluate
from cmelog.domain.model import Attestation, Entry, Profile
from cmelog.domain.plan import next_steps
from cmelog.rules import load_rules

RULES = load_rules("MA")
JANE = Profile("Jane Roe, MD", date(1975, 6, 15), "123456", license_expires=date(2026, 6, 15))


def E(i: int, d: str, credits: float, *topics: str, kind: str = "activity") -> Entry:
    return Entry(i, f"entry {i}", date.fromisoformat(d), round(credits * 100), 1, kind=kind,
                 topics=tuple(sorted(topics)), provider="P")  # fmt: skip


def steps(
    entries: Sequence[Entry] = (),
    *,
    as_of: str = "2026-01-10",
    profile: Profile = JANE,
    attestations: Sequence[Attestation] = (),
) -> list[str]:
    renewal = renewal_status(profile, date.fromisoformat(as_of))
    ev = evaluate(
        RULES,
        profile,
        renewal.current,
        [e for e in entries if renewal.current.contains(e.effective_date)],
        one_time_entries=[e for e in entries if set(e.topics) & RULES.one_time_topics],
        attestations=attestations,
    )
    return next_steps(RULES, renewal, ev)


def about(lines: list[str], words: str) -> list[str]:
    return [line for line in lines if words in line]


def everything_but(*skip: str) -> tuple[list[Entry], list[Attestation]]:
    """A complete cycle for Jane, leaving out the named parts."""
    parts = {
        "opioids": E(1, "2025-01-01", 3, "opioids-pain-management"),
        "regs": E(2, "2025-01-02", 2, "board-regulations"),
        "bias": E(3, "2025-01-03", 2, "implicit-bias"),
        "eol": E(4, "2025-01-04", 2, "end-of-life"),
        "rm": E(5, "2025-01-05", 1, "risk-management"),
        "alz": E(6, "2025-01-06", 1, "alzheimers-dementia"),
        "rest": E(7, "2025-01-07", 39),
    }
    atts = {
        "ehr": Attestation(1, "ehr", date(2010, 1, 1), "meaningful use"),
        "child": Attestation(2, "child-abuse-reporting", date(2005, 1, 1), "residency"),
        "dsv": Attestation(3, "domestic-sexual-violence", date(2012, 1, 1), "course"),
    }
    return (
        [e for k, e in parts.items() if k not in skip],
        [a for k, a in atts.items() if k not in skip],
    )


def test_complete_cycle_says_to_file_the_application() -> None:
    entries, atts = everything_but()
    [only] = steps(entries, attestations=atts)
    assert "met" in only
    assert "2026-06-15" in only  # file by the renewal date
    assert "2026-04-16" in only  # when the Board mails the application


def test_opioid_course_also_covers_risk_management() -> None:
    """rules.md: a 3-credit opioid course counts 3 toward opioids and 3 toward risk management."""
    lines = steps()
    [opioid] = about(lines, "opioid education")
    assert opioid.startswith("3 more credits of opioid education and pain management by 2026-06-15")
    assert "3-credit course also covers 3 of your 10 missing risk management credits" in opioid


def test_after_the_opioid_course_seven_risk_management_credits_remain() -> None:
    """Seed: after 3 pain-management hours, 7 more risk-management hours are needed."""
    lines = steps([E(1, "2025-01-01", 3, "opioids-pain-management")])
    assert not about(lines, "opioid")
    [rm] = about(lines, "of risk management")
    assert rm.startswith("7 more credits of risk management by 2026-06-15")


def test_overlap_is_limited_by_what_the_broader_requirement_still_needs() -> None:
    entries, atts = everything_but("regs")
    entries.append(E(8, "2025-02-01", 1, "risk-management"))  # RM now 9 of 10
    lines = steps(entries, attestations=atts)
    [regs] = about(lines, "Board's regulations")
    assert regs.startswith("2 more credits of the Board's regulations by 2026-06-15")
    assert "2-credit course also covers 1 of your 1 missing risk management credits" in regs


def test_no_overlap_mentioned_once_risk_management_is_met() -> None:
    lines = steps([E(1, "2025-01-01", 10, "risk-management")])
    [regs] = about(lines, "Board's regulations")
    assert "risk management" not in regs
    assert not about(lines, "of risk management")


def test_one_time_steps_say_once_any_date_and_offer_attestation_only_where_accepted() -> None:
    lines = steps()
    [ehr] = about(lines, "electronic health records")
    assert "3 more credits" in ehr and "once; any date up to" in ehr
    assert "cmelog attest ehr" in ehr
    [bias] = about(lines, "implicit-bias")
    assert "once; any date up to" in bias and "attest" not in bias
    [eol] = about(lines, "end-of-life")
    assert "attest" not in eol


def test_singular_credit() -> None:
    [alz] = about(steps(), "Alzheimer")
    assert alz.startswith("1 more credit of Alzheimer's disease and dementia")


def test_training_steps_offer_attestation() -> None:
    lines = steps()
    for rid, words in (
        ("child-abuse-reporting", "child abuse reporting"),
        ("domestic-sexual-violence", "domestic and sexual violence"),
    ):
        [line] = about(lines, words)
        assert "training" in line.lower()
        assert f"cmelog attest {rid}" in line
        assert "credit" not in line  # a training requirement has no credit amount


def test_total_step_names_what_is_left() -> None:
    entries, atts = everything_but("rest")
    lines = steps(entries, attestations=atts)
    [total] = about(lines, "in total")
    assert "39 more credits" in total and "2026-06-15" in total


def test_requirements_that_do_not_apply_get_no_step() -> None:
    p = Profile("A", date(1975, 6, 15), "1", license_expires=date(2026, 6, 15),
                prescriber=False, adult_patients=False)  # fmt: skip
    lines = steps(profile=p)
    assert not about(lines, "opioid")
    assert not about(lines, "Alzheimer")
    # implicit bias does not apply to the 2020 renewal
    assert not about(steps(as_of="2020-01-01"), "implicit-bias")
    assert about(steps(as_of="2022-01-01"), "implicit-bias")


def test_met_requirements_get_no_step() -> None:
    entries, atts = everything_but("opioids")
    entries.append(E(9, "2025-03-01", 3))  # keep total at 50
    lines = steps(entries, attestations=atts)
    assert len(about(lines, "opioid")) == 1
    assert not about(lines, "Board's regulations")
    assert not about(lines, "attest ehr")


def test_residency_within_the_year_before_renewal_leaves_no_total_step() -> None:
    lines = steps([E(1, "2026-01-01", 10, kind="residency")])
    assert not about(lines, "in total")


def test_waiver_deadline_before_on_and_after() -> None:
    assert about(steps(as_of="2026-01-10"), "waiver request is due by 2026-05-16")
    assert about(steps(as_of="2026-05-16"), "waiver request is due by 2026-05-16")
    late = steps(as_of="2026-05-17")
    assert about(late, "(2026-05-16) has passed")
    assert not about(late, "is due by")


def test_status_json_and_human_output_carry_the_steps(jane: Callable[..., Any]) -> None:
    r = jane("status", "--json", "--as-of", "2026-01-10")
    doc = json.loads(r.stdout)
    assert doc["next_steps"] == steps()
    human = " ".join(jane("status", "--as-of", "2026-01-10").stdout.split())
    for line in doc["next_steps"]:
        assert line in human
