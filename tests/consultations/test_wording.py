"""What the consultation list, a consultation's period, its follow button and the staff form say."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from participation.consultations.models import Consultation
from participation.core.locale import city_today
from participation.extensions import db
from tests.conftest import csrf_token, login


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _set(app, consultation, *, state=None, ends_in=None, starts_in=None):
    with app.test_request_context():
        item = db.session.get(Consultation, consultation.id)
        today = city_today()
        item.starts_on = today + timedelta(days=starts_in) if starts_in is not None else None
        item.ends_on = today + timedelta(days=ends_in) if ends_in is not None else None
        if state:
            item.state = state
        db.session.commit()


def test_the_list_does_not_stutter_ideas_ideas(client, app, make_consultation, make_idea):
    consultation = make_consultation()
    _set(app, consultation, starts_in=-3, ends_in=30)
    for _ in range(2):
        make_idea(consultation)
    listing = client.get("/beteiligung").get_data(as_text=True)
    card = re.search(r'<article class="card".*?</article>', listing, re.S)
    text = _text(card.group(0))
    assert "Period: " in text and "2 ideas" in text
    assert not re.search(r"ideas?\W+Ideas", text, re.IGNORECASE), text


@pytest.mark.parametrize("state", ["closed", "evaluated"])
def test_an_ended_consultation_says_it_has_ended(client, app, make_consultation, state):
    consultation = make_consultation(state=state, results="Viele gute Ideen.")
    _set(app, consultation, starts_in=-10, ends_in=300)  # ended by staff long before its last day
    for page in ("/beteiligung", f"/beteiligung/{consultation.slug}"):
        text = _text(client.get(page).get_data(as_text=True))
        assert "The period for ideas has ended." in text
        assert "Period:" not in text


def test_an_ended_consultation_whose_last_day_has_passed_names_it(client, app, make_consultation):
    consultation = make_consultation(state="closed")
    _set(app, consultation, starts_in=-40, ends_in=-2)
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert re.search(r"The period for ideas ended on \w+ \d+, \d{4}\.", _text(page))


def _follow_button(html: str, consultation) -> re.Match:
    button_id = f"follow-button-consultation-{consultation.id}"
    return re.search(rf'<button [^>]*id="{button_id}" aria-pressed="(true|false)">(.*?)</button>', html, re.S)


def test_the_follow_button_keeps_its_name_and_says_its_state_once(client, make_consultation, user_factory):
    consultation = make_consultation()
    login(client, user_factory())
    url = f"/beteiligung/{consultation.slug}"
    before = _follow_button(client.get(url).get_data(as_text=True), consultation)
    assert before.group(1) == "false" and _text(before.group(2)) == "Follow"
    client.post(f"/folgen/consultation/{consultation.id}",
                data={"csrf_token": csrf_token(client, url), "follow": "1"})
    after = _follow_button(client.get(url).get_data(as_text=True), consultation)
    # pressed: the state is aria-pressed's alone, the name does not repeat it
    assert after.group(1) == "true" and _text(after.group(2)) == "Follow"


def test_the_new_consultation_form_mentions_no_map_or_area_it_does_not_have(client, login_as):
    login_as("staff")
    page = client.get("/staff/beteiligung/neu").get_data(as_text=True)
    assert "One corner per line: latitude, longitude (on a plan: x, y)." in page
    assert "keep the current area" not in page
    assert ("click the corners on the map" in page) == ("folium-map" in page)


def test_the_edit_form_offers_to_keep_the_area_it_has(client, login_as, make_consultation):
    consultation = make_consultation()
    login_as("staff")
    page = client.get(f"/staff/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert "Leave empty to keep the current area." in page
    assert "You can also click the corners on the map." in page
    without_area = make_consultation(area=None, title="Ohne Gebiet")
    page = client.get(f"/staff/beteiligung/{without_area.slug}").get_data(as_text=True)
    assert "keep the current area" not in page
