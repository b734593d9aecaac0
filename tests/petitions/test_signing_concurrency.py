"""One person submitting from several tabs at once, in several spellings: one row, no error.

Real concurrency, so committed rows (see tests/consultations/test_supports_concurrency.py for
the fixture that gives each thread its own session and cleans up afterwards).
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from participation.extensions import db
from participation.petitions import signing
from participation.petitions.models import NameShown, Petition, PetitionState, Signature
from tests.conftest import make_user
from tests.consultations.test_supports_concurrency import committing  # noqa: F401 - fixture

PARALLEL = 10
SPELLINGS = ["anna.m@gmail.com", "Anna.M@googlemail.com", "annam+eins@gmail.com", " ANNAM@gmail.com "]


def test_simultaneous_signatures_of_one_person_make_one_row(app, committing):  # noqa: F811
    with app.test_request_context():
        author = make_user()
        petition = Petition(title="Sichere Schulwege in Connewitz", request="Tempo 30 vor allen Schulen.",
                            state=PetitionState.OPEN.value, supporter_key="gleichzeitig", author_id=author.id)
        db.session.add(petition)
        db.session.commit()
        petition_id = petition.id
    start = threading.Barrier(PARALLEL)
    outcomes, failures = [], []

    def submit(number: int):
        # a POST, as the form will be: on SQLite it takes the write lock at its first statement
        with app.test_request_context(method="POST"):
            start.wait()
            try:
                result = signing.sign(db.session.get(Petition, petition_id), name="Anna M.",
                                      email=SPELLINGS[number % len(SPELLINGS)], postcode="04277",
                                      name_shown=NameShown.FULL)
                db.session.commit()
                outcomes.append(result)
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len({result.signature_id for result in outcomes}) == 1
    assert sorted(result.outcome for result in outcomes).count(signing.Outcome.NEW) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 1
