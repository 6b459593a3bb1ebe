"""The renewal banner at the top of `status` inside the reminder window (cli.md 0.2)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from cmelog.domain.model import CycleWindow, Renewal, RequirementResult
from cmelog.render.banner import renewal_banner

RENEWAL = date(2026, 6, 15)


def renewal(as_of: date) -> Renewal:
    return Renewal(
        as_of=as_of,
        renewal_date=RENEWAL,
        source="license",
        current=CycleWindow(date(2024, 6, 16), RENEWAL),
        previous=None,
        application_mailing_date=RENEWAL - timedelta(days=60),
        waiver_deadline=RENEWAL - timedelta(days=30),
    )


def req(id: str, label: str, required: int | None, earned: int | None, met: bool) -> Any:
    return RequirementResult(id, label, "cycle", True, required, earned, met, "243 CMR")


def test_no_banner_outside_the_window() -> None:
    assert renewal_banner(renewal(RENEWAL - timedelta(days=61)), []) is None
    assert renewal_banner(renewal(RENEWAL - timedelta(days=60)), []) is not None


def test_banner_says_days_left_what_is_missing_and_the_waiver_deadline() -> None:
    reqs = [
        req("total", "Total credits", 5000, 4250, False),
        req("risk-management", "Risk management", 1000, 1000, True),
        req("child-abuse", "Child abuse reporting", None, None, False),
    ]
    lines = renewal_banner(renewal(RENEWAL - timedelta(days=45)), reqs)
    assert lines is not None
    text = "\n".join(lines)
    assert "IN 45 DAYS" in lines[0] and "2026-06-15" in lines[0]
    assert "Total credits (7.50 credits)" in text
    assert "Child abuse reporting (not recorded)" in text
    assert "Risk management" not in text
    assert "2026-05-16 (in 15 days)" in text


def test_banner_when_everything_is_met_and_the_waiver_deadline_passed() -> None:
    lines = renewal_banner(renewal(RENEWAL), [req("total", "Total", 5000, 5000, True)])
    assert lines is not None
    assert "TODAY" in lines[0]
    assert "file the renewal application" in lines[1]
    assert "has passed" in lines[2]


def test_status_starts_with_the_banner_in_the_window(jane: Callable[..., Any]) -> None:
    inside = jane("status", "--as-of", "2026-05-20")
    assert inside.exit_code == 0, inside.stderr
    first = inside.stdout.splitlines()[0]
    assert first == "RENEWAL IN 26 DAYS: your license renews on 2026-06-15."
    assert "Missing: Total credits (50.00 credits)" in " ".join(inside.stdout.split())
    assert "waiver request deadline (2026-05-16) has passed" in inside.stdout
    outside = jane("status", "--as-of", "2026-01-10")
    assert "RENEWAL" not in outside.stdout
    doc = json.loads(jane("status", "--as-of", "2026-05-20", "--json").stdout)  # JSON untouched
    assert doc["days_until_renewal"] == 26
