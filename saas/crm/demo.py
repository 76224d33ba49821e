"""Demo data for the demo tenant: a few accounts with contacts, comments, tags and activities."""

import pghistory
from django.db import transaction
from django.utils.text import slugify
from stdnum import luhn

from saas.crm import services
from saas.crm.models import Account
from saas.records.enums import RecordSource
from saas.records.services import activities, comments, tags

TRADES = [("Boulangerie", "Food"), ("Atelier", "Manufacturing"), ("Cabinet", "Accounting"), ("Garage", "Automotive"),
          ("Hôtel", "Hospitality"), ("Pharmacie", "Health"), ("Studio", "Design"), ("Transports", "Logistics"),
          ("Menuiserie", "Construction"), ("Agence", "Marketing")]
CITIES = ["Lyon", "Nantes", "Paris", "Lille", "Annecy", "Bordeaux", "Marseille", "Rouen", "Toulouse", "Rennes",
          "Montpellier", "Strasbourg", "Dijon"]
POSTAL_CODES = {"Lyon": "69002", "Nantes": "44000", "Paris": "75011", "Lille": "59000", "Annecy": "74000",
                "Bordeaux": "33000", "Marseille": "13001", "Rouen": "76000", "Toulouse": "31000", "Rennes": "35000",
                "Montpellier": "34000", "Strasbourg": "67000", "Dijon": "21000"}
FAMILY_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
                "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
                "Morel", "Girard", "André", "Mercier", "Blanc"]
FIRST_NAMES = ["Marie", "Paul", "Sophie", "Hugo", "Inès", "Thomas", "Claire", "Julien", "Nathalie", "Emma", "Noah",
               "Antoine", "Léa", "Lucas", "Chloé"]
# 25 accounts with 2 or 3 contacts each: with the converted demo leads, about 30 accounts and 60 contacts.
ACCOUNTS = [
    (f"{TRADES[i % len(TRADES)][0]} {FAMILY_NAMES[i]}", CITIES[i % len(CITIES)], TRADES[i % len(TRADES)][1],
     [f"{FIRST_NAMES[(i * 3 + j) % len(FIRST_NAMES)]} {FAMILY_NAMES[(i + j * 7) % len(FAMILY_NAMES)]}"
      for j in range(2 + (i % 3 == 0))])
    for i in range(len(FAMILY_NAMES))
]


def demo_crm_fill(*, actor) -> int:
    """Fill an empty tenant with demo accounts and contacts; returns how many accounts were created."""
    if Account.objects.exists():
        return 0
    with transaction.atomic(), pghistory.context(user=actor.pk, source=RecordSource.IMPORT):
        for index, (name, city, industry, people) in enumerate(ACCOUNTS):
            account = services.account_create(actor=actor, source=RecordSource.IMPORT, fields={
                "name": name, "billing_street": f"{index + 1} rue de la République", "billing_city": city,
                "billing_postal_code": POSTAL_CODES[city], "siren": _demo_siren(index), "industry": industry,
                "phone": f"01 23 45 67 {index:02d}"})
            for person in people:
                first, last = person.split(" ", 1)
                services.contact_create(actor=actor, source=RecordSource.IMPORT, fields={
                    "first_name": first, "last_name": last, "account": account,
                    "email": f"{slugify(first)}.{slugify(last)}@example.com", "job_title": "Manager"})
            if index % 2 == 0:
                tags.tag_add(actor=actor, record=account, name="VIP" if index % 4 == 0 else "Prospect")
                comments.comment_add(actor=actor, record=account, body=f"Called {name}: interested in a demo.")
                activities.activity_create(actor=actor, subject=f"Follow up with {name}", records=[account])
        _demo_pipeline(actor)
    return len(ACCOUNTS)


def _demo_siren(index: int) -> str:
    """A well-formed SIREN (Luhn check digit) that belongs to no real company we know of."""
    base = f"9{index:07d}"
    return base + luhn.calc_check_digit(base)


LEADS = [("Camille", "Durand", "Durand Paysage", "Tours"), ("Léa", "Mercier", "Mercier Conseil", "Dijon"),
         ("Hugo", "Lambert", "Lambert Menuiserie", "Brest"), ("Chloé", "Faure", "Faure Immobilier", "Nice"),
         ("Louis", "Rousseau", "Rousseau BTP", "Metz"), ("Manon", "Vincent", "Cabinet Vincent", "Reims"),
         ("Arthur", "Muller", "Muller Électricité", "Strasbourg"), ("Jade", "Lefebvre", "Jade Cosmétiques", "Pau"),
         ("Gabriel", "Fournier", "Fournier Transports", "Amiens"), ("Alice", "Girard", "Girard Traiteur", "Caen"),
         ("Raphaël", "Bonnet", "Bonnet Optique", "Limoges"), ("Louise", "Dupuis", "Dupuis Architecture", "Angers"),
         ("Jules", "Lemoine", "Lemoine Imprimerie", "Nancy"), ("Rose", "Chevalier", "Chevalier Fleurs", "Toulon"),
         ("Adam", "Robin", "Robin Informatique", "Grenoble"), ("Anna", "Gauthier", "Gauthier Avocats", "Rennes"),
         ("Paul", "Masson", "Masson Auto", "Orléans"), ("Lina", "Marchand", "Marchand Textile", "Roubaix"),
         ("Nathan", "Duval", "Duval Énergie", "Le Mans"), ("Eva", "Denis", "Denis Boulangerie", "Besançon")]


def _demo_pipeline(actor) -> None:
    from decimal import Decimal

    from saas.crm import leads
    from saas.crm.models import DealStage, LeadSource, LeadStatus

    sources = list(LeadSource.values)
    for index, (first, last, company, city) in enumerate(LEADS):
        lead = leads.lead_create(actor=actor, source=RecordSource.IMPORT, fields={
            "first_name": first, "last_name": last, "company": company, "city": city,
            "email": f"{slugify(first)}@{slugify(company)}.example.com", "lead_source": sources[index % len(sources)]})
        if index % 4 == 1:
            leads.lead_set_status(actor=actor, lead=lead, status=LeadStatus.CONTACTED)
        elif index % 4 == 2:
            leads.lead_convert(actor=actor, lead=lead, create_deal=True,
                               deal_fields={"amount": Decimal(2500 + 750 * index), "probability": 20})
    stages = [DealStage.QUALIFICATION, DealStage.PROPOSAL, DealStage.NEGOTIATION, DealStage.WON, DealStage.LOST]
    for index, account in enumerate(Account.objects.order_by("id")[:10]):
        deal = leads.deal_create(actor=actor, source=RecordSource.IMPORT, fields={
            "name": f"Équipement {account.name}", "account": account, "amount": Decimal(1200 * (index + 1)),
            "probability": 30})
        target = stages[index % len(stages)]
        path = {DealStage.QUALIFICATION: [DealStage.QUALIFICATION],
                DealStage.PROPOSAL: [DealStage.PROPOSAL],
                DealStage.NEGOTIATION: [DealStage.PROPOSAL, DealStage.NEGOTIATION],
                DealStage.WON: [DealStage.PROPOSAL, DealStage.WON],
                DealStage.LOST: [DealStage.LOST]}[target]
        for stage in path:
            deal = leads.deal_move(actor=actor, deal=deal, stage=stage)
