"""The tenant's SMTP settings: the password encrypted at rest and never returned, a test send that says why it
failed, and the platform's mail backend when the tenant has no server of its own."""

import pytest
from django.db import connection

from saas.mailing import crypto
from saas.mailing.models import SmtpSettings
from tests.access.conftest import staff
from tests.conftest import messages
from tests.mailing.conftest import SMTP_PASSWORD, SMTP_USER

SAVE = """mutation($input: SmtpSettingsInput!) { smtpSettingsSave(input: $input) {
  __typename ... on SmtpSettings { host port username security fromAddress passwordSet }
  ... on OperationInfo { messages { field code } } } }"""
SETTINGS = "{ smtpSettings { host passwordSet } }"
TEST = """mutation($to: String!) { smtpTest(to: $to) {
  __typename ... on SmtpTestSent { to } ... on OperationInfo { messages { field code message } } } }"""
SMTP_FIELDS = '{ __type(name: "SmtpSettings") { fields { name } } }'


def smtp_save(api, server_address, **changes):
    host, port = server_address
    values = {"host": host, "port": port, "username": SMTP_USER, "password": SMTP_PASSWORD, "security": "NONE",
              "fromAddress": "billing@acme.example.com", **changes}
    return api.execute(SAVE, {"input": values})["data"]["smtpSettingsSave"]


def test_the_password_is_stored_encrypted_and_never_returned(acme_admin_api, acme, smtp_server):
    # when
    saved = smtp_save(acme_admin_api, smtp_server.server_address)
    # then
    assert saved["passwordSet"] is True and saved["security"] == "NONE"
    connection.set_schema("acme")
    stored = SmtpSettings.objects.get()
    assert SMTP_PASSWORD not in stored.password_encrypted
    assert crypto.decrypt(stored.password_encrypted) == SMTP_PASSWORD
    connection.set_schema_to_public()
    fields = {f["name"] for f in acme_admin_api.execute(SMTP_FIELDS)["data"]["__type"]["fields"]}
    assert "passwordSet" in fields and not any("password" in name.lower() for name in fields - {"passwordSet"})
    # when: saved again without a password, then with an empty one
    values = {"host": "smtp.example.com", "fromAddress": "billing@acme.example.com"}
    kept = acme_admin_api.execute(SAVE, {"input": values})["data"]["smtpSettingsSave"]
    cleared = acme_admin_api.execute(SAVE, {"input": {**values, "password": ""}})["data"]["smtpSettingsSave"]
    # then
    assert (kept["host"], kept["passwordSet"], cleared["passwordSet"]) == ("smtp.example.com", True, False)
    connection.set_schema("acme")
    assert SmtpSettings.objects.count() == 1


def test_a_password_survives_a_secret_key_rotation_through_the_fallbacks(settings):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "the-old-key", []
    token = crypto.encrypt(SMTP_PASSWORD)
    settings.SECRET_KEY = "the-new-key"
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)
    settings.SECRET_KEY_FALLBACKS = ["the-old-key"]
    assert crypto.decrypt(token) == SMTP_PASSWORD


def test_forgetting_the_settings_goes_back_to_the_platform_backend(acme_admin_api, smtp_server, mailoutbox):
    smtp_save(acme_admin_api, smtp_server.server_address)
    removed = acme_admin_api.execute("mutation { smtpSettingsDelete { ... on Removed { ok } } }")
    assert removed["data"]["smtpSettingsDelete"] == {"ok": True}
    assert acme_admin_api.execute(SETTINGS)["data"]["smtpSettings"] is None
    acme_admin_api.execute(TEST, {"to": "me@acme.example.com"})
    assert (len(mailoutbox), smtp_server.received) == (1, [])


def test_bad_settings_are_refused(acme_admin_api, smtp_server):
    assert messages(smtp_save(acme_admin_api, smtp_server.server_address, fromAddress="not an address")) == {
        "fromAddress": "address_invalid"}
    assert messages(smtp_save(acme_admin_api, ("", 25))) == {"host": "smtp_invalid"}
    assert messages(smtp_save(acme_admin_api, ("smtp.example.com", 70000))) == {"port": "smtp_invalid"}
    assert acme_admin_api.execute(SETTINGS)["data"]["smtpSettings"] is None


def test_a_test_email_goes_through_the_tenant_server(acme_admin_api, smtp_server):
    smtp_save(acme_admin_api, smtp_server.server_address)
    sent = acme_admin_api.execute(TEST, {"to": "me@acme.example.com"})["data"]["smtpTest"]
    assert sent == {"__typename": "SmtpTestSent", "to": "me@acme.example.com"}
    [message] = smtp_server.received
    assert "From: billing@acme.example.com" in message and "To: me@acme.example.com" in message


def test_a_failed_test_says_whether_the_server_was_unreachable_or_the_password_wrong(acme_admin_api, smtp_server,
                                                                                     closed_port):
    smtp_save(acme_admin_api, smtp_server.server_address, password="wrong")
    refused = acme_admin_api.execute(TEST, {"to": "me@acme.example.com"})["data"]["smtpTest"]
    assert messages(refused) == {None: "smtp_auth_failed"}
    assert "535" in refused["messages"][0]["message"]
    smtp_save(acme_admin_api, ("127.0.0.1", closed_port))
    refused = acme_admin_api.execute(TEST, {"to": "me@acme.example.com"})["data"]["smtpTest"]
    assert messages(refused) == {None: "smtp_connection_failed"}
    assert f"127.0.0.1:{closed_port}" in refused["messages"][0]["message"]
    assert smtp_server.received == []


def test_without_settings_the_platform_backend_sends(acme_admin_api, mailoutbox):
    assert acme_admin_api.execute(SETTINGS)["data"]["smtpSettings"] is None
    sent = acme_admin_api.execute(TEST, {"to": "me@acme.example.com"})["data"]["smtpTest"]
    assert sent["__typename"] == "SmtpTestSent"
    assert [message.to for message in mailoutbox] == [["me@acme.example.com"]]


def test_smtp_settings_are_for_admins_only(acme):
    _user, api = staff("nosy@acme.example.com", "Sales")
    assert api.execute(SETTINGS)["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api.execute(TEST, {"to": "me@acme.example.com"})["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    result = api.execute(SAVE, {"input": {"host": "smtp.example.com", "fromAddress": "x@acme.example.com"}})
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_server_at_a_local_private_or_reserved_address_is_refused_and_nothing_is_written(acme_admin_api, dns):
    # given: settings naming a public server
    dns["smtp.acme.example.com"] = ["93.184.215.14"]
    dns["smtp.internal.example.com"] = ["10.0.0.25"]
    dns["mail6.internal.example.com"] = ["2606:4700:4700::1111", "fd00::25"]
    assert smtp_save(acme_admin_api, ("smtp.acme.example.com", 587))["__typename"] == "SmtpSettings"
    # when / then: a name resolving to a refused address (one among others too), or such an address itself
    for host in ("smtp.internal.example.com", "mail6.internal.example.com", "127.0.0.1", "169.254.169.254",
                 "::1", "[::ffff:10.0.0.1]", "0.0.0.0"):
        assert messages(smtp_save(acme_admin_api, (host, 25))) == {"host": "address_not_allowed"}, host
    assert acme_admin_api.execute(SETTINGS)["data"]["smtpSettings"]["host"] == "smtp.acme.example.com"


def test_the_test_send_checks_the_address_again_and_connects_to_nothing(acme_admin_api, dns, connects):
    # given: a server whose name resolved to a public address when saved, and now to the metadata service
    dns["smtp.acme.example.com"] = ["93.184.215.14"]
    smtp_save(acme_admin_api, ("smtp.acme.example.com", 587))
    dns["smtp.acme.example.com"] = ["169.254.169.254"]
    # when
    refused = acme_admin_api.execute(TEST, {"to": "me@acme.example.com"})["data"]["smtpTest"]
    # then
    assert messages(refused) == {None: "address_not_allowed"}
    assert connects == []


def test_a_closed_port_and_a_port_that_never_answers_fail_the_same_way(acme_admin_api, closed_port, silent_port):
    # given: one port refuses connections, the other takes them and stays silent (SMTP_TIMEOUT is short)
    answers = []
    for port in (closed_port, silent_port):
        assert smtp_save(acme_admin_api, ("127.0.0.1", port))["__typename"] == "SmtpSettings"
        # when
        refused = acme_admin_api.execute(TEST, {"to": "me@acme.example.com"})["data"]["smtpTest"]
        # then
        answers.append((messages(refused), refused["messages"][0]["message"].replace(str(port), "<port>")))
    assert answers[0] == answers[1] == ({None: "smtp_connection_failed"},
                                        "Could not reach the mail server 127.0.0.1:<port>.")
