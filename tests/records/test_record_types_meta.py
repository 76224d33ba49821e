"""`recordTypes`: every record type as its declaration and its model describe it, labelled in the request's
language from the models' verbose names and choices."""

RECORD_TYPES = """{ recordTypes { key graphqlType label labelPlural addLabel area areaLabel navOrder path listSort
  searchable quickCreateFields formFields listFilters { name path label choices { value label tone } }
  fields { name graphqlName label kind required editable createOnly linkModule linkType choices { value label tone } }
  listColumns { name path label kind sort shown choices { value label tone } }
  formBlocks { key label fields } } }"""


def by_key(api, **headers) -> dict:
    result = api.execute(RECORD_TYPES, **headers)
    assert "errors" not in result, result
    return {record_type["key"]: record_type for record_type in result["data"]["recordTypes"]}


def fields(record_type: dict) -> dict:
    return {field["name"]: field for field in record_type["fields"]}


def test_record_types_describe_fields_lists_and_forms_from_the_declaration(acme_admin_api):
    types = by_key(acme_admin_api)
    accounts, invoices, deals = types["accounts"], types["invoices"], types["deals"]
    assert (accounts["label"], accounts["labelPlural"], accounts["addLabel"]) == ("Account", "Accounts", "Add account")
    assert (accounts["areaLabel"], invoices["areaLabel"]) == ("CRM", "Sales")
    assert accounts["navOrder"] < deals["navOrder"] < invoices["navOrder"]
    assert types["sales_orders"]["path"] == "orders" and types["credit_notes"]["path"] == "credit-notes"
    # kinds from the model's fields
    account_fields = fields(accounts)
    assert account_fields["billing_city"] == {
        "name": "billing_city", "graphqlName": "billingCity", "label": "Billing city", "kind": "TEXT",
        "required": False, "editable": True, "createOnly": False, "linkModule": None, "linkType": None,
        "choices": []}
    assert account_fields["name"]["required"] and account_fields["email"]["kind"] == "EMAIL"
    assert (account_fields["parent"]["kind"], account_fields["parent"]["linkModule"]) == ("LINK", "accounts")
    assert fields(types["products"])["vat_rate"]["linkType"] == "VatRate"
    assert fields(deals)["amount"]["kind"] == "MONEY" and fields(deals)["expected_close_date"]["kind"] == "DATE"
    status = {choice["value"]: choice for choice in fields(invoices)["status"]["choices"]}
    assert status["ISSUED"] == {"value": "ISSUED", "label": "Issued", "tone": "good"}
    assert status["DRAFT"]["tone"] == "neutral"
    # the list: the title first, sorts only where the type's ordering offers them, the engine's columns offered
    columns = {column["path"]: column for column in invoices["listColumns"]}
    assert invoices["listColumns"][0]["path"] == "displayName" and columns["displayName"]["sort"] == "number"
    assert (columns["account.name"]["kind"], columns["account.name"]["label"]) == ("LINK", "Account")
    assert columns["dueDate"]["sort"] is None
    assert columns["paymentStatus"]["choices"][0] == {"value": "UNPAID", "label": "Unpaid", "tone": "bad"}
    assert (columns["owner"]["shown"], columns["createdAt"]["sort"]) == (False, "createdAt")
    assert invoices["listSort"] == "-createdAt" and "account.name" in invoices["searchable"]
    # filters: the declared choice fields the type's filter input compares with `exact`
    assert [f["path"] for f in invoices["listFilters"]] == ["status", "paymentStatus"]
    assert {c["value"] for c in invoices["listFilters"][1]["choices"]} >= {"UNPAID", "PAID", "OVERDUE"}
    # forms: the blocks' editable fields, or what the type declares; never a pipeline's status
    assert "stage" not in deals["formFields"] and "expected_close_date" in deals["formFields"]
    assert invoices["formFields"] == ["account", "contact", "notes"] and fields(invoices)["account"]["createOnly"]
    assert [block["key"] for block in accounts["formBlocks"]][:2] == ["identity", "contact"]


def test_record_types_speak_the_request_language(acme_admin_api):
    types = by_key(acme_admin_api, HTTP_ACCEPT_LANGUAGE="fr")
    accounts, payments = types["accounts"], types["payments"]
    assert (accounts["labelPlural"], accounts["addLabel"], types["invoices"]["areaLabel"]) == (
        "Comptes", "Ajouter un compte", "Ventes")
    assert fields(accounts)["billing_city"]["label"] == "Ville de facturation"
    assert {c["value"]: c["label"] for c in fields(payments)["method"]["choices"]}["TRANSFER"] == "Virement"
    assert {c["path"]: c["label"] for c in types["invoices"]["listColumns"]}["dueDate"] == "Date d'échéance"
    assert [block["label"] for block in accounts["formBlocks"]][2] == "Adresse de facturation"
