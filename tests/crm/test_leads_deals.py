import pytest
from django.db import connection
from django_tenants.utils import schema_context

from saas.crm.models import Account, Contact, Deal, Lead
from tests.conftest import messages
from tests.helpers import gid

LEAD = """mutation($input: LeadInput!) { leadCreate(input: $input) { __typename
  ... on Lead { id number status leadSource displayName } ... on OperationInfo { messages { field code } } } }"""
CONVERT = """mutation($id: ID!, $account: ID, $deal: Boolean!, $dealInput: DealInput) {
  leadConvert(id: $id, accountId: $account, createDeal: $deal, deal: $dealInput) { __typename
    ... on Lead { status convertedAt convertedAccount { id name billingCity phone }
                  convertedContact { firstName lastName email account { name } }
                  convertedDeal { name amount stage account { name } } }
    ... on OperationInfo { messages { field code } } } }"""


def new_lead(api, **fields):
    payload = api.execute(LEAD, {"input": {"firstName": "Ada", "lastName": "Lovelace", "company": "Analytical Ltd",
                                           "email": "ada@analytical.example", "city": "London", "phone": "0102",
                                           "leadSource": "TRADE_SHOW", **fields}})["data"]["leadCreate"]
    assert payload["__typename"] == "Lead", payload
    return payload


@pytest.mark.smoke
def test_lead_conversion_creates_account_contact_deal_following_the_mapping(acme_admin_api):
    lead = new_lead(acme_admin_api)
    assert (lead["status"], lead["leadSource"]) == ("NEW", "TRADE_SHOW")
    acme_admin_api.execute('mutation($id: ID!) { commentAdd(recordId: $id, body: "met at the fair") { __typename } }',
                           {"id": lead["id"]})
    acme_admin_api.execute('mutation($id: ID!) { activityCreate(input: {subject: "Send brochure", recordIds: [$id]}) '
                           '{ __typename } }', {"id": lead["id"]})
    connection.set_schema("acme")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from saas.records.services.documents import document_upload
    from tenants.models import User

    document_upload(actor=User.objects.get(email="admin@acme.example.com"), records=[Lead.objects.get()],
                    upload=SimpleUploadedFile("card.txt", b"business card", content_type="text/plain"))
    connection.set_schema_to_public()
    result = acme_admin_api.execute(CONVERT, {"id": lead["id"], "deal": True,
                                              "dealInput": {"name": "Engines", "amount": "15000"}})
    converted = result["data"]["leadConvert"]
    assert converted["status"] == "CONVERTED" and converted["convertedAt"]
    account = converted["convertedAccount"]
    assert (account["name"], account["billingCity"], account["phone"]) == ("Analytical Ltd", "London", "0102")
    assert converted["convertedContact"] == {"firstName": "Ada", "lastName": "Lovelace",
                                             "email": "ada@analytical.example", "account": {"name": "Analytical Ltd"}}
    assert converted["convertedDeal"] == {"name": "Engines", "amount": "15000", "stage": "PROSPECTING",
                                          "account": {"name": "Analytical Ltd"}}
    # the lead's comment rolls up on the account, its activity is linked there too
    page = acme_admin_api.execute("""query($id: ID!) { node(id: $id) { ... on Account {
        comments(rollUp: true) { edges { node { body record { __typename } } } } activities { totalCount }
        documents { edges { node { fileName } } }
        relatedTabs { key count } } } }""", {"id": account["id"]})["data"]["node"]
    assert page["comments"]["edges"] == [{"node": {"body": "met at the fair", "record": {"__typename": "Lead"}}}]
    assert page["activities"]["totalCount"] == 1
    assert page["documents"]["edges"] == [{"node": {"fileName": "card.txt"}}]
    assert {t["key"]: t["count"] for t in page["relatedTabs"]}["leads"] == 1
    # converting twice is refused
    again = acme_admin_api.execute(CONVERT, {"id": lead["id"], "deal": False})
    assert messages(again["data"]["leadConvert"]) == {None: "lead_not_convertible"}


def test_conversion_can_link_an_existing_account_and_follows_an_edited_mapping(acme_admin_api, acme_admin):
    connection.set_schema("acme")
    from saas.crm import services

    existing = services.account_create(actor=acme_admin, fields={"name": "Existing"})
    connection.set_schema_to_public()
    edit = acme_admin_api.execute('mutation { leadConversionRuleSet(target: "contact", targetField: "job_title", '
                                  'leadField: "company") { ... on LeadConversionMapping { '
                                  'rules { leadField targetField } } } }')
    assert {"leadField": "company", "targetField": "job_title"} in edit["data"]["leadConversionRuleSet"]["rules"]
    lead = new_lead(acme_admin_api)

    result = acme_admin_api.execute(CONVERT, {"id": lead["id"], "deal": False,
                                              "account": gid(existing, "Account")})
    assert result["data"]["leadConvert"]["convertedAccount"]["name"] == "Existing"
    with schema_context("acme"):
        assert Account.objects.count() == 1
        assert Contact.objects.get().job_title == "Analytical Ltd"


def test_lost_lead_cannot_be_converted_and_nothing_is_written(acme_admin_api):
    lead = new_lead(acme_admin_api)
    lost = acme_admin_api.execute('mutation($id: ID!) { leadSetStatus(id: $id, status: LOST) { ... on Lead { status } '
                                  '} }', {"id": lead["id"]})
    assert lost["data"]["leadSetStatus"]["status"] == "LOST"
    refused = acme_admin_api.execute(CONVERT, {"id": lead["id"], "deal": True})
    assert messages(refused["data"]["leadConvert"]) == {None: "lead_not_convertible"}
    with schema_context("acme"):
        assert (Account.objects.count(), Contact.objects.count(), Deal.objects.count()) == (0, 0, 0)


def test_lead_status_follows_its_pipeline(acme_admin_api):
    lead = new_lead(acme_admin_api)
    query = 'mutation($id: ID!, $s: LeadStatus!) { leadSetStatus(id: $id, status: $s) { __typename ' \
            '... on Lead { status } ... on OperationInfo { messages { field code } } } }'
    assert acme_admin_api.execute(query, {"id": lead["id"], "s": "QUALIFIED"})["data"]["leadSetStatus"]["status"] \
        == "QUALIFIED"
    refused = acme_admin_api.execute(query, {"id": lead["id"], "s": "CONVERTED"})
    assert messages(refused["data"]["leadSetStatus"]) == {"status": "transition"}
    with schema_context("acme"):
        assert Lead.objects.get().status == "qualified"


def test_deal_pipeline_moves_and_weighted_totals(acme_admin_api, acme_admin):
    connection.set_schema("acme")
    from saas.crm import services

    account = services.account_create(actor=acme_admin, fields={"name": "Buyer"})
    connection.set_schema_to_public()

    account_id = gid(account, "Account")
    create = 'mutation($input: DealInput!) { dealCreate(input: $input) { __typename ... on Deal { id stage } ' \
             '... on OperationInfo { messages { field code } } } }'
    big = acme_admin_api.execute(create, {"input": {"name": "Big", "accountId": account_id, "amount": "10000",
                                                    "probability": 40}})["data"]["dealCreate"]
    acme_admin_api.execute(create, {"input": {"name": "Small", "accountId": account_id, "amount": "1000",
                                              "probability": 50}})
    bad = acme_admin_api.execute(create, {"input": {"name": "Bad", "accountId": account_id, "amount": "-1",
                                                    "probability": 120}})
    assert messages(bad["data"]["dealCreate"]) == {"amount": "negative_amount", "probability": "probability_range"}
    move = 'mutation($id: ID!, $s: DealStage!) { dealMove(id: $id, stage: $s) { __typename ... on Deal { stage ' \
           'probability } ... on OperationInfo { messages { field code } } } }'
    skipped = acme_admin_api.execute(move, {"id": big["id"], "s": "WON"})
    assert messages(skipped["data"]["dealMove"]) == {"stage": "transition"}
    acme_admin_api.execute(move, {"id": big["id"], "s": "PROPOSAL"})
    won = acme_admin_api.execute(move, {"id": big["id"], "s": "WON"})["data"]["dealMove"]
    assert won == {"__typename": "Deal", "stage": "WON", "probability": 100}
    pipeline = acme_admin_api.execute("{ dealPipeline { stage count amount weightedAmount } }")["data"]["dealPipeline"]
    by_stage = {row["stage"]: row for row in pipeline}
    assert by_stage["PROSPECTING"] == {"stage": "PROSPECTING", "count": 1, "amount": "1000.00",
                                       "weightedAmount": "500.00"}
    assert by_stage["WON"]["weightedAmount"] == "10000.00"
    tabs = acme_admin_api.execute('query($id: ID!) { node(id: $id) { ... on Account { deals { totalCount } } } }',
                                  {"id": account_id})
    assert tabs["data"]["node"]["deals"]["totalCount"] == 2
