"""The iCalendar export of the renewal dates (`cmelog calendar`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar, Component

from cmelog.domain.model import CycleWindow, Renewal
from cmelog.render.ics import render_ics


def make_renewal(
    as_of: date, renewal_date: date, source: str = "license", start: date | None = None
) -> Renewal:
    start = start or renewal_date - timedelta(days=730)
    return Renewal(
        as_of=as_of,
        renewal_date=renewal_date,
        source=source,
        current=CycleWindow(start, renewal_date),
        previous=None,
        application_mailing_date=renewal_date - timedelta(days=60),
        waiver_deadline=renewal_date - timedelta(days=30),
    )


RENEWAL = make_renewal(date(2026, 1, 10), date(2026, 6, 15), start=date(2024, 6, 16))


def render(renewal: Renewal = RENEWAL, license: str = "123456") -> bytes:
    return render_ics(renewal, license=license, name="Jane Q. Doe", version="0.1.0")


def events(data: bytes) -> dict[str, Component]:
    """The VEVENTs by the kind their UID starts with."""
    cal = Calendar.from_ical(data)
    found = {str(e["UID"]).split("-", 1)[0]: e for e in cal.walk("VEVENT")}
    assert len(found) == len(cal.walk("VEVENT"))
    return found


def test_calendar_header() -> None:
    cal = Calendar.from_ical(render())
    assert cal.name == "VCALENDAR"
    assert str(cal["PRODID"]) == "-//cmelog//cmelog 0.1.0//EN"
    assert str(cal["VERSION"]) == "2.0"


def test_three_all_day_events_on_the_right_dates() -> None:
    evs = events(render())
    assert set(evs) == {"renewal", "application", "waiver"}
    expected = {
        "renewal": date(2026, 6, 15),
        "application": date(2026, 4, 16),
        "waiver": date(2026, 5, 16),
    }
    for kind, day in expected.items():
        ev = evs[kind]
        start = ev.decoded("DTSTART")
        end = ev.decoded("DTEND")
        # all-day: plain dates, not datetimes
        assert type(start) is date and type(end) is date
        assert start == day
        assert end == day + timedelta(days=1)
        assert str(ev["SUMMARY"])
        assert str(ev["DESCRIPTION"])


def test_renewal_event_says_when_the_license_expires() -> None:
    ev = events(render())["renewal"]
    description = str(ev["DESCRIPTION"])
    assert "11:59 p.m." in description
    assert "2026-06-15" in description
    assert "Jane Q. Doe" in description
    assert "123456" in description


def test_renewal_event_alarms() -> None:
    evs = events(render())
    alarms = evs["renewal"].walk("VALARM")
    assert len(alarms) == 2
    triggers = sorted(a.decoded("TRIGGER") for a in alarms)
    assert triggers == [timedelta(days=-60), timedelta(days=-7)]
    for alarm in alarms:
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert str(alarm["DESCRIPTION"])
        # relative to the start of the event (the default, RELATED=START)
        assert alarm["TRIGGER"].params.get("RELATED", "START") == "START"
    # the alarms fire on the mailing date and a week before the renewal
    start = evs["renewal"].decoded("DTSTART")
    assert sorted(start + t for t in triggers) == [date(2026, 4, 16), date(2026, 6, 8)]
    assert not evs["application"].walk("VALARM")


def test_waiver_deadline_event_holds_its_alarm() -> None:
    """cli.md 0.2: the waiver-deadline alarm is a VALARM inside the waiver-deadline event."""
    waiver = events(render())["waiver"]
    alarms = waiver.walk("VALARM")
    assert len(alarms) == 1
    alarm = alarms[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert "waiver" in str(alarm["DESCRIPTION"]).lower()
    assert waiver.decoded("DTSTART") + alarm.decoded("TRIGGER") == date(2026, 5, 16)


def test_raw_triggers() -> None:
    data = render()
    assert b"TRIGGER:-P60D\r\n" in data
    assert b"TRIGGER:-P7D\r\n" in data
    waiver = next(b for b in data.split(b"BEGIN:VEVENT") if b"UID:waiver-" in b)
    assert b"BEGIN:VALARM" in waiver


def test_uids_stable_and_unique() -> None:
    evs = events(render())
    uids = {kind: str(ev["UID"]) for kind, ev in evs.items()}
    assert uids["renewal"] == "renewal-2026-06-15-123456@cmelog"
    assert uids["application"] == "application-2026-06-15-123456@cmelog"
    assert uids["waiver"] == "waiver-2026-06-15-123456@cmelog"
    assert len(set(uids.values())) == 3
    # another as-of inside the same cycle: same UIDs
    later = make_renewal(date(2026, 5, 1), date(2026, 6, 15), start=date(2024, 6, 16))
    assert {k: str(e["UID"]) for k, e in events(render(later)).items()} == uids
    # another license or renewal date: different UIDs
    other = events(render(license="654321"))
    assert not {str(e["UID"]) for e in other.values()} & set(uids.values())
    next_cycle = make_renewal(date(2026, 7, 1), date(2028, 6, 15), start=date(2026, 6, 16))
    assert not {str(e["UID"]) for e in events(render(next_cycle)).values()} & set(uids.values())


def test_unsafe_license_characters_in_uid() -> None:
    uid = str(events(render(license="MA 12/34"))["renewal"]["UID"])
    assert uid == "renewal-2026-06-15-MA_12_34@cmelog"


def test_deterministic_bytes_and_dtstamp() -> None:
    first = render()
    assert first == render()
    for ev in events(first).values():
        stamp = ev.decoded("DTSTAMP")
        assert isinstance(stamp, datetime)
        assert stamp.utcoffset() == timedelta(0)
        assert stamp == datetime(2026, 1, 10, tzinfo=UTC)  # the as-of date, not the wall clock
    # a later export carries a later stamp, with the same UIDs
    later = make_renewal(date(2026, 5, 1), date(2026, 6, 15), start=date(2024, 6, 16))
    evs = events(render(later))
    assert {e.decoded("DTSTAMP") for e in evs.values()} == {datetime(2026, 5, 1, tzinfo=UTC)}
    assert {str(e["UID"]) for e in evs.values()} == {str(e["UID"]) for e in events(first).values()}


def test_a_given_stamp_is_used_in_utc() -> None:
    stamp = datetime(2026, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-5)))
    data = render_ics(RENEWAL, license="1", name="J", version="0.2.0", stamp=stamp)
    assert b"DTSTAMP:20260203T090506Z\r\n" in data


def test_crlf_line_endings() -> None:
    data = render()
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    # folded at 75 octets
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_estimated_renewal_is_labelled() -> None:
    estimated = make_renewal(date(2026, 1, 10), date(2026, 6, 15), source="estimated")
    evs = events(render(estimated))
    assert all("estimated" in str(ev["SUMMARY"]) for ev in evs.values())
    assert "estimated" not in render().decode().lower()


def test_control_characters_in_name_and_license_stay_on_one_line() -> None:
    data = render_ics(RENEWAL, license="12\r\n34", name="Jane\r\nDoe\x00", version="0.1.0")
    description = str(events(data)["renewal"]["DESCRIPTION"])
    assert "Jane Doe (license 12 34)" in description
    assert str(events(data)["renewal"]["UID"]) == "renewal-2026-06-15-12__34@cmelog"


def test_unicode_name_round_trips() -> None:
    data = render_ics(RENEWAL, license="123456", name="Zoë Ñúñez, M.D.; PhD", version="1.2.3")
    cal = Calendar.from_ical(data)
    assert "Zoë Ñúñez, M.D.; PhD" in str(events(data)["renewal"]["DESCRIPTION"])
    assert str(cal["PRODID"]) == "-//cmelog//cmelog 1.2.3//EN"


@given(
    renewal_date=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    license=st.text(min_size=1, max_size=20),
    name=st.text(max_size=40),
)
def test_any_renewal_round_trips(renewal_date: date, license: str, name: str) -> None:
    renewal = make_renewal(renewal_date - timedelta(days=10), renewal_date)
    data = render_ics(renewal, license=license, name=name, version="0.1.0")
    assert data == render_ics(renewal, license=license, name=name, version="0.1.0")
    assert b"\n" not in data.replace(b"\r\n", b"")
    evs = events(data)
    assert evs["renewal"].decoded("DTSTART") == renewal_date
    assert evs["application"].decoded("DTSTART") == renewal.application_mailing_date
    assert evs["waiver"].decoded("DTSTART") == renewal.waiver_deadline
    assert len({str(e["UID"]) for e in evs.values()}) == 3
