"""The renewal dates as an iCalendar file (`cmelog calendar`).

Three all-day events: the renewal deadline (with alarms on the day the Board mails the
application, 60 days before, and a week before), the date the Board mails the renewal
application, and the waiver-request deadline (with an alarm on that day). The output depends
only on its arguments: UIDs are derived from the license, the renewal date and the event kind,
and DTSTAMP is given by the caller (services/calendar.py: SOURCE_DATE_EPOCH or the as-of date),
so the same input gives the same bytes and re-importing the file updates the events instead of
duplicating them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

from cmelog.domain.model import Renewal

ONE_DAY = timedelta(days=1)
_UNSAFE_UID = re.compile(r"[^A-Za-z0-9._-]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    """One line of text: control characters and runs of whitespace become one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def event_uid(kind: str, renewal_date: date, license: str) -> str:
    """A stable UID: `renewal-2026-06-15-<license>@cmelog` (unsafe characters become `_`)."""
    safe = _UNSAFE_UID.sub("_", license.strip()) or "unknown"
    return f"{kind}-{renewal_date.isoformat()}-{safe}@cmelog"


def _event(
    *,
    kind: str,
    day: date,
    summary: str,
    description: str,
    renewal: Renewal,
    license: str,
    stamp: datetime,
) -> Event:
    event = Event()
    event.add("uid", event_uid(kind, renewal.renewal_date, license))
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + ONE_DAY)
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["CME", "License renewal"])
    return event


def _alarm(before: timedelta, description: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -before)  # relative to the event start
    alarm.add("description", description)
    return alarm


def render_ics(
    renewal: Renewal,
    *,
    license: str,
    name: str,
    version: str,
    stamp: datetime | None = None,
    wording: tuple[str, str, str] = (
        "Medical license renewal deadline",
        "Board mails the license renewal application",
        "CME waiver request deadline",
    ),
) -> bytes:
    """The calendar as iCalendar bytes (CRLF line endings), identical for identical input.

    `stamp`: the DTSTAMP of every event (UTC); default the as-of date at 00:00 UTC."""
    name = _clean(name)
    r_date = renewal.renewal_date
    mailing = renewal.application_mailing_date
    waiver = renewal.waiver_deadline
    if stamp is None:
        stamp = datetime.combine(renewal.as_of, time(0, 0), tzinfo=UTC)
    stamp = stamp.astimezone(UTC)
    estimated = renewal.source == "estimated"
    tag = " (estimated)" if estimated else ""
    who = f"{name} (license {_clean(license)})"
    note = (
        "\n\nThis renewal date is estimated from the initial license date; enter the "
        "expiration date printed on the license with "
        "'cmelog profile set --license-expires DATE'."
        if estimated
        else ""
    )

    cal = Calendar()
    cal.add("prodid", f"-//cmelog//cmelog {_clean(version)}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Medical license renewal: {name}")

    deadline = _event(
        kind="renewal",
        day=r_date,
        summary=f"{wording[0]}{tag}",
        description=(
            f"The medical license of {who} expires at 11:59 p.m. on {r_date.isoformat()}. "
            "Complete the CME requirements and file the renewal application on or before "
            f"this date. The Board mails the application around {mailing.isoformat()}"
            + (
                f"; a CME waiver request is due no later than {waiver.isoformat()}."
                if waiver is not None
                else "."
            )
            + note
        ),
        renewal=renewal,
        license=license,
        stamp=stamp,
    )
    deadline.add_component(
        _alarm(
            r_date - mailing,
            f"Medical license renewal on {r_date.isoformat()} ({(r_date - mailing).days} days): "
            "the Board mails the renewal application now; check 'cmelog status'.",
        )
    )
    deadline.add_component(
        _alarm(
            timedelta(days=7),
            f"Medical license renewal on {r_date.isoformat()} (7 days): check that every CME "
            "requirement is met ('cmelog status') and the application is filed.",
        )
    )
    cal.add_component(deadline)

    cal.add_component(
        _event(
            kind="application",
            day=mailing,
            summary=f"{wording[1]}{tag}",
            description=(
                f"The Board mails the renewal application for the license of {who} about "
                f"{(r_date - mailing).days} days before the renewal date "
                f"{r_date.isoformat()}.{note}"
            ),
            renewal=renewal,
            license=license,
            stamp=stamp,
        )
    )
    if waiver is None:  # the board has no CME waiver deadline
        return cal.to_ical()
    waiver_event = _event(
        kind="waiver",
        day=waiver,
        summary=f"{wording[2]}{tag}",
        description=(
            f"A request for a CME waiver for the license of {who} is due no later than "
            f"this day, {(r_date - waiver).days} days before the renewal date "
            f"{r_date.isoformat()}.{note}"
        ),
        renewal=renewal,
        license=license,
        stamp=stamp,
    )
    waiver_event.add_component(
        _alarm(
            timedelta(0),
            f"Today, {waiver.isoformat()}, is the last day to request a CME waiver for the "
            f"license renewal on {r_date.isoformat()}.",
        )
    )
    cal.add_component(waiver_event)
    return cal.to_ical()
