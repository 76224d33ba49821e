"""My preferences in the web app: language, time zone and name saved on my identity, applied to every page."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import formats

from tests.conftest import PASSWORD

ME = "{ me { user { language timeZone fullName } } }"


def test_preferences_page_shows_my_saved_values(member):
    html = member.get("/preferences/").content.decode()
    assert 'name="timeZone" value="Europe/Paris"' in html
    assert '<option value="en" selected>English</option>' in html


def test_saving_preferences_stores_them_and_the_pages_follow(member, acme_admin_api):
    response = member.post("/preferences/", {"language": "fr", "timeZone": "Asia/Tokyo", "fullName": "Ada"})
    assert response.status_code == 302
    assert acme_admin_api.execute(ME)["data"]["me"]["user"] == {
        "language": "fr", "timeZone": "Asia/Tokyo", "fullName": "Ada"}
    html = member.get("/accounts/").content.decode()
    assert '<html lang="fr">' in html


def test_an_unknown_time_zone_is_explained_and_what_was_typed_stays(member, acme_admin_api):
    response = member.post("/preferences/", {"language": "en", "timeZone": "Mars/Olympus", "fullName": "Ada"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="timeZone" value="Mars/Olympus"' in html and 'aria-invalid="true"' in html
    assert "Unknown time zone" in html
    assert 'value="Ada"' in html
    assert acme_admin_api.execute(ME)["data"]["me"]["user"]["timeZone"] == "Europe/Paris"


def test_times_are_shown_in_my_time_zone(member, acme_admin_api):
    created = acme_admin_api.execute('mutation { apiTokenCreate(name: "clock") { ... on ApiTokenCreated { '
                                     'token { createdAt } } } }')["data"]["apiTokenCreate"]["token"]["createdAt"]
    at = dt.datetime.fromisoformat(created)
    for zone in ("Pacific/Kiritimati", "America/Adak"):
        member.post("/preferences/", {"language": "en", "timeZone": zone, "fullName": ""})
        html = member.get("/settings/api-tokens/").content.decode()
        assert formats.date_format(at.astimezone(ZoneInfo(zone)), "SHORT_DATETIME_FORMAT") in html, zone


def test_logging_in_brings_my_saved_preferences(visitor, acme, acme_admin_api):
    acme_admin_api.execute('mutation { meUpdate(input: {language: "fr", timeZone: "Asia/Tokyo"}) { __typename } }')
    visitor.post("/login/", {"email": acme.admin_email, "password": PASSWORD})
    assert visitor.session["preferences"] == {"language": "fr", "time_zone": "Asia/Tokyo"}
    assert visitor.cookies["django_language"].value == "fr"
