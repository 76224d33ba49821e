"""The web app in a real browser (Debian's Chromium through Playwright): signup → login → accounts → record page.

Screenshots of the main pages land in tests/artifacts/ (ignored by git) for a person to look at.

Tenants are found by host: Chromium resolves `*.localhost` to 127.0.0.1, so the new company's pages are at
`http://<slug>.localhost:<port>/`. The server is pytest-django's live server helper started by hand: its
`live_server` fixture would also request `transactional_db`, whose flush after the test empties the public
tables the session's tenants (acme, globex) live in. What the browser creates is committed by the server's
own connection, so the test removes the company it signed up, in a connection of its own too.
"""

import shutil
import threading
import uuid
from pathlib import Path

import pytest
from django.db import connection
from pytest_django.live_server_helper import LiveServer

from tenants import services
from tenants.models import Tenant, User
from tests.conftest import PASSWORD

# django_db: the session's test database is set up for this test even when it runs alone.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture
def server(settings):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs it (apt-get install chromium)")
    live = LiveServer("127.0.0.1:0")
    # Links the API hands out (the signup's tenant URL) point at this server.
    settings.PUBLIC_URL_PORT = str(live.thread.port)
    yield live
    live.stop()


def _remove_company(slug: str, email: str) -> None:
    try:
        tenant = Tenant.objects.filter(schema_name=slug).first()
        if tenant is not None:
            services.tenant_delete(tenant=tenant, confirm=True)
        User.objects.filter(email=email).delete()
    finally:
        connection.close()


@pytest.fixture
def signed_up(server):
    """The slug and email of the company the test signs up; removed afterwards (outside the test's transaction:
    another thread has another connection)."""
    slug = f"browser-{uuid.uuid4().hex[:8]}"
    email = f"owner@{slug}.example.com"
    yield slug, email
    cleaner = threading.Thread(target=_remove_company, args=(slug, email))
    cleaner.start()
    cleaner.join()


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        # What the Content-Security-Policy refuses (an inline script or handler, a <style>, an eval) is a bug too;
        # hence the tests' wait_for_function take functions: a string expression would be eval'd in the page.
        page.on("console", lambda message: "Content Security Policy" in message.text
                and page.errors.append(message.text))
        yield page
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def graphql(page, query: str, variables: dict) -> dict:
    """The API, called from the page with its session and CSRF token, as a script of the app would."""
    body = page.evaluate("""async ([query, variables]) => {
        const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken=")).split("=")[1];
        const response = await fetch("/graphql/", {method: "POST", body: JSON.stringify({query, variables}),
            headers: {"Content-Type": "application/json", "X-CSRFToken": token}});
        return await response.json();
    }""", [query, variables])
    assert "errors" not in body, body
    return body["data"]


ACCOUNT = """mutation($input: AccountInput!) { accountCreate(input: $input) { ... on Account { id } } }"""
TAG = 'mutation($id: ID!) { tagAdd(recordId: $id, name: "vip") { __typename } }'
INVOICE = """mutation($a: ID!) { invoiceCreate(accountId: $a) { ... on Invoice { id } } }"""
LINE = """mutation($id: ID!, $input: InvoiceLineInput!) { invoiceLineAdd(invoiceId: $id, input: $input) {
  __typename } }"""
ISSUE = 'mutation($id: ID!) { invoiceIssue(id: $id) { ... on Invoice { number } } }'


def test_signup_login_accounts_record_comments_and_updates(server, signed_up, page):
    slug, email = signed_up
    public = f"http://localhost:{server.thread.port}/"

    # The landing page: the subdomain is checked while typing
    page.goto(public)
    page.fill("#id_companyName", "Rocket Workshop")
    assert page.input_value("#id_slug") == "rocket-workshop"  # suggested from the company name
    page.fill("#id_slug", slug)
    page.wait_for_selector("#slug-status .ok")
    assert f"{slug}.localhost is available" in page.inner_text("#slug-status")
    page.fill("#id_email", email)
    page.fill("#id_password", "short")
    page.click("#signup button[type=submit]")
    # Refused: the error is on the field, what was typed is still there
    page.wait_for_selector(".field.has-error #id_password")
    assert page.input_value("#id_companyName") == "Rocket Workshop" and page.input_value("#id_slug") == slug
    shot(page, "01-signup-with-errors")
    page.fill("#id_password", PASSWORD)
    page.click("#signup button[type=submit]")

    # The new company's login page, on its own host, with the email filled in
    page.wait_for_url(f"http://{slug}.localhost:{server.thread.port}/login/**")
    assert page.input_value("#id_email") == email
    shot(page, "02-login")
    page.fill("#id_password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    page.wait_for_selector(".sidebar")
    assert "Rocket Workshop" in page.inner_text(".sidebar .brand")
    shot(page, "03-home")

    # Accounts (created through the API with this session: the app has no create form yet)
    account = graphql(page, ACCOUNT, {"input": {"name": "Acme Rockets", "billingStreet": "3 quai Perrache",
                                                "billingPostalCode": "69002", "billingCity": "Lyon",
                                                "phone": "+33 4 72 00 00 00"}})["accountCreate"]["id"]
    graphql(page, ACCOUNT, {"input": {"name": "Zenith Tools", "billingCity": "Paris"}})
    graphql(page, TAG, {"id": account})
    page.click(".sidebar >> text=Accounts")
    page.wait_for_selector("table.table")
    assert page.locator("tbody tr").count() == 2
    shot(page, "04-accounts")
    page.fill(".toolbar input[name=q]", "rock")
    page.wait_for_function("() => document.querySelectorAll('#list-results tbody tr').length === 1")
    assert "q=rock" in page.url

    # The record page: header, Summary, a comment posted with htmx
    page.click("#list-results >> text=Acme Rockets")
    page.wait_for_selector("h1:has-text('Acme Rockets')")
    assert "Lyon" in page.inner_text(".header-fields") and "vip" in page.inner_text(".record-head .tags")
    page.fill("#comments textarea[name=body]", "Wants a quote for 12 rocket engines.")
    page.click("#comments button[type=submit]")
    page.wait_for_selector("#comments .comment-text:has-text('12 rocket engines')")
    assert page.input_value("#comments textarea[name=body]") == ""
    shot(page, "05-account-record")

    # Updates tab: the creation and the comment, with who did it
    page.click(".tabs >> text=Updates")
    page.wait_for_selector("#tab-panel .timeline")
    updates = page.inner_text("#tab-panel")
    assert "Created" in updates and "Commented" in updates and email in updates
    assert "tab=history" in page.url
    shot(page, "06-account-updates")
    page.click(".tabs >> text=Details")
    page.wait_for_selector("#tab-panel h2:has-text('Billing address')")
    shot(page, "07-account-details")

    # An invoice of the account: its line items, and the account's comment through the roll-up
    invoice = graphql(page, INVOICE, {"a": account})["invoiceCreate"]["id"]
    for description, price in (("Rocket engine", "1500"), ("Installation", "300")):
        graphql(page, LINE, {"id": invoice, "input": {"description": description, "quantity": "2",
                                                      "unitPrice": price, "vatRate": "20"}})
    assert graphql(page, ISSUE, {"id": invoice})["invoiceIssue"]["number"]
    page.goto(page.url.split("/records/")[0] + f"/records/{invoice}/")
    page.check("#comments input[name=rollup]", force=True)
    page.wait_for_selector("#comments .posted-on:has-text('Acme Rockets')")
    shot(page, "08-invoice-roll-up")
    page.click(".tabs >> text=Details")
    page.wait_for_selector("#tab-panel table.lines")
    assert "Rocket engine" in page.inner_text("#tab-panel table.lines")
    shot(page, "09-invoice-details")

    # A phone: the navigation folds away behind the menu button
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.url.split("/records/")[0] + f"/records/{account}/")
    sidebar = page.locator(".sidebar")
    assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0  # off-screen
    shot(page, "10-account-record-phone")
    page.click(".nav-toggle")
    page.wait_for_function("() => document.querySelector('.sidebar').getBoundingClientRect().x >= 0")
    page.set_viewport_size({"width": 1366, "height": 900})

    # French, from the user menu
    page.click(".user-menu summary")
    page.click(".menu-languages button[value=fr]")
    page.wait_for_selector("html[lang=fr]")

    assert page.errors == []


def sign_up_and_log_in(page, server, slug: str, email: str) -> str:
    """A new company signed up through the landing page, its owner logged in; the company's address."""
    page.goto(f"http://localhost:{server.thread.port}/")
    page.fill("#id_companyName", "Forms Workshop")
    page.fill("#id_slug", slug)
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.click("#signup button[type=submit]")
    page.wait_for_url(f"http://{slug}.localhost:{server.thread.port}/login/**")
    page.fill("#id_password", PASSWORD)
    page.click(".auth-card button[type=submit]")
    page.wait_for_selector(".sidebar")
    return f"http://{slug}.localhost:{server.thread.port}"


def choose(page, field: str, text: str, prefix: str = "") -> None:
    """Type in a relation field's search box and wait for the best match to be chosen."""
    page.fill(f"#{prefix}field-{field} .relation-search", text)
    page.wait_for_function(f"() => document.querySelector('#{prefix}id_{field}').value !== ''")


def test_forms_quick_create_and_document_actions(server, signed_up, page):
    slug, email = signed_up
    site = sign_up_and_log_in(page, server, slug, email)

    # An account through the "+ Add" form of its list, a field error first (what was typed stays)
    page.goto(f"{site}/accounts/")
    page.click("a[href='/accounts/new/']")
    page.fill("#id_name", "Forms Rockets")
    page.fill("#id_billingStreet", "3 quai Perrache")
    page.fill("#id_billingPostalCode", "69002")
    page.fill("#id_billingCity", "Lyon")
    page.fill("#id_paymentTermsDays", "thirty")
    page.click(".form-bar button[type=submit]")
    page.wait_for_selector(".field.has-error #id_paymentTermsDays")
    assert page.input_value("#id_name") == "Forms Rockets"
    shot(page, "20-account-form-with-errors")
    page.fill("#id_paymentTermsDays", "45")
    page.click(".form-bar button[type=submit]")
    page.wait_for_selector("h1:has-text('Forms Rockets')")

    # A quote for it; its contact made on the spot with the "+" of the contact field
    page.goto(f"{site}/quotes/new/")
    choose(page, "accountId", "forms rock")
    page.click("#field-contactId .quick-add")
    page.wait_for_selector("dialog.dialog [name=lastName]")
    page.fill("dialog [name=firstName]", "Jane")
    page.fill("dialog [name=lastName]", "Doe")
    choose(page, "accountId", "forms rock", prefix="quick-")
    shot(page, "21-quick-create-contact")
    page.click("dialog button[type=submit]:has-text('Create')")
    page.wait_for_selector("dialog.dialog", state="detached")
    assert page.inner_text("#id_contactId option:checked") == "Jane Doe"
    page.click(".form-bar button[type=submit]")

    # Its lines, on the edit page
    page.wait_for_selector("#lines .line-form")
    page.fill("#lines #id_description", "Rocket engine")
    page.fill("#lines #id_quantity", "2")
    page.fill("#lines #id_unitPrice", "1500")
    page.select_option("#lines #id_vatRate", "20.00")
    page.click("#lines button[type=submit]")
    page.wait_for_selector("#lines td:has-text('Rocket engine')")
    assert "3,600.00" in page.inner_text("#lines tfoot")
    shot(page, "22-quote-lines")
    page.click(".form-bar button[type=submit]")

    # Quote → accepted → order → invoice → issued → paid
    page.wait_for_selector(".record-actions")
    for button in ("Accept", "Convert to order", "Invoice", "Issue"):
        page.click(f".record-actions button:has-text('{button}')")
        page.wait_for_selector(".alert-success")
    shot(page, "23-invoice-issued")
    page.click(".record-actions a:has-text('Record a payment')")
    page.select_option("#id_method", "CHECK")
    page.click(".form-bar button[type=submit]")
    page.wait_for_selector(".alert-success:has-text('recorded')")
    invoice = page.url.split("/records/")[1].strip("/")
    paid = graphql(page, "query($id: ID!) { node(id: $id) { ... on Invoice { paymentStatus amountDue } } }",
                   {"id": invoice})["node"]
    assert paid == {"paymentStatus": "PAID", "amountDue": "0.00"}
    shot(page, "24-invoice-paid")

    # The account: a comment on the invoice shows there with the roll-up; from its Invoices tab, the invoice's
    # preview, then the invoice, its accounting entries, one entry's lines
    page.fill("#comments textarea[name=body]", "Paid by cheque, thanks.")
    page.click("#comments button[type=submit]")
    page.wait_for_selector("#comments .comment-text:has-text('Paid by cheque')")
    page.goto(f"{site}/accounts/")
    page.click("table a:has-text('Forms Rockets')")
    page.check("#comments input[name=rollup]", force=True)
    page.wait_for_selector("#comments .comment-text:has-text('Paid by cheque')")
    shot(page, "25-account-roll-up")
    page.click(".tabs [data-tab=invoices]")
    page.click("#tab-panel a[data-preview]")
    page.wait_for_selector("dialog.preview h2:has-text('Line items')")
    shot(page, "26-invoice-preview")
    page.click("dialog.preview a:has-text('Details')")
    page.wait_for_url(f"{site}/records/{invoice}/")
    page.click(".tabs [data-tab=entries]")
    page.wait_for_selector("#tab-panel a[data-preview]")
    # The sales entry (journal VT), among the bank and VAT transfer entries the payment posted
    page.click("#tab-panel tr:has-text('VT') a[data-preview]")
    page.wait_for_selector("dialog.preview h2:has-text('Entry lines')")
    assert "411" in page.inner_text("dialog.preview")
    shot(page, "27-invoice-entry-lines")
    page.click("dialog.preview button[aria-label=Close]")
    page.wait_for_selector("dialog.preview", state="hidden")

    # The invoice's Updates tab tells the story: created, lines, issued, paid
    page.click(".tabs >> text=Updates")
    page.wait_for_selector("#tab-panel .timeline")
    updates = page.inner_text("#tab-panel")
    assert email in updates and "Created" in updates
    shot(page, "28-invoice-updates")

    assert page.errors == []
