"""What a requirement asks at one renewal (domain/due.py) and how the engine then judges it:
clocks, conditions, license types, the first renewal, carried credits. Hand-computed."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from cmelog.domain.cycles import Clock
from cmelog.domain.due import due_all
from cmelog.domain.engine import evaluate
from cmelog.domain.model import Attestation, Entry, Ledger, License, Profile
from cmelog.domain.rules import Rules, parse_rules
from cmelog.domain.topics import FORMATS, VOCABULARY
from cmelog.rules import load_rules

D = date.fromisoformat

BOARD = """
schema = 2
board = "ZZ"
name = "Test board"

[renewal]
anchor = "assigned"

[topics]
ethics = "Ethics"
opioids-pain-management = "Opioids"
human-trafficking = "Human trafficking"
hiv-aids = "HIV/AIDS"
infection-control = "Infection control"
child-abuse-reporting = "Child abuse"

[[requirement]]
id = "total"
required = "48"
carry_forward_max = "48"
first_renewal = "exempt"

[[requirement]]
id = "category-1"
required = "24"

[[requirement]]
id = "ethics"
required = "2"
category = 1

[[requirement]]
id = "opioids-pain-management"
required = "2"
clock = "lookback"
lookback_years = 8
first_renewals = 2
applies = "dea"

[[requirement]]
id = "human-trafficking"
required = "1"
clock = "every-n-renewals"
every = 3

[[requirement]]
id = "hiv-aids"
required = "1"
clock = "by-deadline"
deadline_renewal = 2
deadline_years_after_issue = 3

[[requirement]]
id = "infection-control"
required = "training"
clock = "lookback"
lookback_years = 4
attestation = true

[[requirement]]
id = "child-abuse-reporting"
required = "training"
clock = "once"
counts_since = "2025-04-01"

[[license_type]]
id = "full"

[[license_type]]
id = "faculty"
required = { total = "25" }

[[license_type]]
id = "retired"
exempt = "all"
"""

RULES = parse_rules(tomllib.loads(BOARD), "ZZ", VOCABULARY, FORMATS)
PROFILE = Profile(name="J", birthday=D("1970-05-05"), license="1", board="ZZ", prescriber=False)


def e(i: int, day: str, credits: float, *topics: str, category: int = 1) -> Entry:
    return Entry(
        id=i,
        title=f"e{i}",
        date=D(day),
        credits=int(credits * 100),
        category=category,
        topics=tuple(topics),
    )


def judge(
    lic: License,
    as_of: date,
    entries: list[Entry],
    *,
    profile: Profile = PROFILE,
    ledgers: tuple[Ledger, ...] = (),
    attestations: tuple[Attestation, ...] = (),
    rules: Rules = RULES,
    carried: dict[str, tuple[int, str]] | None = None,
) -> dict[str, tuple[bool, bool, int | None, int | None]]:
    """{id: (applies, met, required, earned)} of the current cycle at `as_of`."""
    clock = Clock(rules.renewal, profile.birthday, lic.expires, lic.issued)
    window = clock.status(as_of).current
    due = due_all(rules, profile, lic, clock, window, ledgers)
    ev = evaluate(
        rules,
        profile,
        window,
        [x for x in entries if window.contains(x.effective_date)],
        one_time_entries=entries,
        attestations=attestations,
        due=due,
        carried=carried,
    )
    return {r.id: (r.applies, r.met, r.required, r.earned) for r in ev.requirements}


# renewals every 2 years on 2027-02-28 (odd years), first one 2023-02-28 for a 2021 issue
TX = License("ZZ", "1", "full", D("2027-02-28"), D("2021-01-10"))


def test_category_1_minimum_and_topic_inside_it() -> None:
    got = judge(
        TX,
        D("2026-12-03"),
        [
            e(1, "2025-06-01", 30, category=2),
            e(2, "2025-07-01", 20),
            e(3, "2026-01-01", 2, "ethics", category=2),
        ],
    )
    assert got["total"] == (True, True, 4800, 5200)
    assert got["category-1"] == (True, False, 2400, 2000)
    assert got["ethics"] == (True, False, 200, 0)  # a Category 2 ethics course does not count


def test_first_renewal_exempts_the_total_only() -> None:
    got = judge(TX, D("2022-06-01"), [])
    assert got["total"][:2] == (False, True)
    assert got["category-1"][:2] == (True, False)


def test_license_types_change_amounts_or_exempt_everything() -> None:
    faculty = judge(
        License("ZZ", "1", "faculty", D("2027-02-28"), D("2021-01-10")), D("2026-12-03"), []
    )
    assert faculty["total"][2] == 2500
    retired = judge(
        License("ZZ", "1", "retired", D("2027-02-28"), D("2021-01-10")), D("2026-12-03"), []
    )
    assert all(not applies and met for applies, met, _, _ in retired.values())


def test_dea_condition_follows_a_dea_ledger() -> None:
    assert judge(TX, D("2026-12-03"), [])["opioids-pain-management"][0] is False
    dea = (Ledger("dea-mate", "dea-mate", D("2024-03-15")),)
    assert judge(TX, D("2026-12-03"), [], ledgers=dea)["opioids-pain-management"][0] is True


def test_first_k_cycles_then_a_look_back() -> None:
    dea = (Ledger("dea-mate", "dea-mate", D("2024-03-15")),)
    old = [e(1, "2020-03-01", 2, "opioids-pain-management")]
    # renewal 2 (2025-02-28): due in the cycle 2023-03-01..2025-02-28; a 2020 course misses it
    second = judge(TX, D("2024-12-01"), old, ledgers=dea)
    assert second["opioids-pain-management"][:2] == (True, False)
    # renewal 3 (2027-02-28): within 8 years before it (from 2019-03-01): the 2020 course counts
    third = judge(TX, D("2026-12-03"), old, ledgers=dea)
    assert third["opioids-pain-management"][:2] == (True, True)


def test_every_third_renewal() -> None:
    # renewal 3 (2027-02-28): its last three cycles reach back to the issue date 2021-01-10
    got = judge(TX, D("2026-12-03"), [e(1, "2021-02-01", 1, "human-trafficking")])
    assert got["human-trafficking"][:2] == (True, True)
    got = judge(TX, D("2026-12-03"), [e(1, "2021-01-05", 1, "human-trafficking")])
    assert got["human-trafficking"][:2] == (True, False)


def test_by_deadline_is_due_from_the_earlier_of_its_deadlines() -> None:
    # 2nd renewal 2025-02-28; 3 years after issue 2024-01-10: due from 2024-01-10 on
    assert judge(TX, D("2022-12-01"), [])["hiv-aids"][0] is False  # renewal 2023-02-28
    assert judge(TX, D("2024-12-01"), [])["hiv-aids"][:2] == (True, False)
    assert judge(TX, D("2024-12-01"), [e(1, "2010-01-01", 1, "hiv-aids")])["hiv-aids"][:2] == (
        True,
        True,
    )


def test_look_back_training_by_attestation_dated_inside_it() -> None:
    late = Attestation(1, "infection-control", D("2024-01-01"), "course")
    early = Attestation(2, "infection-control", D("2022-01-01"), "course")
    assert judge(TX, D("2026-12-03"), [], attestations=(late,))["infection-control"][1] is True
    assert judge(TX, D("2026-12-03"), [], attestations=(early,))["infection-control"][1] is False


def test_counts_since_ignores_older_evidence() -> None:
    old = [e(1, "2024-01-01", 2, "child-abuse-reporting")]
    new = [e(1, "2025-05-01", 2, "child-abuse-reporting")]
    assert judge(TX, D("2026-12-03"), old)["child-abuse-reporting"][1] is False
    assert judge(TX, D("2026-12-03"), new)["child-abuse-reporting"][1] is True


def test_carried_credits_count_in_the_total_and_name_their_period() -> None:
    got = judge(TX, D("2026-12-03"), [e(1, "2025-06-01", 40)], carried={"total": (800, "P")})
    assert got["total"] == (True, True, 4800, 4800)


@pytest.mark.parametrize(
    ("type_", "total", "rm", "ehr_applies"),
    [
        ("full", 5000, 1000, True),
        ("administrative", 5000, 1000, False),
        ("temporary-faculty", 2500, 500, True),
    ],
)
def test_massachusetts_license_types(type_: str, total: int, rm: int, ehr_applies: bool) -> None:
    ma = load_rules("MA")
    lic = License("MA", "1", type_, D("2027-05-05"))
    profile = Profile(name="J", birthday=D("1970-05-05"), license="1")
    got = judge(lic, D("2026-12-03"), [], rules=ma, profile=profile)
    assert got["total"][2] == total
    assert got["risk-management"][2] == rm
    assert got["ehr"][0] is ehr_applies


@pytest.mark.parametrize("type_", ["inactive", "limited", "temporary-substitute"])
def test_massachusetts_license_types_without_cme(type_: str) -> None:
    ma = load_rules("MA")
    lic = License("MA", "1", type_, D("2027-05-05"))
    profile = Profile(name="J", birthday=D("1970-05-05"), license="1")
    got = judge(lic, D("2026-12-03"), [], rules=ma, profile=profile)
    assert all(not applies and met for applies, met, _, _ in got.values())
