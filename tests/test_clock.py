"""`--today` / TEST_TODAY (tests/conftest.py): the moment the session's clock is moved to."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from tests.conftest import moved_clock

PARIS = ZoneInfo("Europe/Paris")


def test_a_day_is_taken_at_noon_in_the_time_zone():
    assert moved_clock("2028-02-29") == dt.datetime(2028, 2, 29, 12, tzinfo=PARIS)


def test_a_time_is_kept_and_may_fall_on_another_day_in_utc():
    moment = moved_clock("2028-01-01T00:30")
    assert moment == dt.datetime(2028, 1, 1, 0, 30, tzinfo=PARIS)
    assert moment.astimezone(dt.UTC).date() == dt.date(2027, 12, 31)
    assert moved_clock("2028-01-01T00:30+00:00") == dt.datetime(2028, 1, 1, 0, 30, tzinfo=dt.UTC)


def test_the_session_runs_on_the_moved_day(request):
    # under make test-dates, the clock did move; without --today, Python's local day is TIME_ZONE's (Django sets TZ)
    today = request.config.getoption("--today")
    expected = moved_clock(today).date() if today else dt.date.today()
    assert timezone.localdate() == expected
