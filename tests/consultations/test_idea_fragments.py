"""The list entry of one idea, fetched alone by live updates: the same markup as in the list,
only for those who may see the idea, and only when it matches the list's filters."""

import re

from tests.consultations.conftest import first_category, support

HTMX = {"HX-Request": "true"}


def item_url(consultation, idea) -> str:
    return f"/beteiligung/{consultation.slug}/ideen/{idea.id}/_item"


def list_entry(page_html: str, idea_id: int) -> str:
    match = re.search(rf'<li class="card idea-card" id="idea-{idea_id}".*?</li>', page_html, re.S)
    assert match, f"idea {idea_id} is not in the list"
    return match.group(0)


def test_htmx_gets_the_list_entry_the_page_shows(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation, title="Bänke am Kanal")
    resident = login_as("resident")
    support(app, idea, resident)
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    response = client.get(item_url(consultation, idea), headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True).strip()
    assert "<html" not in body and "<main" not in body
    assert body == list_entry(page, idea.id)  # one partial for both
    assert "Supports: 1" in body and "You support this idea." in body


def test_without_htmx_the_address_leads_to_the_idea_page(client, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    response = client.get(item_url(consultation, idea))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/beteiligung/{consultation.slug}/ideen/{idea.id}")
    assert "HX-Request" in response.headers["Vary"]  # a cache must not hand this to htmx


def test_ideas_one_may_not_see_have_no_entry(client, make_consultation, make_idea):
    consultation = make_consultation()
    hidden = make_idea(consultation, visibility="hidden")
    pending = make_idea(consultation, visibility="pending")
    elsewhere = make_idea(make_consultation(title="Andere"))
    draft = make_consultation(title="Entwurf", state="draft")
    in_draft = make_idea(draft)
    for slug_of, idea in ((consultation, hidden), (consultation, pending), (consultation, elsewhere),
                          (draft, in_draft)):
        for headers in (HTMX, {}):
            assert client.get(item_url(slug_of, idea), headers=headers).status_code == 404, idea.title


def test_an_idea_outside_the_lists_filters_answers_no_content(client, app, make_consultation, make_idea):
    consultation = make_consultation()
    category = first_category(app, consultation)
    idea = make_idea(consultation, status="accepted", category=category)
    url = item_url(consultation, idea)
    assert client.get(url + "?status=rejected", headers=HTMX).status_code == 204
    assert client.get(url + f"?category={category.id + 1000}", headers=HTMX).status_code == 204
    assert client.get(url + "?status=rejected&status=accepted", headers=HTMX).status_code == 200
    assert client.get(url + f"?status=accepted&category={category.id}", headers=HTMX).status_code == 200
    assert client.get(url + "?status=nonsense", headers=HTMX).status_code == 200  # left out, as on the page


def test_titles_arrive_as_text(client, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation, title='<img src=x onerror="alert(1)">')
    body = client.get(item_url(consultation, idea), headers=HTMX).get_data(as_text=True)
    assert "<img" not in body
    assert "&lt;img src=x onerror=" in body
