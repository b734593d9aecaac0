"""The live session in the browser: staff run it from the console (plain forms, and htmx
swapping the console's partial), residents watch the public live page, whose changing part
is one cacheable fragment; refused actions write nothing and bring the form back filled in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from participation.core.audit import AuditEntry
from participation.council.live_models import LiveSession, TickerEntry, VoteResult
from participation.council.models import AgendaItem, Organization
from participation.extensions import db
from tests.conftest import csrf_token, login


@pytest.fixture
def agenda(app, council):
    """The upcoming meeting's agenda: two public items, one non-public."""
    with app.app_context():
        items = [
            AgendaItem(meeting_id=council.next_meeting, number="1", order=1, name="Eröffnung", public=True),
            AgendaItem(
                meeting_id=council.next_meeting, number="2", order=2, name="Schulneubau Grünau", public=True
            ),
            AgendaItem(
                meeting_id=council.next_meeting,
                number="3",
                order=3,
                name="Grundstücksverkauf Lindenau",
                public=False,
            ),
        ]
        db.session.add_all(items)
        db.session.commit()
        return [item.id for item in items]


@pytest.fixture
def staff(client, user_factory):
    user = user_factory(role="staff")
    login(client, user)
    return user


def console(meeting_id: int, action: str = "") -> str:
    base = f"/rat/sitzungen/{meeting_id}/live/steuerung"
    return f"{base}/{action}" if action else base


def post(client, url: str, data: dict, **options):
    """A console form as the browser sends it, with the session's CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client, "/rat/sitzungen"), **data}, **options)


def live_page(client, meeting_id: int) -> str:
    response = client.get(f"/rat/sitzungen/{meeting_id}/live")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def start(client, meeting_id: int) -> None:
    response = post(client, console(meeting_id, "zustand"), data={"session-state": "running"})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_staff_run_a_session_and_the_live_page_shows_each_step(client, app, council, agenda, staff):
    meeting = council.next_meeting
    assert "Die Sitzung hat noch nicht begonnen." in live_page(client, meeting)
    start(client, meeting)
    followed = client.get(console(meeting))
    assert "Die Sitzung hat begonnen." in followed.get_data(as_text=True)  # the flashed news

    assert (
        post(client, console(meeting, "tagesordnungspunkt"), data={"item-agenda_item": agenda[1]}).status_code
        == 302
    )
    assert (
        post(
            client,
            console(meeting, "ticker"),
            data={
                "ticker-text": "Frau Weber <script>alert(1)</script> eröffnet die Debatte.",
                "ticker-agenda_item": agenda[1],
            },
        ).status_code
        == 302
    )
    assert (
        post(
            client,
            console(meeting, "abstimmung"),
            data={
                "vote-agenda_item": agenda[1],
                "vote-yes": "12",
                "vote-no": "0",
                "vote-abstention": "1",
                "vote-outcome": "angenommen",
                "vote-groups-0-organization_id": council.group,
                "vote-groups-0-yes": "12",
                "vote-groups-0-no": "0",
                "vote-groups-0-abstention": "1",
            },
        ).status_code
        == 302
    )

    page = live_page(client, meeting)
    current = re.search(r'<li id="live-item-(\d+)"[^>]*aria-current="true"', page)
    assert current and int(current.group(1)) == agenda[1]  # the item under discussion is marked
    assert "Grundstücksverkauf" not in page  # the non-public item is never shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "Schulneubau Grünau" in page and ">12<" in page  # the group's row in the vote table
    with app.app_context():
        item = db.session.get(AgendaItem, agenda[1])
        assert item.start is not None and item.result == "angenommen"
        actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == meeting)))
        assert {
            "council.live.state",
            "council.live.current_item",
            "council.live.ticker",
            "council.live.vote",
        } <= actions


def test_the_console_answers_htmx_with_its_partial_and_the_news(client, council, agenda, staff):
    meeting = council.next_meeting
    response = post(
        client,
        console(meeting, "zustand"),
        data={"session-state": "running"},
        headers={"HX-Request": "true", "Accept-Language": "en"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "The session has started." in body
    assert "HX-Request" in response.headers["Vary"]


def test_an_empty_ticker_entry_is_refused_and_nothing_is_written(client, app, council, agenda, staff):
    meeting = council.next_meeting
    start(client, meeting)
    response = post(
        client, console(meeting, "ticker"), data={"ticker-text": "   ", "ticker-agenda_item": agenda[0]}
    )
    assert response.status_code == 422
    with app.app_context():
        assert count(TickerEntry) == 0


def test_votes_that_do_not_add_up_come_back_filled_in(client, app, council, agenda, staff):
    meeting = council.next_meeting
    start(client, meeting)
    response = post(
        client,
        console(meeting, "abstimmung"),
        data={
            "vote-agenda_item": agenda[0],
            "vote-yes": "30",
            "vote-no": "5",
            "vote-abstention": "0",
            "vote-outcome": "angenommen",
            "vote-groups-0-organization_id": council.group,
            "vote-groups-0-yes": "7",
            "vote-groups-0-no": "",
            "vote-groups-0-abstention": "",
        },
        headers={"Accept-Language": "en"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "do not add up" in body
    assert 'value="30"' in body and 'value="7"' in body  # nothing the clerk typed is lost
    with app.app_context():
        assert count(VoteResult) == 0


def test_a_vote_on_a_non_public_item_is_refused(client, app, council, agenda, staff):
    meeting = council.next_meeting
    start(client, meeting)
    response = post(
        client,
        console(meeting, "abstimmung"),
        data={
            "vote-agenda_item": agenda[2],
            "vote-yes": "30",
            "vote-no": "5",
            "vote-abstention": "0",
            "vote-outcome": "angenommen",
        },
    )
    assert response.status_code == 422
    with app.app_context():
        assert count(VoteResult) == 0


def test_ending_needs_the_confirmation_box(client, app, council, agenda, staff):
    meeting = council.next_meeting
    start(client, meeting)
    refused = post(client, console(meeting, "zustand"), data={"session-state": "ended"})
    assert refused.status_code == 422
    ended = post(
        client, console(meeting, "zustand"), data={"session-state": "ended", "session-confirm_end": "y"}
    )
    assert ended.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(LiveSession.state)) == "ended"


def test_media_addresses_must_be_https_and_the_page_csp_admits_their_host(
    client, app, council, agenda, staff
):
    meeting = council.next_meeting
    refused = post(client, console(meeting, "medien"), data={"media-stream_url": "javascript:alert(1)"})
    assert refused.status_code == 422
    saved = post(
        client,
        console(meeting, "medien"),
        data={"media-stream_url": "https://video.leipzig.example/rat.m3u8"},
    )
    assert saved.status_code == 302
    start(client, meeting)
    response = client.get(f"/rat/sitzungen/{meeting}/live")
    page = response.get_data(as_text=True)
    assert 'data-hls-src="https://video.leipzig.example/rat.m3u8"' in page
    policy = response.headers["Content-Security-Policy"]
    assert "media-src 'self' blob: https://video.leipzig.example" in policy
    assert "connect-src 'self' https://video.leipzig.example" in policy
    assert "video.leipzig.example" not in client.get("/rat/sitzungen").headers["Content-Security-Policy"]


def test_no_stream_says_so(client, council, agenda):
    page = live_page(client, council.next_meeting)
    assert "<video" not in page and 'data-live-keep="no-stream"' in page


def test_the_fragment_answers_304_until_something_changes(client, app, council, agenda, staff):
    meeting = council.next_meeting
    url = f"/rat/sitzungen/{meeting}/live/stand"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "<html" not in first.get_data(as_text=True)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    start(client, meeting)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize("role", [None, "resident", "moderator"])
def test_only_staff_reach_the_console(client, council, agenda, login_as, role):
    login_as(role)
    for action in ("", "zustand"):
        url = console(council.next_meeting, action)
        response = client.post(url, data={"session-state": "running"}) if action else client.get(url)
        assert response.status_code in (302, 401, 403)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    assert client.get(f"/rat/sitzungen/{council.next_meeting}/live").status_code == 200  # the page is public


def test_the_home_page_says_live_now_while_a_session_runs(client, app, council, agenda, staff):
    assert '/live"' not in client.get("/").get_data(as_text=True)
    start(client, council.next_meeting)
    home = client.get("/").get_data(as_text=True)
    assert f'href="/rat/sitzungen/{council.next_meeting}/live"' in home


def test_after_the_session_the_meeting_page_has_the_recording_with_jump_marks(
    client, app, council, agenda, staff
):
    meeting = council.next_meeting
    start(client, meeting)
    post(client, console(meeting, "tagesordnungspunkt"), data={"item-agenda_item": agenda[0]})
    post(client, console(meeting, "tagesordnungspunkt"), data={"item-agenda_item": agenda[1]})
    post(client, console(meeting, "zustand"), data={"session-state": "ended", "session-confirm_end": "y"})
    post(
        client,
        console(meeting, "medien"),
        data={"media-recording_url": "https://video.leipzig.example/a.mp4"},
    )
    page = client.get(f"/rat/sitzungen/{meeting}").get_data(as_text=True)
    assert "https://video.leipzig.example/a.mp4" in page
    assert "Schulneubau Grünau" in page and "#t=" in page  # a jump mark per item with a time


def test_groups_in_the_vote_form_are_the_councils_parliamentary_groups(client, app, council, agenda, staff):
    page = client.get(console(council.next_meeting)).get_data(as_text=True)
    with app.app_context():
        group = db.session.get(Organization, council.group)
        assert group.organization_type == "Fraktion"
        assert f'value="{group.id}"' in page
