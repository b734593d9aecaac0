"""The public petition pages: who sees a petition, what its page shows, the count alone."""

from __future__ import annotations

import re

import pytest

from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions.models import PaperList, PetitionState
from tests.conftest import csrf_token
from tests.petitions.conftest import add_signatures

NOT_PUBLIC = [PetitionState.DRAFT, PetitionState.GATHERING, PetitionState.IN_REVIEW]


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _page(client, petition_id: int, suffix: str = ""):
    return client.get(f"/petitionen/{petition_id}{suffix}")


@pytest.mark.parametrize("state", NOT_PUBLIC)
@pytest.mark.parametrize("role", [None, "resident", "author", "moderator", "staff", "admin"])
def test_before_moderation_only_the_creator_and_moderators_see_a_petition(
    client, petition_factory, login_as, user_factory, state, role
):
    author = user_factory()
    petition_id = petition_factory(state=state, author=author)
    if role == "author":
        from tests.conftest import login

        login(client, author)
    else:
        login_as(role)
    allowed = role in ("author", "moderator", "staff", "admin")
    for suffix in ("", "/_count"):
        response = _page(client, petition_id, suffix)
        assert response.status_code == (200 if allowed else 404), (suffix, role)
    if allowed:
        assert "not public yet" in _page(client, petition_id).get_data(as_text=True)
        assert _page(client, petition_id, "/_count").headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "state",
    [
        PetitionState.OPEN,
        PetitionState.AWAITING_RESPONSE,
        PetitionState.ANSWERED,
        PetitionState.CLOSED,
        PetitionState.REJECTED,
    ],
)
def test_public_states_are_there_for_everyone(client, petition_factory, state):
    petition_id = petition_factory(
        state=state, rejection_reason="no_request" if state == "rejected" else None
    )
    html = _page(client, petition_id).get_data(as_text=True)
    assert "Mehr Bänke im Clara-Zetkin-Park" in html and "zwanzig neue Bänke" in html
    assert 'aria-current="step"' in html
    assert "not public yet" not in html
    assert client.get("/petitionen/999999").status_code == 404


def test_page_shows_text_creator_district_and_the_lifecycle(client, petition_factory, user_factory):
    author = user_factory(name="Anna Beispiel")
    petition_id = petition_factory(author=author, background="Ältere Menschen **brauchen** Pausen.")
    html = _page(client, petition_id).get_data(as_text=True)
    assert "What the city council should do" in html and "zwanzig neue Bänke" in html
    assert "<strong>brauchen</strong>" in html
    assert "Started by <bdi>Anna Beispiel</bdi>" in html and "District: Süd" in html
    steps = re.search(r'<ol class="timeline petition-steps">(.*?)</ol>', html, re.S).group(1)
    labels = re.findall(r'<span class="milestone-title">([^<]+)</span>', steps)
    assert labels == [
        "Started",
        "First supporters",
        "Submitted for review",
        "Open for signatures",
        "Signature period ends",
        "The council's response",
    ]
    current = re.findall(
        r'<li class="[^"]*"\s*aria-current="step">\s*<span class="milestone-title">([^<]+)', steps
    )
    assert current == ["Open for signatures"]
    assert "planned for <time" in steps  # the deadline ahead, with its date
    assert steps.count("<time") == 4  # created, submitted, opened, planned end


def test_a_rejection_shows_its_reason_explanation_and_the_duplicate(client, petition_factory):
    original = petition_factory(title="Bänke im Park, das Original")
    petition_id = petition_factory(
        state=PetitionState.REJECTED,
        rejection_reason="duplicate",
        rejection_explanation="Gibt es schon.",
        duplicate_of_id=original,
        decided_at=utcnow(),
    )
    html = _page(client, petition_id).get_data(as_text=True)
    assert "Rejected: Duplicate of another petition" in html and "Gibt es schon." in html
    assert f'href="/petitionen/{original}"' in html and "Bänke im Park, das Original" in html
    assert "zwanzig neue Bänke" in html  # not a hiding reason: the text stays
    current = re.findall(r'aria-current="step">\s*<span class="milestone-title">([^<]+)', html)
    assert current == ["Rejected"]


@pytest.mark.parametrize(
    "reason,label", [("offensive", "Offensive"), ("personal_data", "Contains personal data")]
)
def test_a_hiding_rejection_shows_no_text_on_the_page_or_in_the_list(client, petition_factory, reason, label):
    petition_id = petition_factory(
        state=PetitionState.REJECTED,
        rejection_reason=reason,
        rejection_explanation="Enthält Beleidigungen.",
        decided_at=utcnow(),
        title="Geheimer Titel",
        geometry={"type": "Point", "coordinates": [12.37, 51.34]},
        min_lon=12.37,
        max_lon=12.37,
        min_lat=51.34,
        max_lat=51.34,
    )
    for html in (
        _page(client, petition_id).get_data(as_text=True),
        client.get("/petitionen").get_data(as_text=True),
    ):
        assert (
            "Geheimer Titel" not in html
            and "zwanzig neue Bänke" not in html
            and "Ältere Menschen" not in html
        )
        assert f"Rejected: {label}" in html
    assert "Enthält Beleidigungen." in _page(client, petition_id).get_data(as_text=True)
    assert "folium-map" not in _page(client, petition_id).get_data(as_text=True)


def test_the_count_block_shows_online_paper_and_outside_signatures(client, app, petition_factory):
    petition_id = petition_factory(quorum=10)
    add_signatures(app, petition_id, 3)
    add_signatures(app, petition_id, 2, postcode="10115", district=None)  # Berlin: not for the quorum
    add_signatures(app, petition_id, 1, confirmed=False)  # unconfirmed: not counted
    with app.app_context():
        db.session.add(
            PaperList(petition_id=petition_id, signatures=4, in_municipality=4, districts={"Mitte": 4})
        )
        db.session.commit()
    html = _page(client, petition_id).get_data(as_text=True)
    block = re.search(r'<section class="petition-count card".*?</section>', html, re.S).group(0)
    assert '<strong class="petition-total-number">9</strong>' in block
    assert "7 of 10 signatures from Leipzig" in block and "Quorum" in block and "(70 %)" in block
    assert 'max="10" value="7"' in block
    assert "2 more from outside Leipzig" in block and "including 4 on paper lists" in block
    assert re.search(r"3[45] days left to sign", block)
    districts = re.search(r'<section class="petition-districts".*?</section>', html, re.S).group(0)
    assert re.search(r"<th scope=\"row\">Mitte</th><td>0</td><td>4</td><td>4</td>", districts)
    assert re.search(r"<th scope=\"row\">Süd</th><td>3</td><td>0</td><td>3</td>", districts)
    assert re.search(r"<th scope=\"row\">outside Leipzig or unknown</th><td>2</td>", districts)


def test_only_names_people_chose_to_show_are_listed(client, app, petition_factory):
    from participation.petitions.models import NameShown

    petition_id = petition_factory()
    add_signatures(app, petition_id, 1)
    add_signatures(app, petition_id, 1, name_shown=NameShown.INITIALS)
    add_signatures(app, petition_id, 1, name_shown=NameShown.HIDDEN)
    html = _page(client, petition_id).get_data(as_text=True)
    names = re.search(r'<ul class="petition-name-list">(.*?)</ul>', html, re.S).group(1)
    assert len(re.findall(r"<li><bdi>Erika Muster \d+</bdi></li>", names)) == 1
    assert len(re.findall(r"<li><bdi>E\. M\. \d\.", names)) == 1  # "Erika Muster 12" -> "E. M. 1."
    assert names.count("<li>") == 2


def test_the_count_fragment_is_the_partial_alone_with_its_caching_headers(client, app, petition_factory):
    petition_id = petition_factory()
    add_signatures(app, petition_id, 2)
    response = _page(client, petition_id, "/_count")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith("{#") is False
    assert f'id="petition-count-{petition_id}"' in html
    assert f'data-live-topic="petition:{petition_id}"' in html
    assert f'data-live-fragment="/petitionen/{petition_id}/_count"' in html
    assert "data-live-cursor=" in html  # open: live updates start where this count stands
    assert '<strong class="petition-total-number">2</strong>' in html
    assert response.headers["Cache-Control"] == "public, max-age=1"
    assert "HX-Request" in response.headers["Vary"]
    page = _page(client, petition_id).get_data(as_text=True)
    assert f'id="petition-count-{petition_id}"' in page  # the page includes the same partial


def test_a_closed_petition_has_no_live_cursor_and_no_days_left(client, app, petition_factory):
    petition_id = petition_factory(state=PetitionState.CLOSED)
    add_signatures(app, petition_id, 1)
    html = _page(client, petition_id, "/_count").get_data(as_text=True)
    assert "data-live-cursor" not in html and "left to sign" not in html
    assert "data-live-topic" in html


def test_the_signing_form_is_offered_only_while_open(client, petition_factory, login_as):
    open_id = petition_factory()
    closed_id = petition_factory(state=PetitionState.CLOSED)
    open_html = _page(client, open_id).get_data(as_text=True)
    assert "Sign this petition" in open_html and 'name="privacy_consent"' in open_html
    assert f'action="/petitionen/{open_id}/' in open_html
    closed_html = _page(client, closed_id).get_data(as_text=True)
    assert 'name="privacy_consent"' not in closed_html and "Sign this petition" not in closed_html
    login_as("resident", name="Rosa Luxemburg")  # signed in: the form knows who signs
    assert 'value="Rosa Luxemburg"' in _page(client, open_id).get_data(as_text=True)


def test_comments_and_follow_work_on_a_petition(client, petition_factory, login_as):
    petition_id = petition_factory()
    html = _page(client, petition_id).get_data(as_text=True)
    assert 'id="comments"' in html and "Sign in to comment" in html and "Sign in to follow" in html
    login_as("resident")
    token = csrf_token(client, f"/petitionen/{petition_id}")
    response = client.post(
        f"/kommentare/petition/{petition_id}", data={"csrf_token": token, "body": "Unterstützt!"}
    )
    assert response.status_code in (200, 302, 303)
    assert "Unterstützt!" in _page(client, petition_id).get_data(as_text=True)
    follow = client.post(f"/folgen/petition/{petition_id}", data={"csrf_token": token, "follow": "1"})
    assert follow.status_code == 302 and follow.headers["Location"].endswith(f"/petitionen/{petition_id}")
    assert "You follow “Mehr Bänke im Clara-Zetkin-Park” now." in _page(client, petition_id).get_data(
        as_text=True
    )


def test_comments_are_closed_on_a_hidden_rejection_and_absent_before_moderation(
    client, petition_factory, login_as, user_factory
):
    hidden_id = petition_factory(
        state=PetitionState.REJECTED, rejection_reason="offensive", decided_at=utcnow()
    )
    draft_author = user_factory()
    draft_id = petition_factory(state=PetitionState.GATHERING, author=draft_author)
    login_as("resident")
    assert "Comments are closed here" in _page(client, hidden_id).get_data(as_text=True)
    token = csrf_token(client, f"/petitionen/{hidden_id}")
    client.post(f"/kommentare/petition/{hidden_id}", data={"csrf_token": token, "body": "Trotzdem"})
    assert "Trotzdem" not in _page(client, hidden_id).get_data(as_text=True)
    assert client.get(f"/kommentare/petition/{draft_id}").status_code == 404
