"""What the fields' declarations (module right, admin, any member) enforce, for tokens and restricted members;
each refusal is coded and leaves nothing written (re-read after)."""

from django_tenants.utils import schema_context
from strawberry.relay import to_base64

from saas.access.models import ApiToken, ModuleDefault, Role
from saas.catalog.models import PriceList
from saas.companies.models import Company
from saas.records.models import Document
from saas.sales.models import Invoice, PaymentAllocation
from saas.sepa.models import SepaMandate
from tests.access.helpers import ACCOUNTS, account_create, names, set_default
from tests.accounting.test_fec import EXPORT, SIREN, exported, set_siren, year_id
from tests.accounting.test_posting import domain_example
from tests.conftest import GraphQLClient, messages
from tests.helpers import gid, pk_of
from tests.sales.test_invoices import LINE, draft, issued_invoice
from tests.sales.test_payments import PAY
from tests.sepa.test_sepa import MANDATE_REVOKE, mandate_create

TOKEN_CREATE = """mutation($name: String!, $scopes: [String!], $userId: ID) {
  apiTokenCreate(name: $name, scopes: $scopes, userId: $userId) {
    __typename ... on ApiTokenCreated { secret token { scopes user { email } } }
    ... on OperationInfo { messages { field code } } } }"""
PRICE_LIST_CREATE = """mutation { priceListCreate(name: "Sneaky") { __typename
  ... on OperationInfo { messages { field code } } } }"""
PRICE_RULE_ADD = """mutation($list: ID!) { priceRuleAdd(priceListId: $list, input: {kind: "discount", value: "90"}) {
  __typename ... on PriceList { rules { kind } } ... on OperationInfo { messages { field code } } } }"""


def token(api, scopes, user_id=None) -> dict:
    return api.execute(TOKEN_CREATE, {"name": "t", "scopes": scopes, "userId": user_id})["data"]["apiTokenCreate"]


def code(result: dict) -> str | None:
    """The refusal of a single-field operation: the GraphQL error's code, or the payload's message code."""
    if result.get("errors"):
        return result["errors"][0]["extensions"]["code"]
    (payload,) = result["data"].values()
    return next(iter(messages(payload).values())) if payload.get("__typename") == "OperationInfo" else None


def test_a_crm_read_token_of_an_admin_reads_crm_and_changes_nothing_else(acme, acme_admin_api, acme_admin):
    account_create(acme_admin_api, name="Readable Corp")
    integrator = GraphQLClient(acme.host, token=token(acme_admin_api, ["crm:read"])["secret"])
    with schema_context("acme"):
        before = (ApiToken.objects.count(), Role.objects.count(), ModuleDefault.objects.count(),
                  PriceList.objects.count(), Company.objects.get(is_default=True).name)
    assert "Readable Corp" in names(integrator.execute(ACCOUNTS))
    refused = {
        "token": integrator.execute(TOKEN_CREATE, {"name": "wider", "scopes": ["crm:read"]}),
        "invitation": integrator.execute('mutation { memberInvite(email: "x@example.com") { __typename } }'),
        "role": integrator.execute('mutation($id: ID!) { roleCreate(input: {name: "R", parentId: $id}) '
                                   '{ __typename } }', {"id": to_base64("Role", "acme.1")}),
        "default": integrator.execute('mutation { moduleDefaultSet(module: "accounts", access: PRIVATE) '
                                      '{ __typename } }'),
        "smtp": integrator.execute('mutation { smtpSettingsDelete { __typename } }'),
        "company": integrator.execute('mutation($id: ID!) { companyUpdate(id: $id, input: {name: "Taken"}) '
                                      '{ __typename } }', {"id": to_base64("Company", "acme.1")}),
        "price list": integrator.execute(PRICE_LIST_CREATE),
        "fec": integrator.execute(EXPORT, {"id": to_base64("FiscalYear", "acme.1")}),
        "event log": integrator.execute("{ events(first: 5) { totalCount } }"),
        "roles": integrator.execute("{ roles { name } }"),
        "invoices": integrator.execute("{ invoices { totalCount } }"),
    }
    assert {what: code(result) for what, result in refused.items()} == {
        "token": "forbidden", "invitation": "FORBIDDEN", "role": "FORBIDDEN", "default": "FORBIDDEN",
        "smtp": "FORBIDDEN", "company": "FORBIDDEN", "price list": "forbidden", "fec": "forbidden",
        "event log": "FORBIDDEN", "roles": "FORBIDDEN", "invoices": "FORBIDDEN"}
    with schema_context("acme"):
        assert before == (ApiToken.objects.count(), Role.objects.count(), ModuleDefault.objects.count(),
                          PriceList.objects.count(), Company.objects.get(is_default=True).name)


def test_a_token_issues_no_token_wider_than_itself_and_acts_for_others_only_with_admin_star_write(
        acme, acme_admin_api, sales):
    sales_user, _sales_api = sales
    sales_id = gid(sales_user, "User")
    crm_writer = GraphQLClient(acme.host, token=token(acme_admin_api, ["crm:write"])["secret"])
    assert token(crm_writer, ["accounts:read"])["token"]["scopes"] == ["accounts:read"]
    assert token(crm_writer, None)["token"]["scopes"] == ["crm:write"]
    assert messages(token(crm_writer, ["invoices:write"])) == {"scopes": "scope_too_wide"}
    assert messages(token(crm_writer, ["*:read"])) == {"scopes": "scope_too_wide"}
    assert messages(token(crm_writer, ["admin:write"])) == {"scopes": "scope_too_wide"}
    assert messages(token(crm_writer, ["crm:write"], sales_id)) == {"userId": "forbidden"}
    with schema_context("acme"):
        assert ApiToken.objects.filter(user=sales_user).count() == 0
    everything = GraphQLClient(acme.host, token=token(acme_admin_api, ["*:write"])["secret"])
    issued = token(everything, ["crm:read"], sales_id)
    assert issued["token"]["user"]["email"] == sales_user.email


def test_a_read_only_member_cannot_unallocate_revoke_price_or_change_settings(acme, acme_admin_api, customer,
                                                                               staff_member):
    invoice = issued_invoice(acme_admin_api, customer)
    payment = acme_admin_api.execute(PAY, {"input": {"accountId": gid(customer["account"]), "amount": "100",
                                                     "allocations": [{"invoiceId": invoice, "amount": "100"}]}}
                                     )["data"]["paymentRecord"]
    mandate = mandate_create(acme_admin_api, customer["account"])
    price_list = acme_admin_api.execute('mutation { priceListCreate(name: "Public") { ... on PriceList { id } } }'
                                        )["data"]["priceListCreate"]["id"]
    _reader, reader_api = staff_member("reader@acme.example.com", "Read-only")
    refused = {
        "unallocate": reader_api.execute('mutation($id: ID!) { paymentUnallocate(allocationId: $id) { __typename '
                                         '... on OperationInfo { messages { field code } } } }',
                                         {"id": payment["allocations"][0]["id"]}),
        "revoke": reader_api.execute(MANDATE_REVOKE, {"id": mandate["id"]}),
        "price list": reader_api.execute(PRICE_LIST_CREATE),
        "price rule": reader_api.execute(PRICE_RULE_ADD, {"list": price_list}),
        "default": reader_api.execute('mutation { moduleDefaultSet(module: "accounts", access: PRIVATE) '
                                      '{ __typename } }'),
        "numbering": reader_api.execute('mutation { numberingFormatUpdate(module: "accounts", pattern: "X{SEQ:3}") '
                                        '{ __typename } }'),
        "fiscal year": reader_api.execute('mutation { fiscalYearCreate(name: "2099", start: "2099-01-01", '
                                           'end: "2099-12-31") { __typename } }'),
    }
    assert {what: code(result) for what, result in refused.items()} == {
        "unallocate": "forbidden", "revoke": "forbidden", "price list": "forbidden", "price rule": "forbidden",
        "default": "FORBIDDEN", "numbering": "FORBIDDEN", "fiscal year": "FORBIDDEN"}
    with schema_context("acme"):
        assert PaymentAllocation.objects.filter(payment__number=payment["number"]).count() == 1
        assert SepaMandate.objects.get(reference=mandate["reference"]).status == "active"
        assert not PriceList.objects.filter(name="Sneaky").exists()
        assert PriceList.objects.get(name="Public").rules.count() == 0
        assert not ModuleDefault.objects.filter(module="accounts").exists()


def test_without_the_accounting_view_right_reports_are_forbidden_and_the_fec_is_not_found(
        acme, acme_admin_api, customer, sales):
    domain_example(acme_admin_api, customer)
    set_siren(SIREN)
    document, _data = exported(acme_admin_api)
    _user, sales_api = sales
    period = 'start: "2026-01-01", end: "2026-12-31"'
    reports = {
        "trialBalance": f"{{ trialBalance({period}) {{ debit }} }}",
        "generalLedger": f'{{ generalLedger(accountNumber: "411", {period}) {{ debit }} }}',
        "agedReceivables": '{ agedReceivables(asOf: "2026-12-31") { label } }',
        "balanceSheet": '{ balanceSheet(asOf: "2026-12-31") { __typename } }',
        "incomeStatement": f"{{ incomeStatement({period}) {{ __typename }} }}",
        "booksCheck": f'{{ booksCheck(fiscalYearId: "{year_id()}") {{ __typename }} }}',
        "vatReturn": f"{{ vatReturn({period}) {{ __typename }} }}",
        "fiscalYears": "{ fiscalYears { name } }",
    }
    assert {name: code(sales_api.execute(query)) for name, query in reports.items()} == dict.fromkeys(
        reports, "FORBIDDEN")
    assert code(sales_api.execute(EXPORT, {"id": year_id()})) == "forbidden"
    assert code(sales_api.execute('mutation { vatReturnCompute(start: "2026-01-01", end: "2026-01-31") '
                                  '{ __typename ... on OperationInfo { messages { field code } } } }')) == "forbidden"
    with schema_context("acme"):
        stored = Document.objects.get(file_name=document["fileName"])
    assert sales_api.client.get(f"/documents/{stored.pk}/download/", HTTP_HOST=acme.host).status_code == 404
    assert acme_admin_api.client.get(f"/documents/{stored.pk}/download/", HTTP_HOST=acme.host).status_code == 200


def test_third_party_bank_accounts_follow_the_visibility_of_their_owner(acme, acme_admin_api, sales,
                                                                         staff_member):
    set_default(acme_admin_api, "accounts", "PRIVATE")
    _sales_user, sales_api = sales
    theirs = account_create(sales_api, name="Sales-owned Corp")
    created = acme_admin_api.execute("""mutation($id: ID!) { thirdPartyBankAccountCreate(accountId: $id,
      iban: "FR1420041010050500013M02606") { __typename ... on ThirdPartyBankAccount { id } } }""",
                                     {"id": theirs["id"]})["data"]["thirdPartyBankAccountCreate"]
    assert created["__typename"] == "ThirdPartyBankAccount"
    _accountant, accountant_api = staff_member("books@acme.example.com", "Accountant")
    listed = "{ thirdPartyBankAccounts { account { name } } }"
    assert {row["account"]["name"] for row in acme_admin_api.execute(listed)["data"]["thirdPartyBankAccounts"]} \
        == {"Sales-owned Corp"}
    assert accountant_api.execute(listed)["data"]["thirdPartyBankAccounts"] == []
    node = accountant_api.execute("query($id: ID!) { node(id: $id) { id } }", {"id": created["id"]})
    assert node["data"]["node"] is None
    # nor may the accountant give that account a bank account (edit right and visibility of the owner)
    added = accountant_api.execute("""mutation($id: ID!) { thirdPartyBankAccountCreate(accountId: $id,
      iban: "DE89370400440532013000") { __typename ... on OperationInfo { messages { field code } } } }""",
                                   {"id": theirs["id"]})["data"]["thirdPartyBankAccountCreate"]
    assert set(messages(added).values()) <= {"forbidden", "not_found"} and added["__typename"] == "OperationInfo"


def test_node_answers_null_for_objects_whose_module_or_record_the_member_may_not_read(acme_admin_api, sales):
    set_default(acme_admin_api, "accounts", "PRIVATE")
    private = account_create(acme_admin_api, name="Boss Only")
    comment = acme_admin_api.execute("""mutation($id: ID!) { commentAdd(recordId: $id, body: "secret plan") {
      ... on Comment { id } } }""", {"id": private["id"]})["data"]["commentAdd"]["id"]
    role = acme_admin_api.execute("{ roles { id } }")["data"]["roles"][0]["id"]
    _user, sales_api = sales
    node = "query($id: ID!) { node(id: $id) { id } }"
    for global_id in (comment, role):
        assert acme_admin_api.execute(node, {"id": global_id})["data"]["node"] == {"id": global_id}
        assert sales_api.execute(node, {"id": global_id})["data"]["node"] is None
    nodes = sales_api.execute("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [comment, role]})
    assert nodes["data"]["nodes"] == [None, None]


def test_a_line_needs_the_right_to_change_its_document_even_when_it_leaves_the_totals_alone(
        acme, acme_admin_api, customer, sales):
    set_default(acme_admin_api, "invoices", "PUBLIC_READ")
    invoice = draft(acme_admin_api, customer)
    _user, sales_api = sales
    section = {"kind": "SECTION", "description": "Slipped in"}
    refused = sales_api.execute(LINE, {"id": invoice, "input": section})["data"]["invoiceLineAdd"]
    assert messages(refused) == {None: "forbidden"}
    with schema_context("acme"):
        assert not Invoice.objects.get(pk=pk_of(invoice)).lines.exists()
    assert acme_admin_api.execute(LINE, {"id": invoice, "input": section})["data"]["invoiceLineAdd"][
        "__typename"] == "Invoice"


def test_a_member_who_may_view_no_module_searches_and_finds_nothing(acme, acme_admin_api, staff_member):
    from saas.access import modules as access_modules
    from saas.access.models import Profile
    from saas.access.roles import profile_module_set

    account_create(acme_admin_api, name="Findable Corp")
    with schema_context("acme"):
        profile = Profile.objects.get(name="Read-only")
        for module in access_modules.all_modules():
            profile_module_set(actor=None, profile=profile, module=module.key, actions=[])
    _user, blind_api = staff_member("blind@acme.example.com", "Read-only")
    result = blind_api.execute('{ search(text: "Findable") { score } }')
    assert result == {"data": {"search": []}, "extensions": result.get("extensions")}
    assert acme_admin_api.execute('{ search(text: "Findable") { score } }')["data"]["search"] != []
