"""The shipped board and ledger rules files (spec/boards.md): every file loads and checks
clean, every rule names its source and date, each board's headline figures are pinned, and
`requirements` shows clocks, conditions and flagged rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cmelog.domain.rules import Requirement, Rules
from cmelog.domain.topics import VOCABULARY
from cmelog.render.rules import (
    clock_words,
    flag_label,
    renewal_words,
    requirements_text,
    rules_json,
)
from cmelog.rules import SHIPPED, available_boards, check_file, load_rules

BOARDS = ("MA", "NH", "RI", "CT", "NY", "ME", "VT", "CA", "TX", "FL")
LEDGERS = ("dea-mate", "moc")
CODES = (*BOARDS, *LEDGERS)


def _file(code: str) -> Path:
    return SHIPPED / f"{code.lower()}.toml"


def _req(rules: Rules, rid: str) -> Requirement:
    req = rules.requirement(rid)
    assert req is not None, f"{rules.board} has no requirement {rid}"
    return req


def _amount(rules: Rules, rid: str) -> int | None:
    return _req(rules, rid).required


# ------------------------------------------------------------------ every shipped file
def test_every_board_of_the_contract_is_shipped() -> None:
    assert sorted(available_boards()) == sorted(BOARDS)
    for code in CODES:
        assert _file(code).is_file(), code


@pytest.mark.parametrize("code", CODES)
def test_every_shipped_file_checks_clean_and_loads(code: str) -> None:
    assert check_file(_file(code)) == []
    rules = load_rules(code)
    assert rules.board == code
    assert rules.requirements
    if code in LEDGERS:
        assert rules.ledger == code
    else:
        assert rules.ledger is None


@pytest.mark.parametrize("code", CODES)
def test_every_requirement_names_its_source_date_and_grade(code: str) -> None:
    for req in load_rules(code).requirements:
        assert req.source.strip(), (code, req.id)
        assert req.date is not None, (code, req.id)
        assert req.grade in ("A", "B", "C", "D") or code == "MA", (code, req.id)
        if not req.verified:
            assert req.missing.strip(), (code, req.id)
        if req.grade in ("C", "D"):
            assert not req.verified, (code, req.id)
        if req.date.isoformat() == "2026-12-02":
            assert "research date" in req.note, (code, req.id)


@pytest.mark.parametrize("code", CODES)
def test_requirement_ids_and_topics_follow_the_conventions(code: str) -> None:
    """cli.md 0.2: `total`, `category-1` or a vocabulary slug; topics from the vocabulary."""
    rules = load_rules(code)
    for req in rules.requirements:
        assert req.id in ("total", "category-1") or req.id in VOCABULARY, (code, req.id)
        for topic in req.topics:
            assert topic in VOCABULARY, (code, req.id, topic)
            assert topic in rules.topics, (code, req.id, topic)
    for slug in rules.topics:
        assert slug in VOCABULARY, (code, slug)


@pytest.mark.parametrize("code", [c for c in CODES if c != "MA"])
def test_every_new_file_has_calendar_wording_and_sources(code: str) -> None:
    rules = load_rules(code)
    assert rules.sources and rules.advice
    assert rules.renewal.source and rules.renewal.date is not None
    assert rules.calendar.renewal != "Medical license renewal deadline"


# ------------------------------------------------------------------ headline figures (boards.md)
def test_texas_48_with_24_formal_carry_48_and_first_registration_exempt() -> None:
    tx = load_rules("TX")
    total = _req(tx, "total")
    assert total.required == 4800 and total.carry_forward_max == 4800 and total.counts_all
    assert total.first_renewal[0].required == 0
    assert _amount(tx, "category-1") == 2400 and _req(tx, "category-1").category == 1
    ethics = _req(tx, "ethics")
    assert ethics.required == 200 and ethics.category == 1
    opioids = _req(tx, "opioids-pain-management")
    assert (opioids.required, opioids.clock, opioids.lookback_months, opioids.first_renewals) == (
        200,
        "lookback",
        96,
        2,
    )
    assert opioids.applies.flags == ("direct_patient_care",)
    trafficking = _req(tx, "human-trafficking")
    assert (trafficking.required, trafficking.clock, trafficking.every) == (
        100,
        "every-n-renewals",
        3,
    )
    assert tx.renewal.anchor == "assigned" and tx.renewal.grace_days == 30


def test_florida_40_including_2_of_medical_errors_and_the_january_31_clock() -> None:
    fl = load_rules("FL")
    assert _amount(fl, "total") == 4000
    assert _req(fl, "total").first_renewal[0].required == 0  # general hours exempt at first
    errors = _req(fl, "medical-errors")
    assert errors.required == 200 and errors.clock == "cycle" and not errors.first_renewal
    hiv = _req(fl, "hiv-aids")
    assert (hiv.required, hiv.clock, hiv.deadline_renewal, hiv.category) == (
        100,
        "by-deadline",
        1,
        1,
    )
    dv = _req(fl, "domestic-sexual-violence")
    assert (dv.required, dv.clock, dv.every) == (200, "every-n-renewals", 3)
    assert _req(fl, "controlled-substances").applies.flags == ("dea",)
    ht = _req(fl, "human-trafficking")
    assert ht.deadline is not None and ht.deadline.isoformat() == "2021-01-01"
    assert ht.flagged
    r = fl.renewal
    assert (r.anchor, r.month, r.day, r.years, r.cycle_years) == ("fixed", 1, 31, "printed", 2)


def test_new_hampshire_100_with_40_of_category_1_and_3_opioid_for_dea() -> None:
    nh = load_rules("NH")
    assert _amount(nh, "total") == 10000
    assert _amount(nh, "category-1") == 4000 and _req(nh, "category-1").category == 1
    opioids = _req(nh, "opioids-pain-management")
    assert (opioids.required, opioids.category, opioids.applies.flags) == (300, 1, ("dea",))
    assert nh.renewal.anchor == "issue-anniversary"


def test_connecticut_yearly_renewal_with_a_24_month_window() -> None:
    ct = load_rules("CT")
    r = ct.renewal
    assert (r.anchor, r.cycle_years, r.window_months, r.months) == ("birth-month-end", 1, 24, 24)
    assert "not found" in r.note
    assert _amount(ct, "total") == 5000 and _req(ct, "total").first_renewal[0].required == 0
    topics = [q for q in ct.requirements if q.id != "total"]
    assert {q.id for q in topics} == {
        "infectious-diseases",
        "risk-management",
        "domestic-sexual-violence",
        "cultural-competency",
        "behavioral-health",
    }
    for q in topics:
        assert (q.clock, q.lookback_months) == ("lookback", 72), q.id


def test_rhode_island_40_category_1_on_june_30_of_even_years() -> None:
    ri = load_rules("RI")
    r = ri.renewal
    assert (r.anchor, r.month, r.day, r.years, r.cycle_years) == ("fixed", 6, 30, "even", 2)
    total = _req(ri, "total")
    assert total.required == 4000 and total.category == 1
    alz = _req(ri, "alzheimers-dementia")
    assert (alz.required, alz.clock) == (100, "once")
    assert _req(ri, "opioids-pain-management").flagged  # hours not found


def test_vermont_30_category_1_on_november_30_of_even_years() -> None:
    vt = load_rules("VT")
    r = vt.renewal
    assert (r.anchor, r.month, r.day, r.years) == ("fixed", 11, 30, "even")
    total = _req(vt, "total")
    assert total.required == 3000 and total.category == 1
    assert [(t.required, t.under_months) for t in total.first_renewal] == [(0, 12), (1500, None)]
    assert _amount(vt, "controlled-substances") == 200
    assert _req(vt, "controlled-substances").applies.flags == ("dea",)


def test_maine_40_category_1_at_the_end_of_the_birth_month_by_birth_year_parity() -> None:
    me = load_rules("ME")
    assert (me.renewal.anchor, me.renewal.years) == ("birth-month-end", "birth-year-parity")
    total = _req(me, "total")
    assert total.required == 4000 and total.category == 1
    opioids = _req(me, "opioids-pain-management")
    assert (opioids.required, opioids.category) == (300, 1)


def test_new_york_has_no_general_hours_and_three_trainings() -> None:
    ny = load_rules("NY")
    assert ny.renewal.anchor == "assigned"
    assert ny.requirement("total") is None
    ic = _req(ny, "infection-control")
    assert (ic.training, ic.clock, ic.lookback_months) == (True, "lookback", 48)
    ca = _req(ny, "child-abuse-reporting")
    assert (ca.training, ca.clock) == (True, "once")
    pain = _req(ny, "opioids-pain-management")
    assert (pain.required, pain.clock, pain.lookback_months) == (300, "lookback", 36)
    assert pain.applies.flags == ("dea",)


def test_california_50_with_12_of_pain_management_by_the_2nd_renewal_or_4_years() -> None:
    ca = load_rules("CA")
    assert ca.renewal.anchor == "issue-month-end"
    total = _req(ca, "total")
    assert total.required == 5000
    assert [(t.required, t.under_months) for t in total.first_renewal] == [(2500, 13)]
    pain = _req(ca, "opioids-pain-management")
    assert (pain.required, pain.clock, pain.deadline_renewal, pain.deadline_years_after_issue) == (
        1200,
        "by-deadline",
        2,
        4,
    )
    assert ca.requirement("geriatric-medicine") is None
    assert any("geriatric" in a.lower() for a in ca.advice)
    assert ca.license_types["retired"].exempt_all


def test_dea_mate_ledger_is_8_hours_once_every_3_years_from_registration() -> None:
    mate = load_rules("dea-mate")
    assert (mate.renewal.anchor, mate.renewal.cycle_years) == ("registration", 3)
    [req] = mate.requirements
    assert (req.id, req.required, req.clock, req.attestation) == (
        "mate-substance-use-disorders",
        800,
        "once",
        True,
    )
    assert "D1" in req.source and req.grade == "A"


def test_moc_ledger_is_100_points_every_5_years_without_the_unverified_20() -> None:
    moc = load_rules("moc")
    assert (moc.unit, moc.renewal.anchor, moc.renewal.cycle_years) == ("points", "cycle-start", 5)
    assert [(q.id, q.required) for q in moc.requirements] == [("total", 10000)]
    assert any("20 medical-knowledge" in a and "unverified" in a for a in moc.advice)


# ------------------------------------------------------------------ `requirements` wording
@pytest.mark.parametrize(
    ("code", "rid", "words"),
    [
        ("MA", "total", "each cycle"),
        ("MA", "ehr", "once"),
        ("FL", "domestic-sexual-violence", "every 3 renewals"),
        ("CT", "cultural-competency", "within 6 years before renewal"),
        ("NY", "opioids-pain-management", "within 3 years before renewal"),
        (
            "CA",
            "opioids-pain-management",
            "once, due by the 2nd renewal or 4 years after issue, whichever first",
        ),
        ("FL", "hiv-aids", "once, due by the 1st renewal"),
        ("FL", "human-trafficking", "once, due by 2021-01-01"),
        ("TX", "opioids-pain-management", "each of the first 2 cycles, then within 8 years"),
        ("TX", "human-trafficking", "the first cycle, then every 3 renewals"),
    ],
)
def test_clock_in_words(code: str, rid: str, words: str) -> None:
    assert clock_words(_req(load_rules(code), rid)).startswith(words)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("MA", "on the birthday"),
        ("RI", "on June 30 of even years"),
        ("VT", "on November 30 of even years"),
        ("FL", "on January 31 (the year from the printed expiration date)"),
        ("CT", "Renewal every year on the last day of the birth month"),
        ("CT", "CME window: the 24 months before each renewal date"),
        ("ME", "in years of the same parity as the birth year"),
        ("CA", "on the last day of the month of issue"),
        ("CA", "no grace period"),
        ("NH", "on the anniversary of the issue date"),
        ("TX", "the board assigns"),
        ("TX", "30 days of grace"),
        ("dea-mate", "from the registration date"),
        ("moc", "Cycle every 5 years in cycles that start on --cycle-start"),
    ],
)
def test_renewal_sentence_describes_the_anchor(code: str, words: str) -> None:
    sentence = renewal_words(load_rules(code))
    assert words in sentence
    if code != "MA":
        assert "birthday" not in sentence


def test_flag_labels() -> None:
    ht = _req(load_rules("FL"), "human-trafficking")
    label = flag_label(ht)
    assert label.startswith("[unverified: The Board of Medicine's own text was not found")
    assert "[grade C source]" in label
    assert flag_label(_req(load_rules("FL"), "medical-errors")) == ""


def _text(rules: Rules, capsys: pytest.CaptureFixture[str]) -> str:
    requirements_text(rules)
    return " ".join(capsys.readouterr().out.split())


def test_requirements_text_labels_a_flagged_rule(capsys: pytest.CaptureFixture[str]) -> None:
    fl = _text(load_rules("FL"), capsys)
    assert "[unverified: The Board of Medicine's own text was not found" in fl
    assert "[grade C source]" in fl
    assert "every 3 renewals" in fl
    assert "applies to physicians holding a DEA registration" in fl
    assert "First renewal: not required at the first renewal." in fl
    tx = _text(load_rules("TX"), capsys)
    assert "Carry-forward: up to 48 credits" in tx
    assert "[unverified:" in tx
    assert tx.count("[unverified:") == 1


def test_requirements_text_shows_license_types_and_points(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ca = _text(load_rules("CA"), capsys)
    assert "License types (license add --type):" in ca and "retired: Retired status (no CME)" in ca
    moc = _text(load_rules("moc"), capsys)
    assert "total MOC points: 100 points, each cycle" in moc
    assert "Amounts are MOC points." in moc


@pytest.mark.parametrize("code", CODES)
def test_requirements_json_gains_clock_grade_verified_missing(code: str) -> None:
    rules = load_rules(code)
    doc = json.loads(json.dumps(rules_json(rules)))
    for key in ("years", "month", "day", "window_months", "grace_days", "first_renewal"):
        assert key in doc["renewal"], key
    for key in ("anchor", "cycle_years", "application_mailing_days", "waiver_request_days"):
        assert key in doc["renewal"], key
    assert doc["unit"] == rules.unit
    for shown, req in zip(doc["requirements"], rules.requirements, strict=True):
        for key in ("id", "label", "scope", "required", "training", "applies", "counts"):
            assert key in shown, key
        assert shown["clock"] == req.clock and shown["clock_text"] == clock_words(req)
        assert shown["grade"] == req.grade
        assert shown["verified"] is req.verified
        assert shown["missing"] == (req.missing or None)
        assert shown["date"] == (req.date.isoformat() if req.date else None)
    assert [lt["id"] for lt in doc["license_types"]] == list(rules.license_types)


def test_json_renewal_keys_per_anchor() -> None:
    ri = rules_json(load_rules("RI"))["renewal"]
    assert (ri["anchor"], ri["month"], ri["day"], ri["years"]) == ("fixed", 6, 30, "even")
    ct = rules_json(load_rules("CT"))["renewal"]
    assert (ct["cycle_years"], ct["window_months"]) == (1, 24)
    tx = rules_json(load_rules("TX"))["renewal"]
    assert (tx["anchor"], tx["grace_days"]) == ("assigned", 30)
    ca = rules_json(load_rules("CA"))["requirements"]
    pain = next(r for r in ca if r["id"] == "opioids-pain-management")
    assert pain["clock_rule"]["deadline_renewal"] == 2 and pain["verified"] is False


# ------------------------------------------------------------------ a user's own rules file
PA = """\
schema = 2
board = "PA"
name = "Pennsylvania State Board of Medicine"

[[requirement]]
id = "total"
required = "100"
source = "a test"
date = "2026-12-02"
"""


def test_a_user_file_in_the_data_folder_is_loaded(tmp_path: Path) -> None:
    rules_dir = tmp_path / "logbook" / "rules"
    rules_dir.mkdir(parents=True)
    (rules_dir / "pa.toml").write_text(PA, "utf-8")
    assert "PA" in available_boards(rules_dir)
    pa = load_rules("PA", rules_dir)
    assert (pa.board, pa.name, pa.origin) == (
        "PA",
        "Pennsylvania State Board of Medicine",
        str(rules_dir / "pa.toml"),
    )
    assert _amount(pa, "total") == 10000
    assert load_rules("TX", rules_dir).origin == "shipped"


def test_requirements_board_lists_a_user_file(cli: Callable[..., Any], tmp_path: Path) -> None:
    """`requirements --board PA` reads <data folder>/rules/pa.toml (the folder of --db)."""
    book = tmp_path / "elsewhere" / "cmelog.db"
    (book.parent / "rules").mkdir(parents=True)
    (book.parent / "rules" / "pa.toml").write_text(PA, "utf-8")
    result = cli("--db", str(book), "requirements", "--board", "PA", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["board"] == "PA" and [r["id"] for r in doc["requirements"]] == ["total"]


# ------------------------------------------------------------------ a user's minimal file
SPARSE = """\
schema = 2
board = "WA"
name = "Washington Medical Commission"

[renewal]
anchor = "issue-anniversary"
cycle_years = 4
records_cycles = 1

[[requirement]]
id = "total"
required = "200"
"""


def _sparse() -> Rules:
    import tomllib

    from cmelog.domain.rules import parse_rules
    from cmelog.domain.topics import FORMATS

    return parse_rules(tomllib.loads(SPARSE), "WA", VOCABULARY, FORMATS)


def test_one_cycle_of_records_is_singular() -> None:
    assert "records kept for 1 cycle." in renewal_words(_sparse())
    assert "records kept for 2 cycles." in renewal_words(load_rules("MA"))


def test_requirements_text_prints_no_empty_source(capsys: pytest.CaptureFixture[str]) -> None:
    """The built-in `activity` kind, and a requirement or renewal without a source, print no
    `Source:` line (or clause) at all."""
    requirements_text(_sparse())
    out = capsys.readouterr().out
    assert "Source" not in out, out
    assert "activity: CME activity" in out
    ma = _text(load_rules("MA"), capsys)
    assert ma.count("Source") >= len(load_rules("MA").requirements) + 1


def test_a_user_file_may_be_named_in_either_case_and_the_docs_agree(tmp_path: Path) -> None:
    """D9: README and docs/rules-schema.md both recommend lower case and accept either."""
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    (rules_dir / "WA.toml").write_text(SPARSE, "utf-8")
    assert load_rules("WA", rules_dir).origin == str(rules_dir / "WA.toml")
    assert "WA" in available_boards(rules_dir)
    (rules_dir / "wa.toml").write_text(SPARSE.replace('"200"', '"100"'), "utf-8")
    assert load_rules("WA", rules_dir).origin == str(rules_dir / "wa.toml")  # lower case wins
    root = Path(__file__).parents[1]
    for doc in ("README.md", "docs/rules-schema.md"):
        text = " ".join((root / doc).read_text("utf-8").split())
        assert "in lower case (`pa.toml` for board" in text, doc
        assert "`PA.toml` is accepted too" in text, doc


def _flat(doc: str) -> str:
    return " ".join((Path(__file__).parents[1] / doc).read_text("utf-8").split())


OR = """\
schema = 2
board = "OR"
name = "Oregon Medical Board"

[renewal]
anchor = "fixed"
month = 12
day = 31
years = "odd"

[[requirement]]
id = "total"
required = "60"

[[kind]]
id = "teaching"
label = "Teaching a CME activity"
credits_per_hour = 2

[[kind]]
id = "grand-rounds"
label = "Grand rounds"
category = 2
"""


def _logbook(cli: Callable[..., Any], db_path: Path, expires: str) -> list[str]:
    db = ["--db", str(db_path)]
    args = ("init", "--name", "J", "--birthday", "1975-06-15", "--license", "1")
    result = cli(*db, *args, "--license-expires", "2026-06-15")
    assert result.exit_code == 0, result.stderr
    (db_path.parent / "rules").mkdir()
    (db_path.parent / "rules" / "or.toml").write_text(OR, "utf-8")
    result = cli(*db, "license", "add", "--board", "OR", "--number", "9", "--expires", expires)
    assert result.exit_code == 0, result.stderr
    return db


def test_a_kind_of_several_boards_is_checked_against_the_first_that_defines_it(
    cli: Callable[..., Any], db_path: Path
) -> None:
    """D8 (documented, not changed): the first license's board (MA) decides `teaching`; a
    kind only the second board defines is taken from it."""
    db = _logbook(cli, db_path, "2027-12-31")
    entry = ("Lecture", "--date", "2025-03-01", "--hours", "1", "--provider", "P")
    result = cli(*db, "add", *entry, "--kind", "teaching", "--category", "2")
    assert result.exit_code == 2
    assert "Teaching (presenting) is always Category 1" in result.stderr
    result = cli(*db, "add", *entry, "--kind", "grand-rounds", "--json")
    assert result.exit_code == 0, result.stderr
    added = json.loads(result.stdout)
    assert (added["kind"], added["category"]) == ("grand-rounds", 2)
    doc = _flat("docs/rules-schema.md")
    assert "`--kind` is looked up in the first license's board file, then in the files of" in doc
    assert "`add --kind teaching --category 2` is refused" in doc


def test_a_printed_date_of_the_other_parity_wins_over_years(
    cli: Callable[..., Any], db_path: Path
) -> None:
    """D10 (documented, not changed): `years = "odd"`, a license printed to expire in an even
    year: the printed date is the renewal, the series follows it."""
    db = _logbook(cli, db_path, "2026-12-31")
    result = cli(*db, "status", "--json", "--license", "OR", "--as-of", "2026-12-01")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["renewal_date"], doc["renewal_date_source"]) == ("2026-12-31", "license")
    assert doc["cycle"] == {"start": "2025-01-01", "end": "2026-12-31"}
    result = cli(*db, "status", "--json", "--license", "OR", "--as-of", "2027-01-15")
    assert json.loads(result.stdout)["renewal_date"] == "2028-12-31"
    assert (
        'with `years = "odd"` and a license printed to expire 2026-12-31: renewal 2026-12-31, '
        "cycle 2025-01-01 to 2026-12-31, next renewal 2028-12-31"
    ) in _flat("docs/rules-schema.md")
