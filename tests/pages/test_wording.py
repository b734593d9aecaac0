"""Form labels say "(optional)" once, and only where leaving a field empty is possible."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _label_and_marker(html: str, field_id: str) -> str:
    """The label of a field and what follows it up to the next tag that is not a span."""
    marker = r'(\s*<span class="optional">[^<]*</span>)?'
    match = re.search(rf'<label for="{field_id}">.*?</label>{marker}', html, re.S)
    assert match, field_id
    return re.sub(r"<[^>]+>", "", match.group(0)).strip()


def test_optional_is_said_once(english):
    page = english.get("/barrierefreiheit").get_data(as_text=True)
    assert _label_and_marker(page, "page_url") == "Address of the page (optional)"
    assert _label_and_marker(page, "reply_email") == "Your email address for our answer (optional)"
    assert "(optional) (optional)" not in re.sub(r"<[^>]+>", "", page)


def test_a_select_is_never_called_optional(english, login_as):
    login_as("staff")
    page = english.get("/staff/projekte/neu").get_data(as_text=True)
    for select in ("status", "district", "topic"):
        assert re.search(rf'<select[^>]* id="{select}"', page) or re.search(rf'<select id="{select}"', page)
        assert "(optional)" not in _label_and_marker(page, select), select
    assert "(optional)" in _label_and_marker(page, "budget_eur")  # a text field that may stay empty
