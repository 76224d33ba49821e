"""Email templates through the API: admins only, merge fields checked against the module's records on save,
nothing but text and merge fields, rendered without escaping and without reaching past the named fields."""

from decimal import Decimal

from django.db import connection

from saas.crm import services as crm
from saas.mailing import merge
from saas.mailing.models import EmailTemplate
from saas.sales.models import Invoice
from tests.access.conftest import staff
from tests.conftest import messages

SAVE = """mutation($input: EmailTemplateInput!) { emailTemplateSave(input: $input) {
  __typename ... on EmailTemplate { id name subject body }
  ... on OperationInfo { messages { field code message } } } }"""
LIST = """query($module: String) { emailTemplates(module: $module) { name module } }"""
DELETE = """mutation($id: ID!) { emailTemplateDelete(id: $id) {
  __typename ... on Removed { ok } ... on OperationInfo { messages { field code } } } }"""


def save(api, **template):
    return api.execute(SAVE, {"input": template})["data"]["emailTemplateSave"]


def test_a_template_naming_an_unknown_merge_field_is_refused_with_the_field_named(acme_admin_api, acme):
    # when
    refused = save(acme_admin_api, module="invoices", name="Reminder", subject="Invoice {{ record.number }}",
                   body="Dear {{ account.nmae }}, {{ invoice.total_ttc }} is due.")
    # then
    assert messages(refused) == {"body": "merge_field_unknown"}
    assert "account.nmae, invoice.total_ttc" in refused["messages"][0]["message"]
    connection.set_schema("acme")
    assert not EmailTemplate.objects.exists()


def test_fields_of_the_record_and_of_its_linked_records_are_known(acme_admin_api):
    saved = save(acme_admin_api, module="invoices", name="Reminder", subject="Invoice {{ record.number }}",
                 body="Dear {{ account.name }} ({{ invoice.account.billing_city|default:'-' }}),\n"
                      "{{ invoice.total_incl_vat }} due on {{ invoice.due_date|date:'d/m/Y' }}. {{ company.name }}")
    assert saved["__typename"] == "EmailTemplate", saved
    listed = acme_admin_api.execute(LIST, {"module": "invoices"})["data"]["emailTemplates"]
    assert listed == [{"name": "Reminder", "module": "invoices"}]
    assert acme_admin_api.execute(LIST, {"module": "accounts"})["data"]["emailTemplates"] == []
    fields = acme_admin_api.execute('{ emailMergeFields(module: "invoices") }')["data"]["emailMergeFields"]
    assert {"invoice.total_incl_vat", "account.name", "company.name"} <= set(fields)
    assert not any(field.startswith(("created_by", "owner_user")) for field in fields)


def test_template_tags_unknown_filters_and_users_behind_links_are_refused(acme_admin_api):
    for body, code in [("{% if record.number %}x{% endif %}", "template_invalid"),
                       ("{% load static %}", "template_invalid"),
                       ("{{ account.name|safe }}", "template_invalid"),
                       ("{{ account._meta }}", "template_invalid"),
                       ("{{ record.created_by.password }}", "merge_field_unknown"),
                       ("{{ record.ref.display_name }}", "merge_field_unknown"),
                       ("{{ account.name|default:record.secret }}", "merge_field_unknown")]:
        refused = save(acme_admin_api, module="accounts", name="Bad", subject="Hello", body=body)
        assert messages(refused) == {"body": code}, body
    assert messages(save(acme_admin_api, module="nope", name="Bad", subject="x", body="x")) == {
        "module": "module_unknown"}
    assert messages(save(acme_admin_api, module="accounts", name=" ", subject="x", body="x")) == {
        "name": "name_required"}
    assert messages(save(acme_admin_api, module="accounts", name="Bad", subject="{{ account.nope }}", body="x")) == {
        "subject": "merge_field_unknown"}


def test_templates_are_changed_by_admins_and_read_by_every_member(acme_admin_api, acme):
    _user, api = staff("writer@acme.example.com", "Sales")
    result = api.execute(SAVE, {"input": {"module": "accounts", "name": "x", "subject": "x", "body": "x"}})
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    saved = save(acme_admin_api, module="accounts", name="Hello", subject="Hi", body="Hello {{ account.name }}")
    assert api.execute(LIST)["data"]["emailTemplates"] == [{"name": "Hello", "module": "accounts"}]
    assert api.execute(DELETE, {"id": saved["id"]})["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert acme_admin_api.execute(DELETE, {"id": saved["id"]})["data"]["emailTemplateDelete"] == {
        "__typename": "Removed", "ok": True}
    assert acme_admin_api.execute(LIST)["data"]["emailTemplates"] == []


def test_rendering_merges_values_unescaped_and_empty_links_give_nothing(acme, acme_admin, customer):
    connection.set_schema("acme")
    account = crm.account_create(actor=acme_admin, fields={"name": "Smith & Sons <Ltd>", "industry": "Retail"})
    invoice = Invoice(account=account, total_incl_vat=Decimal("1234.50"))
    text = "{{ account.name }} / {{ invoice.total_incl_vat }} / [{{ contact.email }}] / {{ record.account }}"
    assert merge.render(invoice, text) == "Smith & Sons <Ltd> / 1234.50 / [] / Smith & Sons <Ltd>"
    assert merge.render(account, "{{ account.industry|upper }}") == "RETAIL"
