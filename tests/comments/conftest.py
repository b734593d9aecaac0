"""A throwaway commentable type, registered like any feature would, and comment helpers.

Most comment tests run against it, which shows that a new content type needs nothing but
its registration: no change to the comments, follows or notifications packages.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from participation.comments import services
from participation.comments.models import Comment
from participation.core import targets
from participation.extensions import db

_ids = itertools.count(1)


@dataclass
class Note:
    id: int
    title: str
    open: bool = True
    stances: bool = True
    authors: list[int] = field(default_factory=list)
    public: bool = True


NOTES: dict[int, Note] = {}

targets.register(
    targets.TargetType(
        key="note",
        load=NOTES.get,
        title=lambda note: note.title,
        url=lambda note: f"/notes/{note.id}",
        can_view=lambda note, user: note.public,
        is_open=lambda note: note.open,
        stances=lambda note: note.stances,
        authors=lambda note: note.authors,
    )
)


@pytest.fixture
def client(english_client):
    return english_client


@pytest.fixture
def make_note():
    made = []

    def _make(**options) -> Note:
        note = Note(id=next(_ids), title=options.pop("title", "Ein Thema"), **options)
        NOTES[note.id] = note
        made.append(note.id)
        return note

    yield _make
    for note_id in made:
        NOTES.pop(note_id, None)


@pytest.fixture
def write_comment(app):
    """write_comment(note, author, body, parent=None, minutes_ago=0) -> comment id, through the service."""

    def _write(note, author, body="Ein Kommentar", parent=None, minutes_ago=0, stance=None) -> int:
        with app.test_request_context():
            target = targets.resolve("note", note.id)
            author = db.session.merge(author)
            if parent is None:
                comment = services.add_comment(target, author, body, stance)
            else:
                comment = services.add_reply(target, db.session.get(Comment, parent), author, body)
            if minutes_ago:
                comment.created_at = comment.created_at - timedelta(minutes=minutes_ago)
            db.session.commit()
            return comment.id

    return _write
