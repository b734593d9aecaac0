"""Signing a petition: one signature per person, counted once confirmed, nothing revealed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from participation.core.models import utcnow
from participation.extensions import db
from participation.petitions import signing
from participation.petitions.models import NameShown, Petition, PetitionState, Signature, counted_signatures
from participation.petitions.signing import ConfirmationFailed, Outcome, SignatureRefused


@pytest.fixture
def petition(app, user_factory):
    author = user_factory()
    with app.test_request_context():
        made = Petition(
            title="Mehr Bäume auf der Eisenbahnstraße", request="Der Stadtrat möge 40 Straßenbäume pflanzen.",
            background="Im Sommer wird es auf der Eisenbahnstraße sehr heiß.",
            district="Neustadt-Neuschönefeld",
            state=PetitionState.OPEN.value, supporter_key="k-" + str(author.id), author_id=author.id,
        )
        db.session.add(made)
        db.session.commit()
        return made.id


def sign(app, petition_id, email, *, name="Anna Schreiber", postcode="04315", user=None):
    with app.test_request_context():
        result = signing.sign(db.session.get(Petition, petition_id), name=name, email=email,
                              postcode=postcode, name_shown=NameShown.INITIALS, user=user)
        db.session.commit()
        return result


def confirm(app, signature_id):
    with app.test_request_context():
        signature = signing.confirm(signing.confirmation_token(signature_id))
        db.session.commit()
        return signature.confirmed_at


def count(app, petition_id) -> int:
    with app.app_context():
        return db.session.scalar(counted_signatures(petition_id))


def rows(app, petition_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Signature).where(
            Signature.petition_id == petition_id))


def test_a_signature_counts_once_its_link_is_followed(app, petition):
    signed = sign(app, petition, "Anna.Schreiber@Example.org")
    assert signed.outcome is Outcome.NEW
    assert count(app, petition) == 0
    confirm(app, signed.signature_id)
    assert count(app, petition) == 1
    with app.app_context():
        stored = db.session.get(Signature, signed.signature_id)
        assert (stored.email, stored.in_municipality) == ("Anna.Schreiber@example.org", True)


def test_following_the_link_twice_counts_once(app, petition):
    signed = sign(app, petition, "anna@example.org")
    first = confirm(app, signed.signature_id)
    assert confirm(app, signed.signature_id) == first
    assert count(app, petition) == 1


@pytest.mark.parametrize("again", [" ANNA.M@googlemail.com", "annam+petition@gmail.com",
                                   "a.n.n.a.m@gmail.com"])
def test_another_spelling_of_the_same_mailbox_is_the_same_signer(app, petition, again):
    first = sign(app, petition, "anna.m@gmail.com")
    second = sign(app, petition, again)
    assert (second.outcome, second.signature_id) == (Outcome.PENDING_AGAIN, first.signature_id)
    confirm(app, first.signature_id)
    assert sign(app, petition, again).outcome is Outcome.ALREADY_SIGNED
    assert (rows(app, petition), count(app, petition)) == (1, 1)


def test_at_most_five_links_are_mailed(app, petition):
    outcomes = [sign(app, petition, "jonas@example.org").outcome for _ in range(7)]
    assert outcomes == [Outcome.NEW] + [Outcome.PENDING_AGAIN] * 4 + [Outcome.LINKS_EXHAUSTED] * 2


def test_a_signed_in_person_with_a_confirmed_address_signs_in_one_step(app, petition, user_factory):
    person = user_factory(email_address="katrin@example.org")
    signed = sign(app, petition, "Katrin@Example.org", user=person)
    assert signed.outcome is Outcome.CONFIRMED_AT_ONCE
    assert count(app, petition) == 1


def test_someone_else_signed_in_still_confirms_by_mail(app, petition, user_factory):
    person = user_factory(email_address="katrin@example.org")
    assert sign(app, petition, "jonas@example.org", user=person).outcome is Outcome.NEW
    assert count(app, petition) == 0


def test_postcodes_outside_the_city_are_kept_apart(app, petition):
    signed = sign(app, petition, "gast@example.org", postcode="10115")
    with app.app_context():
        assert db.session.get(Signature, signed.signature_id).in_municipality is False


def close(app, petition_id, *, hours_ago: float):
    with app.app_context():
        petition = db.session.get(Petition, petition_id)
        petition.state = PetitionState.CLOSED.value
        petition.closed_at = utcnow() - timedelta(hours=hours_ago)
        db.session.commit()


def test_a_closed_petition_takes_no_new_signatures(app, petition):
    close(app, petition, hours_ago=1)
    with pytest.raises(SignatureRefused):
        sign(app, petition, "spaet@example.org")
    assert rows(app, petition) == 0


def test_links_mailed_before_the_close_count_for_a_day(app, petition):
    signed = sign(app, petition, "anna@example.org")
    with app.test_request_context():
        token = signing.confirmation_token(signed.signature_id)
    close(app, petition, hours_ago=-0.01)  # closes a moment after the link went out
    with app.test_request_context():
        assert signing.confirm(token).confirmed_at is not None
        db.session.commit()
    assert count(app, petition) == 1


def test_links_followed_after_the_grace_period_do_not_count(app, petition):
    signed = sign(app, petition, "anna@example.org")
    close(app, petition, hours_ago=25)
    with app.test_request_context(), pytest.raises(ConfirmationFailed):
        signing.confirm(signing.confirmation_token(signed.signature_id))
    assert count(app, petition) == 0


def test_a_tampered_link_is_refused(app, petition):
    signed = sign(app, petition, "anna@example.org")
    with app.test_request_context():
        token = signing.confirmation_token(signed.signature_id)
        with pytest.raises(ConfirmationFailed):
            signing.confirm(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert count(app, petition) == 0


def test_mail_about_a_second_attempt_goes_to_the_first_address(app, petition):
    first = sign(app, petition, "Anna.M@gmail.com")
    assert first.email == "Anna.M@gmail.com"
    assert sign(app, petition, " annam+x@GoogleMail.com").email == "Anna.M@gmail.com"


def test_the_abuse_signals_are_stored_with_a_new_signature_only(app, petition):
    with app.test_request_context():
        made = signing.sign(db.session.get(Petition, petition), name="Anna", email="anna@example.org",
                            postcode="04315", name_shown=NameShown.FULL, ip_hash="h" * 64,
                            email_domain="example.org", district="Ost", held=True, held_reason="ip")
        signing.sign(db.session.get(Petition, petition), name="Anna", email="anna@example.org",
                     postcode="04315", name_shown=NameShown.FULL, held=False)
        db.session.commit()
    confirm(app, made.signature_id)
    with app.app_context():
        stored = db.session.get(Signature, made.signature_id)
        assert (stored.ip_hash, stored.email_domain, stored.district) == ("h" * 64, "example.org", "Ost")
        assert (stored.held, stored.held_reason) == (True, "ip")
    assert count(app, petition) == 0  # held: counts once staff release it


def test_looking_at_a_link_confirms_nothing(app, petition):
    signed = sign(app, petition, "anna@example.org")
    with app.test_request_context():
        signature, _issued = signing.signature_for_link(signing.confirmation_token(signed.signature_id))
        assert signature.confirmed_at is None
    assert count(app, petition) == 0


def test_each_broken_link_says_why(app, petition):
    signed = sign(app, petition, "anna@example.org")
    with app.test_request_context():
        token = signing.confirmation_token(signed.signature_id)
        with pytest.raises(ConfirmationFailed) as bad:
            signing.signature_for_link(token + "x")
        assert (bad.value.failure, bad.value.petition_id) == (signing.Failure.INVALID, None)
        stored = db.session.get(Signature, signed.signature_id)
        stored.invalidated_at = utcnow()
        db.session.flush()
        with pytest.raises(ConfirmationFailed) as gone:
            signing.signature_for_link(token)
        assert (gone.value.failure, gone.value.petition_id) == (signing.Failure.GONE, petition)


def confirm_quickly(app, signature_id):
    with app.test_request_context():
        confirmed = signing.confirm_quickly(signing.confirmation_token(signature_id))
        db.session.commit()
        return confirmed


def test_the_quick_confirmation_counts_a_pending_signature_of_an_open_petition_once(app, petition):
    signed = sign(app, petition, "anna@example.org")
    confirmed = confirm_quickly(app, signed.signature_id)
    assert (confirmed.petition_id, confirmed.held) == (petition, False)
    assert count(app, petition) == 1
    assert confirm_quickly(app, signed.signature_id) is None  # the full path shows the success page
    assert count(app, petition) == 1


@pytest.mark.parametrize("state", [PetitionState.GATHERING, PetitionState.CLOSED,
                                   PetitionState.AWAITING_RESPONSE])
def test_the_quick_confirmation_leaves_petitions_that_are_not_open_to_the_full_path(app, petition, state):
    signed = sign(app, petition, "anna@example.org")
    with app.app_context():
        db.session.get(Petition, petition).state = state.value
        db.session.commit()
    assert confirm_quickly(app, signed.signature_id) is None
    assert rows(app, petition) == 1 and count(app, petition) == 0
    with app.app_context():
        assert db.session.get(Signature, signed.signature_id).confirmed_at is None


def test_the_quick_confirmation_refuses_invalidated_signatures_and_broken_links(app, petition):
    signed = sign(app, petition, "anna@example.org")
    with app.test_request_context():
        assert signing.confirm_quickly(signing.confirmation_token(signed.signature_id) + "x") is None
        db.session.get(Signature, signed.signature_id).invalidated_at = utcnow()
        db.session.commit()
    assert confirm_quickly(app, signed.signature_id) is None
    with app.app_context():
        assert db.session.get(Signature, signed.signature_id).confirmed_at is None


def test_a_held_signature_confirmed_quickly_waits_for_staff(app, petition):
    signed = sign(app, petition, "anna@example.org")
    with app.app_context():
        db.session.get(Signature, signed.signature_id).held = True
        db.session.commit()
    confirmed = confirm_quickly(app, signed.signature_id)
    assert confirmed.held is True
    assert count(app, petition) == 0
    with app.app_context():
        assert db.session.get(Signature, signed.signature_id).confirmed_at is not None
