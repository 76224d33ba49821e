"""The settings pages of automation: the event log (with its filters) and the planner, for admins only."""

from tests.access.conftest import staff
from tests.conftest import LOGIN, PASSWORD, GraphQLClient
from tests.web.conftest import host_client


def test_the_event_log_page_lists_and_filters_events(acme, member):
    GraphQLClient(acme.host).execute(LOGIN, {"email": "intruder@example.com", "password": "guess"})
    every = member.get("/settings/event-log/").content.decode()
    assert "Failed login as intruder@example.com" in every and "Login of admin@acme.example.com" in every
    logins = member.get("/settings/event-log/", {"kind": "LOGIN"}).content.decode()
    assert "intruder@example.com" not in logins and "Login of admin@acme.example.com" in logins
    assert "No event matches." in member.get("/settings/event-log/", {"from": "2000-01-01", "to": "2000-01-31"}
                                             ).content.decode()


def test_the_planner_page_shows_the_planned_jobs(member):
    html = member.get("/settings/planner/").content.decode()
    assert "Recurring invoices and expired quotes" in html and "0 6 * * *" in html


def test_automation_pages_are_for_admins(acme):
    staff("plain@acme.example.com", "Sales")
    plain = host_client(acme.host)
    plain.post("/login/", {"email": "plain@acme.example.com", "password": PASSWORD})
    assert plain.get("/settings/event-log/").status_code == 403
    assert plain.get("/settings/planner/").status_code == 403
