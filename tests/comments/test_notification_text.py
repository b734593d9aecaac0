"""Comments are written in Markdown; mails and the notification list show them as readable text."""

from participation.notifications.text import markdown_to_text
from tests.conftest import login

MARKDOWN = (
    "Mehr **Bäume** und _Schatten_, siehe [Plan](https://example.org/plan).\n\n"
    "1. Linden\n2. Ahorn\n\n> Zitat & <b>kein HTML</b>\n\n`a*b*c`"
)


def test_markdown_becomes_readable_text():
    assert markdown_to_text(MARKDOWN) == (
        "Mehr Bäume und Schatten, siehe Plan (https://example.org/plan).\n\n"
        "1. Linden\n2. Ahorn\n\n"
        "Zitat & kein HTML\n\n"
        "a*b*c"
    )
    assert markdown_to_text("- eins\n- zwei") == "- eins\n- zwei"
    assert markdown_to_text("https://example.org/x") == "https://example.org/x"  # a bare link once
    assert markdown_to_text(None) == markdown_to_text("") == ""


def test_mails_and_the_notification_list_show_comments_as_text(
    client, app, make_note, user_factory, write_comment, outbox
):
    follower = user_factory()
    note = make_note(authors=[follower.id])
    write_comment(note, user_factory(), MARKDOWN)
    expected = (
        "Mehr Bäume und Schatten, siehe Plan (https://example.org/plan). "
        "1. Linden 2. Ahorn Zitat &amp; kein HTML a*b*c"
    )
    [mail] = [m for m in outbox.messages if m["To"] == follower.email]
    body = mail.get_content()
    assert expected.replace("&amp;", "&") in body
    assert "**" not in body and "](" not in body and "<b>" not in body
    login(client, follower)
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert expected in page
    assert "**Bäume**" not in page
