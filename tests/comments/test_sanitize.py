"""The one bleach policy against injection payloads: nothing executable survives, links are
only http, https or mailto and always carry rel="nofollow ugc noopener"."""

from html.parser import HTMLParser

import pytest

from participation.core.sanitize import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "<object data=javascript:alert(1)>",
    '<a href="javascript:alert(1)">klick</a>',
    "<a href='https://ok.example' onclick='steal()'>ok</a>",
    "<p title='x\" onmouseover=\"alert(1)'>hover</p>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[klick](  javascript:alert(1))",
    "[klick](java&#x09;script:alert(1))",
    "[klick](&#106;avascript:alert(1))",
    "[klick](vbscript:msgbox(1))",
    "[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[klick](https://ok.example "t" onclick=alert(1))',
    "![bild](https://evil.example/tracker.png)",
    '<a href="https://ok.example" target="_blank" rel="opener">x</a>',
    "<form action=https://evil.example><input name=pw></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<a href="https://ok.example"',  # unclosed tag
    "<<a href=javascript:alert(1)>>x",
    "`<script>alert(1)</script>`",
]

ALLOWED = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4"}


class _Collector(HTMLParser):
    """Every tag and attribute the browser would see."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_rendered_harmless(payload):
    html = str(render_markdown(payload))
    parser = _Collector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED, html
        allowed_attributes = {"href", "title", "rel"} if tag == "a" else set()
        assert set(attrs) <= allowed_attributes, html
        if tag == "a":
            assert attrs["href"].startswith(("http://", "https://", "mailto:")), html
            assert attrs["rel"] == "nofollow ugc noopener", html


def test_allowed_markdown_survives():
    html = str(
        render_markdown("**fett** *kursiv*\n\n- eins\n- zwei\n\n> Zitat\n\n[Stadt](https://www.leipzig.de)")
    )
    assert "<strong>fett</strong>" in html and "<em>kursiv</em>" in html
    assert "<li>eins</li>" in html and "<blockquote>" in html
    assert '<a href="https://www.leipzig.de" rel="nofollow ugc noopener">Stadt</a>' in html


def test_bare_addresses_become_marked_links_and_mailto_is_kept():
    html = str(render_markdown("Siehe www.leipzig.de oder [Mail](mailto:amt@leipzig.de)"))
    assert '<a href="http://www.leipzig.de" rel="nofollow ugc noopener">www.leipzig.de</a>' in html
    assert '<a href="mailto:amt@leipzig.de" rel="nofollow ugc noopener">Mail</a>' in html


@pytest.mark.parametrize("link", ["[x](/intern)", "[x](//evil.example)", "[x](ftp://files.example)"])
def test_links_other_than_http_https_mailto_become_text(link):
    assert str(render_markdown(link)) == "<p>x</p>"


def test_code_is_escaped_once():
    assert str(render_markdown("`a < b`")) == "<p><code>a &lt; b</code></p>"


def test_rerender_refreshes_stored_html(app, make_note, user_factory, write_comment):
    from participation.comments.models import Comment
    from participation.extensions import db

    comment_id = write_comment(make_note(), user_factory(), "**neu**")
    with app.app_context():
        db.session.get(Comment, comment_id).body_html = "<p>alt</p>"
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["comments", "rerender"])
    assert result.exit_code == 0 and "rendered" in result.output
    with app.app_context():
        assert db.session.get(Comment, comment_id).body_html == "<p><strong>neu</strong></p>"
