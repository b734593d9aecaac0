"""Malformed input answers 400 or 404, never a 500: NUL bytes, numbers beyond 64 bits,
digits that are not ASCII, overlong keys. (PostgreSQL refuses NUL in text and BIGINT
overflows; run with TEST_DATABASE_URL to see these on PostgreSQL too.)"""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from participation.accounts.models import User
from participation.comments.models import Comment
from participation.core.inputs import DatabaseIdConverter, parse_int
from participation.extensions import db
from tests.conftest import csrf_token
from tests.consultations.conftest import make_consultation, make_idea  # noqa: F401 - fixtures

HUGE = 2**64 + 1  # beyond any integer column; ids end at 2^31-1 (INTEGER on PostgreSQL)


@pytest.fixture
def client(english_client):
    return english_client


@pytest.fixture
def idea(make_consultation, make_idea):  # noqa: F811 - the imported fixtures
    """The idea's id and its consultation's slug: what the URLs need."""
    consultation = make_consultation()
    return SimpleNamespace(id=make_idea(consultation).id, slug=consultation.slug)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_nul_in_a_path_or_query_is_a_400(client, login_as):
    assert client.get("/beteiligung/%00").status_code == 400
    assert client.get("/beteiligung?page=1%00").status_code == 400
    login_as("admin")
    response = client.get("/admin/users?q=a%00b")
    assert response.status_code == 400
    assert "Bad request" in response.get_data(as_text=True)


def test_nul_in_a_display_name_is_a_400(client, app):
    before = _count(app, User)
    response = client.post("/signup", data={
        "csrf_token": csrf_token(client, "/signup"), "display_name": "Anna\x00Amt",
        "email": "anna@example.org", "password": "a long and secret passphrase", "accept_terms": "y",
    })
    assert response.status_code == 400
    assert _count(app, User) == before


def test_nul_in_a_comment_is_a_400(client, app, login_as, idea):
    login_as("resident")
    token = csrf_token(client, f"/beteiligung/{idea.slug}/ideen/{idea.id}")
    response = client.post(f"/kommentare/idea/{idea.id}", data={"csrf_token": token, "body": "Gut\x00e Idee"})
    assert response.status_code == 400
    assert _count(app, Comment) == 0


def test_ids_beyond_the_id_columns_are_404(client, idea):
    slug = idea.slug
    for path in (f"/beteiligung/{slug}/ideen/{HUGE}", f"/beteiligung/{slug}/ideen/{2**31}",
                 f"/beteiligung/{slug}/ideen/{2**40}/bearbeiten",
                 f"/kommentare/{HUGE}", f"/kommentare/idea/{HUGE}", f"/beteiligung/{slug}/ideen/0"):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/beteiligung/{slug}/ideen/{idea.id}").status_code == 200


def test_every_integer_in_a_route_is_a_bounded_id(app):
    converters = [
        (rule.rule, converter)
        for rule in app.url_map.iter_rules()
        for converter in rule._converters.values()
        if type(converter).__name__.endswith("IntegerConverter") or isinstance(converter, DatabaseIdConverter)
    ]
    assert converters, "the app has integer routes"
    assert all(isinstance(c, DatabaseIdConverter) and c.max == 2**31 - 1 for _, c in converters)


@pytest.mark.parametrize("query", [
    f"page={HUGE}", "page=1000000000000000", "page=%C2%B2", "page=-3",
    f"category={HUGE}", f"category={2**40}", "category=%C2%B2", "category=abc",
])
def test_odd_numbers_in_list_queries_are_ignored(client, idea, query):
    response = client.get(f"/beteiligung/{idea.slug}?{query}")
    assert response.status_code == 200
    assert client.get(f"/beteiligung?{query}").status_code == 200


def test_an_overlong_media_key_is_a_404(client, upload_storage):
    upload_storage.save("ideas/stored.jpg", b"\xff\xd8 a stored photo")  # the folders exist, as in use
    assert client.get("/media/ideas/stored.jpg").status_code == 200
    assert client.get("/media/" + "a" * 3000 + ".jpg").status_code == 404
    assert client.get("/media/ideas/" + "b" * 300 + ".png").status_code == 404


def test_parse_int_accepts_ascii_digits_within_bounds_only():
    assert parse_int("42") == 42
    assert [parse_int(v) for v in ("²", "٣", "4.0", "+4", " 4", "", None, "0", str(2**31))] == [None] * 9
    assert parse_int(str(2**31 - 1)) == 2**31 - 1
