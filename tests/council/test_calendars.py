"""Meeting calendars: valid RFC 5545 that calendar programs can subscribe to."""

from __future__ import annotations

from icalendar import Calendar

from participation.council.models import Meeting
from participation.extensions import db


def _calendar(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return response.get_data(), Calendar.from_ical(response.get_data())


def test_all_meetings_in_one_calendar_with_stable_uids_and_the_city_zone(client, council):
    raw, calendar = _calendar(client, "/council/meetings.ics")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    assert {str(e["uid"]) for e in events} == {
        f"council-meeting-{council.past_meeting}@localhost",
        f"council-meeting-{council.next_meeting}@localhost",
    }
    assert all("DTSTAMP" in e for e in events)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Berlin"
    past = next(e for e in events if str(e["uid"]).startswith(f"council-meeting-{council.past_meeting}@"))
    assert past.decoded("dtstart").hour == 15  # 14:00 UTC in November is 15:00 in Leipzig
    assert past["dtstart"].params["TZID"] == "Europe/Berlin"
    assert "Radverkehrsanlagen" in str(past["description"])
    assert "Grundstücksangelegenheiten" not in raw.decode()  # the non-public item
    assert str(past["url"]) == f"http://localhost/rat/sitzungen/{council.past_meeting}"


def test_the_same_calendar_twice_is_the_same(client, council):
    assert client.get("/council/meetings.ics").get_data() == client.get("/council/meetings.ics").get_data()


def test_a_cancelled_meeting_is_crossed_out_not_dropped(client, app, council):
    with app.app_context():
        db.session.get(Meeting, council.next_meeting).cancelled = True
        db.session.commit()
    _raw, calendar = _calendar(client, f"/council/meetings/{council.next_meeting}.ics")
    [event] = calendar.walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"


def test_a_committees_calendar_has_its_meetings_only(client, council):
    _raw, calendar = _calendar(client, f"/council/organizations/{council.committee}/meetings.ics")
    assert [str(e["uid"]) for e in calendar.walk("VEVENT")] == [
        f"council-meeting-{council.next_meeting}@localhost"
    ]
    assert str(calendar["x-wr-calname"]) == "Fachausschuss Stadtentwicklung und Bau"


def test_missing_or_deleted_things_have_no_calendar(client, app, council):
    assert client.get("/council/meetings/999999.ics").status_code == 404
    assert client.get("/council/organizations/999999/meetings.ics").status_code == 404
    with app.app_context():
        db.session.get(Meeting, council.next_meeting).deleted = True
        db.session.commit()
    assert client.get(f"/council/meetings/{council.next_meeting}.ics").status_code == 404
    _raw, calendar = _calendar(client, "/council/meetings.ics")
    assert len(calendar.walk("VEVENT")) == 1


def test_the_pages_link_to_their_calendars(client, council):
    pages = [
        ("/rat/sitzungen", "/council/meetings.ics"),
        (
            f"/rat/sitzungen?gremium={council.committee}",
            f"/council/organizations/{council.committee}/meetings.ics",
        ),
        ("/rat/sitzungen/kalender", "/council/meetings.ics"),
        (f"/rat/gremien/{council.committee}", f"/council/organizations/{council.committee}/meetings.ics"),
        (f"/rat/sitzungen/{council.next_meeting}", f"/council/meetings/{council.next_meeting}.ics"),
    ]
    for page, calendar in pages:
        assert f'href="{calendar}" type="text/calendar"' in client.get(page).get_data(as_text=True), page
        answer = client.get(calendar)
        assert answer.status_code == 200 and answer.mimetype == "text/calendar", calendar
