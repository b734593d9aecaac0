"""The list beside the map: newest first, or most supported first, kept across pages."""

from tests.consultations.conftest import support


def test_the_list_can_show_the_most_supported_ideas_first(
    client, app, make_consultation, make_idea, user_factory
):
    consultation = make_consultation()
    ideas = [make_idea(consultation, title=title) for title in ("Erste Idee", "Zweite Idee", "Dritte Idee")]
    for person in (user_factory(), user_factory()):
        support(app, ideas[0], person)
    support(app, ideas[1], user_factory())

    def order(query):
        page = client.get(f"/beteiligung/{consultation.slug}{query}").get_data(as_text=True)
        return sorted(("Erste Idee", "Zweite Idee", "Dritte Idee"), key=page.index)

    assert order("") == ["Dritte Idee", "Zweite Idee", "Erste Idee"]
    assert order("?order=supported") == ["Erste Idee", "Zweite Idee", "Dritte Idee"]
    assert order("?order=bogus") == ["Dritte Idee", "Zweite Idee", "Erste Idee"]
    page = client.get(f"/beteiligung/{consultation.slug}?order=supported").get_data(as_text=True)
    assert 'id="order-supported" checked' in page


def test_the_order_is_kept_on_the_next_page(client, make_consultation, make_idea, user_factory):
    consultation = make_consultation()
    author = user_factory()
    for number in range(21):
        make_idea(consultation, author=author, title=f"Idee {number}")
    page = client.get(f"/beteiligung/{consultation.slug}?order=supported").get_data(as_text=True)
    assert "order=supported" in page.split('rel="next"')[0].rsplit("<a ", 1)[1]
