"""Which language a page is in: the user's setting, an explicit choice, the browser, German."""

from __future__ import annotations

from flask import request
from flask_babel import get_locale
from flask_login import current_user

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


def select_locale() -> str:
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
