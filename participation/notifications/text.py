"""Markdown as readable plain text, for mails and notification excerpts.

The text goes through the one bleach policy first (core/sanitize.py), so what a mail shows
is exactly what the page shows, without the markup: `**bold**` becomes `bold`, a link
`[plan](https://…)` becomes `plan (https://…)`, list items start with a dash or their number.
"""

from __future__ import annotations

from html.parser import HTMLParser

from participation.core.sanitize import render_markdown

_BLOCKS = {"p", "blockquote", "pre", "h3", "h4", "ul", "ol"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[str | None] = []
        self._link_text_start = 0
        self._in_pre = 0
        self._lists: list[int | None] = []  # per open list: the next number, None for bullets

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            self._in_pre += 1
        if tag in ("ul", "ol"):
            self._lists.append(1 if tag == "ol" else None)
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            number = self._lists[-1] if self._lists else None
            if number is None:
                self.parts.append("\n- ")
            else:
                self.parts.append(f"\n{number}. ")
                self._lists[-1] = number + 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self._links.append(dict(attrs).get("href"))
            self._link_text_start = len(self.parts)

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_pre = max(self._in_pre - 1, 0)
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        elif tag == "a" and self._links:
            href = self._links.pop()
            shown = "".join(self.parts[self._link_text_start :]).strip()
            if href and shown != href and shown != href.removeprefix("mailto:"):
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        # as in a browser, a line break in the source is a space, except in preformatted text
        self.parts.append(data if self._in_pre else data.replace("\n", " "))


def markdown_to_text(text: str | None) -> str:
    collector = _TextCollector()
    collector.feed(str(render_markdown(text or "")))
    collector.close()
    lines = [" ".join(line.split()) for line in "".join(collector.parts).split("\n")]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)
