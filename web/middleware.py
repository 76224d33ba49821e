"""Each request of a logged-in person runs in their language and time zone.

They are put in the session at login and when the person saves their preferences (both read them from the
API), so a page pays no extra query for them.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone, translation

SESSION_KEY = "preferences"


def preferences_remember(request, user: dict) -> None:
    """Keep the API's `User { language timeZone }` in the session, for the requests to come."""
    request.session[SESSION_KEY] = {"language": user["language"], "time_zone": user["timeZone"]}


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        preferences = session.get(SESSION_KEY) if session is not None else None
        if not preferences:
            return self.get_response(request)
        # The language cookie (set from the same preference, changed by the menu's language switch) wins:
        # LocaleMiddleware already activated it. Without it, the saved language applies.
        language = preferences.get("language")
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        try:
            timezone.activate(ZoneInfo(preferences.get("time_zone") or settings.TIME_ZONE))
        except (ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
