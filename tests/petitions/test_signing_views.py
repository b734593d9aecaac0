"""Signing through the pages: the same answer for everyone, the right mail to the stored address,
confirmation by a button behind the mailed link, and the supporters' private link."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import event

from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import signing
from participation.petitions.models import Petition, PetitionState
from tests.conftest import login
from tests.petitions import signing_helpers
from tests.petitions.conftest import add_signatures
from tests.petitions.signing_helpers import (
    confirm_by_mail,
    counted,
    post_signature,
    sign_form_token,
    sign_url,
    signatures,
)

petition_pages = signing_helpers.petition_pages  # a fixture

SENT = "/petitionen/{}/unterschrieben"


@pytest.fixture
def open_petition(petition_factory):
    return petition_factory(PetitionState.OPEN)


def mails_to(outbox, to):
    return [m for m in outbox.messages if m["To"] == to]


def test_the_signing_page_shows_the_form_with_a_hidden_honeypot(english_client, open_petition):
    page = english_client.get(sign_url(open_petition))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mehr Bänke im Clara-Zetkin-Park" in html
    for name in ("name", "email", "postcode", "name_shown", "privacy_consent", "website"):
        assert f'name="{name}"' in html
    assert 'class="petition-honeypot" aria-hidden="true"' in html
    honeypot = html[html.index('name="website"') - 200: html.index('name="website"') + 200]
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert "style=" not in html
    assert 'href="/datenschutz"' in html


def test_a_new_signer_is_asked_to_confirm_by_mail(english_client, app, open_petition, outbox):
    response = post_signature(english_client, sign_url(open_petition), "Anna.Schreiber@Example.ORG")
    assert (response.status_code, response.headers["Location"]) == (303, SENT.format(open_petition))
    assert "Check your inbox" in english_client.get(response.headers["Location"]).get_data(as_text=True)
    [mail] = mails_to(outbox, "Anna.Schreiber@example.org")
    assert mail["Subject"] == "Please confirm your signature"
    assert "/petitionen/bestaetigen/" in outbox.last_link("Anna.Schreiber@example.org")
    assert counted(app, open_petition) == 0
    [stored] = signatures(app, open_petition)
    assert (stored.district, stored.email_domain, stored.held) == ("Süd", "example.org", False)


@pytest.mark.parametrize("again", ["  anna.m@GMAIL.com ", "annam+petition@googlemail.com", "ANNAM@gmail.com"])
def test_a_second_attempt_looks_the_same_and_mails_the_stored_address(client, app, open_petition, outbox,
                                                                        again):
    first = post_signature(client, sign_url(open_petition), "anna.m@gmail.com")
    second = post_signature(client, sign_url(open_petition), again, name="Jemand Anderes")
    assert (second.status_code, second.headers["Location"]) == (first.status_code, first.headers["Location"])
    links = [m for m in outbox.messages]
    assert [m["To"] for m in links] == ["anna.m@gmail.com", "anna.m@gmail.com"]  # not to what was typed
    assert "Jemand" not in links[1].get_content()
    assert len(signatures(app, open_petition)) == 1


def test_an_attempt_after_the_confirmation_mails_a_note_and_looks_the_same(english_client, app,
                                                                             open_petition, outbox):
    first = post_signature(english_client, sign_url(open_petition), "jonas@example.org")
    confirm_by_mail(english_client, outbox, "jonas@example.org")
    outbox.clear()
    again = post_signature(english_client, sign_url(open_petition), " Jonas@EXAMPLE.org")
    assert again.headers["Location"] == first.headers["Location"]
    [note] = outbox.messages
    assert (note["To"], note["Subject"]) == ("jonas@example.org", "You have already signed this petition")
    assert "/bestaetigen/" not in note.get_content()
    assert counted(app, open_petition) == 1


def test_at_most_five_links_are_mailed(client, open_petition, outbox):
    for _ in range(7):
        assert post_signature(client, sign_url(open_petition), "jonas@example.org").status_code == 303
    assert len(mails_to(outbox, "jonas@example.org")) == 5


def test_the_link_opens_a_button_and_only_the_button_signs(english_client, app, open_petition, outbox):
    post_signature(english_client, sign_url(open_petition), "jonas@example.org")
    link = outbox.last_link("jonas@example.org").replace("http://localhost", "")
    page = english_client.get(link)  # what a mail scanner does
    assert page.status_code == 200 and "Confirm my signature" in page.get_data(as_text=True)
    assert counted(app, open_petition) == 0
    confirmed = confirm_by_mail(english_client, outbox, "jonas@example.org")
    assert (confirmed.status_code, confirmed.headers["Location"]) == (303, link)
    assert counted(app, open_petition) == 1
    again = english_client.get(link)
    assert "Your signature is confirmed" in again.get_data(as_text=True)
    # the button pressed again in a second tab that still shows it
    second_click = english_client.post(link, data={"csrf_token": sign_form_token(english_client, link)})
    assert second_click.status_code == 200
    assert "Your signature is confirmed" in second_click.get_data(as_text=True)
    assert counted(app, open_petition) == 1


def test_the_button_without_a_valid_token_confirms_nothing(english_client, app, open_petition, outbox):
    post_signature(english_client, sign_url(open_petition), "jonas@example.org")
    link = outbox.last_link("jonas@example.org").replace("http://localhost", "")
    refused = english_client.post(link, data={"csrf_token": "forged"})
    assert refused.status_code == 400
    assert "Please send the form again" in refused.get_data(as_text=True)
    assert counted(app, open_petition) == 0


def test_a_broken_link_says_so(english_client):
    response = english_client.get("/petitionen/bestaetigen/not-a-real-token")
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)


def test_an_expired_link_offers_to_sign_again(english_client, app, open_petition, outbox, monkeypatch):
    post_signature(english_client, sign_url(open_petition), "jonas@example.org")
    link = outbox.last_link("jonas@example.org").replace("http://localhost", "")
    later = time.time() + signing.LINK_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = english_client.get(link)
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "This link has expired" in html and f'href="{sign_url(open_petition)}"' in html
    assert counted(app, open_petition) == 0


def close(app, petition_id):
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        petition.state, petition.closed_at = PetitionState.CLOSED.value, utcnow()
        db.session.commit()


def test_a_closed_petition_takes_no_new_signatures(english_client, app, open_petition, outbox):
    sign_form_token(english_client, sign_url(open_petition))  # the form was opened before the close
    close(app, open_petition)
    page = english_client.get(sign_url(open_petition))
    assert "This petition takes no signatures now" in page.get_data(as_text=True)
    assert 'name="email"' not in page.get_data(as_text=True)
    refused = post_signature(english_client, sign_url(open_petition), "spaet@example.org")
    assert refused.status_code == 409
    assert signatures(app, open_petition) == [] and outbox.messages == []


@pytest.mark.parametrize("hours_after_close,counts", [(23, True), (25, False)])
def test_links_mailed_before_the_close_count_for_a_day(english_client, app, open_petition, outbox,
                                                        monkeypatch, hours_after_close, counts):
    post_signature(english_client, sign_url(open_petition), "jonas@example.org")
    close(app, open_petition)
    link = outbox.last_link("jonas@example.org").replace("http://localhost", "")
    later = utcnow() + timedelta(hours=hours_after_close)
    monkeypatch.setattr("participation.petitions.signing.utcnow", lambda: later)
    if counts:
        assert confirm_by_mail(english_client, outbox, "jonas@example.org").status_code == 303
    else:
        response = english_client.get(link)
        assert response.status_code == 410
        assert "This petition closed before the link was followed" in response.get_data(as_text=True)
    assert counted(app, open_petition) == int(counts)


def test_a_filled_in_honeypot_looks_accepted_and_signs_nothing(client, app, open_petition, outbox):
    response = post_signature(client, sign_url(open_petition), "bot@example.org", website="http://spam.example")
    assert (response.status_code, response.headers["Location"]) == (303, SENT.format(open_petition))
    assert signatures(app, open_petition) == [] and outbox.messages == []


def test_a_form_with_errors_comes_back_filled_in(english_client, app, open_petition, outbox):
    response = post_signature(english_client, sign_url(open_petition), "anna@example.org",
                              privacy_consent=None, postcode="4277")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html and "Please agree to the privacy notice" in html
    assert "five digits" in html and 'value="anna@example.org"' in html
    assert signatures(app, open_petition) == [] and outbox.messages == []


def test_an_expired_form_comes_back_filled_in(english_client, app, open_petition):
    response = post_signature(english_client, sign_url(open_petition), "anna@example.org", csrf_token="stale")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please send the form again" in html and 'value="anna@example.org"' in html
    assert signatures(app, open_petition) == []


def test_a_postcode_outside_leipzig_is_accepted_apart_from_the_quorum(client, app, open_petition):
    response = post_signature(client, sign_url(open_petition), "gast@example.org", postcode="10115")
    assert response.status_code == 303
    [stored] = signatures(app, open_petition)
    assert (stored.in_municipality, stored.district, stored.postcode) == (False, None, "10115")


def test_a_signed_in_resident_with_a_confirmed_address_signs_in_one_step(english_client, app, open_petition,
                                                                          user_factory, outbox):
    resident = user_factory(email_address="katrin@example.org", name="Katrin Vogel")
    login(english_client, resident)
    form = english_client.get(sign_url(open_petition)).get_data(as_text=True)
    assert 'value="katrin@example.org"' in form and 'value="Katrin Vogel"' in form
    response = post_signature(english_client, sign_url(open_petition), "katrin@example.org")
    assert (response.status_code, response.headers["Location"]) == (303, f"/petitionen/{open_petition}")
    assert counted(app, open_petition) == 1 and outbox.messages == []
    with english_client.session_transaction() as session:
        assert ("success", "Thank you. Your signature counts.") in session["_flashes"]


@pytest.mark.parametrize("state", [PetitionState.DRAFT, PetitionState.GATHERING])
def test_private_petitions_cannot_be_signed_by_their_number(client, petition_factory, state):
    petition_id = petition_factory(state)
    assert client.get(sign_url(petition_id)).status_code == 404
    assert client.get("/petitionen/999999/unterschreiben").status_code == 404


def test_the_inbox_page_is_missing_for_drafts(client, petition_factory):
    assert client.get(SENT.format(petition_factory(PetitionState.DRAFT))).status_code == 404
    assert client.get(SENT.format(petition_factory(PetitionState.GATHERING))).status_code == 200


def supporters_link(app, petition_id) -> str:
    with app.app_context():
        return f"/petitionen/unterstuetzen/{db.session.get(Petition, petition_id).supporter_key}"


def state_of(app, petition_id) -> str:
    with app.app_context():
        return db.session.get(Petition, petition_id).state


def test_three_confirmed_supporters_send_a_petition_to_moderation(english_client, app, petition_factory,
                                                                   outbox):
    petition_id = petition_factory(PetitionState.GATHERING)
    link = supporters_link(app, petition_id)
    page = english_client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<meta name="robots" content="noindex">' in html
    assert "Die Stadt stellt entlang der Hauptwege" in html and f'action="{link}"' in html
    for number in range(3):
        address = f"unterstuetzerin{number}@example.org"
        response = post_signature(english_client, link, address)
        assert response.headers["Location"] == SENT.format(petition_id)
        assert state_of(app, petition_id) == PetitionState.GATHERING.value
        confirm_by_mail(english_client, outbox, address)
    assert state_of(app, petition_id) == PetitionState.IN_REVIEW.value
    moved_on = english_client.get(link)
    assert "This petition has moved on" in moved_on.get_data(as_text=True)
    assert post_signature(english_client, link, "spaet@example.org").status_code == 409
    assert len(signatures(app, petition_id)) == 3


def test_the_supporters_link_of_a_published_petition_leads_to_it(english_client, app, petition_factory):
    petition_id = petition_factory(PetitionState.OPEN)
    html = english_client.get(supporters_link(app, petition_id)).get_data(as_text=True)
    assert "This petition has moved on" in html and f'href="/petitionen/{petition_id}"' in html


def test_an_unknown_supporters_link_is_not_found(client, app, petition_factory):
    assert client.get("/petitionen/unterstuetzen/no-such-key").status_code == 404
    assert client.get(supporters_link(app, petition_factory(PetitionState.DRAFT))).status_code == 404


def test_signing_costs_three_statements(client, app, open_petition):
    """The hot path: the petition, the abuse counts, the insert. Nothing else (no page render)."""
    sign_form_token(client, sign_url(open_petition))
    statements = []

    def note(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        response = post_signature(client, sign_url(open_petition), "anna@example.org")
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert response.status_code == 303
    assert len(statements) == 3, statements


def test_a_signed_in_third_supporter_sends_the_petition_on_at_once(english_client, app, petition_factory,
                                                                   user_factory):
    petition_id = petition_factory(PetitionState.GATHERING)
    add_signatures(app, petition_id, 2)
    login(english_client, user_factory(email_address="katrin@example.org"))
    link = supporters_link(app, petition_id)
    response = post_signature(english_client, link, "katrin@example.org")
    assert (response.status_code, response.headers["Location"]) == (303, link)
    assert state_of(app, petition_id) == PetitionState.IN_REVIEW.value
    assert "This petition has moved on" in english_client.get(link).get_data(as_text=True)
