from django.db import migrations

# The default lead conversion mapping; tenants edit it (leadConversionRuleSet). Seeded in the template.
RULES = [
    ("company", "account", "name"), ("phone", "account", "phone"), ("website", "account", "website"),
    ("industry", "account", "industry"), ("street", "account", "billing_street"),
    ("postal_code", "account", "billing_postal_code"), ("city", "account", "billing_city"),
    ("country", "account", "billing_country"),
    ("first_name", "contact", "first_name"), ("last_name", "contact", "last_name"), ("email", "contact", "email"),
    ("phone", "contact", "phone"), ("mobile", "contact", "mobile"), ("job_title", "contact", "job_title"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("crm", "LeadConversionRule")
    for lead_field, target, target_field in RULES:
        Rule.objects.get_or_create(target=target, target_field=target_field, defaults={"lead_field": lead_field})


class Migration(migrations.Migration):
    dependencies = [("crm", "0004_deal_dealevent_lead_leadconversionrule_leadevent_and_more")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
