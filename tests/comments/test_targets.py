"""The registry: a type takes part only in what it registered for, unknown types do not exist."""

from participation.core import targets
from tests.comments.conftest import NOTES, Note
from tests.conftest import csrf_token

targets.register(
    targets.TargetType(
        key="followonly",
        load=NOTES.get,
        title=lambda note: note.title,
        url=lambda note: f"/notes/{note.id}",
        commentable=False,
    )
)


def test_a_type_registered_only_for_follows_takes_no_comments(client, login_as):
    NOTES[9001] = Note(id=9001, title="Nur folgen")
    try:
        login_as("resident")
        assert client.get("/kommentare/followonly/9001").status_code == 404
        token = csrf_token(client, "/barrierefreiheit")
        assert (
            client.post("/kommentare/followonly/9001", data={"csrf_token": token, "body": "x"}).status_code
            == 404
        )
        assert (
            client.post("/folgen/followonly/9001", data={"csrf_token": token, "follow": "1"}).status_code
            == 302
        )
    finally:
        NOTES.pop(9001)


def test_unknown_types_and_objects_do_not_exist(client, login_as):
    login_as("resident")
    token = csrf_token(client, "/barrierefreiheit")
    assert client.get("/kommentare/motion/1").status_code == 404
    assert client.post("/folgen/motion/1", data={"csrf_token": token, "follow": "1"}).status_code == 404
    assert client.get("/kommentare/note/987654").status_code == 404
    assert targets.resolve("motion", 1) is None
