"""Pages ask the broker for their cursor only when they follow something: the others pay nothing."""

from __future__ import annotations

import pytest


@pytest.fixture
def counted_heads(broker, monkeypatch):
    calls = []
    head = broker.head

    def counting_head():
        calls.append(1)
        return head()

    monkeypatch.setattr(broker, "head", counting_head)
    return calls


def test_a_page_that_follows_nothing_does_not_ask_the_broker(client, counted_heads):
    page = client.get("/").get_data(as_text=True)
    assert counted_heads == []
    assert "data-cursor" not in page and "data-live-cursor" not in page


def test_a_consultation_page_carries_its_cursor_once(client, counted_heads, broker, make_consultation):
    consultation = make_consultation()
    broker.publish(f"consultation:{consultation.id}", "idea", {"idea_id": 1, "change": "created"})
    page = client.get(f"/beteiligung/{consultation.slug}").get_data(as_text=True)
    assert counted_heads == [1]
    assert f'data-live-cursor="{broker.head()}"' in page


def test_signed_in_people_get_the_cursor_for_their_counter(client, counted_heads, broker, login_as):
    login_as("resident")
    page = client.get("/").get_data(as_text=True)
    assert counted_heads == [1]
    assert f'data-cursor="{broker.head()}"' in page
