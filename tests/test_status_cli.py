"""`cmelog status`, `attest`, `list --cycle` through the CLI (spec/cli.md).

Jane (conftest): birthday 1975-06-15, license expires 2026-06-15. At --as-of 2026-01-10 her
current cycle is 2024-06-16..2026-06-15 and the previous one 2022-06-16..2024-06-15 (rules.md:
the cycle ending on R starts the day after the previous renewal date, two years earlier).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import msgspec.structs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cmelog.cli import app
from cmelog.domain.model import Entry
from cmelog.rules import load_rules
from cmelog.storage import reads, repo
from cmelog.storage.db import open_logbook
from tests.conftest import JANE

Cli = Callable[..., Any]
AS_OF = "2026-01-10"
IDS = [
    "total",
    "risk-management",
    "opioids-pain-management",
    "board-regulations",
    "implicit-bias",
    "end-of-life",
    "ehr",
    "alzheimers-dementia",
    "child-abuse-reporting",
    "domestic-sexual-violence",
]
TOP_KEYS = {
    "as_of",
    "board",
    "renewal_date",
    "renewal_date_source",
    "application_mailing_date",
    "waiver_deadline",
    "days_until_renewal",
    "cycle",
    "previous_cycle",
    "requirements",
    "complete",
}
REQ_KEYS = {"id", "label", "scope", "applies", "required", "earned", "remaining", "met"}


def add(cli: Cli, title: str, d: str, credits: str | None = "1", *extra: str) -> int:
    """Add an entry (Category 1 activity unless `extra` says otherwise); returns its id."""
    args = ["add", title, "--date", d]
    if credits is not None:
        args += ["--credits", credits]
    if "--kind" not in extra and "--category" not in extra:
        args += ["--category", "1"]
    if "--provider" not in extra:
        args += ["--provider", "MMS"]
    result = cli(*args, *extra, "--json")
    assert result.exit_code == 0, result.stderr
    entry_id: int = json.loads(result.stdout)["id"]
    return entry_id


def status(cli: Cli, *args: str, as_of: str = AS_OF) -> dict[str, Any]:
    result = cli("status", "--json", "--as-of", as_of, *args)
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def req(doc: dict[str, Any], rid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in doc["requirements"] if r["id"] == rid)
    return found


# ------------------------------------------------------------------ the JSON contract
def test_status_json_contract_for_the_spec_example(jane: Cli) -> None:
    add(jane, "Grand rounds", "2025-03-01", "32.5")
    result = jane("status", "--json", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.stderr == ""
    doc = json.loads(result.stdout)  # exactly one JSON document
    assert set(doc) >= TOP_KEYS
    assert doc["as_of"] == AS_OF
    assert doc["board"] == "MA"
    assert doc["renewal_date"] == "2026-06-15"
    assert doc["renewal_date_source"] == "license"
    assert doc["application_mailing_date"] == "2026-04-16"  # 60 days before
    assert doc["waiver_deadline"] == "2026-05-16"  # 30 days before
    assert doc["days_until_renewal"] == 156
    assert doc["cycle"] == {"start": "2024-06-16", "end": "2026-06-15"}
    assert doc["previous_cycle"] == {"start": "2022-06-16", "end": "2024-06-15"}
    assert [r["id"] for r in doc["requirements"]] == IDS
    total = req(doc, "total")
    assert {k: total[k] for k in REQ_KEYS} == {
        "id": "total",
        "label": "Total credits",
        "scope": "cycle",
        "applies": True,
        "required": 50,
        "earned": 32.5,
        "remaining": 17.5,
        "met": False,
    }
    assert isinstance(total["required"], int)
    assert doc["complete"] is False
    for r in doc["requirements"]:
        assert set(r) >= REQ_KEYS
        assert ("met_by" in r) is (r["scope"] == "one-time")
        assert "contributions" not in r


def test_training_requirements_have_null_figures(jane: Cli) -> None:
    doc = status(jane)
    for rid in ("child-abuse-reporting", "domestic-sexual-violence"):
        r = req(doc, rid)
        assert (r["required"], r["earned"], r["remaining"], r["met"]) == (None, None, None, False)
        assert r["met_by"] == []


def test_non_applicable_requirements_are_listed_as_met(jane: Cli) -> None:
    assert jane("profile", "set", "--no-prescriber", "--no-adult-patients").exit_code == 0
    doc = status(jane)
    assert [r["id"] for r in doc["requirements"]] == IDS
    for rid in ("opioids-pain-management", "alzheimers-dementia"):
        assert (req(doc, rid)["applies"], req(doc, rid)["met"]) == (False, True)
    assert req(doc, "total")["applies"] is True


def test_implicit_bias_does_not_apply_to_a_2020_renewal(jane: Cli) -> None:
    old = status(jane, as_of="2020-01-01")
    assert old["renewal_date"] == "2020-06-15"
    assert (req(old, "implicit-bias")["applies"], req(old, "implicit-bias")["met"]) == (
        False,
        True,
    )
    assert req(status(jane, as_of="2022-01-01"), "implicit-bias")["applies"] is True


def test_overlap_and_earned_above_required(jane: Cli) -> None:
    add(jane, "Opioids", "2025-01-10", "3", "--topic", "opioids-pain-management")
    add(jane, "RM day", "2025-02-10", "12", "--topic", "risk-management")
    doc = status(jane)
    assert req(doc, "total")["earned"] == 15
    assert req(doc, "opioids-pain-management")["earned"] == 3
    assert req(doc, "opioids-pain-management")["met"] is True
    rm = req(doc, "risk-management")
    assert (rm["earned"], rm["remaining"], rm["met"]) == (15, 0, True)


def test_first_and_last_day_of_the_cycle_count_outside_does_not(jane: Cli) -> None:
    add(jane, "before", "2024-06-15", "1")
    add(jane, "first day", "2024-06-16", "2")
    add(jane, "renewal day", "2026-06-15", "4")
    add(jane, "after", "2026-06-16", "8")
    add(jane, "spans into the cycle", "2024-06-10", "16", "--end-date", "2024-06-17")
    assert req(status(jane), "total")["earned"] == 22


def test_as_of_moves_today_but_every_entry_in_the_window_counts(jane: Cli) -> None:
    add(jane, "later this cycle", "2026-05-01", "5")
    early = status(jane, as_of="2024-07-01")
    assert early["renewal_date"] == "2026-06-15"
    assert early["days_until_renewal"] == (date(2026, 6, 15) - date(2024, 7, 1)).days
    assert req(early, "total")["earned"] == 5
    on_renewal = status(jane, as_of="2026-06-15")
    assert (on_renewal["renewal_date"], on_renewal["days_until_renewal"]) == ("2026-06-15", 0)
    nxt = status(jane, as_of="2026-06-16")
    assert nxt["renewal_date"] == "2028-06-15"
    assert nxt["cycle"] == {"start": "2026-06-16", "end": "2028-06-15"}
    assert nxt["previous_cycle"] == {"start": "2024-06-16", "end": "2026-06-15"}
    assert req(nxt, "total")["earned"] == 0


def test_bad_as_of_is_exit_2(jane: Cli) -> None:
    result = jane("status", "--as-of", "2026-02-30")
    assert result.exit_code == 2
    assert "2026-02-30" in result.stderr
    assert result.stdout == ""


def test_status_without_profile_is_exit_1_and_says_init(cli: Cli) -> None:
    result = cli("status", "--json")
    assert result.exit_code == 1
    assert "cmelog init" in result.stderr
    assert result.stdout == ""


def test_estimated_renewal_and_no_previous_cycle(cli: Cli) -> None:
    r = cli("init", "--name", "New Doc", "--birthday", "1990-03-10", "--license", "9",
            "--license-issued", "2025-01-05")  # fmt: skip
    assert r.exit_code == 0, r.stderr
    doc = status(cli, as_of="2025-06-01")
    # L = 2025-01-05 is within three months before B = 2025-03-10: first renewal B + 2 years
    assert doc["renewal_date"] == "2027-03-10"
    assert doc["renewal_date_source"] == "estimated"
    assert doc["cycle"] == {"start": "2025-01-05", "end": "2027-03-10"}
    assert doc["previous_cycle"] is None
    human = cli("status", "--as-of", "2025-06-01")
    assert "estimated" in human.stdout
    assert "--license-expires" in human.stdout


# ------------------------------------------------------------------ kinds through the CLI
def test_kinds_stored_as_claimed_and_counted_after_caps(jane: Cli) -> None:
    bc = add(jane, "ABIM recertification", "2025-04-01", None, "--kind", "board-certification",
             "--topic", "risk-management")  # fmt: skip
    teach1 = add(jane, "Teaching residents", "2025-02-01", None, "--kind", "teaching",
                 "--hours", "3")  # fmt: skip
    teach2 = add(jane, "Teaching students", "2025-09-01", None, "--kind", "teaching",
                 "--hours", "3", "--topic", "risk-management")  # fmt: skip
    pub = add(jane, "Review article", "2025-05-01", "15", "--kind", "publication")
    me = add(jane, "Medical examiner", "2025-06-01", None, "--kind", "medical-examiner")
    shown = json.loads(jane("show", str(teach2), "--json").stdout)
    assert shown["credits"] == 6  # 3 hours presented at 2 credits per hour, as claimed
    doc = status(jane, "--explain")
    # total: 60 + 6 + 4 (teaching 10 per calendar year, earlier first) + 10 + 4
    total = req(doc, "total")
    assert total["earned"] == 84
    counted = {c["entry"]: c["credits"] for c in total["contributions"]}
    assert counted == {bc: 60, teach1: 6, teach2: 4, pub: 10, me: 4}
    notes = {c["entry"]: c["note"] for c in total["contributions"]}
    assert "calendar year" in notes[teach2]
    assert "10" in notes[pub]
    assert notes[teach1] == "counted in full"
    # risk management: teaching 4 (what counted) + medical examiner 4 + 4 of the board
    # certification (Policy 94-05 as amended 2024-03-28)
    rm = req(doc, "risk-management")
    assert rm["earned"] == 12
    rm_counted = {c["entry"]: c["credits"] for c in rm["contributions"]}
    assert rm_counted[teach2] == 4 and rm_counted[me] == 4 and rm_counted[bc] == 4
    assert json.loads(jane("show", str(pub), "--json").stdout)["credits"] == 15


def test_board_volunteer_and_wellness_caps_in_status(jane: Cli) -> None:
    add(jane, "Board volunteer", "2025-01-01", "25", "--kind", "board-volunteer",
        "--topic", "risk-management")  # fmt: skip
    add(jane, "Mindfulness", "2025-03-01", "9", "--category", "2", "--topic", "physician-wellness")
    doc = status(jane)
    assert req(doc, "total")["earned"] == 29  # 20 + 9
    assert req(doc, "risk-management")["earned"] == 11  # 4 + 7
    notes = " ".join(req(doc, "risk-management")["notes"])
    assert "19-06" in notes


def test_residency_in_the_year_before_renewal_satisfies_total(jane: Cli) -> None:
    add(jane, "Fellowship (ACGME)", "2025-12-31", "20", "--kind", "residency")
    total = req(status(jane), "total")
    assert total["met"] is True
    assert total["earned"] == 20
    assert total["notes"], "status says why total is met"
    human = jane("status", "--as-of", AS_OF).stdout
    assert "year before the renewal date" in " ".join(human.split())


# ------------------------------------------------------------------ one-time requirements
def test_one_time_met_by_old_entries_and_attestations(jane: Cli) -> None:
    a = add(jane, "Implicit bias I", "2012-03-01", "1", "--topic", "implicit-bias")
    b = add(jane, "Implicit bias II", "2025-03-01", "1", "--topic", "implicit-bias")
    r = jane("attest", "ehr", "--date", "2015-01-01", "--how", "meaningful use", "--json")
    assert r.exit_code == 0, r.stderr
    att = json.loads(r.stdout)["id"]
    doc = status(jane)
    ib = req(doc, "implicit-bias")
    assert ib["met"] is True and ib["earned"] == 2
    assert sorted(ib["met_by"], key=lambda m: m["entry"]) == [{"entry": a}, {"entry": b}]
    ehr = req(doc, "ehr")
    assert (ehr["met"], ehr["met_by"]) == (True, [{"attestation": att}])
    assert req(doc, "end-of-life")["met_by"] == []
    # the 2012 entry does not count toward this cycle's total or risk management
    assert req(doc, "total")["earned"] == 1
    assert req(doc, "risk-management")["earned"] == 1


def test_human_status_names_what_met_a_one_time_requirement(jane: Cli) -> None:
    """rules.md: 'status names the entry (or attestation) that met them'."""
    e = add(jane, "EOL module", "2013-05-01", "2", "--topic", "end-of-life")
    jane("attest", "child-abuse-reporting", "--date", "2004-06-30", "--how", "residency")
    out = " ".join(jane("status", "--as-of", AS_OF).stdout.split())
    assert f"entry {e}" in out
    assert "attestation 1" in out


@pytest.mark.parametrize("rid", ["ehr", "child-abuse-reporting", "domestic-sexual-violence"])
def test_attest_accepted(jane: Cli, rid: str) -> None:
    r = jane("attest", rid, "--date", "2010-05-01", "--how", "during residency")
    assert r.exit_code == 0, r.stderr
    assert rid in r.stdout
    assert req(status(jane), rid)["met"] is True


@pytest.mark.parametrize(
    "rid",
    [
        "total",
        "risk-management",
        "opioids-pain-management",
        "board-regulations",
        "implicit-bias",
        "end-of-life",
        "alzheimers-dementia",
        "no-such-thing",
    ],
)
def test_attest_refused_for_other_requirements(jane: Cli, rid: str) -> None:
    r = jane("attest", rid, "--date", "2010-05-01", "--how", "said so")
    assert r.exit_code == 2
    assert rid in r.stderr
    assert "ehr, child-abuse-reporting, domestic-sexual-violence" in r.stderr
    assert r.stdout == ""
    listed = jane("attest", "--list", "--json")
    assert json.loads(listed.stdout) == []


def test_attest_needs_date_and_how(jane: Cli) -> None:
    assert jane("attest", "ehr", "--how", "x").exit_code == 2
    assert jane("attest", "ehr", "--date", "2010-01-01").exit_code == 2
    assert jane("attest", "ehr", "--date", "someday", "--how", "x").exit_code == 2
    assert jane("attest").exit_code == 2
    assert json.loads(jane("attest", "--list", "--json").stdout) == []


def test_attest_list(jane: Cli) -> None:
    assert "No attestations" in jane("attest", "--list").stdout
    jane("attest", "domestic-sexual-violence", "--date", "2011-02-03", "--how", "state course")
    jane("attest", "ehr", "--date", "2009-01-01", "--how", "meaningful use")
    items = json.loads(jane("attest", "--list", "--json").stdout)
    assert [(a["requirement"], a["date"]) for a in items] == [
        ("ehr", "2009-01-01"),
        ("domestic-sexual-violence", "2011-02-03"),
    ]
    assert all(isinstance(a["id"], int) for a in items)
    human = jane("attest", "--list").stdout
    assert "state course" in human and "meaningful use" in human


def test_attest_without_profile_is_exit_1(cli: Cli) -> None:
    r = cli("attest", "ehr", "--date", "2010-01-01", "--how", "x")
    assert r.exit_code == 1
    assert "cmelog init" in r.stderr


# ------------------------------------------------------------------ --check and --explain
def _complete_logbook(cli: Cli) -> None:
    add(cli, "Opioids", "2024-09-01", "3", "--topic", "opioids-pain-management")
    add(cli, "243 CMR", "2024-10-01", "2", "--topic", "board-regulations")
    add(cli, "Implicit bias", "2024-11-01", "2", "--topic", "implicit-bias")
    add(cli, "End of life", "2024-12-01", "2", "--topic", "end-of-life")
    add(cli, "Risk", "2025-01-01", "1", "--topic", "risk-management")
    add(cli, "Dementia", "2025-02-01", "1", "--topic", "alzheimers-dementia")
    add(cli, "Conference", "2025-03-01", "39")
    for rid in ("ehr", "child-abuse-reporting"):
        assert cli("attest", rid, "--date", "2010-01-01", "--how", "x").exit_code == 0


def test_check_exit_3_until_complete_then_0(jane: Cli) -> None:
    _complete_logbook(jane)
    r = jane("status", "--check", "--as-of", AS_OF)
    assert r.exit_code == 3
    assert "domestic" in r.stdout.lower()
    r = jane("status", "--check", "--json", "--as-of", AS_OF)
    assert r.exit_code == 3
    assert json.loads(r.stdout)["complete"] is False
    jane("attest", "domestic-sexual-violence", "--date", "2010-01-01", "--how", "x")
    r = jane("status", "--check", "--json", "--as-of", AS_OF)
    assert r.exit_code == 0, r.stdout
    doc = json.loads(r.stdout)
    assert doc["complete"] is True
    assert req(doc, "total")["earned"] == 50
    assert req(doc, "risk-management")["earned"] == 10
    assert all(r["met"] for r in doc["requirements"])
    assert jane("status", "--check", "--as-of", AS_OF).exit_code == 0
    # the next cycle starts from zero for cycle requirements; one-time ones stay met
    nxt = jane("status", "--check", "--json", "--as-of", "2026-07-01")
    assert nxt.exit_code == 3
    doc = json.loads(nxt.stdout)
    assert req(doc, "implicit-bias")["met"] is True
    assert req(doc, "total")["earned"] == 0


def test_without_check_incomplete_is_exit_0(jane: Cli) -> None:
    assert jane("status", "--as-of", AS_OF).exit_code == 0


def test_explain_contributions(jane: Cli) -> None:
    op = add(jane, "Opioids", "2025-01-10", "3", "--topic", "opioids-pain-management")
    well = add(jane, "Wellness", "2025-02-10", "8", "--category", "2",
               "--topic", "physician-wellness")  # fmt: skip
    doc = status(jane, "--explain")
    for r in doc["requirements"]:
        assert isinstance(r["contributions"], list)
        for c in r["contributions"]:
            assert set(c) == {"entry", "credits", "note"}
            assert isinstance(c["entry"], int) and isinstance(c["note"], str)
    rm = {c["entry"]: c for c in req(doc, "risk-management")["contributions"]}
    assert rm[op]["credits"] == 3
    assert rm[well]["credits"] == 7
    assert "19-06" in rm[well]["note"]
    assert [c["entry"] for c in req(doc, "opioids-pain-management")["contributions"]] == [op]
    human = jane("status", "--explain", "--as-of", AS_OF).stdout
    assert f"entry {well}" in human and "Policy 19-06" in " ".join(human.split())


def test_human_status_is_plain_text_when_not_a_terminal(jane: Cli) -> None:
    add(jane, "Opioids", "2025-01-10", "3", "--topic", "opioids-pain-management")
    r = jane("status", "--as-of", AS_OF)
    assert r.exit_code == 0
    assert "\x1b[" not in r.stdout
    out = r.stdout
    assert "2026-06-15" in out and "2024-06-16" in out
    assert "2026-04-16" in out and "2026-05-16" in out
    assert "Total credits" in out and "3/50" in out
    assert "Next steps" in out


# ------------------------------------------------------------------ list --cycle
def test_list_cycle_uses_the_real_windows(jane: Cli) -> None:
    ids = {
        d: add(jane, f"on {d}", d, "1")
        for d in (
            "2022-06-15",
            "2022-06-16",
            "2024-06-15",
            "2024-06-16",
            "2026-06-15",
            "2026-06-16",
        )
    }
    spans = add(jane, "spans", "2024-06-10", "1", "--end-date", "2024-06-20")

    def listed(*args: str) -> list[int]:
        r = jane("list", "--json", "--as-of", AS_OF, *args)
        assert r.exit_code == 0, r.stderr
        return [e["id"] for e in json.loads(r.stdout)]

    assert set(listed("--cycle", "current")) == {ids["2024-06-16"], ids["2026-06-15"], spans}
    assert set(listed("--cycle", "previous")) == {ids["2022-06-16"], ids["2024-06-15"]}
    assert len(listed()) == 7
    assert len(listed("--cycle", "all")) == 7
    # the windows follow --as-of
    later = jane("list", "--json", "--cycle", "current", "--as-of", "2026-06-16")
    assert [e["id"] for e in json.loads(later.stdout)] == [ids["2026-06-16"]]
    assert jane("list", "--cycle", "last").exit_code == 2
    csv = jane("list", "--csv", "--as-of", AS_OF).stdout.splitlines()
    labels = {int(line.split(",")[1]): line.split(",")[0] for line in csv[1:]}
    assert labels[ids["2022-06-15"]] == "earlier"
    assert labels[ids["2022-06-16"]] == "previous"
    assert labels[ids["2026-06-15"]] == "current"
    assert labels[ids["2026-06-16"]] == "later"


def test_list_previous_is_empty_for_a_first_cycle(cli: Cli) -> None:
    r = cli("init", "--name", "New", "--birthday", "1990-03-10", "--license", "9",
            "--license-issued", "2025-01-05")  # fmt: skip
    assert r.exit_code == 0
    add(cli, "old", "2020-01-01", "1")
    add(cli, "new", "2025-02-01", "1")
    r = cli("list", "--json", "--cycle", "previous", "--as-of", "2025-06-01")
    assert r.exit_code == 0
    assert json.loads(r.stdout) == []
    r = cli("list", "--json", "--cycle", "current", "--as-of", "2025-06-01")
    assert [e["title"] for e in json.loads(r.stdout)] == ["new"]


# ------------------------------------------------------------------ SQL aggregation vs --explain
RULES = load_rules("MA")


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "cmelog.db"
    result = CliRunner().invoke(app, ["--db", str(path), *JANE], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return path


@st.composite
def db_entries(draw: st.DrawFn) -> Entry:
    kind = draw(st.sampled_from(list(RULES.kinds)))
    start = draw(st.dates(date(2021, 1, 1), date(2028, 12, 31)))
    end = draw(st.one_of(st.none(), st.dates(start, start + timedelta(days=60))))
    category = RULES.kinds[kind].category or draw(st.sampled_from([1, 2]))
    credits = draw(st.integers(1, 400)) * 25 if category == 2 else draw(st.integers(1, 9000))
    return Entry(
        id=0,
        title=draw(st.sampled_from(["a", "b", "c"])),
        date=start,
        end_date=end,
        credits=credits,
        category=category,
        kind=kind,
        topics=tuple(sorted(draw(st.sets(st.sampled_from(list(RULES.topics)), max_size=3)))),
        provider="P",
    )


def _figures(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without contributions; notes as a set (their order follows entry order,
    and SQL aggregates have no dates of their own). The previous cycle's figures too."""

    def reqs(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {k: sorted(v) if k == "notes" else v for k, v in r.items() if k != "contributions"}
            for r in items
        ]

    previous = doc["previous"]
    out = {
        **doc,
        "requirements": reqs(doc["requirements"]),
        "previous": None
        if previous is None
        else {**previous, "requirements": reqs(previous["requirements"])},
    }
    for key in ("licenses", "ledgers"):  # each element is a document of the same shape
        if key in doc:
            out[key] = [_figures(x) for x in doc[key]]
    return out


def _seed(
    template: Path,
    folder: Path,
    entries: list[Entry],
    *,
    prescriber: bool = True,
    adult_patients: bool = True,
) -> Path:
    path = folder / "cmelog.db"
    shutil.copy(template, path)
    logbook = open_logbook(path)
    try:
        with logbook.session(write=True) as s:
            repo.add_entries(s, entries)
            profile = reads.get_profile(s)
            assert profile is not None
            repo.save_profile(
                s,
                msgspec.structs.replace(
                    profile, prescriber=prescriber, adult_patients=adult_patients
                ),
            )
    finally:
        logbook.engine.dispose()
    return path


def _both(path: Path, as_of: date) -> tuple[dict[str, Any], dict[str, Any]]:
    runner = CliRunner()
    docs = []
    for extra in ([], ["--explain"]):
        r = runner.invoke(
            app,
            ["--db", str(path), "status", "--json", "--as-of", as_of.isoformat(), *extra],
            catch_exceptions=False,
        )
        assert r.exit_code == 0, r.stderr
        docs.append(json.loads(r.stdout))
    return docs[0], docs[1]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    entries=st.lists(db_entries(), max_size=40),
    as_of=st.dates(date(2022, 1, 1), date(2028, 6, 1)),
    prescriber=st.booleans(),
    adult_patients=st.booleans(),
)
def test_status_sql_aggregates_agree_with_explain(
    template_db: Path,
    entries: list[Entry],
    as_of: date,
    prescriber: bool,
    adult_patients: bool,
) -> None:
    """Without --explain plain activities are summed in SQL; with it every entry is loaded.
    Every figure (earned, met, remaining, met_by, notes, complete) must be the same."""
    with tempfile.TemporaryDirectory() as folder:
        path = _seed(template_db, Path(folder), entries,
                     prescriber=prescriber, adult_patients=adult_patients)  # fmt: skip
        fast, explained = _both(path, as_of)
    assert all("contributions" in r for r in explained["requirements"])
    assert _figures(fast) == _figures(explained)
    # the explanation adds up: contributions of a cycle requirement sum to its earned figure
    for r in explained["requirements"]:
        if r["scope"] == "cycle":
            assert round(sum(c["credits"] for c in r["contributions"]), 2) == r["earned"]


def test_status_sql_aggregates_agree_on_a_large_logbook(template_db: Path, tmp_path: Path) -> None:
    kinds = list(RULES.kinds)
    topics = list(RULES.topics)
    entries = [
        Entry(
            id=0,
            title=f"e{i}",
            date=date(2024, 6, 16) + timedelta(days=(i * 7) % 730),
            credits=25 + (i * 37) % 900,
            category=RULES.kinds[kinds[i % len(kinds)]].category or 1 + i % 2,
            kind=kinds[i % len(kinds)] if i % 3 == 0 else "activity",
            topics=tuple(sorted({topics[i % len(topics)], topics[(i * 3) % len(topics)]}))
            if i % 4
            else (),
            provider="P",
        )
        for i in range(600)
    ]
    path = _seed(template_db, tmp_path, entries)
    fast, explained = _both(path, date(2026, 1, 10))
    assert _figures(fast) == _figures(explained)
    assert req(fast, "total")["earned"] > 50


def test_entries_of_a_kind_the_rules_no_longer_know_count_the_same(
    template_db: Path, tmp_path: Path
) -> None:
    """Rules are data: a kind renamed or dropped in a later rules file leaves stored entries
    with a kind slug the rules do not know. Both paths must treat them alike (as activities)."""
    old = Entry(id=0, title="lecture", date=date(2025, 1, 1), credits=500, category=1,
                kind="lecture", topics=("risk-management",), provider="P")  # fmt: skip
    path = _seed(template_db, tmp_path, [old])
    fast, explained = _both(path, date(2026, 1, 10))
    assert req(explained, "total")["earned"] == 5
    assert _figures(fast) == _figures(explained)


def test_explain_names_each_counted_entry_with_date_and_title(jane: Callable[..., Any]) -> None:
    """A physician preparing an audit sees which activity counted, how much, and why."""
    added = jane(
        "add",
        "Opioid stewardship",
        "--date",
        "2025-03-04",
        "--category",
        "1",
        "--credits",
        "3",
        "--provider",
        "MMS",
        "--topic",
        "opioids-pain-management",
    )
    assert added.exit_code == 0, added.stderr
    result = jane("status", "--as-of", "2026-01-10", "--explain")
    assert result.exit_code == 0, result.stderr
    lines = [ln for ln in result.stdout.splitlines() if "entry 1 " in ln]
    assert lines, result.stdout
    assert all("3.00" in ln and "2025-03-04 Opioid stewardship" in ln for ln in lines)
    # it counts toward total, risk management and opioids: three requirements name it
    assert len(lines) == 3


def test_wellness_entries_beside_a_volunteer_entry_tagged_wellness_keep_their_order(
    template_db: Path, tmp_path: Path
) -> None:
    """A board-volunteer entry tagged wellness meets two risk-management caps (wellness 7, its
    own 4): in date order it takes 4 and its kind cap binds; summing the activity first would
    leave it 2 and drop that note. Status must then count in date order, like --explain."""
    wellness = ("physician-wellness",)
    volunteer = Entry(id=0, title="board", date=date(2024, 7, 1), credits=500, category=1,
                      kind="board-volunteer", topics=wellness, provider="P")  # fmt: skip
    activity = Entry(id=0, title="yoga", date=date(2024, 8, 1), credits=500, category=1,
                     kind="activity", topics=wellness, provider="P")  # fmt: skip
    path = _seed(template_db, tmp_path, [volunteer, activity])
    fast, explained = _both(path, date(2026, 1, 10))
    assert _figures(fast) == _figures(explained)
    risk = req(fast, "risk-management")
    assert risk["earned"] == 7
    assert any("Board volunteer" in n for n in risk["notes"]), risk["notes"]
