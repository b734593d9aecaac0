import dataclasses

import pytest

from participation import create_app
from participation.access_table import ROUTE_ACCESS
from participation.core.access import Access


@pytest.mark.parametrize("language,title", [("de", "Seite nicht gefunden"), ("en", "Page not found")])
def test_404_page_is_localized(client, language, title):
    response = client.get("/gibt-es-nicht", headers={"Accept-Language": language})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page
    assert f"<title>{title} (404)" in page


def test_403_page(client, login_as):
    login_as("resident")
    response = client.get("/admin/users", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "Access denied" in response.get_data(as_text=True)


def test_oversized_request_gets_413(client):
    response = client.post(
        "/login",
        data=b"x" * (17 * 1024 * 1024),
        headers={"Accept-Language": "en", "Content-Type": "text/plain"},
    )
    assert response.status_code == 413
    assert "Upload too large" in response.get_data(as_text=True)


def test_unexpected_error_gets_a_localized_500_page(settings):
    app = create_app(dataclasses.replace(settings))
    app.extensions["route_access"] = {**ROUTE_ACCESS, "boom": Access.PUBLIC}
    app.config["PROPAGATE_EXCEPTIONS"] = False  # behave as in production, not as under test

    @app.get("/boom")
    def boom():
        raise RuntimeError("simulated failure")

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_a_rate_limit_under_the_api_answers_problem_json(app):
    # API reads are exempt from the limits today; an API route that writes gets a document a
    # program can read, never the HTML page meant for people.
    from werkzeug.exceptions import TooManyRequests

    with app.test_request_context("/api/v1/consultations", method="POST"):
        response = app.handle_http_exception(TooManyRequests())
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 429
