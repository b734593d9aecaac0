from datetime import UTC, date, datetime, timedelta, timezone

from participation.core.dates import html_datetime


def test_a_moment_is_written_in_utc_to_the_second():
    # isoformat() would write ".524300+00:00": HTML allows at most three digits of a second
    assert html_datetime(datetime(2026, 11, 22, 22, 5, 32, 524300, tzinfo=UTC)) == "2026-11-22T22:05:32Z"


def test_a_moment_in_another_zone_is_converted_to_utc():
    leipzig_summer = timezone(timedelta(hours=2))
    assert html_datetime(datetime(2026, 7, 1, 0, 30, tzinfo=leipzig_summer)) == "2026-06-30T22:30:00Z"


def test_a_naive_moment_is_taken_as_utc_like_the_database_stores_it():
    assert html_datetime(datetime(2026, 1, 2, 3, 4, 5, 6)) == "2026-01-02T03:04:05Z"


def test_a_date_stays_a_date_and_nothing_is_empty():
    assert html_datetime(date(2026, 5, 1)) == "2026-05-01"
    assert html_datetime(None) == ""


def test_the_filter_is_there_for_templates(app):
    with app.test_request_context():
        rendered = app.jinja_env.from_string('<time datetime="{{ moment | html_datetime }}">').render(
            moment=datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
        )
    assert rendered == '<time datetime="2026-03-04T05:06:07Z">'
