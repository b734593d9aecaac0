"""A petition's response links to the council paper or meeting that decided it: a page of this
site, given as a path or below BASE_URL, is named by its title; other sites keep the plain
link; a deleted paper falls back to the plain link, and no javascript: link is ever accepted."""

from __future__ import annotations

import pytest

from participation.petitions.models import PetitionState
from tests.petitions import conftest as petition_fixtures

petition_factory = petition_fixtures.petition_factory  # the fixture, for this module too


def answered(petition_factory, url: str) -> str:
    petition = petition_factory(
        state=PetitionState.ANSWERED, response="Die Ratsversammlung hat zugestimmt.", response_url=url
    )
    return f"/petitionen/{petition}"


def test_a_response_linking_a_council_paper_names_it(client, council, petition_factory):
    page = client.get(answered(petition_factory, f"/rat/vorlagen/{council.paper}")).get_data(as_text=True)
    assert f'href="/rat/vorlagen/{council.paper}"' in page
    assert "Radverkehrsanlagen in der Karl-Liebknecht-Straße</a>" in page


def test_an_absolute_link_below_the_base_url_is_named_too(client, app, council, petition_factory):
    base = app.extensions["settings"].base_url.rstrip("/")
    page = client.get(answered(petition_factory, f"{base}/rat/sitzungen/{council.past_meeting}")).get_data(
        as_text=True
    )
    assert f'href="/rat/sitzungen/{council.past_meeting}"' in page


@pytest.mark.parametrize("which", ["elsewhere", "deleted"])
def test_other_links_stay_plain_links(client, council, petition_factory, which):
    url = (
        "https://ratsinformation.leipzig.de/allris_leipzig_public/vo020?VOLFDNR=1"
        if which == "elsewhere"
        else f"/rat/vorlagen/{council.deleted_paper}"
    )
    page = client.get(answered(petition_factory, url)).get_data(as_text=True)
    assert f'href="{url.replace("&", "&amp;")}" rel="noopener"' in page


def test_staff_may_give_a_page_of_this_site_but_never_a_script(app, council, petition_factory, user_factory):
    from participation.extensions import db
    from participation.petitions import services
    from participation.petitions.models import Petition

    petition_id = petition_factory(state=PetitionState.AWAITING_RESPONSE)
    with app.test_request_context():
        staff = db.session.merge(user_factory(role="staff"))
        petition = db.session.get(Petition, petition_id)
        for bad in ("javascript:alert(1)", "//evil.example/x", "/\\evil.example"):
            with pytest.raises(services.PetitionRuleError):
                services.respond(petition, staff, "Antwort", bad)
        services.respond(petition, staff, "Antwort", f"/rat/vorlagen/{council.paper}")
        assert petition.response_url == f"/rat/vorlagen/{council.paper}"
