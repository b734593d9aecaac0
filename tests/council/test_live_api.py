"""A session run live through the JSON API, as the chamber's voting and A/V systems do: with a
staff member's personal API token, never with a browser's session; every action recorded on
the agenda item, in the audit log and announced to the live page; bad requests change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from participation.accounts import api_tokens
from participation.core.audit import AuditEntry
from participation.council.live_models import LiveSession, TickerEntry, VoteResult
from participation.council.models import AgendaItem
from participation.extensions import db
from tests.conftest import login


@pytest.fixture
def token(app, user_factory):
    staff = user_factory(role="staff")
    with app.test_request_context():
        _row, plain = api_tokens.create(db.session.merge(staff), "Abstimmungsanlage")
        db.session.commit()
    return plain


def post(client, token, meeting_id, action, body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/v1/meetings/{meeting_id}/live/{action}", json=body, headers=headers)


def start(client, token, meeting_id):
    response = post(client, token, meeting_id, "state", {"state": "running"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_session_runs_through_the_api(client, app, council, token):
    meeting = council.next_meeting
    with app.app_context():  # the upcoming meeting needs agenda items to take up
        db.session.add_all(
            [
                AgendaItem(meeting_id=meeting, number="1", order=1, name="Eröffnung"),
                AgendaItem(meeting_id=meeting, number="2", order=2, name="Schulneubau Grünau"),
            ]
        )
        db.session.commit()
    state = start(client, token, meeting)
    assert state["state"] == "running" and state["started_at"]
    first = post(client, token, meeting, "current-item", {"number": "1"}).get_json()
    assert first["current_item"]["name"] == "Eröffnung"
    second = post(client, token, meeting, "current-item", {"number": "2"}).get_json()
    assert second["current_item"]["name"] == "Schulneubau Grünau"
    ticker = post(
        client, token, meeting, "ticker", {"text": "Die Debatte beginnt.", "number": "2"}
    ).get_json()
    assert ticker["ticker"][0]["text"] == "Die Debatte beginnt."
    voted = post(
        client,
        token,
        meeting,
        "votes",
        {"number": "2", "yes": 40, "no": 20, "abstention": 3, "outcome": "angenommen"},
    ).get_json()
    assert voted["votes"][0]["yes"] == 40 and voted["votes"][0]["outcome"] == "angenommen"
    assert post(client, token, meeting, "state", {"state": "ended"}).get_json()["state"] == "ended"
    with app.app_context():
        items = db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting).order_by(AgendaItem.order)
        ).all()
        assert all(item.start is not None and item.end is not None for item in items)  # recorded times
        assert items[0].end <= items[1].start
        assert items[1].result == "angenommen"  # the OParl field the meeting page shows
        actions = db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.object_id == meeting, AuditEntry.object_type == "council_meeting"
            )
        )
        assert sorted(set(actions)) == [
            "council.live.current_item",
            "council.live.state",
            "council.live.ticker",
            "council.live.vote",
        ]
    public = client.get(f"/api/v1/meetings/{meeting}/live").get_json()
    assert public["state"] == "ended" and public["current_item"] is None


def test_without_a_valid_token_nothing_happens(client, council, token, user_factory):
    for bad in (None, "pt_not-a-token", "Bearer"):
        response = post(client, bad, council.next_meeting, "state", {"state": "running"})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.mimetype == "application/problem+json"
    assert client.get(f"/api/v1/meetings/{council.next_meeting}/live").get_json()["state"] == "scheduled"


def test_a_browser_session_is_no_token(client, council, user_factory):
    """A staff member's cookie must not work: a foreign page could post with it (no CSRF check here)."""
    login(client, user_factory(role="staff"))
    response = post(client, None, council.next_meeting, "state", {"state": "running"})
    assert response.status_code == 401


def test_a_residents_token_is_refused(client, app, council, user_factory):
    with app.test_request_context():
        _row, plain = api_tokens.create(db.session.merge(user_factory(role="resident")), "Test")
        db.session.commit()
    assert post(client, plain, council.next_meeting, "state", {"state": "running"}).status_code == 403


def test_a_revoked_token_stops_working(client, app, council, token):
    with app.app_context():
        row = db.session.scalar(select(api_tokens.ApiToken))
        api_tokens.revoke(row, row.user)
        db.session.commit()
    assert post(client, token, council.next_meeting, "state", {"state": "running"}).status_code == 401


def test_tokens_are_stored_only_as_hashes(app, token):
    with app.app_context():
        row = db.session.scalar(select(api_tokens.ApiToken))
        assert token not in (row.token_hash, row.prefix) and row.prefix == token[:10]


@pytest.mark.parametrize(
    "action,body,field",
    [
        ("state", {"state": "schlafen"}, "state"),
        ("state", [1, 2], "body"),
        ("ticker", {"text": "   "}, "text"),
        ("ticker", {"text": "x" * 501}, "text"),
        ("votes", {"number": "5.1", "yes": -1, "no": 0, "abstention": 0, "outcome": "angenommen"}, "yes"),
        ("votes", {"number": "5.1", "yes": 1, "no": 0, "abstention": 0, "outcome": "vielleicht"}, "outcome"),
        ("votes", {"number": "99", "yes": 1, "no": 0, "abstention": 0, "outcome": "angenommen"}, "number"),
        ("current-item", {"agenda_item_id": "drei"}, "agenda_item_id"),
    ],
)
def test_bad_requests_say_what_is_wrong_and_change_nothing(client, app, council, token, action, body, field):
    start(client, token, council.past_meeting)
    with app.app_context():
        before = (
            db.session.scalar(select(db.func.count()).select_from(TickerEntry)),
            db.session.scalar(select(db.func.count()).select_from(VoteResult)),
        )
    response = post(client, token, council.past_meeting, action, body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    with app.app_context():
        after = (
            db.session.scalar(select(db.func.count()).select_from(TickerEntry)),
            db.session.scalar(select(db.func.count()).select_from(VoteResult)),
        )
        assert after == before
        assert db.session.scalar(select(LiveSession.state)) == "running"


def test_group_votes_must_add_up(client, council, token):
    start(client, token, council.past_meeting)
    body = {
        "number": "5.1",
        "yes": 10,
        "no": 2,
        "abstention": 0,
        "outcome": "angenommen",
        "by_group": [{"organization_id": council.group, "yes": 9, "no": 2, "abstention": 0}],
    }
    refused = post(client, token, council.past_meeting, "votes", body)
    assert refused.status_code == 422 and "by_group" in refused.get_json()["errors"]
    body["by_group"][0]["yes"] = 10
    accepted = post(client, token, council.past_meeting, "votes", body).get_json()
    assert accepted["votes"][0]["by_group"] == [
        {"organization_id": council.group, "yes": 10, "no": 2, "abstention": 0}
    ]


def test_non_public_items_stay_out_of_the_live_session(client, council, token):
    start(client, token, council.past_meeting)
    refused = post(
        client, token, council.past_meeting, "current-item", {"agenda_item_id": council.secret_item}
    )
    assert refused.status_code == 422
    post(client, token, council.past_meeting, "state", {"state": "non_public"})
    taken_up = post(
        client, token, council.past_meeting, "current-item", {"agenda_item_id": council.secret_item}
    )
    assert taken_up.status_code == 200
    public = client.get(f"/api/v1/meetings/{council.past_meeting}/live").get_json()
    assert public["current_item"] is None and public["stream_url"] is None
    assert (
        "Grundstücksangelegenheiten" not in client.get(f"/api/v1/meetings/{council.past_meeting}/live").text
    )
    vote = post(
        client,
        token,
        council.past_meeting,
        "votes",
        {"agenda_item_id": council.secret_item, "yes": 1, "no": 0, "abstention": 0, "outcome": "angenommen"},
    )
    assert vote.status_code == 422


def test_an_ended_session_cannot_start_again(client, council, token):
    start(client, token, council.past_meeting)
    post(client, token, council.past_meeting, "state", {"state": "ended"})
    again = post(client, token, council.past_meeting, "state", {"state": "running"})
    assert again.status_code == 422 and "state" in again.get_json()["errors"]


def test_every_change_is_announced_on_the_meetings_live_topic(client, app, council, token, monkeypatch):
    published = []

    class Recorder:
        def publish(self, topic, event, data):
            published.append((topic, event, data))
            return "1"

    monkeypatch.setitem(app.extensions, "live_broker", Recorder())
    start(client, token, council.past_meeting)
    post(client, token, council.past_meeting, "ticker", {"text": "Pause bis 16 Uhr."})
    assert published == [
        (f"meeting:{council.past_meeting}", "live", {"meeting_id": council.past_meeting, "change": "state"}),
        (f"meeting:{council.past_meeting}", "live", {"meeting_id": council.past_meeting, "change": "ticker"}),
    ]


def test_the_cli_makes_a_token_that_works(app, client, council, user_factory):
    staff = user_factory(role="staff")
    result = app.test_cli_runner().invoke(args=["users", "token", staff.email, "--name", "AV-Anlage"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip()
    assert plain.startswith("pt_")
    assert post(client, plain, council.past_meeting, "state", {"state": "running"}).status_code == 200


def test_after_the_session_the_api_gives_the_recording_and_its_jump_marks(client, app, council, token):
    meeting = council.next_meeting
    with app.app_context():
        db.session.add_all(
            [
                AgendaItem(meeting_id=meeting, number="1", order=1, name="Eröffnung"),
                AgendaItem(meeting_id=meeting, number="2", order=2, name="Haushalt 2027"),
            ]
        )
        db.session.commit()
    start(client, token, meeting)
    post(client, token, meeting, "current-item", {"number": "1"})
    post(client, token, meeting, "current-item", {"number": "2"})
    post(client, token, meeting, "state", {"state": "ended"})
    assert client.get(f"/api/v1/meetings/{meeting}/live").get_json()["jump_marks"] == []  # no recording yet
    with app.test_request_context():
        from participation.accounts.models import User
        from participation.council import live_services as live

        session = db.session.scalar(select(LiveSession).where(LiveSession.meeting_id == meeting))
        live.set_media(
            session,
            db.session.scalar(select(User)),
            stream_url=None,
            recording_url="https://video.leipzig.example/ratsversammlung.mp4",
        )
        db.session.commit()
    state = client.get(f"/api/v1/meetings/{meeting}/live").get_json()
    assert state["recording_url"] == "https://video.leipzig.example/ratsversammlung.mp4"
    assert [mark["number"] for mark in state["jump_marks"]] == ["1", "2"]
    assert state["jump_marks"][0]["seconds"] <= state["jump_marks"][1]["seconds"]
