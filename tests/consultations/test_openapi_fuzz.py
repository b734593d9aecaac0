"""schemathesis over the whole API: every operation in /api/v1/openapi.json answers as the
document says. All its checks run: no 500, only documented status codes and content types,
bodies matching their schemas, valid requests accepted and invalid ones refused, 405 with
`Allow` for methods a path does not offer. A later API joins the run by being documented.

It runs schemathesis' own engine (as its command line does: examples, coverage, fuzzing
and stateful phases) against the Flask app over WSGI, inside the test's transaction, with
one worker so requests never share the test's connection at once.
"""

from __future__ import annotations

import schemathesis
from schemathesis.engine import Status, events, from_schema

from participation.petitions.models import PaperList, PetitionState
from tests.consultations.conftest import first_category
from tests.petitions import conftest as petition_fixtures
from tests.petitions.conftest import add_signatures
from tests.petitions.stand_ins import ensure_petition_page

petition_factory = petition_fixtures.petition_factory  # the fixture, for this module too

MAX_EXAMPLES = 40  # per operation and phase; the run stays within a few seconds


def _failures(event) -> list[str]:
    found = []
    for case_id, checks in event.recorder.checks.items():
        for check in checks:
            if check.status is Status.SUCCESS:
                continue
            info = check.failure_info
            what = f"{info.failure.title}\n{info.code_sample}" if info else f"{check.status} ({case_id})"
            found.append(f"{event.recorder.label}: {check.name}: {what}")
    return found


def _petitions(app, petition_factory) -> None:
    """Petitions in every public state, one hidden, one unpublished, with figures of all kinds."""
    from participation.extensions import db

    ensure_petition_page(app)
    signed = petition_factory(quorum=4, geometry={"type": "Point", "coordinates": [12.37, 51.34]})
    add_signatures(app, signed, 3)
    add_signatures(app, signed, 1, postcode="10115", district=None, days_ago=3)
    with app.app_context():
        db.session.add(PaperList(petition_id=signed, signatures=2, in_municipality=1, districts={"Mitte": 1}))
        db.session.commit()
    for state in (PetitionState.CLOSED, PetitionState.AWAITING_RESPONSE, PetitionState.DRAFT):
        petition_factory(state=state)
    petition_factory(state=PetitionState.ANSWERED, response="Ja.", response_url="https://example.org/r")
    petition_factory(state=PetitionState.REJECTED, rejection_reason="duplicate", duplicate_of_id=signed,
                     rejection_explanation="Gibt es schon.")
    petition_factory(state=PetitionState.REJECTED, rejection_reason="offensive", visibility="hidden",
                     rejection_explanation="Beleidigend.")


def test_the_api_answers_as_its_document_says(app, make_consultation, make_idea, petition_factory):
    _petitions(app, petition_factory)
    geographic = make_consultation(title="Fuzz Karte")
    make_idea(geographic, category=first_category(app, geographic))
    make_idea(geographic, status="accepted", geometry={
        "type": "LineString", "coordinates": [[12.321, 51.321], [12.339, 51.322]]})
    plan = make_consultation(title="Fuzz Plan", map_mode="plan", area=None, plan_size=(1000, 700))
    make_idea(plan, lonlat=(500, 300))
    make_consultation(state="draft", title="Fuzz Entwurf")  # exists, but not for the public

    config = schemathesis.Config.from_dict({"workers": 1, "generation": {"max-examples": MAX_EXAMPLES}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    failures: list[str] = []
    tested: set[str] = set()
    finished = None
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            failures += _failures(event)
            if event.recorder.interactions:
                tested.add(event.recorder.label)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(f"schemathesis error: {event!r}")
        elif isinstance(event, events.EngineFinished):
            finished = event
    assert finished is not None and finished.stop_reason == "completed"
    # schemathesis leaves out the operation that serves the document it was loaded from
    documented = {
        f"{method.upper()} {path}"
        for path, operations in schema.raw_schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    } - {"GET /openapi.json"}
    assert documented <= tested, f"operations not exercised: {documented - tested}"
    assert not failures, "\n\n".join(failures[:10])
