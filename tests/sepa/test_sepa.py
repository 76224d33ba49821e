"""SEPA direct debit: creditor identity, mandates and their refusals, batches of due invoices written as a pain.008
file that validates against its XSD, FRST then RCUR, settlement into payments posted and lettered."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from lxml import etree
from sepaxml.validation import try_valid_xml

from saas.accounting.models import JournalEntry
from saas.crm import services as crm
from saas.sepa.models import DirectDebitBatch, SepaMandate
from tests.conftest import PASSWORD, GraphQLClient, messages
from tests.helpers import gid
from tests.sales.test_invoices import issued_invoice

CREDITOR_SET = """mutation($input: SepaCreditorInput!) { sepaCreditorSet(input: $input) { __typename
  ... on SepaCreditorSettings { ics name iban bic messageFormat }
  ... on OperationInfo { messages { field code } } } }"""
MANDATE_CREATE = """mutation($input: SepaMandateInput!) { sepaMandateCreate(input: $input) { __typename
  ... on SepaMandate { id reference debtorName iban bic signatureDate scheme status sequence lastUsedOn
                       account { name } }
  ... on OperationInfo { messages { field code } } } }"""
MANDATE_REVOKE = """mutation($id: ID!) { sepaMandateRevoke(id: $id) { __typename
  ... on SepaMandate { status revokedAt } ... on OperationInfo { messages { field code } } } }"""
BATCH = """id collectionDate scheme status messageId total count sha256 xml file { fileName contentType sha256 url }
  lines { amount sequenceType endToEndId invoice { id number } mandate { reference sequence }
          payment { number method amount } }"""
BATCH_CREATE = f"""mutation($date: Date!, $scheme: SepaScheme, $invoices: [ID!]) {{
  directDebitBatchCreate(collectionDate: $date, scheme: $scheme, invoiceIds: $invoices) {{ __typename
  ... on DirectDebitBatch {{ {BATCH} }} ... on OperationInfo {{ messages {{ field code }} }} }} }}"""
BATCH_VERB = """mutation($id: ID!) {{ {verb}(id: $id) {{ __typename
  ... on DirectDebitBatch {{ {batch} }} ... on OperationInfo {{ messages {{ field code }} }} }} }}"""

ICS = "FR72ZZZ123456"
CREDITOR_IBAN = "FR7630006000011234567890189"
DEBTOR_IBANS = ("FR1420041010050500013M02606", "DE89370400440532013000")
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}


def verb(api, name: str, batch_id: str) -> dict:
    result = api.execute(BATCH_VERB.format(verb=name, batch=BATCH), {"id": batch_id})
    assert "errors" not in result, result
    return result["data"][name]


def creditor_set(api, **input) -> dict:
    return api.execute(CREDITOR_SET, {"input": {"ics": ICS, "iban": CREDITOR_IBAN, **input}})["data"][
        "sepaCreditorSet"]


def mandate_create(api, account, **input) -> dict:
    input = {"accountId": gid(account), "iban": DEBTOR_IBANS[0], "signatureDate": "2026-10-01", **input}
    return api.execute(MANDATE_CREATE, {"input": input})["data"]["sepaMandateCreate"]


def batch_create(api, days: int = 60, **variables) -> dict:
    date = (timezone.localdate() + dt.timedelta(days=days)).isoformat()
    return api.execute(BATCH_CREATE, {"date": date, **variables})["data"]["directDebitBatchCreate"]


@pytest.fixture
def second_customer(acme, acme_admin):
    with schema_context("acme"):
        account = crm.account_create(actor=acme_admin, fields={
            "name": "Société Générale d'Outillage", "billing_street": "2 place Bellecour",
            "billing_postal_code": "69002", "billing_city": "Lyon"})
    return {"account": account}


def pain(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode())


def test_creditor_settings_validate_the_ics_and_default_the_bic_from_the_iban(acme_admin_api):
    refused = creditor_set(acme_admin_api, ics="FR73ZZZ123456")
    assert messages(refused) == {"ics": "ics_invalid"}
    refused = creditor_set(acme_admin_api, iban="FR7630006000011234567890188", bic="NOTABIC")
    assert messages(refused) == {"iban": "iban_invalid", "bic": "bic_invalid"}
    settings = creditor_set(acme_admin_api, ics="fr72 zzz 123456")
    assert settings == {"__typename": "SepaCreditorSettings", "ics": ICS, "name": "Acme", "iban": CREDITOR_IBAN,
                        "bic": "AGRIFRPPXXX", "messageFormat": "PAIN_008_001_02"}


def test_only_tenant_admins_set_the_creditor(acme, acme_admin):
    from tenants.models import Membership, User

    colleague = User.objects.create_user("sepa-staff@acme.example.com", PASSWORD)
    Membership.objects.create(user=colleague, tenant_id=acme_admin.memberships.get().tenant_id)
    staff = GraphQLClient(acme.host)
    staff.execute(f'mutation {{ login(email: "sepa-staff@acme.example.com", password: "{PASSWORD}") '
                  '{ __typename } }')
    result = staff.execute(CREDITOR_SET, {"input": {"ics": ICS, "iban": CREDITOR_IBAN}})
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_mandate_refusals_are_coded_and_write_nothing(acme_admin_api, customer):
    account = customer["account"]
    assert messages(mandate_create(acme_admin_api, account, iban="FR7630006000011234567890188")) == {
        "iban": "iban_invalid"}
    assert messages(mandate_create(acme_admin_api, account, iban="GB33BUKB2020155555555")) == {
        "iban": "iban_invalid"}
    assert messages(mandate_create(acme_admin_api, account, signatureDate=None)) == {
        "signatureDate": "signature_date_required"}
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert messages(mandate_create(acme_admin_api, account, signatureDate=tomorrow)) == {
        "signatureDate": "signature_date_future"}
    assert messages(mandate_create(acme_admin_api, account, bic="BNPAXXPP")) == {"bic": "bic_invalid"}
    assert messages(mandate_create(acme_admin_api, account, reference="RUM 2026 001")) == {
        "reference": "reference_invalid"}
    assert messages(mandate_create(acme_admin_api, account, reference="R" * 36)) == {
        "reference": "reference_invalid"}
    with schema_context("acme"):
        assert not SepaMandate.objects.exists()
    assert mandate_create(acme_admin_api, account, reference="RUM-CLI-0001")["reference"] == "RUM-CLI-0001"
    assert messages(mandate_create(acme_admin_api, account, reference="rum-cli-0001")) == {
        "reference": "reference_taken"}
    with schema_context("acme"):
        assert SepaMandate.objects.count() == 1


def test_a_mandate_gets_a_reference_and_its_bank_s_bic(acme_admin_api, customer):
    mandate = mandate_create(acme_admin_api, customer["account"], iban="fr14 2004 1010 0505 0001 3m02 606")
    with schema_context("acme"):
        number = customer["account"].number
    assert mandate["reference"] == f"RUM-{number}-1"
    assert (mandate["iban"], mandate["bic"], mandate["debtorName"]) == (DEBTOR_IBANS[0], "PSSTFRPP", "Customer")
    assert (mandate["scheme"], mandate["status"], mandate["sequence"]) == ("CORE", "ACTIVE", "FIRST")
    assert mandate_create(acme_admin_api, customer["account"], scheme="B2B")["reference"] == f"RUM-{number}-2"
    revoked = acme_admin_api.execute(MANDATE_REVOKE, {"id": mandate["id"]})["data"]["sepaMandateRevoke"]
    assert revoked["status"] == "REVOKED" and revoked["revokedAt"]
    again = acme_admin_api.execute(MANDATE_REVOKE, {"id": mandate["id"]})["data"]["sepaMandateRevoke"]
    assert messages(again) == {None: "revoked"}


@pytest.mark.smoke
def test_a_batch_of_two_customers_makes_a_valid_pain008_first_then_recurrent(acme_admin_api, customer,
                                                                               second_customer):
    creditor_set(acme_admin_api)
    mandate_create(acme_admin_api, customer["account"], reference="RUM-CUSTOMER-1")
    mandate_create(acme_admin_api, second_customer["account"], reference="RUM-SECOND-1", iban=DEBTOR_IBANS[1])
    first = issued_invoice(acme_admin_api, customer)  # 240.00
    second = issued_invoice(acme_admin_api, second_customer, price="50.25")  # 120.60
    # Not due by the collection date: not taken.
    assert messages(batch_create(acme_admin_api, days=10)) == {None: "nothing_to_collect"}
    batch = batch_create(acme_admin_api)
    assert (batch["status"], batch["count"], batch["total"], batch["xml"], batch["file"]) == (
        "DRAFT", 2, "360.60", None, None)
    assert {line["invoice"]["id"] for line in batch["lines"]} == {first, second}
    assert {line["sequenceType"] for line in batch["lines"]} == {"FRST"}
    # A live batch holds its invoices.
    assert messages(batch_create(acme_admin_api)) == {None: "nothing_to_collect"}

    generated = verb(acme_admin_api, "directDebitBatchGenerate", batch["id"])
    assert generated["status"] == "GENERATED" and generated["messageId"].startswith("SDD-")
    xml = generated["xml"].encode()
    try_valid_xml(xml, "pain.008.001.02")  # raises unless the XSD accepts it
    assert generated["file"]["contentType"] in ("application/xml", "text/xml")
    assert generated["file"]["sha256"] == generated["sha256"] and generated["file"]["url"]
    root = pain(generated["xml"])
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId", namespaces=NS) == generated["messageId"]
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext("p:CstmrDrctDbtInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "360.60"
    transactions = root.findall(".//p:DrctDbtTxInf", NS)
    assert len(transactions) == 2
    assert sum(Decimal(tx.findtext("p:InstdAmt", namespaces=NS)) for tx in transactions) == Decimal("360.60")
    assert {tx.findtext(".//p:MndtId", namespaces=NS) for tx in transactions} == {"RUM-CUSTOMER-1", "RUM-SECOND-1"}
    assert {tx.findtext(".//p:DtOfSgntr", namespaces=NS) for tx in transactions} == {"2026-10-01"}
    assert {tx.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) for tx in transactions} == set(DEBTOR_IBANS)
    assert [seq.text for seq in root.findall(".//p:PmtTpInf/p:SeqTp", NS)] == ["FRST"]
    assert root.findtext(".//p:LclInstrm/p:Cd", namespaces=NS) == "CORE"
    assert root.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS) == ICS
    assert root.findtext(".//p:ReqdColltnDt", namespaces=NS) == batch["collectionDate"]
    assert {line["mandate"]["sequence"] for line in generated["lines"]} == {"RECURRENT"}
    # Generated once only.
    assert messages(verb(acme_admin_api, "directDebitBatchGenerate", batch["id"])) == {None: "batch_status"}

    third = issued_invoice(acme_admin_api, customer, price="10")  # 24.00
    next_batch = batch_create(acme_admin_api, days=61)
    assert [line["invoice"]["id"] for line in next_batch["lines"]] == [third]
    xml = verb(acme_admin_api, "directDebitBatchGenerate", next_batch["id"])["xml"]
    try_valid_xml(xml.encode(), "pain.008.001.02")
    assert [seq.text for seq in pain(xml).findall(".//p:SeqTp", NS)] == ["RCUR"]


def test_batch_refusals(acme_admin_api, customer, second_customer):
    invoice = issued_invoice(acme_admin_api, customer)
    assert messages(batch_create(acme_admin_api)) == {None: "creditor_missing"}
    creditor_set(acme_admin_api)
    assert messages(batch_create(acme_admin_api)) == {None: "nothing_to_collect"}  # no mandate
    mandate_create(acme_admin_api, customer["account"])
    assert messages(batch_create(acme_admin_api, days=0)) == {"collectionDate": "collection_date"}
    assert messages(batch_create(acme_admin_api, scheme="B2B")) == {None: "nothing_to_collect"}
    without_mandate = issued_invoice(acme_admin_api, second_customer)
    refused = batch_create(acme_admin_api, invoices=[invoice, without_mandate])
    assert messages(refused) == {"invoices": "not_collectable"}
    with schema_context("acme"):
        assert not DirectDebitBatch.objects.exists()
    chosen = batch_create(acme_admin_api, invoices=[invoice])
    assert chosen["count"] == 1


def test_revoked_mandate_stops_generation_and_cancel_frees_the_invoices(acme_admin_api, customer):
    creditor_set(acme_admin_api)
    mandate = mandate_create(acme_admin_api, customer["account"])
    issued_invoice(acme_admin_api, customer)
    batch = batch_create(acme_admin_api)
    generated = verb(acme_admin_api, "directDebitBatchGenerate", batch["id"])
    assert generated["lines"][0]["mandate"]["sequence"] == "RECURRENT"
    # Cancelled before it reached the bank: the mandate's first collection is still to come.
    cancelled = verb(acme_admin_api, "directDebitBatchCancel", batch["id"])
    assert cancelled["status"] == "CANCELLED" and cancelled["lines"][0]["mandate"]["sequence"] == "FIRST"
    assert messages(verb(acme_admin_api, "directDebitBatchSettle", batch["id"])) == {None: "batch_status"}
    again = batch_create(acme_admin_api)
    assert again["count"] == 1 and again["lines"][0]["sequenceType"] == "FRST"
    acme_admin_api.execute(MANDATE_REVOKE, {"id": mandate["id"]})
    assert messages(verb(acme_admin_api, "directDebitBatchGenerate", again["id"])) == {None: "revoked"}


def test_settling_records_direct_debit_payments_posted_and_lettered(acme_admin_api, customer, second_customer):
    creditor_set(acme_admin_api)
    mandate_create(acme_admin_api, customer["account"])
    mandate_create(acme_admin_api, second_customer["account"], iban=DEBTOR_IBANS[1])
    invoices = {issued_invoice(acme_admin_api, customer), issued_invoice(acme_admin_api, second_customer)}
    batch = batch_create(acme_admin_api)
    assert messages(verb(acme_admin_api, "directDebitBatchSettle", batch["id"])) == {None: "batch_status"}
    verb(acme_admin_api, "directDebitBatchGenerate", batch["id"])
    assert verb(acme_admin_api, "directDebitBatchMarkSent", batch["id"])["status"] == "SENT"
    assert messages(verb(acme_admin_api, "directDebitBatchCancel", batch["id"])) == {None: "batch_status"}
    settled = verb(acme_admin_api, "directDebitBatchSettle", batch["id"])
    assert settled["status"] == "SETTLED"
    assert [(line["payment"]["method"], line["payment"]["amount"]) for line in settled["lines"]] == [
        ("DIRECT_DEBIT", "240.00"), ("DIRECT_DEBIT", "240.00")]
    for invoice in invoices:
        node = acme_admin_api.execute('query($id: ID!) { node(id: $id) { ... on Invoice { paymentStatus amountDue '
                                      '} } }', {"id": invoice})["data"]["node"]
        assert node == {"paymentStatus": "PAID", "amountDue": "0.00"}
    connection.set_schema("acme")
    bank = JournalEntry.objects.filter(journal__code="BQ", payment__isnull=False)
    assert bank.count() == 2
    collection_date = dt.date.fromisoformat(batch["collectionDate"])
    for entry in bank.prefetch_related("lines__ledger_account"):
        assert entry.status == "posted" and entry.date == collection_date
        lines = {(line.ledger_account.number, line.debit, line.credit, bool(line.lettering))
                 for line in entry.lines.all()}
        assert lines == {("512100", Decimal("240.00"), Decimal("0.00"), False),
                         ("411100", Decimal("0.00"), Decimal("240.00"), True)}
    connection.set_schema_to_public()
    assert messages(batch_create(acme_admin_api)) == {None: "nothing_to_collect"}


def test_b2b_in_pain008_001_08_with_structured_addresses_validates(acme_admin_api, customer):
    creditor_set(acme_admin_api, messageFormat="PAIN_008_001_08")
    mandate_create(acme_admin_api, customer["account"], bic="PSSTFRPPLIL", scheme="B2B")
    issued_invoice(acme_admin_api, customer)
    assert messages(batch_create(acme_admin_api)) == {None: "nothing_to_collect"}  # CORE by default
    xml = verb(acme_admin_api, "directDebitBatchGenerate", batch_create(acme_admin_api, scheme="B2B")["id"])["xml"]
    try_valid_xml(xml.encode(), "pain.008.001.08")
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}
    root = pain(xml)
    assert root.findtext(".//p:LclInstrm/p:Cd", namespaces=ns) == "B2B"
    assert root.findtext(".//p:Dbtr/p:PstlAdr/p:TwnNm", namespaces=ns) == "Lyon"
    assert root.findtext(".//p:DbtrAgt//p:BICFI", namespaces=ns) == "PSSTFRPPLIL"


def test_lists(acme_admin_api, customer):
    creditor_set(acme_admin_api)
    mandate_create(acme_admin_api, customer["account"])
    issued_invoice(acme_admin_api, customer)
    batch_create(acme_admin_api)
    result = acme_admin_api.execute("""{ sepaCreditorSettings { ics }
      sepaMandates(filters: {status: ACTIVE}) { totalCount edges { node { reference account { name } } } }
      directDebitBatches(filters: {status: DRAFT}) { totalCount edges { node { count total } } } }""")
    assert "errors" not in result, result
    data = result["data"]
    assert data["sepaCreditorSettings"] == {"ics": ICS}
    assert data["sepaMandates"]["totalCount"] == 1
    assert data["directDebitBatches"]["edges"][0]["node"] == {"count": 1, "total": "240.00"}


def test_the_daily_job_gathers_the_due_invoices_into_one_draft_batch_once(acme_admin_api, customer, second_customer,
                                                                          jobs, settings):
    from saas.sepa import tasks as sepa_tasks
    from saas.sepa.models import DirectDebitLine
    from tests.workflows.test_planner import jobs_by_key

    # given: a creditor, a mandate for one customer, an invoice of each (due in 45 days), 60 days of lead time
    settings.SEPA_COLLECTION_LEAD_DAYS = 60
    creditor_set(acme_admin_api)
    mandate_create(acme_admin_api, customer["account"], reference="RUM-CUSTOMER-1")
    first = issued_invoice(acme_admin_api, customer)
    issued_invoice(acme_admin_api, second_customer)  # no mandate: not collected
    tick = int(timezone.now().timestamp())
    # when: the morning tick, started twice, then the next morning's
    sepa_tasks.sepa_batches_everywhere(timestamp=tick)
    jobs()
    sepa_tasks.sepa_batches(schema_name="acme", timestamp=tick)
    sepa_tasks.sepa_batches(schema_name="acme", timestamp=tick + 24 * 3600)
    # then: one draft batch holding the mandated invoice, once
    with schema_context("acme"):
        batches = list(DirectDebitBatch.objects.values_list("status", "count", "collection_date"))
        lines = list(DirectDebitLine.objects.values_list("invoice__number", flat=True))
        first_number = DirectDebitLine.objects.get().invoice.number
    assert batches == [("draft", 1, timezone.localdate() + dt.timedelta(days=60))]
    assert lines == [first_number]
    batch = acme_admin_api.execute("{ directDebitBatches { edges { node { lines { invoice { id } } } } } }")
    assert batch["data"]["directDebitBatches"]["edges"][0]["node"]["lines"] == [{"invoice": {"id": first}}]
    planned = jobs_by_key(acme_admin_api)["sepa_batches"]
    assert (planned["status"], planned["schedule"]) == ("SUCCEEDED", "30 6 * * *")


def test_an_invoice_a_live_batch_collects_gets_no_payment_reminder(acme_admin_api, acme_admin, customer):
    from saas.sales.reminders import invoice_reminders_send
    from saas.sepa import services as sepa

    # given: a mandated customer's invoice (45 days terms) gathered into a draft batch
    creditor_set(acme_admin_api)
    mandate_create(acme_admin_api, customer["account"], reference="RUM-REMIND-1")
    number = acme_admin_api.execute("query($id: ID!) { node(id: $id) { ... on Invoice { number } } }",
                                    {"id": issued_invoice(acme_admin_api, customer)})["data"]["node"]["number"]
    later = timezone.localdate() + dt.timedelta(days=60)  # 15 days past due: the 2nd reminder is due
    with schema_context("acme"):
        sepa.batches_prepare(actor=acme_admin, today=timezone.localdate(), lead_days=60)
        batch = DirectDebitBatch.objects.get()
        # when: the reminders run while the batch collects it, then after the batch is cancelled
        while_collected = invoice_reminders_send(today=later)
        sepa.batch_cancel(actor=acme_admin, batch=batch)
        after_cancel = invoice_reminders_send(today=later)
    # then: no reminder while collected; afterwards it is considered again (no email to send it to here)
    assert number not in while_collected["no_email"] and while_collected["sent"] == []
    assert after_cancel["no_email"] == [number]
