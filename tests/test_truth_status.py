"""Issue 9 (audit truth), `status`: every cycle judged as of its own end, and worded truly.

Ann: born 1970-03-14, license expires 2027-03-14. At --as-of 2026-04-01 her current cycle is
2025-03-15..2027-03-14 and the previous one 2023-03-15..2025-03-14.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

Cli = Callable[..., Any]
ANN = ["init", "--name", "Ann Lee, MD", "--birthday", "1970-03-14", "--license", "222",
       "--license-expires", "2027-03-14"]  # fmt: skip


def add(cli: Cli, title: str, d: str, credits: str | None, *extra: str) -> int:
    args = ["add", title, "--date", d]
    if credits is not None:
        args += ["--credits", credits]
    if "--kind" not in extra and "--category" not in extra:
        args += ["--category", "1"]
    if "--provider" not in extra:
        args += ["--provider", "MMS"]
    result = cli(*args, *extra, "--json")
    assert result.exit_code == 0, result.stderr
    return int(json.loads(result.stdout)["id"])


def attest(cli: Cli, rid: str, d: str, how: str = "residency training") -> None:
    result = cli("attest", rid, "--date", d, "--how", how)
    assert result.exit_code == 0, result.stderr


def status(cli: Cli, as_of: str, *extra: str) -> dict[str, Any]:
    result = cli("status", "--json", "--as-of", as_of, *extra)
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def req(reqs: list[dict[str, Any]], rid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in reqs if r["id"] == rid)
    return found


@pytest.fixture
def ann(cli: Cli) -> Cli:
    result = cli(*ANN)
    assert result.exit_code == 0, result.stderr
    return cli


def complete_cycle_but_implicit_bias(cli: Cli, d: str) -> None:
    """Everything the 2023-03-15..2025-03-14 cycle asks, except implicit bias, dated d."""
    add(cli, "Big review", d, "40")
    add(cli, "Opioids", d, "3", "--topic", "opioids-pain-management")
    add(cli, "Risk", d, "2", "--topic", "risk-management")
    add(cli, "Regs", d, "2", "--topic", "board-regulations")
    add(cli, "EOL", d, "2", "--topic", "end-of-life")
    add(cli, "EHR", d, "3", "--topic", "ehr")
    add(cli, "Dementia", d, "1", "--topic", "alzheimers-dementia")
    attest(cli, "child-abuse-reporting", "2000-06-30")
    attest(cli, "domestic-sexual-violence", "2000-06-30")


# ------------------------------------------------------------------ dated one-time evidence
def test_a_course_after_the_renewal_date_never_makes_that_renewal_pass(ann: Cli) -> None:
    complete_cycle_but_implicit_bias(ann, "2024-05-01")
    add(ann, "Implicit bias", "2025-11-03", "2", "--topic", "implicit-bias")
    before = ann("status", "--check", "--as-of", "2025-03-01")
    assert before.exit_code == 3, before.stdout
    doc = status(ann, "2025-03-01")
    assert req(doc["requirements"], "implicit-bias")["met"] is False
    assert req(doc["requirements"], "implicit-bias")["met_by"] == []
    # in the current cycle the late course does count
    after = status(ann, "2026-04-01")
    assert req(after["requirements"], "implicit-bias")["met"] is True
    assert req(after["previous"]["requirements"], "implicit-bias")["met"] is False
    assert after["previous"]["complete"] is False


def test_an_attestation_after_the_renewal_date_never_makes_that_renewal_pass(ann: Cli) -> None:
    complete_cycle_but_implicit_bias(ann, "2024-05-01")
    add(ann, "Implicit bias", "2024-06-01", "2", "--topic", "implicit-bias")
    # a second attestation, dated after the renewal, is not evidence for it
    assert ann("status", "--check", "--as-of", "2025-03-01").exit_code == 0
    attest(ann, "child-abuse-reporting", "2025-04-01")
    doc = status(ann, "2025-03-01")
    ca = req(doc["requirements"], "child-abuse-reporting")
    assert len(ca["met_by"]) == 1  # the late one is not named


# ------------------------------------------------------------------ the previous cycle
def test_previous_is_null_for_a_first_cycle(cli: Cli) -> None:
    r = cli("init", "--name", "New", "--birthday", "1990-06-15", "--license", "9",
            "--license-issued", "2024-04-01")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    doc = status(cli, "2025-01-01")
    assert doc["previous_cycle"] is None
    assert "previous" in doc and doc["previous"] is None


def test_previous_has_exactly_the_contract_keys_and_its_own_window(ann: Cli) -> None:
    add(ann, "Old course", "2024-01-10", "12", "--topic", "risk-management")
    add(ann, "New course", "2025-06-01", "5", "--topic", "risk-management")
    doc = status(ann, "2026-04-01")
    prev = doc["previous"]
    assert set(prev) == {"cycle", "requirements", "complete"}
    assert prev["cycle"] == {"start": "2023-03-15", "end": "2025-03-14"}
    assert set(doc["cycle"]) == {"start", "end"} and set(doc["previous_cycle"]) == {"start", "end"}
    assert prev["cycle"] == doc["previous_cycle"]
    assert [r["id"] for r in prev["requirements"]] == [r["id"] for r in doc["requirements"]]
    assert set(prev["requirements"][0]) == set(doc["requirements"][0])
    assert req(prev["requirements"], "total")["earned"] == 12
    assert req(prev["requirements"], "risk-management")["met"] is True
    assert req(doc["requirements"], "total")["earned"] == 5
    assert prev["complete"] is False


def test_human_status_says_the_previous_cycle_closed_short_and_by_what(ann: Cli) -> None:
    add(ann, "Old course", "2024-01-10", "46", "--topic", "risk-management")
    result = ann("status", "--as-of", "2026-04-01")
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "previous cycle (2023-03-15 to 2025-03-14) closed short" in out
    assert "4 credits of credits" not in out
    assert "4 credits in total" in out
    assert "3 credits of opioid education and pain management" in out
    # and a complete previous cycle says nothing of the kind
    complete_cycle_but_implicit_bias(ann, "2024-05-01")
    add(ann, "Implicit bias", "2024-06-01", "2", "--topic", "implicit-bias")
    result = ann("status", "--as-of", "2026-04-01")
    assert "closed short" not in result.stdout
    assert "previous cycle" in " ".join(result.stdout.split()).lower()


# ------------------------------------------------------------------ wording and figures
def test_attested_requirement_reads_met_by_attestation_with_its_date(ann: Cli) -> None:
    attest(ann, "ehr", "2019-05-02", "meaningful-use participation")
    doc = status(ann, "2026-04-01")
    ehr = req(doc["requirements"], "ehr")
    assert (ehr["met"], ehr["remaining"], ehr["earned"]) == (True, 0, 0)
    result = ann("status", "--as-of", "2026-04-01")
    line = next(ln for ln in result.stdout.splitlines() if "Electronic health records" in ln)
    assert "met by attestation (2019-05-02)" in line
    assert "0/3" not in line and "to go" not in line


def test_remaining_is_zero_for_a_requirement_that_does_not_apply(cli: Cli) -> None:
    r = cli(*ANN, "--no-prescriber")
    assert r.exit_code == 0, r.stderr
    doc = status(cli, "2026-04-01")
    opioids = req(doc["requirements"], "opioids-pain-management")
    assert (opioids["applies"], opioids["met"], opioids["remaining"]) == (False, True, 0)
    assert req(doc["requirements"], "child-abuse-reporting")["remaining"] is None


def test_met_by_order_and_item_keys(ann: Cli) -> None:
    late_start = add(ann, "Bias part 2", "2010-01-05", "1", "--topic", "implicit-bias",
                     "--end-date", "2010-03-01")  # fmt: skip
    early = add(ann, "Bias part 1", "2010-02-01", "1", "--topic", "implicit-bias")
    attest(ann, "child-abuse-reporting", "2003-01-01")
    attest(ann, "child-abuse-reporting", "2001-01-01")
    cab = add(ann, "Child abuse", "2011-01-01", "1", "--topic", "child-abuse-reporting")
    doc = status(ann, "2026-04-01")
    assert req(doc["requirements"], "implicit-bias")["met_by"] == [
        {"entry": early},
        {"entry": late_start},
    ]
    assert req(doc["requirements"], "child-abuse-reporting")["met_by"] == [
        {"entry": cab},
        {"attestation": 2},
        {"attestation": 1},
    ]


def test_explain_lists_an_entry_a_cap_brought_to_zero(ann: Cli) -> None:
    a = add(ann, "Examiner 1", "2025-05-01", None, "--kind", "medical-examiner", "--credits", "4")
    b = add(ann, "Examiner 2", "2025-06-01", None, "--kind", "medical-examiner", "--credits", "4")
    doc = status(ann, "2026-04-01", "--explain")
    total = req(doc["requirements"], "total")
    assert total["earned"] == 4
    by_entry = {c["entry"]: c for c in total["contributions"]}
    assert by_entry[a]["credits"] == 4
    assert by_entry[b]["credits"] == 0 and "per cycle" in by_entry[b]["note"]
    rm = {c["entry"]: c for c in req(doc["requirements"], "risk-management")["contributions"]}
    assert rm[b]["credits"] == 0


# ------------------------------------------------------------------ dates
def test_new_licensee_adding_the_printed_date_keeps_the_first_cycle(cli: Cli) -> None:
    r = cli("init", "--name", "New", "--birthday", "1990-06-15", "--license", "9",
            "--license-issued", "2024-04-01")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    add(cli, "May course", "2024-05-10", "5")
    before = status(cli, "2024-05-20")
    assert (before["renewal_date"], before["renewal_date_source"]) == ("2026-06-15", "estimated")
    r = cli("profile", "set", "--license-expires", "2026-06-15")
    assert r.exit_code == 0, r.stderr
    after = status(cli, "2024-05-20")
    assert (after["renewal_date"], after["renewal_date_source"]) == ("2026-06-15", "license")
    assert after["cycle"] == {"start": "2024-04-01", "end": "2026-06-15"}
    assert req(after["requirements"], "total")["earned"] == 5
    assert after["previous_cycle"] is None and after["previous"] is None


def test_a_printed_date_off_the_birthday_is_said(cli: Cli) -> None:
    r = cli("init", "--name", "Off", "--birthday", "1970-03-14", "--license", "7",
            "--license-expires", "2027-04-30")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert status(cli, "2026-04-01")["renewal_date"] == "2027-04-30"
    out = " ".join(cli("status", "--as-of", "2026-04-01").stdout.split())
    assert "2027-04-30, differs from your birthday (03-14)" in out
    on_birthday = cli("profile", "set", "--license-expires", "2027-03-14")
    assert on_birthday.exit_code == 0, on_birthday.stderr
    assert "differs from your birthday" not in cli("status", "--as-of", "2026-04-01").stdout


def test_status_as_a_subprocess_shows_the_previous_cycle(
    run_exe: Callable[..., Any], db_path: Any
) -> None:
    r = run_exe("--db", str(db_path), *ANN)
    assert r.returncode == 0, r.stderr
    r = run_exe("--db", str(db_path), "add", "Old", "--date", "2024-01-10", "--credits", "46",
                "--category", "2")  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run_exe("--db", str(db_path), "status", "--json", "--as-of", "2026-04-01")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert req(doc["previous"]["requirements"], "total")["earned"] == 46
    assert req(doc["previous"]["requirements"], "total")["remaining"] == 4


def test_previous_seen_later_is_that_cycle_as_it_stood_at_its_renewal(ann: Cli) -> None:
    """The previous cycle in 2026 is judged exactly as status judged it on its renewal date,
    however much was added after; --explain (every entry) and the SQL sums agree."""
    add(ann, "Review", "2023-05-01", "30")
    add(ann, "Wellness", "2023-06-01", "5", "--topic", "physician-wellness")
    add(ann, "Wellness and risk", "2024-02-01", "4", "--topic", "physician-wellness",
        "--topic", "risk-management")  # fmt: skip
    add(ann, "EHR (Category 2)", "2024-03-01", "3", "--category", "2", "--topic", "ehr")
    add(ann, "Examiner", "2024-04-01", None, "--kind", "medical-examiner", "--credits", "4")
    add(ann, "Examiner again", "2024-09-01", None, "--kind", "medical-examiner", "--credits", "4")
    add(ann, "Bias", "2025-03-14", "2", "--topic", "implicit-bias")
    attest(ann, "domestic-sexual-violence", "2010-01-01")
    at_renewal = status(ann, "2025-03-14")
    # evidence after the renewal date
    add(ann, "Late EOL", "2025-03-15", "2", "--topic", "end-of-life")
    add(ann, "Late EHR", "2025-04-01", "3", "--topic", "ehr")
    attest(ann, "child-abuse-reporting", "2025-05-01")
    for extra in ((), ("--explain",)):
        later = status(ann, "2026-04-01", *extra)
        prev = later["previous"]
        assert prev["cycle"] == at_renewal["cycle"]
        strip = [{k: v for k, v in r.items() if k != "contributions"} for r in prev["requirements"]]
        assert strip == at_renewal["requirements"]
        assert prev["complete"] is at_renewal["complete"] is False
    ehr = req(at_renewal["requirements"], "ehr")
    assert (ehr["met"], ehr["earned"]) == (False, 0)  # Category 2 does not count toward EHR
    rm = req(at_renewal["requirements"], "risk-management")
    assert rm["earned"] == 7 + 4 + 3 + 2  # wellness cap 7, examiner 4, EHR 3 (Cat. 2), bias 2
    assert req(at_renewal["requirements"], "total")["earned"] == 30 + 9 + 3 + 4 + 2
