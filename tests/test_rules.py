"""Rules as data: the Massachusetts rules file against spec/rules.md, and parse_rules errors."""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from cmelog.domain.rules import RulesError, parse_rules
from cmelog.errors import ExitStatus
from cmelog.rules import available_boards, load_rules

# The requirements table of spec/rules.md, in its order:
# (id, scope, required credits or None for training, counts toward, applies)
REQUIREMENTS_TABLE: list[tuple[str, str, float | None, str | list[str], str]] = [
    ("total", "cycle", 50, "all", "always"),
    (
        "risk-management",
        "cycle",
        10,
        [
            "risk-management",
            "opioids-pain-management",
            "implicit-bias",
            "end-of-life",
            "board-regulations",
            "physician-wellness",
            "ehr",
        ],
        "always",
    ),
    ("opioids-pain-management", "cycle", 3, ["opioids-pain-management"], "prescriber"),
    ("board-regulations", "cycle", 2, ["board-regulations"], "always"),
    ("implicit-bias", "one-time", 2, ["implicit-bias"], "renewal>=2022-06-01"),
    ("end-of-life", "one-time", 2, ["end-of-life"], "always"),
    ("ehr", "one-time", 3, ["ehr"], "always"),
    ("alzheimers-dementia", "one-time", 1, ["alzheimers-dementia"], "adult_patients"),
    ("child-abuse-reporting", "one-time", None, ["child-abuse-reporting"], "always"),
    ("domestic-sexual-violence", "one-time", None, ["domestic-sexual-violence"], "always"),
]
REQUIREMENT_IDS = [row[0] for row in REQUIREMENTS_TABLE]
ATTESTABLE = {"ehr", "child-abuse-reporting", "domestic-sexual-violence"}

# The --kind table of spec/rules.md:
# (kind, category, fixed credits, max per entry, year cap, cycle cap, total only, RM cap)
KINDS_TABLE: list[
    tuple[
        str, int | None, float | None, float | None, float | None, float | None, bool, float | None
    ]
] = [  # fmt: skip
    ("activity", None, None, None, None, None, False, None),
    ("board-certification", 1, 60, 60, None, None, False, 4),  # 94-05 as amended 2024-03-28
    ("medical-degree", 1, 25, 25, None, None, True, None),
    ("residency", 1, None, None, 50, None, True, None),
    ("board-volunteer", 1, None, None, None, 20, False, 4),
    ("medical-examiner", 1, 4, 4, None, 4, False, None),
    ("board-of-health", 1, 4, 4, None, 4, False, None),
    ("article", 1, 10, 10, 10, None, False, None),
    ("poster", 1, 5, 5, 5, None, False, None),
    ("teaching", 1, None, None, 10, None, False, None),
    ("publication", 2, None, 10, None, None, False, None),
]

TOPICS = [
    "risk-management",
    "opioids-pain-management",
    "implicit-bias",
    "end-of-life",
    "board-regulations",
    "physician-wellness",
    "ehr",
    "alzheimers-dementia",
    "child-abuse-reporting",
    "domestic-sexual-violence",
]
FORMATS = [
    "live",
    "online",
    "enduring",
    "journal",
    "point-of-care",
    "teaching",
    "self-assessment",
    "performance-improvement",
    "other",
]


def ma_data() -> dict[str, Any]:
    text = resources.files("cmelog.rules").joinpath("ma.toml").read_text("utf-8")
    return tomllib.loads(text)


def hundredths(x: float | None) -> int | None:
    return None if x is None else round(x * 100)


@pytest.fixture(scope="module")
def rules_doc() -> dict[str, Any]:
    """`cmelog requirements --json` with no logbook at all (Massachusetts)."""
    from typer.testing import CliRunner

    from cmelog.cli import app

    result = CliRunner().invoke(app, ["requirements", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


# ------------------------------------------------------------------ the rules file
def test_one_rules_file_per_board_and_ma_is_known() -> None:
    assert "MA" in available_boards()
    assert load_rules("ma").board == "MA"
    assert load_rules("MA").name.startswith("Massachusetts")


def test_requirement_ids_in_spec_order() -> None:
    assert [r.id for r in load_rules("MA").requirements] == REQUIREMENT_IDS


@pytest.mark.parametrize("row", REQUIREMENTS_TABLE, ids=REQUIREMENT_IDS)
def test_requirement_row_matches_spec_and_names_its_source(
    row: tuple[str, str, float | None, str | list[str], str], rules_doc: dict[str, Any]
) -> None:
    rid, scope, required, counts, applies = row
    rules = load_rules("MA")
    req = rules.requirement(rid)
    assert req is not None
    assert req.scope == scope
    assert req.required == hundredths(required)
    assert req.training is (required is None)
    if counts == "all":
        assert req.counts_all
    else:
        assert not req.counts_all
        assert set(req.topics) == set(counts)
    if applies == "always":
        assert req.applies.always
    elif applies.startswith("renewal>="):
        assert req.applies.renewal_on_or_after == date(2022, 6, 1)
    else:
        assert req.applies.profile_flag == applies
    assert req.attestation is (rid in ATTESTABLE)
    # every rule names a non-empty source and a date, straight from the rules file
    raw = next(r for r in ma_data()["requirement"] if r["id"] == rid)
    assert raw["source"].strip()
    assert req.source == raw["source"]
    assert req.date == date.fromisoformat(raw["date"])
    # and `requirements --json` shows them
    shown = next(r for r in rules_doc["requirements"] if r["id"] == rid)
    assert shown["source"] == raw["source"]
    assert shown["date"] == raw["date"]
    assert shown["scope"] == scope
    assert shown["required"] == required
    assert shown["training"] is (required is None)
    assert shown["attestation"] is (rid in ATTESTABLE)
    assert shown["counts"] == ("all" if counts == "all" else list(req.topics))


@pytest.mark.parametrize("row", KINDS_TABLE, ids=[k[0] for k in KINDS_TABLE])
def test_kind_row_matches_spec_and_names_its_source(
    row: tuple[Any, ...], rules_doc: dict[str, Any]
) -> None:
    kid, category, credits, per_entry, year_cap, cycle_cap, total_only, rm_cap = row
    kind = load_rules("MA").kinds[kid]
    assert kind.category == category
    assert kind.credits == hundredths(credits)
    assert kind.max_per_entry == hundredths(per_entry)
    assert kind.year_cap == hundredths(year_cap)
    assert kind.cycle_cap == hundredths(cycle_cap)
    assert kind.counts_toward_topics is not total_only
    assert kind.requirement_caps.get("risk-management") == hundredths(rm_cap)
    assert kind.credits_per_hour == (2 if kid == "teaching" else 1)
    raw = next(k for k in ma_data()["kind"] if k["id"] == kid)
    assert raw["source"].strip()
    assert kind.source == raw["source"]
    assert kind.date == date.fromisoformat(raw["date"])
    shown = next(k for k in rules_doc["kinds"] if k["id"] == kid)
    assert shown["source"] == raw["source"]
    assert shown["category"] == category
    assert shown["counts_toward"] == raw.get("counts_toward", "all")
    assert shown["counts_toward"] == ("total" if total_only else kind.counts_toward)


@pytest.mark.parametrize("kid", ["medical-examiner", "board-of-health", "board-certification"])
def test_kinds_counting_toward_risk_management_only_by_the_rule(kid: str) -> None:
    kind = load_rules("MA").kinds[kid]
    assert kind.implied_topics == ("risk-management",)
    assert kind.counts_toward == "implied"  # the entry's own topics are ignored


def test_residency_within_a_year_before_renewal_satisfies_total() -> None:
    kind = load_rules("MA").kinds["residency"]
    assert kind.satisfies == "total"
    assert kind.satisfies_within_months == 12  # the same calendar day, not 365 days
    assert kind.satisfies_since(date(2028, 2, 29)) == date(2027, 2, 28)


def test_every_kind_and_requirement_names_a_real_source_and_date() -> None:
    """rules.md 0.2 "Sources of the kinds": none cites the 2024 Guidelines, which name none."""
    rules = load_rules("MA")
    for kid in ("board-certification", "board-volunteer", "medical-examiner", "board-of-health"):
        k = rules.kinds[kid]
        assert "94-05" in k.source and k.date == date(2024, 3, 28), kid
    for kid in ("medical-degree", "residency", "article", "poster", "teaching", "publication"):
        k = rules.kinds[kid]
        assert "MMS" in k.source and "AMA PRA" in k.source and "Guidelines" not in k.source, kid
    for kid in ("article", "poster", "teaching"):
        assert "conservative reading" in rules.kinds[kid].note, kid
    ehr = rules.requirement("ehr")
    assert ehr is not None and ehr.category == 1 and "EHR" in ehr.source


def test_requirements_text_says_the_yearly_caps_are_the_conservative_reading(
    cli: Callable[..., Any],
) -> None:
    result = cli("requirements")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert text.count("conservative reading") == 3
    assert "board-of-health: Board of health membership" in text
    assert "94-05" in text


def test_wellness_cap_is_seven_per_cycle_from_policy_19_06(rules_doc: dict[str, Any]) -> None:
    rm = load_rules("MA").requirement("risk-management")
    assert rm is not None
    [cap] = rm.caps
    assert (cap.topic, cap.max, cap.per) == ("physician-wellness", 700, "cycle")
    assert "19-06" in cap.source
    shown = next(r for r in rules_doc["requirements"] if r["id"] == "risk-management")
    assert shown["caps"][0]["max"] == 7
    assert "19-06" in shown["caps"][0]["source"]


def test_topics_and_formats_are_the_spec_slugs() -> None:
    rules = load_rules("MA")
    assert list(rules.topics) == TOPICS
    assert list(rules.formats) == FORMATS
    assert all(label.strip() for label in [*rules.topics.values(), *rules.formats.values()])


def test_renewal_rules_and_advice(rules_doc: dict[str, Any]) -> None:
    ren = load_rules("MA").renewal
    assert (ren.anchor, ren.cycle_years) == ("birthday", 2)
    assert (ren.application_mailing_days, ren.waiver_request_days) == (60, 30)
    assert "243 CMR 2.06" in ren.source
    assert rules_doc["renewal"]["source"] == ren.source
    assert any("Category 1 minimum" in a for a in rules_doc["advice"])
    assert any("accredit" in a for a in rules_doc["advice"])


# ------------------------------------------------------------------ `cmelog requirements`
def test_requirements_json_without_profile_is_massachusetts(
    cli: Callable[..., Any], db_path: Path
) -> None:
    result = cli("requirements", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["board"] == "MA"
    assert [r["id"] for r in doc["requirements"]] == REQUIREMENT_IDS
    assert result.stderr == ""
    assert not db_path.exists(), "reading the rules must not create a logbook"


def test_requirements_human_lists_every_rule_with_its_source(cli: Callable[..., Any]) -> None:
    result = cli("requirements")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Massachusetts" in out
    heads = [line.split()[0] for line in out.splitlines() if line.split()[:1] and
             line.split()[0] in REQUIREMENT_IDS and not line.startswith(" ")]  # fmt: skip
    assert heads == REQUIREMENT_IDS, "each requirement heads a line, in the spec order"
    for req in load_rules("MA").requirements:
        assert req.source in " ".join(out.split()), req.id
    for kid, *_ in KINDS_TABLE:
        assert kid in out
    assert "cmelog attest ehr" in out


def test_requirements_with_profile_uses_its_board(jane: Callable[..., Any]) -> None:
    result = jane("requirements", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["board"] == "MA"


# ------------------------------------------------------------------ malformed rules files
def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation setting `path` (a.b.0.c) to value; value DELETE removes the key."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for p in parents:
            node = node[int(p)] if p.isdigit() else node[p]
        if value is DELETE:
            del node[int(last) if last.isdigit() else last]
        elif last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


DELETE = object()


def _append(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        data[path].append(value)

    return mutate


def _req(rid: str) -> int:
    return REQUIREMENT_IDS.index(rid)


def _kind(kid: str) -> int:
    return [k[0] for k in KINDS_TABLE].index(kid)


BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("schema missing", _set("schema", DELETE), "schema"),
    ("schema from the future", _set("schema", 3), "schema"),
    ("no topics", _set("topics", DELETE), "topics"),
    ("topics not a table", _set("topics", ["ehr"]), "topics"),
    ("unknown anchor", _set("renewal.anchor", "full-moon"), "anchor"),
    ("cycle_years text", _set("renewal.cycle_years", "2"), "cycle_years"),
    ("cycle_years bool", _set("renewal.cycle_years", True), "cycle_years"),
    ("records_cycles text", _set("renewal.records_cycles", "x"), "records_cycles"),
    ("no requirements", _set("requirement", DELETE), "requirement"),
    ("requirement not a table", _append("requirement", 5), "requirement"),
    ("requirement without id", _set(f"requirement.{_req('ehr')}.id", DELETE), ".id"),
    ("requirement twice", _set(f"requirement.{_req('ehr')}.id", "end-of-life"), "twice"),
    ("no required", _set("requirement.0.required", DELETE), "required"),
    ("required text", _set("requirement.0.required", "lots"), "required"),
    ("required negative", _set("requirement.0.required", "-5"), "required"),
    ("required three decimals", _set("requirement.0.required", "1.125"), "required"),
    (
        "training misspelt",
        _set(f"requirement.{_req('child-abuse-reporting')}.required", "trainng"),
        "required",
    ),
    ("unknown top-level key", _set("boards", "MA"), "boards: unknown key"),
    ("unknown requirement key", _set("requirement.0.scopes", "cycle"), "'total'.scopes"),
    ("old scope key", _set("requirement.0.scope", "cycle"), "'total'.scope"),
    ("unknown renewal key", _set("renewal.cycle_year", 2), "renewal.cycle_year"),
    ("bad clock", _set("requirement.0.clock", "yearly"), "clock"),
    ("every without its clock", _set("requirement.0.every", 3), "every"),
    ("unknown kind key", _set("kind.0.cap", "4"), "kind 'activity'.cap"),
    ("unknown cap key", _set(f"requirement.{_req('risk-management')}.cap.0.only", "x"), "only"),
    ("unknown topic", _set(f"requirement.{_req('ehr')}.topics", ["emr"]), "'emr'"),
    ("topics a string", _set(f"requirement.{_req('ehr')}.topics", "ehr"), "topics"),
    ("bad applies", _set(f"requirement.{_req('ehr')}.applies", "sometimes"), "applies"),
    (
        "bad applies date",
        _set(f"requirement.{_req('implicit-bias')}.applies", {"renewal_on_or_after": "soon"}),
        "applies",
    ),
    ("bad date", _set("requirement.0.date", "2024-13-01"), "date"),
    ("cap not a table", _set(f"requirement.{_req('risk-management')}.cap", ["x"]), "cap"),
    ("cap max missing", _set(f"requirement.{_req('risk-management')}.cap.0.max", DELETE), "max"),
    ("cap per year", _set(f"requirement.{_req('risk-management')}.cap.0.per", "year"), "cap"),
    ("kind not a table", _append("kind", "poster"), "kind"),
    ("kind twice", _set(f"kind.{_kind('poster')}.id", "article"), "twice"),
    ("kind category 3", _set(f"kind.{_kind('poster')}.category", 3), "category"),
    ("kind credits text", _set(f"kind.{_kind('poster')}.credits", "five"), "credits"),
    ("kind year_cap", _set(f"kind.{_kind('poster')}.year_cap", "-1"), "year_cap"),
    ("kind counts_toward", _set(f"kind.{_kind('poster')}.counts_toward", "rm"), "counts_toward"),
    (
        "credits_per_hour text",
        _set(f"kind.{_kind('teaching')}.credits_per_hour", "two"),
        "credits_per_hour",
    ),
    (
        "credits_per_hour zero",
        _set(f"kind.{_kind('teaching')}.credits_per_hour", 0),
        "credits_per_hour",
    ),
    (
        "requirement_caps not a table",
        _set(f"kind.{_kind('board-volunteer')}.requirement_caps", "4"),
        "requirement_caps",
    ),
    (
        "requirement_caps unknown requirement",
        _set(f"kind.{_kind('board-volunteer')}.requirement_caps", {"rm": "4"}),
        "'rm'",
    ),
    (
        "implied topic unknown",
        _set(f"kind.{_kind('medical-examiner')}.implied_topics", ["risk"]),
        "'risk'",
    ),
    (
        "implied topics a string",
        _set(f"kind.{_kind('medical-examiner')}.implied_topics", "risk-management"),
        "implied_topics",
    ),
    ("satisfies unknown", _set(f"kind.{_kind('residency')}.satisfies", "all"), "satisfies"),
    (
        "satisfies_within_days text",
        _set(f"kind.{_kind('residency')}.satisfies_within_days", "a year"),
        "satisfies_within_days",
    ),
    ("kind without label", _set(f"kind.{_kind('poster')}.label", DELETE), "label"),
]


def test_unmodified_rules_parse() -> None:
    rules = parse_rules(ma_data(), "MA")
    assert [r.id for r in rules.requirements] == REQUIREMENT_IDS


@pytest.mark.parametrize(("mutate", "field"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_malformed_rules_are_a_clear_error_naming_the_field(
    mutate: Callable[[dict[str, Any]], None], field: str
) -> None:
    data = copy.deepcopy(ma_data())
    mutate(data)
    with pytest.raises(RulesError) as err:
        parse_rules(data, "MA")
    message = str(err.value)
    assert message.startswith("The rules file for board MA is malformed: ")
    assert field in message
    assert err.value.status == ExitStatus.FAILURE


def test_rules_error_names_the_requirement_that_is_wrong() -> None:
    data = copy.deepcopy(ma_data())
    data["requirement"][_req("end-of-life")]["required"] = "two"
    with pytest.raises(RulesError, match=r"requirement 'end-of-life'\.required"):
        parse_rules(data, "MA")


def test_a_correction_is_an_edit_of_data() -> None:
    """Changing the wellness cap or a requirement amount in the data changes the rules."""
    data = copy.deepcopy(ma_data())
    data["requirement"][_req("risk-management")]["cap"][0]["max"] = "5"
    data["requirement"][0]["required"] = "40"
    rules = parse_rules(data, "MA")
    total = rules.requirement("total")
    rm = rules.requirement("risk-management")
    assert total is not None and total.required == 4000
    assert rm is not None and rm.caps[0].max == 500


@pytest.mark.parametrize("command", [["requirements"], ["status", "--json"]])
def test_a_malformed_packaged_rules_file_is_one_clear_sentence(
    jane: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """What a user sees when a rules file edit goes wrong: exit 1, no traceback."""
    import cmelog.rules

    broken = copy.deepcopy(ma_data())
    broken["kind"][_kind("teaching")]["credits_per_hour"] = "two"
    monkeypatch.setattr(
        cmelog.rules, "load_rules", lambda board="MA", user_dir=None: parse_rules(broken, board)
    )
    result = jane(*command)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("cmelog: The rules file for board MA is malformed:")
    assert "credits_per_hour" in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ counts_toward = "total"
def test_a_total_only_kind_counts_toward_every_requirement_that_counts_all_and_no_topic() -> None:
    """D4: `counts_toward = "total"` counts toward the requirements that count every entry (the
    total and a Category minimum such as Texas's formal credits), never a topic requirement;
    docs/rules-schema.md says exactly that."""
    from cmelog.domain.engine import evaluate
    from cmelog.domain.model import CycleWindow, Entry, Profile

    tx = load_rules("TX")
    evaluator = tx.kinds["board-evaluator"]
    assert evaluator.counts_toward == "total" and evaluator.category == 1
    entry = Entry(
        id=1,
        title="Competency evaluation",
        date=date(2025, 3, 1),
        end_date=None,
        credits=300,
        category=1,
        kind="board-evaluator",
        topics=("ethics",),
        provider="Texas Medical Board",
    )
    profile = Profile("Jane Roe, MD", date(1975, 6, 15), "T1", license_expires=date(2026, 6, 15))
    window = CycleWindow(date(2024, 6, 16), date(2026, 6, 15))
    ev = evaluate(tx, profile, window, [entry])
    earned = {r.id: r.earned for r in ev.requirements}
    assert (earned["total"], earned["category-1"], earned["ethics"]) == (300, 300, 0)
    doc = (Path(__file__).parents[1] / "docs" / "rules-schema.md").read_text("utf-8")
    flat = " ".join(doc.split())
    assert (
        "`total`: the requirements that count every entry (`total`, and a Category minimum such "
        "as `category-1` when the entry is of its category), and no topic requirement"
    ) in flat
