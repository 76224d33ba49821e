from io import StringIO

from django.core.management import call_command
from django_tenants.utils import schema_context

from saas.crm.models import Account, Contact, Deal, Lead
from saas.sales.models import Invoice, Payment, Quote, SalesOrder


def test_demo_command_creates_the_demo_tenant_and_data_once(db):
    first, second = StringIO(), StringIO()
    call_command("demo", stdout=first)
    call_command("demo", stdout=second)
    assert "Demo tenant created." in first.getvalue()
    assert ("Demo data: 25 accounts with their contacts, 48 catalog items, 6 quotes with their orders, invoices "
            "and a payment.") in first.getvalue()
    assert "created" not in second.getvalue()
    assert "Log in as admin@demo.example.com" in second.getvalue()
    with schema_context("demo"):
        assert Account.objects.count() == 30  # 25 imported, 5 from converted leads
        assert Contact.objects.count() == 64
        assert Account.objects.filter(source="import").count() == 25
        assert Lead.objects.count() == 20 and Lead.objects.filter(status="converted").count() == 5
        assert Deal.objects.count() == 15
        assert sorted(Quote.objects.values_list("status", flat=True)) == [
            "converted", "converted", "converted", "draft", "invoiced", "refused"]
        assert sorted(SalesOrder.objects.values_list("status", flat=True)) == [
            "confirmed", "confirmed", "invoiced", "partially_invoiced"]
        assert Invoice.objects.filter(status="issued").count() == 2 and Payment.objects.count() == 1
