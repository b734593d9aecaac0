"""Supports: given and withdrawn (two idempotent actions) with or without htmx, counted from
rows, never for one's own idea."""

from sqlalchemy import func, select

from participation.consultations import queries, services
from participation.consultations.models import Support
from participation.extensions import db
from tests.conftest import csrf_token, login
from tests.consultations.conftest import support


def supports(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Support))


def post(client, consultation, idea, action="/unterstuetzen", htmx=False):
    page = f"/beteiligung/{consultation.slug}/ideen/{idea.id}"
    headers = {"HX-Request": "true", "X-CSRFToken": csrf_token(client, page)} if htmx else {}
    data = {} if htmx else {"csrf_token": csrf_token(client, page)}
    return client.post(page + action, data=data, headers=headers)


def withdraw(client, consultation, idea, htmx=False):
    return post(client, consultation, idea, "/unterstuetzen/zuruecknehmen", htmx=htmx)


def test_support_and_take_back_without_javascript(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    login_as("resident")
    response = post(client, consultation, idea)
    assert response.status_code == 302
    assert supports(app) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 person supports this idea." in page
    assert 'aria-pressed="true"' in page
    assert f'action="/beteiligung/{consultation.slug}/ideen/{idea.id}/unterstuetzen/zuruecknehmen"' in page
    assert withdraw(client, consultation, idea).status_code == 302
    assert supports(app) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'action="/beteiligung/{consultation.slug}/ideen/{idea.id}/unterstuetzen"' in page


def test_a_double_click_keeps_the_support(client, app, login_as, make_consultation, make_idea):
    """Supporting twice supports once; withdrawing twice withdraws once. Neither flips back."""
    consultation = make_consultation()
    idea = make_idea(consultation)
    login_as("resident")
    assert [post(client, consultation, idea).status_code for _ in range(2)] == [302, 302]
    assert supports(app) == 1
    again = post(client, consultation, idea, htmx=True)
    assert "1 person supports this idea." in again.get_data(as_text=True)
    assert [withdraw(client, consultation, idea).status_code for _ in range(2)] == [302, 302]
    assert supports(app) == 0


def test_a_duplicate_insert_is_no_error(app, user_factory, make_consultation, make_idea):
    """What the second of two simultaneous requests does: its insert meets the first's row."""
    idea = make_idea(make_consultation())
    person = user_factory()
    with app.test_request_context():
        idea = db.session.merge(idea)
        services.add_support(idea, person)
        services.add_support(idea, person)
        db.session.commit()
        rows = db.session.scalars(select(Support).where(Support.idea_id == idea.id)).all()
        assert [row.user_id for row in rows] == [person.id]
        assert queries.support_count(idea.id) == 1


def test_htmx_gets_only_the_partial_with_vary(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    login_as("resident")
    page = client.get(f"/beteiligung/{consultation.slug}/ideen/{idea.id}")
    assert "HX-Request" not in page.headers.get("Vary", "")
    assert f'id="supports-{idea.id}"' in page.get_data(as_text=True)  # the page includes the partial
    response = post(client, consultation, idea, htmx=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<div class="supports" id="supports-{idea.id}">')
    assert "<html" not in body
    assert f'id="support-button-{idea.id}"' in body  # same id: focus can stay on the button
    assert "You support this idea." in body  # announced
    assert "1 person supports this idea." in body


def test_counts_are_derived_from_rows(client, app, user_factory, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    for _ in range(3):
        support(app, idea, user_factory())
    page = client.get(f"/beteiligung/{consultation.slug}/ideen/{idea.id}").get_data(as_text=True)
    assert "3 people support this idea." in page
    listing = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert "Supports: 3" in listing


def test_no_self_support(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    author = login_as("resident")
    idea = make_idea(consultation, author=author)
    page = client.get(f"/beteiligung/{consultation.slug}/ideen/{idea.id}").get_data(as_text=True)
    assert "You cannot support your own idea." in page
    assert post(client, consultation, idea).status_code == 403
    assert supports(app) == 0


def test_who_may_support(client, app, user_factory, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    url = f"/beteiligung/{consultation.slug}/ideen/{idea.id}/unterstuetzen"
    response = client.post(url, data={"csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, user_factory(confirmed=False))
    assert "/account" in post(client, consultation, idea).headers["Location"]
    closed = make_consultation(state="closed", title="Vorbei")
    closed_idea = make_idea(closed)
    login(client, user_factory())
    assert post(client, closed, closed_idea).status_code == 403
    assert withdraw(client, closed, closed_idea).status_code == 403
    assert supports(app) == 0


def test_support_needs_a_csrf_token(client, app, login_as, make_consultation, make_idea):
    consultation = make_consultation()
    idea = make_idea(consultation)
    login_as("resident")
    response = client.post(f"/beteiligung/{consultation.slug}/ideen/{idea.id}/unterstuetzen")
    assert response.status_code == 400
    assert supports(app) == 0


def test_the_list_does_not_query_per_idea(
    client, app, user_factory, make_consultation, make_idea, count_queries
):
    consultation = make_consultation()
    category = None
    for _ in range(3):
        make_idea(consultation, category=category)
    url = f"/beteiligung/{consultation.slug}"
    with app.app_context(), count_queries() as few:
        client.get(url)
    for _ in range(10):
        support(app, make_idea(consultation), user_factory())
    with app.app_context(), count_queries() as many:
        client.get(url)
    assert few.count > 0
    assert many.count == few.count
