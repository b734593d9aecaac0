"""The chart of signatures per day: bars drawn to scale, empty days kept, and its data table."""

from __future__ import annotations

import re
from datetime import date

from participation.extensions import db
from participation.petitions import chart
from participation.petitions.counts import DayCount
from participation.petitions.models import PaperList
from tests.petitions.conftest import add_signatures


def test_the_scale_ends_on_a_round_number():
    assert [chart.nice_maximum(n) for n in (0, 1, 3, 7, 10, 11, 45, 120, 999)] == [
        1,
        1,
        5,
        10,
        10,
        20,
        50,
        200,
        1000,
    ]


def test_one_bar_per_day_with_empty_days_filled_in():
    days = [DayCount(date(2025, 5, 1), 4, 0), DayCount(date(2025, 5, 4), 6, 4)]
    drawn = chart.build(days, start=date(2025, 4, 30), end=date(2025, 5, 5))
    assert [bar.day.day for bar in drawn.bars] == [30, 1, 2, 3, 4, 5]
    assert [bar.total for bar in drawn.bars] == [0, 4, 0, 0, 10, 0]
    assert drawn.total == 14 and drawn.busiest.day == date(2025, 5, 4) and drawn.has_paper
    tallest = drawn.bars[4]
    plot = drawn.baseline - chart.TOP
    # 10 of a scale that ends at 10: the whole plot, split 6 online and 4 on paper
    assert tallest.online_height == round(plot * 0.6, 2) and tallest.paper_height == round(plot * 0.4, 2)
    assert tallest.paper_y == chart.TOP
    assert drawn.bars[1].online_height == round(plot * 0.4, 2)
    assert all(bar.x + bar.width <= drawn.right for bar in drawn.bars)
    assert [line.value for line in drawn.grid] == [0, 5, 10]


def test_no_signatures_no_chart():
    assert chart.build([], start=date(2025, 5, 1)) is None


def test_a_very_long_history_shows_its_last_days():
    days = [DayCount(date(2023, 1, 1), 1, 0), DayCount(date(2025, 1, 1), 2, 0)]
    drawn = chart.build(days)
    assert len(drawn.bars) == chart.MAX_DAYS and drawn.last_day == date(2025, 1, 1)


def test_the_page_draws_the_chart_as_svg_with_a_table_of_the_same_numbers(client, app, petition_factory):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    petition_id = petition_factory()
    add_signatures(app, petition_id, 3, days_ago=2)
    add_signatures(app, petition_id, 5)
    with app.app_context():
        from participation.core.models import utcnow

        db.session.add(
            PaperList(petition_id=petition_id, signatures=4, in_municipality=4, collected_on=utcnow())
        )
        db.session.commit()
    html = client.get(f"/petitionen/{petition_id}").get_data(as_text=True)
    svg = re.search(r"<svg class=\"chart\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="petition-chart-title petition-chart-desc"' in svg
    assert '<title id="petition-chart-title">' in svg and "12 signatures in all." in svg
    assert "The most on" in svg and ": 9." in svg
    assert "style=" not in svg
    assert svg.count('class="chart-bar"') == 2 and svg.count('class="chart-bar chart-bar-paper"') == 1
    table = re.search(r'<details class="chart-data">.*?</details>', html, re.S).group(0)
    rows = re.findall(
        r"<tr><th scope=\"row\"><time[^>]*>[^<]+</time></th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>",
        table,
    )
    assert rows == [("3", "0", "3"), ("5", "4", "9")]
    assert "on paper lists" in html  # the legend marks the paper part


def test_a_petition_without_signatures_says_so_instead_of_an_empty_chart(client, petition_factory):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(f"/petitionen/{petition_factory()}").get_data(as_text=True)
    assert '<svg class="chart"' not in html and "No signatures yet." in html
