"""A person's signatures are in their data export, and leave with the account: name and
address gone, the signature still counted, and the same mailbox still cannot sign twice."""

from __future__ import annotations

from sqlalchemy import select

from participation.accounts import services as account_services
from participation.core import personal_data
from participation.extensions import db
from participation.petitions.models import Signature, counted_signatures
from participation.petitions.signing import Outcome
from tests.petitions.test_signing import confirm, count, petition, sign  # noqa: F401 - fixture


def test_signatures_given_before_signing_up_are_in_the_export(app, petition, user_factory):  # noqa: F811
    signed = sign(app, petition, "Anna.M+petition@googlemail.com", name="Anna Meier")
    confirm(app, signed.signature_id)
    person = user_factory(email_address="annam@gmail.com")
    with app.test_request_context():
        exported = personal_data.export_sections(db.session.merge(person))["petition_signatures"]
    assert [(row["petition"], row["name"], row["email"]) for row in exported] == [
        ("Mehr Bäume auf der Eisenbahnstraße", "Anna Meier", "Anna.M+petition@googlemail.com")]


def test_deleting_the_account_erases_the_signer_but_keeps_the_count(app, petition, user_factory):  # noqa: F811
    person = user_factory(email_address="jonas@example.org")
    signed = sign(app, petition, "jonas@example.org", name="Jonas Weber", user=person)
    assert signed.outcome is Outcome.CONFIRMED_AT_ONCE
    with app.test_request_context():
        account_services.delete_account(db.session.merge(person))
        db.session.commit()
        signature = db.session.get(Signature, signed.signature_id)
        erased = (signature.name, signature.email, signature.postcode, signature.user_id)
        assert erased == (None, None, None, None)
        assert "jonas" not in signature.address_key
    assert count(app, petition) == 1
    again = sign(app, petition, "Jonas@example.org", name="Jonas Weber")
    assert again.outcome is Outcome.ALREADY_SIGNED
    with app.app_context():
        assert db.session.scalar(counted_signatures(petition)) == 1
        assert len(db.session.scalars(select(Signature)).all()) == 1
