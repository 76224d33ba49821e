"""Demo data for the demo tenant: a few accounts with contacts, comments, tags and activities."""

import pghistory
from django.db import transaction
from django.utils.text import slugify

from saas.crm import services
from saas.crm.models import Account
from saas.records.enums import RecordSource
from saas.records.services import activities, comments, tags

ACCOUNTS = [
    ("Boulangerie Martin", "Lyon", "Food", ["Marie Martin", "Paul Martin"]),
    ("Atelier Dupont", "Nantes", "Manufacturing", ["Luc Dupont"]),
    ("Cabinet Leroy & Associés", "Paris", "Accounting", ["Sophie Leroy", "Hugo Bernard", "Inès Petit"]),
    ("Garage Moreau", "Lille", "Automotive", ["Thomas Moreau"]),
    ("Hôtel du Lac", "Annecy", "Hospitality", ["Claire Fontaine", "Julien Roux"]),
    ("Pharmacie Centrale", "Bordeaux", "Health", ["Nathalie Girard"]),
    ("Studio Graphique Lumière", "Marseille", "Design", ["Emma Blanc", "Noah Garnier"]),
    ("Transports Lefèvre", "Rouen", "Logistics", ["Antoine Lefèvre"]),
]


def demo_crm_fill(*, actor) -> int:
    """Fill an empty tenant with demo accounts and contacts; returns how many accounts were created."""
    if Account.objects.exists():
        return 0
    with transaction.atomic(), pghistory.context(user=actor.pk, source=RecordSource.IMPORT):
        for index, (name, city, industry, people) in enumerate(ACCOUNTS):
            account = services.account_create(actor=actor, source=RecordSource.IMPORT, fields={
                "name": name, "billing_city": city, "industry": industry, "phone": f"01 23 45 67 {index:02d}"})
            for person in people:
                first, last = person.split(" ", 1)
                services.contact_create(actor=actor, source=RecordSource.IMPORT, fields={
                    "first_name": first, "last_name": last, "account": account,
                    "email": f"{slugify(first)}.{slugify(last)}@example.com", "job_title": "Manager"})
            if index % 2 == 0:
                tags.tag_add(actor=actor, record=account, name="VIP" if index % 4 == 0 else "Prospect")
                comments.comment_add(actor=actor, record=account, body=f"Called {name}: interested in a demo.")
                activities.activity_create(actor=actor, subject=f"Follow up with {name}", records=[account])
    return len(ACCOUNTS)
