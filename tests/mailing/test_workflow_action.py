"""The workflow action "send an email from a template": checked on save, sent with source `workflow`."""

from django.db import connection

from saas.mailing.enums import EmailStatus
from saas.mailing.models import SentEmail
from saas.records.enums import RecordSource
from tests.conftest import messages
from tests.mailing.test_templates import save as template_save

WORKFLOW_SAVE = """mutation($input: WorkflowInput!) { workflowSave(input: $input) {
  __typename ... on Workflow { id actions } ... on OperationInfo { messages { field code } } } }"""
ACCOUNT_CREATE = """mutation($name: String!, $email: String!) {
  accountCreate(input: {name: $name, email: $email}) { ... on Account { id } } }"""


def workflow_save(api, action: dict):
    workflow = {"module": "accounts", "name": "Welcome", "trigger": "ON_CREATE",
                "actions": [{"kind": "send_email", **action}]}
    return api.execute(WORKFLOW_SAVE, {"input": workflow})["data"]["workflowSave"]


def test_an_unknown_template_or_recipient_field_is_refused_on_save(acme_admin_api, acme):
    contacts_template = template_save(acme_admin_api, module="contacts", name="Hi", subject="Hi",
                                      body="Hi {{ contact.first_name }}")["id"]
    accounts_template = template_save(acme_admin_api, module="accounts", name="Hi", subject="Hi",
                                      body="Hi {{ account.name }}")["id"]
    cases = [({"templateId": "RW1haWxUZW1wbGF0ZTphY21lLjk5OTk=", "toField": "email"}, "actions.0.templateId",
              "template_unknown"),
             ({"templateId": contacts_template, "toField": "email"}, "actions.0.templateId", "template_unknown"),
             ({"toField": "email"}, "actions.0.templateId", "template_unknown"),
             ({"templateId": accounts_template, "toField": "name"}, "actions.0.toField", "field_unknown"),
             ({"templateId": accounts_template, "toField": "owner_user.email"}, "actions.0.toField", "field_unknown"),
             ({"templateId": accounts_template, "to": "nobody"}, "actions.0.to", "value_invalid"),
             ({"templateId": accounts_template}, "actions.0.to", "action_invalid")]
    for action, field, code in cases:
        assert messages(workflow_save(acme_admin_api, action)) == {field: code}, action
    saved = workflow_save(acme_admin_api, {"templateId": accounts_template, "toField": "email"})
    assert saved["__typename"] == "Workflow", saved
    assert saved["actions"][0]["to_field"] == "email"


def test_a_workflow_emails_the_new_record_with_source_workflow(acme_admin_api, acme, jobs, mailoutbox,
                                                               django_capture_on_commit_callbacks):
    # given
    template_id = template_save(acme_admin_api, module="accounts", name="Welcome", subject="Welcome {{ account.name }}",
                                body="Hello {{ account.name }}")["id"]
    assert workflow_save(acme_admin_api, {"templateId": template_id, "toField": "email"})["__typename"] == "Workflow"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        acme_admin_api.execute(ACCOUNT_CREATE, {"name": "Initech", "email": "desk@initech.example.com"})
        acme_admin_api.execute(ACCOUNT_CREATE, {"name": "No Mail", "email": ""})
    jobs()
    # then: the account with an address is emailed, the other is not
    assert [(m.to, m.subject) for m in mailoutbox] == [(["desk@initech.example.com"], "Welcome Initech")]
    connection.set_schema("acme")
    email = SentEmail.objects.get()
    assert (email.status, email.source) == (EmailStatus.SENT, RecordSource.WORKFLOW)
