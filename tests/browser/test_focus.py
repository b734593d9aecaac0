"""Focus is always visible, and the axe check really reports what it finds."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    const noOutline = s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0;
    return {tag: e.tagName.toLowerCase(), text: (e.textContent || e.id || '').trim().slice(0, 40),
            outline: noOutline ? 'none' : s.outline, shadow: s.boxShadow};
}"""


@pytest.mark.parametrize("lang", ["de", "ar"])
@pytest.mark.parametrize("path", ["/", "/login"])
def test_every_tab_stop_shows_focus(open_site, path, lang):
    site = open_site(lang=lang)
    site.goto(path)
    seen = []
    for _ in range(40):
        site.page.keyboard.press("Tab")
        if site.focused("body"):
            break  # focus left the document: every stop has been visited
        style = site.page.evaluate(FOCUS_STYLE)
        if seen and style == seen[0]:
            break
        seen.append(style)
        visible = style["outline"] != "none" or style["shadow"] != "none"
        assert visible, f"no visible focus on {style}"
    links = [s for s in seen if s["tag"] == "a"]
    assert len(links) >= 5, f"too few links reached by Tab: {seen}"


def test_axe_check_reports_violations(open_site):
    site = open_site()
    site.goto("/impressum")
    site.page.evaluate("""() => {
        const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        document.querySelector('main').append(img);
        const faint = document.createElement('p');
        faint.textContent = 'kaum lesbar';
        faint.style.color = '#cccccc';
        document.querySelector('main').append(faint);
    }""")
    with pytest.raises(AssertionError) as failure:
        site.check_axe()
    assert "image-alt" in str(failure.value)
    assert "color-contrast" in str(failure.value)
