"""Reporting, moderating and appealing, in German, with the keyboard only.

A new resident (signed up through the form and confirmed by the mailed link) writes two
comments on a demo project, and the demo resident answers the first (a hidden comment stays
on the page as a placeholder only above visible answers). Three more new residents report the
first comment: each reads the confirmation, the first one's second try is refused, and after
the third report (the site's threshold) the public page shows the placeholder "being checked"
in its place, above the answer. A moderator restores it from the queue with the rule and the
facts: the public sees it again, and every reporter gets the outcome by mail.

The second comment, reported once, is hidden by the moderator with a reason category: the
public no longer sees it, its permalink shows the category. Its author opens the statement of
reasons from the mailed link and appeals once; the moderator who decided finds no form on the
appeal, only the refusal, and a member of staff reverses the decision. The author gets the
outcome by mail and reads it on the statement, and the comment is visible again.

Nothing is clicked or filled: only keys are pressed (Tab, Enter, Space, the arrow keys,
typing); the test reads what is on the page and in the mails, in the German catalog's
words (`translate`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

LANG = "de"
PROJECT = "/projekte/sanierung-stadtbad"  # no other browser test writes on it
PASSWORD = "moderation mit der tastatur"
AUTHOR = ("Greta Sommer", "greta.sommer@example.net")
REPORTERS = [
    ("Bernd Vogel", "bernd.vogel@example.net"),
    ("Clara Engel", "clara.engel@example.net"),
    ("Dana Fuchs", "dana.fuchs@example.net"),
]
COMMENT = "Die Sauna im Obergeschoss ist reine Geldverschwendung, das plant doch keiner mit Verstand."
ANSWER = "Eine Sauna bringt aber Einnahmen, die den Betrieb des Bades mittragen."
SECOND = "Wer für das Stadtbad ist, hat von Haushaltsplanung offensichtlich keine Ahnung."
REPORT_TEXT = "Das beleidigt alle, die an der Planung beteiligt sind."
RESTORE_RULE = "Nutzungsbedingungen, Abschnitt „Respektvoller Umgang“"
RESTORE_FACTS = "Der Kommentar kritisiert die Planung scharf, beleidigt aber niemanden persönlich."
HIDE_RULE = "Nutzungsbedingungen, Abschnitt „Respektvoller Umgang“ (keine Herabsetzung)"
HIDE_FACTS = "Der Kommentar spricht allen Befürwortern pauschal den Sachverstand ab."
APPEAL = "Ich habe die Befürworter nicht beleidigt, sondern auf die Kosten hingewiesen."
APPEAL_ANSWER = "Zugespitzt, aber noch sachliche Kritik an der Haushaltsplanung: der Kommentar bleibt."
SUBMIT = "main form.stack button[type=submit]"


def test_keyboard_only_moderation_journey(open_site, server, translate):
    def t(message: str, **values) -> str:
        text = translate(LANG, message)
        return text % values if values else text

    # The author writes two comments; the demo resident answers the first.
    author = _sign_up(open_site, server, *AUTHOR)
    author.goto(PROJECT)
    first_id = _write_comment(author, COMMENT)
    author.goto(PROJECT)
    second_id = _write_comment(author, SECOND)
    neighbour = open_site(lang=LANG, role="resident")
    _answer(neighbour, first_id, ANSWER)

    # Three residents report the first comment; the first also reports the second.
    reader = open_site(lang=LANG)
    received = t("Thank you. Your report has been received; moderators will look at it.")
    reporters = [_sign_up(open_site, server, name, email) for name, email in REPORTERS]
    for number, reporter in enumerate(reporters, start=1):
        assert _report(reporter, first_id) == received
        if number == 1:
            # one report per person: the same one again is refused, politely
            again = t("You have already reported this. Moderators will look at it.")
            assert _report(reporter, first_id) == again
            assert _report(reporter, second_id) == received
        reader.goto(PROJECT)
        shown = _comment_texts(reader)
        if number < len(reporters):
            assert COMMENT in shown, f"hidden after {number} report(s) already"
    # The threshold is reached: the public sees the placeholder above the answer, not the text.
    assert COMMENT not in shown and ANSWER in shown
    placeholder = reader.page.locator(f"#comment-{first_id} .comment-placeholder")
    assert placeholder.inner_text() == t("Hidden while moderators check reports about it.")

    # A moderator restores it, giving the rule and the facts.
    moderator = open_site(lang=LANG, role="moderator")
    _open_case(moderator, COMMENT)
    assert t("Hidden by moderation") in moderator.page.locator("main").inner_text()
    assert moderator.page.locator("ul.reports > li").count() == len(reporters)
    _decide(moderator, t, steps=2, rule=RESTORE_RULE, facts=RESTORE_FACTS)  # Approve, Hide, Restore
    reader.goto(PROJECT)
    assert COMMENT in _comment_texts(reader)
    assert reader.page.locator(f"#comment-{first_id} .comment-placeholder").count() == 0

    # Every reporter hears the outcome.
    decided = t(
        "Thank you for your report (%(reason)s). A moderator has decided:", reason=t("Insult or hate")
    )
    for _name, email in REPORTERS:
        mail = server.newest_mail(email, containing=RESTORE_RULE)
        assert mail["Subject"] == t("The outcome of your report")
        assert f"{decided} {t('Restore')}" in mail.get_content()

    # The second comment: the moderator hides it, with the category the public sees.
    _open_case(moderator, SECOND)
    _decide(moderator, t, steps=1, rule=HIDE_RULE, facts=HIDE_FACTS, category_steps=1)  # Hide; insult
    reader.goto(PROJECT)
    assert SECOND not in _comment_texts(reader)
    reader.goto(f"/kommentare/{second_id}")
    assert reader.page.locator(f"#comment-{second_id} .comment-placeholder").inner_text() == t(
        "Hidden by moderation. Reason: %(reason)s", reason=t("Insult or hate")
    )

    # Its author reads the statement of reasons from the mailed link, and appeals.
    statement = server.newest_mail(AUTHOR[1], containing=HIDE_FACTS)
    assert statement["Subject"] == t("Moderation of your post: statement of reasons")
    link = re.search(r"https?://\S+/moderation/entscheidungen/(\d+)", statement.get_content())
    assert link, statement.get_content()
    decision_path, decision_id = urlsplit(link.group(0)).path, int(link.group(1))
    author.goto(decision_path)
    page = author.page
    assert page.locator("main h1").inner_text() == t("Statement of reasons")
    assert SECOND in page.locator("main blockquote").inner_text()
    assert HIDE_FACTS in page.locator("main dl.facts").inner_text()
    _type_into(author, "#text", APPEAL)
    author.tab_to(SUBMIT)
    author.press_and_load("Enter")
    assert page.url == server.url(decision_path)
    appealed = t("Your appeal has been received. A different moderator will decide.")
    assert _flashed(author, appealed)
    assert page.locator("#appeal-state").inner_text() == appealed
    assert page.locator("#text").count() == 0, "one appeal only: the form is gone"

    # The moderator who decided may not decide the appeal: a refusal, no form.
    appeal_link = _open_appeal(moderator, t, decision_id)
    assert moderator.page.locator("#appeal-error").inner_text() == t(
        "A different moderator than the one who decided must handle the appeal."
    )
    assert moderator.page.locator("main form.stack").count() == 0
    assert APPEAL in moderator.page.locator("main dl.facts").inner_text()

    # A member of staff reverses it.
    staff = open_site(lang=LANG, role="staff")
    assert _open_appeal(staff, t, decision_id) == appeal_link
    staff.tab_to("#outcome-0")  # "the decision stands", nothing chosen yet
    staff.page.keyboard.press("ArrowDown")  # "reverse the decision"
    assert staff.page.is_checked("#outcome-1")
    _type_into(staff, "#explanation", APPEAL_ANSWER)
    staff.tab_to(SUBMIT)
    staff.press_and_load("Enter")
    assert staff.page.url == server.url("/moderation/")
    assert _flashed(staff, t("The appeal is decided. The author has been told."))

    # The author hears the outcome, reads it on the statement, and the comment is back.
    mail = server.newest_mail(AUTHOR[1], containing=APPEAL_ANSWER)
    assert mail["Subject"] == t("The outcome of your appeal")
    assert t("Outcome: the decision has been reversed.") in mail.get_content()
    author.goto(decision_path)
    assert page.locator("#appeal-state").inner_text() == t("Outcome: the decision has been reversed.")
    assert APPEAL_ANSWER in page.locator("main").inner_text()
    reader.goto(PROJECT)
    assert SECOND in _comment_texts(reader) and COMMENT in _comment_texts(reader)


# --- helpers: they press keys and read the page -----------------------------------------------


def _type_into(site, selector: str, text: str, limit: int = 60) -> None:
    site.tab_to(selector, limit=limit)
    site.page.keyboard.type(text)


def _flashed(site, message: str) -> bool:
    """app.js moves the flash message into the live region a moment after load."""
    flash = site.page.locator("#live-status .flash-success")
    flash.wait_for(timeout=5000)
    return message in flash.inner_text()


def _comment_texts(site) -> str:
    return site.page.locator("#comments").inner_text()


def _sign_up(open_site, server, name: str, email: str):
    """A new resident signs up, confirms by the mailed link and signs in: a signed-in Site."""
    site = open_site(lang=LANG)
    page = site.page
    site.goto("/signup")
    _type_into(site, "#display_name", name)
    _type_into(site, "#email", email)
    _type_into(site, "#password", PASSWORD)
    site.tab_to("#accept_terms")
    page.keyboard.press("Space")
    site.tab_to("main form button[type=submit]")
    site.press_and_load("Enter")
    assert page.url == server.url("/signup/sent"), page.locator("main").inner_text()[:1000]
    site.goto(urlsplit(server.link_in_newest_mail(email)).path)
    assert page.input_value("#email") == email
    _type_into(site, "#password", PASSWORD)
    site.press_and_load("Enter")  # Enter in a text field submits its form
    assert page.url == server.url("/"), page.url
    return site


def _write_comment(site, text: str) -> int:
    """Write a comment on the page shown (htmx); returns its id."""
    _type_into(site, "#body", text, limit=200)
    site.tab_to("#comment-submit")
    site.page.keyboard.press("Enter")
    site.page.locator("article.comment .comment-body", has_text=text).wait_for()
    body = site.page.locator(".comment-body", has_text=text)
    article = site.page.locator("article.comment", has=body).last  # the innermost: the comment itself
    return int(article.get_attribute("id").removeprefix("comment-"))


def _answer(site, comment_id: int, text: str) -> None:
    site.goto(PROJECT)
    site.tab_to(f"#comment-{comment_id} summary", limit=200)
    site.page.keyboard.press("Enter")  # opens the reply box
    _type_into(site, f"#reply-body-{comment_id}", text)
    site.tab_to(f"#comment-{comment_id} .reply-box button[type=submit]")
    site.press_and_load("Enter")
    assert site.page.locator(f"#comment-{comment_id} .comment-body", has_text=text).count() == 1


def _report(site, comment_id: int) -> str:
    """Report the comment as an insult from the project page; returns what the page answers."""
    site.goto(PROJECT)
    site.tab_to(f'#comment-{comment_id} a[href="/melden/comment/{comment_id}"]', limit=200)
    site.press_and_load("Enter")
    assert urlsplit(site.page.url).path == f"/melden/comment/{comment_id}"
    site.tab_to("#reason-0")  # Tab enters the group at its first choice, "spam"
    site.page.keyboard.press("ArrowDown")  # the arrow keys choose: "insult"
    assert site.page.is_checked("#reason-1")
    _type_into(site, "#explanation", REPORT_TEXT)
    site.tab_to(SUBMIT)
    site.press_and_load("Enter")
    return site.page.locator("main [role=status]").inner_text()


def _open_case(site, text: str) -> None:
    """From the queue, the case about the comment saying `text`."""
    site.goto("/moderation/")
    card = site.page.locator("ol.cases > li", has_text=text)
    assert card.count() == 1, f"the queue should list the case about {text!r} once"
    link = card.locator('a[href^="/moderation/faelle/"]').get_attribute("href")
    site.tab_to(f'main a[href="{link}"]', limit=300)
    site.press_and_load("Enter")
    assert urlsplit(site.page.url).path == link
    assert text in site.page.locator("main blockquote").inner_text()


def _decide(site, t, *, steps: int, rule: str, facts: str, category_steps: int | None = None) -> None:
    """Choose the action `steps` arrow presses after the first (and, for hiding, the public
    reason `category_steps` after the first), give the rule and the facts, and decide."""
    page = site.page
    site.tab_to("#action-0")
    for _ in range(steps):
        page.keyboard.press("ArrowDown")
    assert page.is_checked(f"#action-{steps}")
    if category_steps is not None:
        site.tab_to("#reason_category-0")
        for _ in range(category_steps):
            page.keyboard.press("ArrowDown")
        assert page.is_checked(f"#reason_category-{category_steps}")
    _type_into(site, "#rule", rule)
    _type_into(site, "#facts", facts)
    site.tab_to(SUBMIT)
    site.press_and_load("Enter")
    assert site.page.url == site.server.url("/moderation/"), site.page.locator("main").inner_text()[:1500]
    assert _flashed(site, t("Decided. The author and the reporters have been told."))


def _open_appeal(site, t, decision_id: int) -> str:
    """From the queue's open appeals, the appeal against `decision_id`; returns its path."""
    site.goto("/moderation/")
    name = t("Appeal against decision %(number)d", number=decision_id)
    link = site.page.get_by_role("link", name=name, exact=True).get_attribute("href")
    site.tab_to(f'main a[href="{link}"]', limit=300)
    site.press_and_load("Enter")
    assert urlsplit(site.page.url).path == link
    assert site.page.locator("main h1").inner_text() == name
    return link
