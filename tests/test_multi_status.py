"""Several licenses and ledgers (issue 14): one activity counted toward every license by that
board's rules, each ledger apart. Figures and dates are computed by hand in the comments."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]
AS_OF = "2026-12-03"


def ok(result: Any) -> Any:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


@pytest.fixture
def held(cli: Cli, db_path: Path) -> Cli:
    """Jane (born 1975-06-15) holds MA (printed 2028-06-15), NH (issued 2023-09-01), NY (printed
    2027-10-31) and CA (issued 2020-03-10) licenses, a DEA registration (2024-03-15) and ABIM
    certification (cycle from 2024-01-01)."""
    db = ["--db", str(db_path)]
    ok(cli(*db, "init", "--name", "Jane Roe, MD", "--birthday", "1975-06-15",
           "--license", "123456", "--license-expires", "2028-06-15"))  # fmt: skip
    ok(cli(*db, "license", "add", "--board", "NH", "--number", "NH-1", "--issued", "2023-09-01"))
    ok(cli(*db, "license", "add", "--board", "NY", "--number", "301234",
           "--expires", "2027-10-31"))  # fmt: skip
    ok(cli(*db, "license", "add", "--board", "CA", "--number", "A12345", "--issued", "2020-03-10"))
    ok(cli(*db, "ledger", "add", "dea-mate", "--registered", "2024-03-15"))
    ok(cli(*db, "ledger", "add", "moc", "--board-name", "ABIM", "--cycle-start", "2024-01-01"))
    for args in (
        ["Risk course", "--date", "2026-09-01", "--credits", "10", "--topic", "risk-management"],
        ["Opioid prescribing", "--date", "2026-10-01", "--credits", "3",
         "--topic", "opioids-pain-management", "--moc-points", "3"],
        ["MATE training", "--date", "2024-05-01", "--credits", "8",
         "--topic", "mate-substance-use-disorders"],
        ["Board review", "--date", "2026-03-01", "--credits", "40", "--moc-points", "40"],
    ):  # fmt: skip
        ok(cli(*db, "add", *args, "--category", "1", "--provider", "ACCME provider"))

    def run(*args: str) -> Any:
        return cli(*db, *args)

    return run


def doc(run: Cli, *extra: str) -> dict[str, Any]:
    return dict(json.loads(ok(run("status", "--json", "--as-of", AS_OF, *extra)).stdout))


def figures(d: dict[str, Any]) -> dict[str, tuple[Any, Any, bool, bool]]:
    return {
        r["id"]: (r["earned"], r["required"], r["met"], r["applies"]) for r in d["requirements"]
    }


def window(d: dict[str, Any]) -> tuple[str, str, str]:
    return (d["renewal_date"], d["cycle"]["start"], d["cycle"]["end"])


def test_every_license_has_its_own_clock_and_figures(held: Cli) -> None:
    d = doc(held)
    # the first license keeps the top-level keys
    assert d["board"] == "MA" and window(d) == ("2028-06-15", "2026-06-16", "2028-06-15")
    boards = [x["license"] for x in d["licenses"]]
    assert boards == [
        {"board": "MA", "number": "123456", "type": "full"},
        {"board": "NH", "number": "NH-1", "type": "full"},
        {"board": "NY", "number": "301234", "type": "full"},
        {"board": "CA", "number": "A12345", "type": "full"},
    ]
    ma, nh, ny, ca = d["licenses"]
    assert {k: v for k, v in ma.items() if k != "license"} == {
        k: v for k, v in d.items() if k not in ("licenses", "ledgers")
    }
    # MA: entries 1 and 2 in the cycle; both count toward risk management
    assert figures(ma)["total"] == (13, 50, False, True)
    assert figures(ma)["risk-management"] == (13, 10, True, True)
    assert figures(ma)["opioids-pain-management"] == (3, 3, True, True)
    # previous MA cycle 2024-06-16..2026-06-15 holds the 40-credit review only
    assert figures(ma["previous"])["total"] == (40, 50, False, True)
    # NH: two years from issue: first renewal 2025-09-01, then 2027-09-01
    assert window(nh) == ("2027-09-01", "2025-09-02", "2027-09-01")
    assert nh["previous"]["cycle"] == {"start": "2023-09-01", "end": "2025-09-01"}
    assert figures(nh)["total"] == (53, 100, False, True)
    assert figures(nh)["category-1"] == (53, 40, True, True)
    assert figures(nh)["opioids-pain-management"] == (3, 3, True, True)
    assert nh["waiver_deadline"] is None
    # NY: the printed registration date; no general hours; pain hours within 3 years
    assert window(ny) == ("2027-10-31", "2025-11-01", "2027-10-31")
    assert "total" not in figures(ny)
    pain = [r for r in ny["requirements"] if r["required"] == 3]
    assert [(r["earned"], r["met"]) for r in pain] == [(3, True)]
    # CA: last day of the month of issue (March), every two years from 2022
    assert window(ca) == ("2028-03-31", "2026-04-01", "2028-03-31")
    assert figures(ca)["total"] == (13, 50, False, True)
    assert ca["waiver_deadline"] == "2028-01-01"  # 90 days before


def test_ledgers_are_kept_apart(held: Cli) -> None:
    d = doc(held)
    assert [x["ledger"] for x in d["ledgers"]] == [
        {"kind": "dea-mate", "name": "dea-mate"},
        {"kind": "moc", "name": "ABIM"},
    ]
    dea, abim = d["ledgers"]
    # DEA: three years from the registration; the 8 hours are met by entry 3 (2024-05-01)
    assert window(dea) == ("2027-03-15", "2024-03-15", "2027-03-15")
    mate = dea["requirements"][0]
    assert (mate["id"], mate["earned"], mate["met"]) == ("mate-substance-use-disorders", 8, True)
    assert mate["met_by"] == [{"entry": 3}]
    # ABIM: 100 points in five years ending 2028-12-31: 3 + 40 points, never credits
    assert window(abim) == ("2028-12-31", "2024-01-01", "2028-12-31")
    assert figures(abim)["total"] == (43, 100, False, True)
    # the ledgers never add to a state total: MA's total is 13, not 13 + 8 or + points
    assert figures(d)["total"][0] == 13


def test_license_option_selects_one_element(held: Cli) -> None:
    whole = doc(held)
    nh = doc(held, "--license", "nh")
    assert nh == whole["licenses"][1]
    abim = doc(held, "--license", "abim")
    assert abim == whole["ledgers"][1]
    bad = held("status", "--license", "TX")
    assert bad.exit_code == 2
    assert "MA, NH, NY, CA, dea-mate, ABIM" in bad.stderr


def test_check_fails_when_any_is_incomplete(held: Cli) -> None:
    assert held("status", "--check", "--as-of", AS_OF).exit_code == 3
    assert held("status", "--check", "--license", "dea-mate", "--as-of", AS_OF).exit_code == 0
    assert held("status", "--check", "--license", "NH", "--as-of", AS_OF).exit_code == 3


def test_dashboard_shows_each_license_and_ledger(held: Cli) -> None:
    out = ok(held("status", "--as-of", AS_OF)).stdout
    for needle in (
        "license 123456 (MA)",
        "license NH-1 (NH)",
        "license 301234 (NY)",
        "license A12345 (CA)",
        "dea-mate ledger (kept apart from state credits)",
        "ABIM ledger (kept apart from state credits)",
        "57 more points",
    ):
        assert needle in out, needle
    assert out.index("(MA)") < out.index("(NH)") < out.index("(CA)") < out.index("ABIM")


def test_mate_met_by_an_attestation_of_an_exempting_qualification(cli: Cli, db_path: Path) -> None:
    db = ["--db", str(db_path)]
    ok(cli(*db, "init", "--name", "J", "--birthday", "1975-06-15", "--license", "1",
           "--license-expires", "2028-06-15"))  # fmt: skip
    ok(cli(*db, "ledger", "add", "dea-mate", "--registered", "2024-03-15"))
    before = json.loads(ok(cli(*db, "status", "--json", "--license", "dea-mate")).stdout)
    assert before["complete"] is False
    ok(cli(*db, "attest", "mate-substance-use-disorders", "--date", "2020-05-01",
           "--how", "Board certified in addiction medicine (ABPM), 2020"))  # fmt: skip
    after = json.loads(ok(cli(*db, "status", "--json", "--license", "dea-mate")).stdout)
    assert after["complete"] is True
    assert after["requirements"][0]["met_by"] == [{"attestation": 1}]


PA = """
schema = 2
board = "PA"
name = "Pennsylvania State Board of Medicine"

[renewal]
anchor = "fixed"
month = 12
day = 31
years = "even"

[[requirement]]
id = "total"
required = "100"

[[requirement]]
id = "opioids-pain-management"
required = "2"
"""


def test_a_users_own_board_file_is_used_like_a_shipped_one(cli: Cli, db_path: Path) -> None:
    """A file written from docs/rules-schema.md alone, placed in <data folder>/rules/."""
    db = ["--db", str(db_path)]
    ok(cli(*db, "init", "--name", "J", "--birthday", "1975-06-15", "--license", "1",
           "--license-expires", "2028-06-15"))  # fmt: skip
    (db_path.parent / "rules").mkdir()
    (db_path.parent / "rules" / "pa.toml").write_text(PA, "utf-8")
    assert ok(cli("rules", "check", str(db_path.parent / "rules" / "pa.toml")))
    ok(cli(*db, "license", "add", "--board", "pa", "--number", "MD-9"))
    ok(cli(*db, "add", "Opioids", "--date", "2026-02-01", "--credits", "4", "--category", "1",
           "--topic", "opioids-pain-management", "--provider", "P"))  # fmt: skip
    pa = json.loads(ok(cli(*db, "status", "--json", "--license", "PA", "--as-of", AS_OF)).stdout)
    # December 31 of even years: 2026-12-31, the cycle from 2025-01-01
    assert window(pa) == ("2026-12-31", "2025-01-01", "2026-12-31")
    assert figures(pa) == {
        "total": (4, 100, False, True),
        "opioids-pain-management": (4, 2, True, True),
    }


def test_audit_export_and_calendar_of_one_license(held: Cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf = tmp_path / "nh.pdf"
    ok(held("audit-export", "--license", "NH", "--output", str(pdf), "--as-of", AS_OF))
    text = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "NH-1" in text and "2027-09-01" in text
    ics = tmp_path / "ca.ics"
    ok(held("calendar", "--license", "CA", "--output", str(ics), "--as-of", AS_OF))
    cal = ics.read_text()
    assert "DTSTART;VALUE=DATE:20280331" in cal and "DTSTART;VALUE=DATE:20280101" in cal
    ny = tmp_path / "ny.ics"
    ok(held("calendar", "--license", "NY", "--output", str(ny), "--as-of", AS_OF))
    assert "20271031" in ny.read_text() and "waiver" not in ny.read_text().lower()


def test_requirements_of_a_board_not_held_and_of_a_ledger(held: Cli) -> None:
    tx = json.loads(ok(held("requirements", "--board", "TX", "--json")).stdout)
    assert tx["board"] == "TX"
    mate = json.loads(ok(held("requirements", "--license", "dea-mate", "--json")).stdout)
    assert [r["id"] for r in mate["requirements"]] == ["mate-substance-use-disorders"]


def test_status_through_the_installed_entry_point(
    held: Cli, db_path: Path, run_exe: Callable[..., Any]
) -> None:
    r = run_exe("--db", str(db_path), "status", "--json", "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert [x["license"]["board"] for x in d["licenses"]] == ["MA", "NH", "NY", "CA"]
    assert [x["ledger"]["name"] for x in d["ledgers"]] == ["dea-mate", "ABIM"]


OR_LOOKBACK = """
schema = 2
board = "OR"
name = "Oregon Medical Board (test file)"

[renewal]
anchor = "fixed"
month = 12
day = 31
years = "odd"

[topics]
suicide-prevention = "Suicide risk assessment"
behavioral-health = "Behavioral health"

[[requirement]]
id = "total"
required = "60"

[[requirement]]
id = "suicide-prevention"
required = "6"
clock = "lookback"
lookback_years = 6
topics = ["suicide-prevention", "behavioral-health"]

[[requirement.cap]]
topic = "behavioral-health"
max = "2"
per = "cycle"
label = "General behavioral health counts at most 2 hours"
source = "test"
"""


@pytest.mark.parametrize("explain", [False, True])
def test_a_cap_on_a_lookback_requirement_limits_what_counts(
    cli: Cli, db_path: Path, explain: bool
) -> None:
    """Found by a tester: caps were ignored on a look-back requirement (9/6 counted where the
    behavioral-health cap of 2 allows 4 + 2 = 6)."""
    db = ["--db", str(db_path)]
    ok(cli(*db, "init", "--name", "J", "--birthday", "1975-06-15", "--license", "1",
           "--license-expires", "2028-06-15"))  # fmt: skip
    (db_path.parent / "rules").mkdir()
    (db_path.parent / "rules" / "or.toml").write_text(OR_LOOKBACK, "utf-8")
    ok(cli(*db, "license", "add", "--board", "OR", "--number", "OR-1", "--expires", "2027-12-31"))
    for title, day, credits, topic in (
        ("Suicide risk", "2023-03-01", "4", "suicide-prevention"),
        ("Behavioral health I", "2024-03-01", "5", "behavioral-health"),
        ("Behavioral health II", "2025-03-01", "1", "behavioral-health"),
    ):
        ok(cli(*db, "add", title, "--date", day, "--credits", credits, "--category", "1",
               "--topic", topic, "--provider", "P"))  # fmt: skip
    extra = ["--explain"] if explain else []
    d = json.loads(
        ok(cli(*db, "status", "--json", "--license", "OR", "--as-of", AS_OF, *extra)).stdout
    )
    req = next(r for r in d["requirements"] if r["id"] == "suicide-prevention")
    assert (req["earned"], req["met"]) == (6, True)
    if explain:
        counted = {c["entry"]: c["credits"] for c in req["contributions"]}
        assert counted == {1: 4, 2: 2, 3: 0}


def test_init_and_profile_set_accept_a_users_own_board(cli: Cli, db_path: Path) -> None:
    """Found by a tester: `init --board OR` and `profile set --board OR` refused a board whose
    file is in the user's rules folder, which `license add` accepted."""
    (db_path.parent / "rules").mkdir(parents=True, exist_ok=True)
    (db_path.parent / "rules" / "or.toml").write_text(OR_LOOKBACK, "utf-8")
    db = ["--db", str(db_path)]
    ok(cli(*db, "init", "--name", "J", "--birthday", "1975-06-15", "--license", "1",
           "--board", "OR", "--license-expires", "2027-12-31"))  # fmt: skip
    d = json.loads(ok(cli(*db, "status", "--json", "--as-of", AS_OF)).stdout)
    assert (d["board"], d["renewal_date"]) == ("OR", "2027-12-31")
    ok(cli(*db, "profile", "set", "--board", "MA", "--license-expires", "2028-06-15"))
    ok(cli(*db, "profile", "set", "--board", "or", "--license-expires", "2027-12-31"))
    d = json.loads(ok(cli(*db, "status", "--json", "--as-of", AS_OF)).stdout)
    assert d["board"] == "OR"


def test_a_renewal_derived_from_the_initial_license_date_is_estimated(held: Cli) -> None:
    """cli.md: renewal_date_source is "license" when derived from the printed expiration date,
    "estimated" when derived from the initial license date (found by a tester: an NH or CA
    license added with --issued only said "license")."""
    d = doc(held)
    source = {x["board"]: x["renewal_date_source"] for x in d["licenses"]}
    assert source == {"MA": "license", "NH": "estimated", "NY": "license", "CA": "estimated"}
    text = " ".join(ok(held("status", "--license", "NH", "--as-of", AS_OF)).stdout.split())
    assert "estimated" in text and "cmelog license set NH --expires DATE" in text
