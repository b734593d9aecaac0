"""Which language a page is in: the user's setting, an explicit choice, the browser, German."""

from __future__ import annotations

import functools
from datetime import date, datetime

from babel import Locale
from flask import Flask, current_app, g, request, session
from flask_babel import get_locale, get_timezone, get_translations
from flask_login import current_user
from markupsafe import Markup, escape

DEFAULT_LOCALE = "de"
# Shown in the switcher in this order, each name in its own language.
LOCALES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "uk": "Українська",
    "ar": "العربية",
}
RTL_LOCALES = {"ar"}
LOCALE_COOKIE = "locale"
# The switcher's choice while signed in: it changes this browser's pages, not the account's
# stored language (mails), which only the account form saves.
LOCALE_SESSION_KEY = "locale"


def city_today() -> date:
    """Today in the city's time zone (setting `timezone`): a participation period that ends
    on the 31st ends at midnight in Leipzig, not in London."""
    return datetime.now(get_timezone()).date()


def select_locale() -> str:
    browser_choice = session.get(LOCALE_SESSION_KEY)
    if browser_choice in LOCALES:
        return browser_choice
    user_choice = getattr(current_user, "locale", None) if current_user else None
    if user_choice in LOCALES:
        return user_choice
    cookie_choice = request.cookies.get(LOCALE_COOKIE)
    if cookie_choice in LOCALES:
        return cookie_choice
    return request.accept_languages.best_match(list(LOCALES)) or DEFAULT_LOCALE


def current_locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def text_direction() -> str:
    return "rtl" if current_locale() in RTL_LOCALES else "ltr"


def isolate(text) -> Markup:
    """Text a person chose (a display name) in <bdi>: whatever its direction, it cannot
    reorder the page's text around it (the `bdi` template filter)."""
    return Markup("<bdi>%s</bdi>") % (text if text is not None else "")  # noqa: S704 - escaped by %


def city_text() -> Markup:
    """`lang` and `dir` for what the city wrote (in its CONTENT_LANGUAGE) on a page in another
    language: screen readers switch voice (WCAG 3.1.2) and a right-to-left page keeps German
    punctuation where it belongs. Nothing on a page in the content language itself."""
    language = current_app.config.get("CONTENT_LANGUAGE", DEFAULT_LOCALE)
    if current_locale() == language:
        return Markup("")
    direction = "rtl" if language in RTL_LOCALES else "ltr"
    return Markup(f' lang="{escape(language)}" dir="{direction}"')  # noqa: S704 - escaped


def plural_samples() -> dict[str, int]:
    """One count per CLDR plural category of the page's language ({"one": 1, "other": 0} in
    German): a template renders `ngettext(..., sample, num="%(num)s")` for each, and a script
    picks the text for a count with Intl.PluralRules, which follows the same CLDR rules."""
    return _plural_samples(current_locale())


@functools.cache
def _plural_samples(locale: str) -> dict[str, int]:
    rule = Locale.parse(locale).plural_form
    samples: dict[str, int] = {}
    for count in range(200):  # every category with whole numbers has one below 200
        samples.setdefault(rule(count), count)
    return samples


def request_translations():
    """Flask-Babel's translations for the active locale, looked up once per request.

    Templates call gettext dozens of times per page and Flask-Babel resolves the context,
    domain and cache on every call; keyed by locale, so `force_locale` (mails) still works.
    """
    locale = get_locale()
    cached = g.get("_translations")
    if cached is None or cached[0] is not locale:
        cached = g._translations = (locale, get_translations())
    return cached[1]


def install_template_gettext(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
